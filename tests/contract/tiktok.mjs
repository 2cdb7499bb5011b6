// SPDX-License-Identifier: GPL-3.0-or-later
// Contract server: TikTok Content Posting API, Direct Post, as documented (Node built-ins only).
//
// Sources (summarised in /work/shared/reference/platform-apis.md section 1):
//  - https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
//    (creator_info/query, video/init, error codes, rate limits per token per minute)
//  - https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide
//    (chunk rules, PUT with Content-Range, sequential upload)
//  - https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
//    (status/fetch, statuses, fail_reason, publicaly_available_post_id, uploaded_bytes)
//  - https://developers.tiktok.com/doc/tiktok-api-v2-error-handling (the error envelope)
//  - https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token (refresh, rotation)
//
// Where the documentation is silent this server picks the stricter reading and says so:
// chunk bounds use the stricter of 10^6 / 2^20 for "MB"; a chunk PUT answers 206, the last
// one 201 (community code, unverified), a wrong or out-of-order Content-Range 416; unknown
// members of post_info / source_info are refused as invalid_param; a creator's disabled
// comments / duets / stitches must stay disabled (content-sharing guidelines); an upload_url
// dies after one hour. The 429 carries no rate-limit header (none is documented).
//
// Every answer body is one of the files in answers/tiktok/ (see answers/SOURCES.md: the
// status/fetch FAILED example is TikTok's own; the others are built from the documented field
// tables, as TikTok's example bodies could not be retrieved), with only ids, URLs, times, byte
// counts and what the test set (account, fail_reason, error code and message) substituted.
//
// Control routes (tests only): GET /__control/state, POST /__control/reset,
//   /__control/account {creator_username, privacy_level_options, comment_disabled, ...}
//   /__control/expire {}                    every access token expires now
//   /__control/fault {op, fault, count, chunk}  op "POST /v2/post/publish/video/init/",
//       "PUT /upload/video/" (chunk: 0-based index or "last"), ...; fault "drop-before-commit",
//       "drop-after-commit", "5xx", "rate-limit", or "error" with {status, code, message} (an
//       answer in the v2 envelope, e.g. HTTP 200 with a code other than "ok")
//   /__control/clear-faults {}              forget the faults not yet used
//   /__control/processing {polls, result, fail_reason, with_post_id, interim}  interim: the status
//       reported while processing (PROCESSING_UPLOAD, or PROCESSING_DOWNLOAD as for PULL_FROM_URL)
//   /__control/daily-cap {remaining}        inits left today (null: no cap)
//   /__control/advance {ms}                 move the server's clock (rate-limit windows, expiry)
//   /__control/upload-expiry {status, fail_reason}  what status/fetch reports for a publish whose
//       upload_url expired before its last byte: "PROCESSING_UPLOAD" (the default: the docs say
//       nothing, so the attempt just never completes) or "FAILED" with fail_reason (a reason
//       string TikTok does not document; the adapter does not depend on it)
import crypto from 'node:crypto';
import { serve, readBody, sendJson, dropConnection, bearer, documentedAnswer } from './lib.mjs';

const doc = (name) => documentedAnswer('tiktok', name);

