// SPDX-License-Identifier: GPL-3.0-or-later
// Shared plumbing of the platform contract servers (tests/contract/*.mjs). Node's own http
// module only: no npm package, so the servers run on any Node >= 18 without an install.
//
// Every server:
//  - listens on 127.0.0.1 on a free port and prints one JSON line {"url": "..."} to stdout
//    when ready (run_contract.sh waits for it);
//  - answers the platform's documented API (see the server's header comment for the sources);
//  - has test-only control routes under /__control/ (state, reset, faults) that the C++ tests
//    call; the uploader never calls them.
import fs from 'node:fs';
import http from 'node:http';

/** readBody collects a request body, refusing more than `limit` bytes with 413. */
export function readBody(req, limit = 64 << 20) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
            size += c.length;
            if (size > limit) {
                reject(Object.assign(new Error('body too large'), { status: 413 }));
                req.destroy();
                return;
            }
            chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
    });
}

/** sendJson answers with a JSON body and extra headers. */
export function sendJson(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...headers,
    });
    res.end(text);
}

/** dropConnection closes the socket without any answer (the "request sent, no answer" case). */
export function dropConnection(res) {
    res.socket.destroy();
}

/** bearer returns the token of an `Authorization: Bearer ...` header, or null. */
export function bearer(req) {
    const h = req.headers['authorization'] || '';
    const m = /^Bearer (.+)$/.exec(h);
    return m ? m[1] : null;
}

/**
 * parseMultipart splits a multipart/form-data body (Buffer) into parts
 * {name, filename, contentType, data: Buffer}. Strict enough for tests: a malformed body throws.
 */
export function parseMultipart(req, body) {
    const type = req.headers['content-type'] || '';
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
    if (!/^multipart\/form-data/i.test(type) || !m) throw new Error('not multipart/form-data');
    const boundary = Buffer.from('--' + (m[1] || m[2]));
    const parts = [];
    let pos = body.indexOf(boundary);
    if (pos !== 0) throw new Error('multipart body does not start with the boundary');
    for (;;) {
        pos += boundary.length;
        if (body.slice(pos, pos + 2).toString() === '--') break;
        if (body.slice(pos, pos + 2).toString() !== '\r\n') throw new Error('bad multipart delimiter');
        pos += 2;
        const headerEnd = body.indexOf('\r\n\r\n', pos);
        if (headerEnd < 0) throw new Error('multipart part without headers end');
        const headers = body.slice(pos, headerEnd).toString('utf8').split('\r\n');
        const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
        if (next < 0) throw new Error('multipart part without closing boundary');
        const part = { name: null, filename: null, contentType: null, data: body.slice(headerEnd + 4, next) };
        for (const h of headers) {
            const [k, ...v] = h.split(':');
            const value = v.join(':').trim();
            if (k.toLowerCase() === 'content-disposition') {
                const n = /\bname="([^"]*)"/.exec(value);
                const f = /\bfilename="([^"]*)"/.exec(value);
                part.name = n ? n[1] : null;
                part.filename = f ? f[1] : null;
            } else if (k.toLowerCase() === 'content-type') {
                part.contentType = value;
            }
        }
        parts.push(part);
        pos = next + 2;
    }
    return parts;
}

/**
 * serve starts a server whose `handler(req, res, url)` may be async; an exception answers 500
 * with the message (so a server bug shows up in the test output, not as a hang).
 */
export function serve(handler) {
    const server = http.createServer(async (req, res) => {
        const url = new URL(req.url, 'http://127.0.0.1');
        try {
            await handler(req, res, url);
        } catch (e) {
            if (!res.headersSent) sendJson(res, e.status || 500, { contract_server_error: String(e.message || e) });
            else res.destroy();
        }
    });
    server.keepAliveTimeout = 1000;
    server.listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
    });
    const stop = () => server.close(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return server;
}

/**
 * documentedAnswer reads a platform's documented example answer, answers/<platform>/<name>
 * (see answers/SOURCES.md), parsed afresh for each use so a caller may substitute ids, URLs and
 * times in place. A missing or unparseable file throws: a server never falls back to a
 * hand-made body.
 */
const documentedText = new Map();
export function documentedAnswer(platform, name) {
    const key = `${platform}/${name}`;
    if (!documentedText.has(key))
        documentedText.set(key, fs.readFileSync(new URL(`./answers/${key}`, import.meta.url), 'utf8'));
    return JSON.parse(documentedText.get(key));
}

/** documentedHeaders reads answers/<platform>/<name>.headers: "name: value" lines, names lowercased. */
export function documentedHeaders(platform, name) {
    const text = fs.readFileSync(new URL(`./answers/${platform}/${name}`, import.meta.url), 'utf8');
    const out = {};
    for (const line of text.split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    return out;
}
