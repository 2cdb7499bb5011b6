// SPDX-License-Identifier: GPL-3.0-or-later
// A plain HTTP test server for the uploader's HttpClient (tests/contract/TestHttpClient.cpp):
// echoes what arrived (method, headers, body hash, multipart parts), answers redirects, large
// and slow bodies on request, and serves HTTPS with an untrusted self-signed certificate
// (tls/untrusted-cert.pem) on a second port, so TLS verification can be shown to refuse it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMultipart, readBody, sendJson, serve } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
let httpsUrl = null;
let httpsRequests = 0;

async function handle(req, res, url) {
    if (url.pathname === '/__control/state') return sendJson(res, 200, { https_url: httpsUrl, https_requests: httpsRequests });
    if (url.pathname === '/__control/reset') {
        httpsRequests = 0;
        server.keepAliveTimeout = 1000;
        return sendJson(res, 200, {});
    }
    if (url.pathname === '/__control/keepalive') {
        // How long an idle keep-alive connection stays open before the server closes it.
        const body = await readBody(req);
        server.keepAliveTimeout = body.length ? JSON.parse(body.toString('utf8')).ms : 1000;
        return sendJson(res, 200, { keep_alive_ms: server.keepAliveTimeout });
    }
    if (url.pathname === '/echo') {
        const body = await readBody(req);
        const out = { method: req.method, headers: req.headers, length: body.length, sha256: sha256(body),
            remote_port: req.socket.remotePort };
        if ((req.headers['content-type'] || '').startsWith('multipart/form-data')) {
            out.parts = parseMultipart(req, body).map((p) => ({
                name: p.name,
                filename: p.filename,
                content_type: p.contentType,
                length: p.data.length,
                sha256: sha256(p.data),
                text: p.filename === null ? p.data.toString('utf8') : null,
            }));
        }
        return sendJson(res, 200, out);
    }
    if (url.pathname === '/redirect') {
        res.writeHead(302, { location: '/echo', 'content-length': 0 });
        return res.end();
    }
    if (url.pathname === '/large') {
        const n = Number(url.searchParams.get('bytes') || '0');
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
        return res.end(Buffer.alloc(n, 0x61));
    }
    if (url.pathname === '/slow') {
        const ms = Number(url.searchParams.get('ms') || '0');
        await new Promise((r) => setTimeout(r, ms));
        return sendJson(res, 200, { slept: ms });
    }
    return sendJson(res, 404, { error: 'no such test route' });
}

const server = serve(handle);

const tls = https.createServer(
    {
        key: fs.readFileSync(path.join(here, 'tls/untrusted-key.pem')),
        cert: fs.readFileSync(path.join(here, 'tls/untrusted-cert.pem')),
    },
    (req, res) => {
        httpsRequests += 1;
        sendJson(res, 200, { reached: true });
    },
);
tls.listen(0, '127.0.0.1', () => {
    httpsUrl = `https://127.0.0.1:${tls.address().port}`;
});
process.on('SIGTERM', () => tls.close());