const MIB = 1024 * 1024;
const MIN_CHUNK = 5 * MIB;
const MAX_CHUNK = 64_000_000;
const MAX_LAST_CHUNK = 128_000_000;
const MAX_CHUNKS = 1000;
const MAX_VIDEO = 4 * 1024 ** 3;
const CLIENT_KEY = 'ck-postern-test';
const CLIENT_SECRET = 'cs-postern-test';
const PER_MINUTE = {
    '/v2/post/publish/creator_info/query/': 20,
    '/v2/post/publish/video/init/': 6,
    '/v2/post/publish/status/fetch/': 30,
};
const POST_INFO_FIELDS = new Set(['title', 'privacy_level', 'disable_duet', 'disable_comment', 'disable_stitch',
    'video_cover_timestamp_ms', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc']);
const PRIVACY = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];
const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'];

let state;
function reset() {
    state = {
        offsetMs: 0,
        account: {
            open_id: 'open-id-press',
            creator_username: 'press.example',
            creator_nickname: 'Press Office',
            creator_avatar_url: 'https://p16.tiktokcdn.example/avatar.jpeg',
            privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
            comment_disabled: false,
            duet_disabled: false,
            stitch_disabled: false,
            max_video_post_duration_sec: 600,
        },
        access: new Map([['act.initial', { expiresAt: Date.now() + 86400e3 }]]),
        refresh: new Map([['rft.initial', { valid: true }]]),
        publishes: new Map(),
        faults: [],
        processing: { polls: 1, result: 'PUBLISH_COMPLETE', fail_reason: '', with_post_id: true, interim: 'PROCESSING_UPLOAD' },
        dailyCap: null,
        uploadExpiry: { status: 'PROCESSING_UPLOAD', fail_reason: '' },
        windows: new Map(),
        log: [],
        seq: 0,
    };
}
reset();

const now = () => Date.now() + state.offsetMs;
const logId = () => crypto.randomBytes(12).toString('hex').toUpperCase();
// The documented error envelope (error-*.json): data {} and error {code, message, log_id}; a
// documented file per code where there is one, else the access_token_invalid one with the code.
const ERROR_FILES = {
    access_token_invalid: 'error-access_token_invalid-401.json',
    rate_limit_exceeded: 'error-rate_limit_exceeded-429.json',
    spam_risk_too_many_posts: 'error-spam_risk_too_many_posts-403.json',
};
function envelope(code, message = '', data = {}) {
    const e = doc(ERROR_FILES[code] ?? 'error-access_token_invalid-401.json');
    if (!ERROR_FILES[code]) e.error.code = code;
    if (message || !ERROR_FILES[code]) e.error.message = message;
    e.error.log_id = logId();
    e.data = data;
    return e;
}
/** ok is a documented success answer with its data substituted and a fresh log_id. */
function ok(name, data) {
    const e = doc(name);
    Object.assign(e.data, data);
    e.error.log_id = logId();
    return { status: 200, body: e };
}
const answer = (status, code, message, data) => ({ status, body: envelope(code, message, data) });
const invalid = (message) => answer(400, 'invalid_param', message);

function takeFault(op, extra = () => true) {
    const f = state.faults.find((x) => x.op === op && x.count > 0 && extra(x));
    if (!f) return null;
    f.count -= 1;
    return f;
}

function checkAuth(req) {
    const token = bearer(req);
    const t = token && state.access.get(token);
    if (!t || t.expiresAt <= now())
        return answer(401, 'access_token_invalid', ''); // documented message
    return null;
}

function rateLimited(path, token) {
    const limit = PER_MINUTE[path];
    if (!limit) return null;
    const key = path + ' ' + token;
    const seen = (state.windows.get(key) || []).filter((t) => t > now() - 60e3);
    state.windows.set(key, seen);
    if (seen.length >= limit)
        return answer(429, 'rate_limit_exceeded', ''); // documented message
    seen.push(now());
    return null;
}

function jsonBody(req, raw) {
    if (!/^application\/json/i.test(req.headers['content-type'] || '')) return [null, invalid('Content-Type must be application/json')];
    try {
        const v = JSON.parse(raw.toString('utf8'));
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return [null, invalid('the body must be a JSON object')];
        return [v, null];
    } catch (e) {
        return [null, invalid('the body is not JSON: ' + e.message)];
    }
}

/** checkChunks applies the media transfer guide's rules to a FILE_UPLOAD source_info. */
function checkChunks(size, chunk, count) {
    if (!Number.isSafeInteger(size) || size < 1 || size > MAX_VIDEO) return 'video_size must be 1 byte to 4 GB';
    if (!Number.isSafeInteger(chunk) || chunk < 1 || chunk > size) return 'chunk_size must be 1 to video_size';
    if (count !== Math.floor(size / chunk)) return 'total_chunk_count must be floor(video_size / chunk_size)';
    if (count < 1 || count > MAX_CHUNKS) return 'total_chunk_count must be 1 to 1000';
    const last = size - (count - 1) * chunk;
    if (count === 1) {
        if (size > MAX_CHUNK) return 'a video over 64 MB must be uploaded in several chunks';
        if (chunk !== size && size < MIN_CHUNK) return 'a video under 5 MB is one chunk with chunk_size = video_size';
        if (chunk !== size && chunk < MIN_CHUNK) return 'chunk_size must be at least 5 MB';
        return null;
    }
    if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) return 'chunk_size must be 5 MB to 64 MB';
    if (last > MAX_LAST_CHUNK) return 'the last chunk may be at most 128 MB';
    return null;
}

