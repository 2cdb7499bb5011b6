// SPDX-License-Identifier: GPL-3.0-or-later
// Contract server for the Bluesky adapter's requests: a small stand-in for a PDS that records
// every record it is asked to create, so the option table test can check what the adapter sent.
// The full behaviour (validation, blobs, crashes) is tested against the reference PDS in
// tests/pds/; this server only answers the XRPC calls as documented:
//   https://docs.bsky.app/docs/api/com-atproto-server-create-session     {did, handle, accessJwt, refreshJwt}
//   https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob          {blob: {$type, ref: {$link}, mimeType, size}}
//   https://docs.bsky.app/docs/api/com-atproto-repo-create-record        {uri, cid}
//   https://docs.bsky.app/docs/api/com-atproto-repo-get-record           {uri, cid, value} or 400 RecordNotFound
//   https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle   {did}
//
// Test-only routes: GET /__control/state {records, requests}, POST /__control/reset.
import { createHash } from 'node:crypto';
import { serve, readBody, sendJson, bearer } from './lib.mjs';

const DID = 'did:plc:contractpress000000000000';
const HANDLE = 'press.bsky.example';
let state;
function reset() {
    state = { records: [], blobs: 0, requests: [], sessions: 0 };
}
reset();

const cid = (text) => 'bafyrei' + createHash('sha256').update(text).digest('hex').slice(0, 52);

serve(async (req, res, url) => {
    const path = url.pathname;
    const body = await readBody(req);
    if (path === '/__control/state') return sendJson(res, 200, state);
    if (path === '/__control/reset') {
        reset();
        return sendJson(res, 200, { ok: true });
    }
    const nsid = path.replace(/^\/xrpc\//, '');
    state.requests.push({ method: req.method, nsid });
    if (nsid === 'com.atproto.server.createSession' || nsid === 'com.atproto.server.refreshSession') {
        state.sessions += 1;
        return sendJson(res, 200, { did: DID, handle: HANDLE, accessJwt: `access-${state.sessions}`,
            refreshJwt: `refresh-${state.sessions}`, active: true });
    }
    if (!bearer(req)) return sendJson(res, 401, { error: 'AuthMissing', message: 'Authentication Required' });
    if (nsid === 'com.atproto.identity.resolveHandle')
        return sendJson(res, 400, { error: 'InvalidRequest', message: 'Unable to resolve handle' });
    if (nsid === 'com.atproto.repo.uploadBlob') {
        state.blobs += 1;
        return sendJson(res, 200, { blob: { $type: 'blob', ref: { $link: cid(body) },
            mimeType: req.headers['content-type'], size: body.length } });
    }
    if (nsid === 'com.atproto.repo.getRecord') {
        const r = state.records.find((x) => x.rkey === url.searchParams.get('rkey'));
        if (!r) return sendJson(res, 400, { error: 'RecordNotFound', message: 'Could not locate record' });
        return sendJson(res, 200, { uri: r.uri, cid: r.cid, value: r.value });
    }
    if (nsid === 'com.atproto.repo.createRecord') {
        const b = JSON.parse(body.toString('utf8'));
        if (state.records.some((x) => x.rkey === b.rkey))
            return sendJson(res, 500, { error: 'InternalServerError', message: 'Internal Server Error' });
        const r = { rkey: b.rkey, uri: `at://${DID}/${b.collection}/${b.rkey}`, cid: cid(JSON.stringify(b.record)),
            value: b.record, validate: b.validate };
        state.records.push(r);
        return sendJson(res, 200, { uri: r.uri, cid: r.cid, commit: { cid: cid(r.cid), rev: '3l3qo2vutsw2b' },
            validationStatus: 'valid' });
    }
    return sendJson(res, 501, { error: 'MethodNotImplemented', message: `${nsid} is not implemented here` });
});