function creatorInfo(req, raw) {
    if (raw.length && raw.toString('utf8').trim() !== '{}') return invalid('creator_info/query takes an empty body');
    const a = state.account;
    return ok('creator-info-200.json', {
        creator_avatar_url: a.creator_avatar_url,
        creator_username: a.creator_username,
        creator_nickname: a.creator_nickname,
        privacy_level_options: a.privacy_level_options,
        comment_disabled: a.comment_disabled,
        duet_disabled: a.duet_disabled,
        stitch_disabled: a.stitch_disabled,
        max_video_post_duration_sec: a.max_video_post_duration_sec,
    });
}

function videoInit(req, raw) {
    const [body, bad] = jsonBody(req, raw);
    if (bad) return bad;
    for (const k of Object.keys(body)) if (k !== 'post_info' && k !== 'source_info') return invalid(`unknown field ${k}`);
    const p = body.post_info;
    const s = body.source_info;
    if (typeof p !== 'object' || p === null) return invalid('post_info is required');
    if (typeof s !== 'object' || s === null) return invalid('source_info is required');
    for (const k of Object.keys(p)) if (!POST_INFO_FIELDS.has(k)) return invalid(`unknown field post_info.${k}`);
    if (!PRIVACY.includes(p.privacy_level)) return invalid('post_info.privacy_level is required');
    if (p.title !== undefined && (typeof p.title !== 'string' || p.title.length > 2200))
        return invalid('post_info.title must be at most 2200 UTF-16 runes');
    for (const k of ['disable_duet', 'disable_comment', 'disable_stitch', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc'])
        if (p[k] !== undefined && typeof p[k] !== 'boolean') return invalid(`post_info.${k} must be a boolean`);
    if (p.brand_content_toggle && p.privacy_level === 'SELF_ONLY') return invalid('branded content cannot be SELF_ONLY');
    const a = state.account;
    if (!a.privacy_level_options.includes(p.privacy_level))
        return answer(403, 'privacy_level_option_mismatch', 'privacy_level is not one of the creator\'s options');
    for (const [flag, field] of [['comment_disabled', 'disable_comment'], ['duet_disabled', 'disable_duet'], ['stitch_disabled', 'disable_stitch']])
        if (a[flag] && p[field] !== true) return invalid(`the creator has ${flag}; post_info.${field} must be true`);
    for (const k of Object.keys(s))
        if (!['source', 'video_size', 'chunk_size', 'total_chunk_count'].includes(k)) return invalid(`unknown field source_info.${k}`);
    if (s.source !== 'FILE_UPLOAD') return invalid('source_info.source must be FILE_UPLOAD or PULL_FROM_URL (not offered here)');
    const why = checkChunks(s.video_size, s.chunk_size, s.total_chunk_count);
    if (why) return invalid(why);
    if (state.dailyCap !== null) {
        if (state.dailyCap <= 0)
            return answer(403, 'spam_risk_too_many_posts', ''); // documented message
        state.dailyCap -= 1;
    }
    state.seq += 1;
    const id = `v_pub_file~v2-1.${7300000000000000000n + BigInt(state.seq)}`;
    const token = crypto.randomBytes(16).toString('hex');
    const pub = {
        publish_id: id,
        upload_id: String(state.seq),
        upload_token: token,
        url_expires: now() + 3600e3,
        post_info: p,
        source_info: s,
        content_type: null,
        received: 0,
        chunks: [],
        hash: crypto.createHash('sha256'),
        sha256: null,
        status: 'PROCESSING_UPLOAD',
        polls_left: 0,
        final: null,
        post_id: null,
    };
    state.publishes.set(id, pub);
    const base = `http://${req.headers.host}`;
    return ok('video-init-200-file-upload.json', { publish_id: id, upload_url: `${base}/upload/video/?upload_id=${pub.upload_id}&upload_token=${token}` });
}

function statusFetch(req, raw) {
    const [body, bad] = jsonBody(req, raw);
    if (bad) return bad;
    const pub = typeof body.publish_id === 'string' && state.publishes.get(body.publish_id);
    if (!pub) return invalid('publish_id does not exist');
    if (pub.status === 'PROCESSING_UPLOAD' && pub.sha256 === null && pub.url_expires <= now()
        && state.uploadExpiry.status === 'FAILED') {
        // The upload link died before the last byte: this attempt is over and never publishes.
        pub.status = 'FAILED';
        pub.final = { result: 'FAILED', fail_reason: state.uploadExpiry.fail_reason };
    }
    let shown = pub.status;
    if (pub.status === 'PROCESSING_UPLOAD' && pub.sha256 !== null) {
        if (pub.polls_left > 0) {
            pub.polls_left -= 1;
            shown = pub.final.interim ?? 'PROCESSING_UPLOAD';
        } else {
            pub.status = pub.final.result;
            if (pub.status === 'PUBLISH_COMPLETE' && pub.final.with_post_id) pub.post_id = String(7264896578939652354n + BigInt(state.seq) * 1000n + BigInt(pub.upload_id));
            shown = pub.status;
        }
    }
    // The answer for this status (status-fetch-<STATUS>.json), with the byte counts, fail_reason
    // and post id substituted.
    const file = shown === 'PUBLISH_COMPLETE' && !pub.post_id ? 'status-fetch-PUBLISH_COMPLETE-private.json' : `status-fetch-${shown}.json`;
    const out = ok(file, {});
    const data = out.body.data;
    if ('uploaded_bytes' in data) data.uploaded_bytes = pub.received;
    if ('downloaded_bytes' in data) data.downloaded_bytes = pub.received;
    if (shown === 'FAILED') data.fail_reason = pub.final.fail_reason;
    // int64 ids beyond 2^53: written as bare digits by sendInt64 (JSON numbers, as documented).
    if (shown === 'PUBLISH_COMPLETE' && pub.post_id) data.publicaly_available_post_id = [`__int64:${pub.post_id}`];
    return out;
}

/** oauthError is the documented OAuth error (oauth-token-error-invalid_grant.json) with ours substituted. */
function oauthError(res, status, error, description) {
    sendJson(res, status, { ...doc('oauth-token-error-invalid_grant.json'), error, error_description: description, log_id: logId() });
}

async function token(req, res) {
    const raw = await readBody(req, 64 << 10);
    const fault = takeFault('POST /v2/oauth/token/')?.fault;
    if (fault === 'drop-before-commit') return dropConnection(res);
    if (!/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] || ''))
        return oauthError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    const f = new URLSearchParams(raw.toString('utf8'));
    if (f.get('client_key') !== CLIENT_KEY || f.get('client_secret') !== CLIENT_SECRET)
        return oauthError(res, 401, 'invalid_client', 'Client key or secret is invalid.');
    if (f.get('grant_type') !== 'refresh_token')
        return oauthError(res, 400, 'unsupported_grant_type', 'grant_type must be refresh_token here.');
    const old = state.refresh.get(f.get('refresh_token') || '');
    if (!old || !old.valid)
        return oauthError(res, 400, 'invalid_grant', 'Refresh token is invalid or expired.');
    // Rotation: the old refresh token stops working once a new one is issued.
    old.valid = false;
    state.seq += 1;
    const access = `act.${state.seq}.${crypto.randomBytes(8).toString('hex')}`;
    const refresh = `rft.${state.seq}.${crypto.randomBytes(8).toString('hex')}`;
    state.access.set(access, { expiresAt: now() + 7200e3 });
    state.refresh.set(refresh, { valid: true });
    if (fault === 'drop-after-commit') return dropConnection(res);
    // The refresh answer (oauth-token-refresh-200.json: 2 h / 180 days) with our tokens and open_id.
    sendJson(res, 200, { ...doc('oauth-token-refresh-200.json'), access_token: access, refresh_token: refresh, open_id: state.account.open_id });
}

const API = {
    '/v2/post/publish/creator_info/query/': creatorInfo,
    '/v2/post/publish/video/init/': videoInit,
    '/v2/post/publish/status/fetch/': statusFetch,
};

async function api(req, res, path) {
    const op = `POST ${path}`;
    const raw = await readBody(req, 1 << 20);
    const entry = { method: 'POST', path, token: bearer(req) };
    state.log.push(entry);
    // The token is checked at the edge: faults are injected into authorised requests only.
    const denied = checkAuth(req);
    if (denied) {
        entry.status = denied.status;
        entry.code = denied.body.error.code;
        return sendJson(res, denied.status, denied.body);
    }
    const f = takeFault(op);
    const fault = f?.fault;
    if (fault === 'error') { entry.status = f.status; entry.code = f.code; return sendJson(res, f.status, envelope(f.code, f.message || 'Injected error.')); }
    if (fault === 'drop-before-commit') { entry.status = 'dropped'; return dropConnection(res); }
    if (fault === '5xx') { entry.status = 500; return sendJson(res, 500, envelope('internal_error', 'Something went wrong. Please try again later.')); }
    if (fault === 'rate-limit') { entry.status = 429; return sendJson(res, 429, envelope('rate_limit_exceeded')); }
    const out = rateLimited(path, bearer(req)) || API[path](req, raw);
    entry.status = out.status;
    entry.code = out.body.error.code;
    if (fault === 'drop-after-commit') { entry.status = 'dropped-after-commit'; return dropConnection(res); }
    sendInt64(res, out.status, out.body);
}

/** sendInt64 is sendJson with "__int64:<digits>" strings written as bare JSON integers. */
function sendInt64(res, status, body) {
    const text = JSON.stringify(body).replace(/"__int64:(\d+)"/g, '$1');
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
}

async function upload(req, res, url) {
    const pub = [...state.publishes.values()].find((p) => p.upload_id === url.searchParams.get('upload_id'));
    const entry = { method: 'PUT', path: url.pathname, range: req.headers['content-range'] || null };
    state.log.push(entry);
    const reply = (status, code, message) => { entry.status = status; entry.code = code; sendJson(res, status, envelope(code, message)); };
    if (!pub || pub.upload_token !== url.searchParams.get('upload_token') || pub.url_expires <= now()) {
        await readBody(req, MAX_LAST_CHUNK + 1).catch(() => null);
        return reply(404, 'invalid_file_upload', 'The upload_url is unknown or expired.');
    }
    const index = pub.chunks.length;
    const count = pub.source_info.total_chunk_count;
    const isLast = index === count - 1;
    const fault = takeFault('PUT /upload/video/', (f) => f.chunk === undefined || f.chunk === index || (f.chunk === 'last' && isLast))?.fault;
    entry.chunk = index;
    if (fault === 'drop-before-commit') { entry.status = 'dropped'; return dropConnection(res); }
    const raw = await readBody(req, MAX_LAST_CHUNK + 1);
    if (fault === '5xx') return reply(500, 'internal_error', 'Something went wrong. Please try again later.');
    if (fault === 'rate-limit') return reply(429, 'rate_limit_exceeded', '');
    const type = req.headers['content-type'] || '';
    if (!VIDEO_TYPES.includes(type)) return reply(400, 'invalid_file_upload', 'Content-Type must be video/mp4, video/quicktime or video/webm.');
    if (pub.content_type && pub.content_type !== type) return reply(400, 'invalid_file_upload', 'Content-Type changed between chunks.');
    if (pub.sha256 !== null) return reply(416, 'invalid_file_upload', 'The upload is already complete.');
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] || '');
    const size = pub.source_info.video_size;
    const chunk = pub.source_info.chunk_size;
    const first = index * chunk;
    const length = isLast ? size - first : chunk;
    if (!m || Number(m[3]) !== size || Number(m[1]) !== first || Number(m[2]) !== first + length - 1)
        return reply(416, 'invalid_file_upload',
            `Content-Range must be "bytes ${first}-${first + length - 1}/${size}" (chunks are uploaded in order).`);
    if (Number(req.headers['content-length']) !== length || raw.length !== length)
        return reply(400, 'invalid_file_upload', 'Content-Length does not match the Content-Range.');
    pub.content_type = type;
    pub.hash.update(raw);
    pub.received += raw.length;
    pub.chunks.push(raw.length);
    if (isLast) {
        pub.sha256 = pub.hash.digest('hex');
        pub.final = { ...state.processing };
        pub.polls_left = state.processing.polls;
    }
    if (fault === 'drop-after-commit') { entry.status = 'dropped-after-commit'; return dropConnection(res); }
    reply(isLast ? 201 : 206, 'ok', '');
}

function publicState() {
    const pubs = [...state.publishes.values()].map((p) => ({
        publish_id: p.publish_id, status: p.status, post_id: p.post_id, post_info: p.post_info,
        source_info: p.source_info, content_type: p.content_type, received: p.received, chunks: p.chunks,
        sha256: p.sha256, fail_reason: p.final && p.status === 'FAILED' ? p.final.fail_reason : null,
    }));
    return {
        // A post exists once its upload is complete: TikTok publishes it (or fails it) on its own.
        posts: pubs.filter((p) => p.sha256 !== null),
        publishes: pubs,
        valid_refresh_tokens: [...state.refresh.entries()].filter(([, v]) => v.valid).map(([k]) => k),
        requests: state.log,
        daily_cap: state.dailyCap,
    };
}

async function control(req, res, name) {
    const raw = req.method === 'POST' ? await readBody(req, 1 << 20) : Buffer.alloc(0);
    const body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    switch (name) {
        case 'state': return sendJson(res, 200, publicState());
        case 'reset': reset(); break;
        case 'account': Object.assign(state.account, body); break;
        case 'expire': for (const t of state.access.values()) t.expiresAt = now(); break;
        case 'fault': state.faults.push({ count: 1, ...body }); break;
        case 'clear-faults': state.faults = []; break;
        case 'processing': Object.assign(state.processing, body); break;
        case 'daily-cap': state.dailyCap = body.remaining ?? null; break;
        case 'upload-expiry': Object.assign(state.uploadExpiry, body); break;
        case 'advance': state.offsetMs += Number(body.ms || 0); break;
        default: return sendJson(res, 404, { error: `no control route ${name}` });
    }
    sendJson(res, 200, {});
}

serve(async (req, res, url) => {
    if (url.pathname.startsWith('/__control/')) return control(req, res, url.pathname.slice('/__control/'.length));
    if (req.method === 'POST' && url.pathname === '/v2/oauth/token/') return token(req, res);
    if (req.method === 'POST' && API[url.pathname]) return api(req, res, url.pathname);
    if (req.method === 'PUT' && url.pathname === '/upload/video/') return upload(req, res, url);
    await readBody(req).catch(() => null);
    sendJson(res, 404, envelope('invalid_params', `no route ${req.method} ${url.pathname}`));
});
