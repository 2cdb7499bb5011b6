// SPDX-License-Identifier: GPL-3.0-or-later
// Contract server for the X API v2 adapter (src/uploader/XAdapter.cpp), written from the
// documented behaviour summarised in /work/shared/reference/platform-apis.md section 4:
//   auth (OAuth 2.0 user token, refresh with rotation):
//     https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
//   media upload, dedicated v2 paths (OpenAPI https://api.x.com/2/openapi.json) and the legacy
//     command=INIT|APPEND|FINALIZE form of the quickstart:
//     https://docs.x.com/x-api/media/quickstart/media-upload-chunked ,
//     https://docs.x.com/x-api/media/quickstart/best-practices , https://docs.x.com/x-api/media/introduction
//   posts: https://docs.x.com/x-api/posts/manage-tweets/introduction (OpenAPI CreatePostsRequest)
//   counting: https://docs.x.com/fundamentals/counting-characters
//   rate limits and errors: https://docs.x.com/x-api/fundamentals/rate-limits ,
//     https://docs.x.com/x-api/fundamentals/response-codes-and-errors
// Marked [UNVERIFIED] where the reference is silent and we chose: the duplicate-content 403
// wording, the too-long answer, and the listing's rendering of `text` (URLs as t.co links, a
// trailing t.co link for attached media, & < > as HTML entities), which is what X's timelines
// have long shown and what the adapter's matcher must survive.
//
// Every answer body is one of X's documented example answers in answers/x/ (see
// answers/SOURCES.md: verbatim where X documents an example, else built from the OpenAPI schema
// and marked so), with only ids, URLs, times and what the request itself set (text, alt text,
// sizes) substituted; rate-limit headers carry the documented names with this server's values.
//
// Control routes (test only): GET /__control/state; POST /__control/reset;
//   /__control/fault {"op":"POST /2/tweets","fault":"drop-after-commit"|"drop-before-commit"|
//       "rate-limit"|"usage-capped"|"5xx"|"problem","count":1,"reset_in":30,"body":"v1"|"problem",
//       "status":403,"title":"...","detail":"...","type":"..."}   (status..type: fault "problem")
//   /__control/clock {"now": epoch seconds}      the server's idea of now (default: real time)
//   /__control/processing {"polls":2,"check_after_secs":1,"fail":false,"failed_body":"v1.1"|"v2"}
//       video/GIF processing; a failure answers media-upload-status-failed-v1.1-error.json (with
//       processing_info.error) or media-upload-status-failed.json (the v2 schema: no error)
//   /__control/fault {"op":...,"fault":"documented","status":403,"doc":"error-403-client-forbidden.json"}
//       answer a documented error file verbatim
//   /__control/expire-access {}                  every access token expires now
//   /__control/account {"client_secret": "..."}  make the app a confidential client
//   /__control/listing {"lag_secs":0,"render":true}  eventual consistency and text rendering
//   /__control/seed-posts {"count":N,"text":"...","exact":false,"created_at":T}  posts made elsewhere
import { serve, readBody, sendJson, dropConnection, bearer, parseMultipart, documentedAnswer, documentedHeaders } from './lib.mjs';

const doc = (name) => documentedAnswer('x', name);

const MB = 1024 * 1024;
const USER = { id: '1600000000000000001', name: 'Press Office', username: 'pressoffice' };
const CLIENT_ID = 'postern-test-client';
const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4', 'video/quicktime', 'video/webm'];
const CATEGORIES = ['tweet_image', 'tweet_gif', 'tweet_video', 'amplify_video', 'dm_image', 'dm_gif', 'dm_video', 'subtitles'];
const LIMITS = { tweet_image: 5 * MB, tweet_gif: 15 * MB, tweet_video: 512 * MB };
const PROBLEM = 'https://api.x.com/2/problems/';

let s;
function fresh() {
    return {
        clock: null,
        nextId: 1880000000000000000n,
        access: new Map([['x-access-0', Math.floor(Date.now() / 1000) + 7200]]),
        refresh: new Set(['x-refresh-0']),
        clientSecret: '',
        tokenSerial: 0,
        refreshes: 0,
        media: new Map(),
        tweets: [],
        deleted: [],
        faults: [],
        processing: { polls: 2, check_after_secs: 1, fail: false },
        listing: { lag_secs: 0, render: true },
        requests: [],
    };
}
s = fresh();

const now = () => (s.clock !== null ? s.clock : Math.floor(Date.now() / 1000));
const newId = () => (s.nextId += 1n).toString();
const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, '.000Z');

/** sendProblem writes a problem+json body (a documented one, substituted where the caller says). */
function sendProblem(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
}
/**
 * problem answers a generic problem: the documented `about:blank` 401 example
 * (error-401-about-blank.json) with title, detail, type and status substituted (the docs' error
 * table: about:blank is "Generic error (see HTTP status code)"; the OpenAPI Problem has exactly these
 * members plus type-specific ones).
 */
function problem(res, status, title, detail, type = 'about:blank', extra = {}) {
    sendProblem(res, status, { ...doc('error-401-about-blank.json'), title, detail, type, status, ...extra });
}
/** invalid is the documented invalid-request problem (error-invalid-request.json) with our detail. */
function invalid(res, detail, errors) {
    const body = { ...doc('error-invalid-request.json'), detail };
    if (errors) body.errors = errors; // InvalidRequestProblem.errors (OpenAPI)
    sendProblem(res, 400, body);
}

/** rateHeaders are the documented x-rate-limit-* headers (rate-limit.headers) with our values. */
function rateHeaders(limit, remaining, reset) {
    const names = Object.keys(documentedHeaders('x', 'rate-limit.headers'));
    return Object.fromEntries(names.map((n, i) => [n, String([limit, remaining, reset][i])]));
}

/** reply answers, or destroys the socket when a drop-after-commit fault is armed for this request. */
function reply(res, status, body, headers = {}) {
    if (res.dropAfterCommit) return dropConnection(res);
    sendJson(res, status, body, { ...rateHeaders(1875, 1874, now() + 900), ...headers });
}

function routeOf(method, path) {
    const rules = [
        [/^\/2\/media\/upload\/\d+\/append$/, '/2/media/upload/:id/append'],
        [/^\/2\/media\/upload\/\d+\/finalize$/, '/2/media/upload/:id/finalize'],
        [/^\/2\/users\/[^/]+\/tweets$/, '/2/users/:id/tweets'],
        [/^\/2\/tweets\/[^/]+$/, '/2/tweets/:id'],
    ];
    for (const [re, name] of rules) if (re.test(path)) return `${method} ${name}`;
    return `${method} ${path}`;
}

/** authorised checks the bearer token: 401 problem+json as X answers a missing or dead token. */
function authorised(req, res) {
    const token = bearer(req);
    const expires = token ? s.access.get(token) : undefined;
    if (expires === undefined || expires <= now()) {
        sendProblem(res, 401, doc('error-401-about-blank.json'));
        return false;
    }
    return true;
}

function jsonBody(buf, res) {
    try {
        const v = JSON.parse(buf.toString('utf8'));
        if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch (e) {
        /* fall through */
    }
    invalid(res, 'The request body is not a JSON object.');
    return null;
}

/** unknownField answers 400 for a member the schema does not define (additionalProperties: false). */
function unknownField(res, obj, allowed, where = '$') {
    for (const k of Object.keys(obj)) {
        if (!allowed.includes(k)) {
            invalid(res, 'One or more parameters to your request was invalid.', [
                { message: `${where}.${k}: is not defined in the schema and the schema does not allow additional properties` },
            ]);
            return true;
        }
    }
    return false;
}

function unknownQuery(res, url, allowed) {
    for (const k of url.searchParams.keys()) {
        if (!allowed.includes(k)) {
            invalid(res, 'One or more parameters to your request was invalid.', [
                { parameters: { [k]: [url.searchParams.get(k)] }, message: `The query parameter [${k}] is not one of [${allowed.join(',')}]` },
            ]);
            return true;
        }
    }
    return false;
}

// ---- counting (twitter-text v3; emoji sequences counted per code point: stricter, never looser)
function weightedLength(text) {
    let n = 0;
    const t = text.normalize('NFC').replace(/https?:\/\/[^\s]+/gi, () => {
        n += 23;
        return '';
    });
    for (const ch of t) {
        const c = ch.codePointAt(0);
        const light = c <= 0x10ff || (c >= 0x2000 && c <= 0x200d) || (c >= 0x2010 && c <= 0x201f) || (c >= 0x2032 && c <= 0x2037);
        n += light ? 1 : 2;
    }
    return n;
}

// ---- media ----------------------------------------------------------------------------------
function mediaInit(res, f) {
    const { media_type, total_bytes, media_category } = f;
    if (!MEDIA_TYPES.includes(media_type)) return invalid(res, `media_type ${media_type} is not supported.`);
    if (!Number.isInteger(total_bytes) || total_bytes <= 0) return invalid(res, 'total_bytes must be a positive integer.');
    const category = media_category ?? 'tweet_image';
    if (!CATEGORIES.includes(category)) return invalid(res, `media_category ${category} is not one of [${CATEGORIES.join(',')}].`);
    const kindOk =
        (category === 'tweet_image' && media_type.startsWith('image/')) ||
        (category === 'tweet_gif' && media_type === 'image/gif') ||
        (category === 'tweet_video' && media_type.startsWith('video/')) ||
        !(category in LIMITS);
    if (!kindOk) return invalid(res, `media_type ${media_type} does not match media_category ${category}.`);
    if (LIMITS[category] && total_bytes > LIMITS[category])
        return invalid(res, `total_bytes ${total_bytes} exceeds the ${LIMITS[category]}-byte limit of ${category}.`);
    const id = newId();
    const prefix = category === 'tweet_video' ? '7' : category === 'tweet_gif' ? '16' : '3';
    const m = {
        id, media_key: `${prefix}_${id}`, media_type, total_bytes, category, segments: new Map(),
        finalized: false, state: null, pollsLeft: 0, alt: null, owner: USER.id, polls: 0,
    };
    s.media.set(id, m);
    const answer = doc('media-upload-initialize-200.json');
    Object.assign(answer.data, { id, media_key: m.media_key });
    reply(res, 200, answer);
}

function mediaOf(res, id) {
    const m = s.media.get(String(id ?? ''));
    if (!m || m.owner !== USER.id) {
        invalid(res, `Invalid media id ${id}.`);
        return null;
    }
    return m;
}

function mediaAppend(res, m, index, data) {
    if (m.finalized) return invalid(res, `Media ${m.id} is already finalized.`);
    if (typeof index !== 'string' || !/^\d{1,3}$/.test(index) || Number(index) > 999)
        return invalid(res, 'segment_index must be an integer between 0 and 999.');
    if (!data || data.length === 0) return invalid(res, 'media is required.');
    if (data.length > 5 * MB) return invalid(res, 'A segment must not be larger than 5 MB.');
    m.segments.set(Number(index), Buffer.from(data));
    const answer = doc('media-upload-append-200.json');
    answer.data.expires_at = now() + 86400;
    reply(res, 200, answer);
}

/**
 * statusAnswer is the documented STATUS answer for the media's state (media-upload-status-*.json),
 * with id, media_key, size and check_after_secs (a time the test sets) substituted.
 */
function statusAnswer(m) {
    let name = `media-upload-status-${m.state}.json`;
    if (m.state === 'failed' && s.processing.failed_body !== 'v2') name = 'media-upload-status-failed-v1.1-error.json';
    const answer = doc(name);
    Object.assign(answer.data, { id: m.id, media_key: m.media_key });
    if ('size' in answer.data) answer.data.size = m.total_bytes;
    if (answer.data.video && m.media_type.startsWith('video/')) answer.data.video.video_type = m.media_type;
    else delete answer.data.video;
    if ('check_after_secs' in answer.data.processing_info) answer.data.processing_info.check_after_secs = s.processing.check_after_secs;
    return answer;
}

function mediaFinalize(res, m) {
    if (m.finalized) return invalid(res, `Media ${m.id} is already finalized.`);
    const indexes = [...m.segments.keys()].sort((a, b) => a - b);
    if (indexes.length === 0 || indexes.some((v, i) => v !== i))
        return invalid(res, `Segments of media ${m.id} are missing: got [${indexes.join(',')}].`);
    const size = indexes.reduce((n, i) => n + m.segments.get(i).length, 0);
    if (size !== m.total_bytes) return invalid(res, `File size mismatch: received ${size} bytes, expected ${m.total_bytes}.`);
    m.finalized = true;
    m.bytes = Buffer.concat(indexes.map((i) => m.segments.get(i)));
    m.segments = new Map();
    const processed = m.category === 'tweet_video' || m.category === 'tweet_gif';
    m.state = processed ? 'pending' : 'succeeded';
    m.pollsLeft = processed ? s.processing.polls : 0;
    // The documented FINALIZE answer (pending processing); an image needs no processing, so its
    // answer has no processing_info (optional in the OpenAPI).
    const answer = doc('media-upload-finalize-200-pending.json');
    Object.assign(answer.data, { id: m.id, media_key: m.media_key, size });
    if (processed) answer.data.processing_info.check_after_secs = s.processing.check_after_secs;
    else delete answer.data.processing_info;
    reply(res, 200, answer);
}

function mediaStatus(res, m) {
    if (!m.finalized) return invalid(res, `Media ${m.id} is not finalized.`);
    m.polls += 1;
    if (m.state === 'pending' || m.state === 'in_progress') {
        m.pollsLeft -= 1;
        m.state = m.pollsLeft <= 0 ? (s.processing.fail ? 'failed' : 'succeeded') : 'in_progress';
    }
    reply(res, 200, statusAnswer(m));
}

/** legacyUpload serves POST /2/media/upload: command=INIT|APPEND|FINALIZE form fields, or a simple upload. */
async function legacyUpload(req, res, body) {
    const type = req.headers['content-type'] || '';
    const f = {};
    let media = null;
    if (/^multipart\/form-data/i.test(type)) {
        for (const p of parseMultipart(req, body)) {
            if (p.name === 'media') media = p.data;
            else f[p.name] = p.data.toString('utf8');
        }
    } else if (/^application\/x-www-form-urlencoded/i.test(type)) {
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) f[k] = v;
        if (f.media_data) media = Buffer.from(f.media_data, 'base64');
    } else return invalid(res, 'Expected multipart/form-data or application/x-www-form-urlencoded.');
    switch (f.command) {
        case 'INIT':
            return mediaInit(res, { media_type: f.media_type, total_bytes: Number(f.total_bytes), media_category: f.media_category });
        case 'APPEND': {
            const m = mediaOf(res, f.media_id);
            return m && mediaAppend(res, m, f.segment_index, media);
        }
        case 'FINALIZE': {
            const m = mediaOf(res, f.media_id);
            return m && mediaFinalize(res, m);
        }
        case undefined: {
            if (!f.media_category) return invalid(res, 'media_category is required.');
            if (!media) return invalid(res, 'media is required.');
            const sniff = media[0] === 0x89 ? 'image/png' : media[0] === 0xff ? 'image/jpeg' : 'image/gif';
            const id = newId();
            s.media.set(id, {
                id, media_key: `3_${id}`, media_type: sniff, total_bytes: media.length, category: f.media_category,
                segments: new Map(), finalized: true, state: 'succeeded', bytes: media, alt: null, owner: USER.id, polls: 0,
            });
            const answer = doc('media-upload-finalize-200-pending.json');
            Object.assign(answer.data, { id, media_key: `3_${id}`, size: media.length });
            delete answer.data.processing_info;
            return reply(res, 200, answer);
        }
        default:
            return invalid(res, `command ${f.command} is not one of [INIT,APPEND,FINALIZE,STATUS].`);
    }
}

// ---- posts ----------------------------------------------------------------------------------
let tcoSerial = 0;
/** render is how X shows a post's text: URLs as t.co links, media as a trailing t.co link. */
function render(text, hasMedia) {
    if (!s.listing.render) return text;
    const tco = () => `https://t.co/${(++tcoSerial).toString(36).padStart(10, 'a')}`;
    let out = text.replace(/https?:\/\/[^\s]+/gi, tco).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    if (hasMedia) out += (out ? ' ' : '') + tco();
    return out;
}

function createTweet(res, b) {
    const allowed = ['text', 'media', 'reply', 'quote_tweet_id', 'reply_settings', 'made_with_ai', 'paid_partnership', 'poll',
        'direct_message_deep_link', 'for_super_followers_only', 'geo', 'nullcast', 'card_uri', 'share_with_followers'];
    if (unknownField(res, b, allowed)) return;
    if (b.text !== undefined && typeof b.text !== 'string') return invalid(res, '$.text must be a string.');
    const text = b.text ?? '';
    let media = [];
    if (b.media !== undefined) {
        if (typeof b.media !== 'object' || b.media === null || unknownField(res, b.media, ['media_ids', 'tagged_user_ids'], '$.media')) {
            if (!res.writableEnded) invalid(res, '$.media must be an object.');
            return;
        }
        const ids = b.media.media_ids;
        if (!Array.isArray(ids) || ids.length < 1 || ids.length > 4 || ids.some((i) => typeof i !== 'string' || !/^\d{1,19}$/.test(i)))
            return invalid(res, '$.media.media_ids must hold 1 to 4 numeric strings.');
        if (b.poll !== undefined) return invalid(res, 'poll and media are mutually exclusive.');
        for (const id of ids) {
            const m = s.media.get(id);
            if (!m || m.owner !== USER.id || !m.finalized || m.state !== 'succeeded') return invalid(res, 'Your media IDs are invalid.');
            media.push(m);
        }
        const moving = media.filter((m) => m.category !== 'tweet_image');
        if (moving.length > 0 && media.length > 1) return invalid(res, 'A post carries 4 photos, or 1 GIF, or 1 video.');
    }
    if (!text && media.length === 0) return invalid(res, 'Post text is required unless media is attached.');
    if (weightedLength(text) > 280) return problem(res, 400, 'Invalid Request', 'Post text is too long.', PROBLEM + 'invalid-request'); // [UNVERIFIED]
    const replySettings = ['following', 'mentionedUsers', 'subscribers', 'verified'];
    if (b.reply_settings !== undefined && !replySettings.includes(b.reply_settings))
        return invalid(res, `$.reply_settings must be one of [${replySettings.join(',')}].`);
    if (text && s.tweets.some((t) => t.source_text === text)) // [UNVERIFIED] wording
        return sendProblem(res, 403, doc('error-403-duplicate-UNDOCUMENTED.json'));
    const id = newId();
    const t = {
        id, source_text: text, text: render(text, media.length > 0), author_id: USER.id, created_at: now(),
        reply_settings: b.reply_settings ?? null, made_with_ai: b.made_with_ai ?? null,
        media: media.map((m) => ({ id: m.id, media_key: m.media_key, media_type: m.media_type, category: m.category,
            size: m.bytes.length, alt_text: m.alt, data_hex: m.bytes.toString('hex') })),
    };
    s.tweets.push(t);
    const answer = doc('tweets-create-201.json');
    Object.assign(answer.data, { id, text: t.text });
    reply(res, 201, answer, rateHeaders(100, 99, now() + 900));
}

function listTweets(res, url, userId) {
    const allowed = ['max_results', 'pagination_token', 'start_time', 'end_time', 'since_id', 'until_id', 'exclude',
        'tweet.fields', 'expansions', 'media.fields', 'user.fields', 'place.fields', 'poll.fields'];
    if (unknownQuery(res, url, allowed)) return;
    if (userId !== USER.id) {
        // The documented partial-error item (error-partial-200.json errors[0]) for a missing user.
        const e = doc('error-partial-200.json').errors[0];
        Object.assign(e, { resource_id: userId, resource_type: 'user', detail: `Could not find user with id: [${userId}].` });
        return reply(res, 200, { errors: [e] });
    }
    const q = url.searchParams;
    const max = q.has('max_results') ? Number(q.get('max_results')) : 10;
    if (!Number.isInteger(max) || max < 5 || max > 100) return invalid(res, 'max_results must be between 5 and 100.');
    let start = -Infinity;
    if (q.has('start_time')) {
        const v = q.get('start_time');
        if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/.test(v)) return invalid(res, `start_time ${v} is not RFC 3339.`);
        start = Date.parse(v) / 1000;
    }
    const fields = (q.get('tweet.fields') || '').split(',');
    const offset = q.has('pagination_token') ? Number.parseInt(q.get('pagination_token').slice(2), 36) : 0;
    if (!Number.isInteger(offset) || offset < 0) return invalid(res, 'pagination_token is invalid.');
    const visible = s.tweets
        .filter((t) => t.created_at >= start && t.created_at <= now() - s.listing.lag_secs)
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const page = visible.slice(offset, offset + max);
    if (page.length === 0) return reply(res, 200, { meta: { result_count: 0 } }, rateHeaders(900, 899, now() + 900));
    // Each post is the documented lookup example's post (tweets-lookup-ids-public-metrics-200.json)
    // with our id, text, author, time and media keys, holding only the fields asked for; the
    // page's meta is the documented pagination example's (pagination-example.json) with our count
    // and token (its previous_token dropped on the first page).
    const data = page.map((t) => {
        const d = doc('tweets-lookup-ids-public-metrics-200.json').data[0];
        const out = { id: t.id, text: t.text };
        for (const f of ['created_at', 'author_id', 'public_metrics', 'attachments'])
            if (fields.includes(f) && f in d) out[f] = d[f];
        if (out.created_at) out.created_at = iso(t.created_at);
        if (out.author_id) out.author_id = t.author_id;
        if (out.attachments) {
            if (t.media.length) out.attachments.media_keys = t.media.map((m) => m.media_key);
            else delete out.attachments;
        }
        return out;
    });
    const meta = doc('pagination-example.json').meta;
    meta.result_count = page.length;
    if (offset + max < visible.length) meta.next_token = 'pg' + (offset + max).toString(36);
    else delete meta.next_token;
    if (offset > 0) meta.previous_token = 'pg' + Math.max(0, offset - max).toString(36);
    else delete meta.previous_token;
    reply(res, 200, { data, meta }, rateHeaders(900, 899, now() + 900));
}

// ---- OAuth 2.0 token refresh ------------------------------------------------------------------
function token(req, res, body) {
    if (!/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] || ''))
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Unsupported content type.' });
    const f = new URLSearchParams(body.toString('utf8'));
    if (s.clientSecret) {
        const want = 'Basic ' + Buffer.from(`${CLIENT_ID}:${s.clientSecret}`).toString('base64');
        if (req.headers['authorization'] !== want)
            return sendJson(res, 401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    }
    if (f.get('grant_type') !== 'refresh_token')
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Unsupported grant_type.' });
    if (f.get('client_id') !== CLIENT_ID)
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Missing required parameter [client_id].' });
    const old = f.get('refresh_token');
    if (!old || !s.refresh.has(old))
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    // Rotation: the old refresh token stops working the moment a new one is issued.
    s.refresh.delete(old);
    s.tokenSerial += 1;
    s.refreshes += 1;
    const access = `x-access-${s.tokenSerial}`;
    const refresh = `x-refresh-${s.tokenSerial}`;
    s.access.set(access, now() + 7200);
    s.refresh.add(refresh);
    const answer = { token_type: 'bearer', expires_in: 7200, access_token: access,
        scope: 'tweet.write users.read tweet.read media.write offline.access', refresh_token: refresh };
    if (res.dropAfterCommit) return dropConnection(res);
    sendJson(res, 200, answer);
}

// ---- control --------------------------------------------------------------------------------
function stateJson() {
    return {
        now: now(),
        user: USER,
        tweets: s.tweets,
        deleted: s.deleted,
        media: [...s.media.values()].map((m) => ({ id: m.id, media_key: m.media_key, media_type: m.media_type,
            category: m.category, total_bytes: m.total_bytes, finalized: m.finalized, state: m.state, alt_text: m.alt,
            polls: m.polls })),
        tokens: { access: [...s.access.keys()], refresh: [...s.refresh], refreshes: s.refreshes },
        faults: s.faults,
        requests: s.requests,
    };
}

async function control(req, res, name) {
    if (name === 'state') return sendJson(res, 200, stateJson());
    const body = req.method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    const c = body.length ? JSON.parse(body.toString('utf8')) : {};
    switch (name) {
        case 'reset':
            s = fresh();
            break;
        case 'fault':
            s.faults.push({ count: 1, reset_in: 30, body: 'problem', ...c });
            break;
        case 'clock': {
            // The first setting moves token lifetimes along with the clock; later ones do not,
            // so a token can expire as the test's clock advances.
            const shift = s.clock === null ? c.now - now() : 0;
            s.clock = c.now;
            for (const k of s.access.keys()) s.access.set(k, s.access.get(k) + shift);
            break;
        }
        case 'processing':
            s.processing = { ...s.processing, ...c };
            break;
        case 'expire-access':
            for (const k of s.access.keys()) s.access.set(k, now());
            break;
        case 'account':
            s.clientSecret = c.client_secret ?? '';
            break;
        case 'listing':
            s.listing = { ...s.listing, ...c };
            break;
        case 'delete-answer':
            s.deleteAnswer = c.status;
            break;
        case 'seed-posts':
            for (let i = 0; i < (c.count ?? 1); i++) {
                const text = c.exact ? c.text : `${c.text ?? 'seeded'} ${i}`;
                s.tweets.push({ id: newId(), source_text: text, text: render(text, false),
                    author_id: USER.id, created_at: c.created_at ?? now(), media: [], reply_settings: null });
            }
            break;
        default:
            return sendJson(res, 404, { error: `no control route ${name}` });
    }
    sendJson(res, 200, { ok: true });
}

serve(async (req, res, url) => {
    const path = url.pathname;
    if (path.startsWith('/__control/')) return control(req, res, path.slice('/__control/'.length));
    const route = routeOf(req.method, path);
    s.requests.push({ route, query: url.search, auth: (req.headers['authorization'] || '').split(' ')[0] || 'none' });
    const fault = s.faults.find((f) => f.op === route && f.count > 0);
    if (fault) {
        fault.count -= 1;
        switch (fault.fault) {
            case 'drop-before-commit':
                return dropConnection(res);
            case 'drop-after-commit':
                res.dropAfterCommit = true;
                break;
            case 'rate-limit':
                await readBody(req);
                if (fault.body === 'v1') // X's documented 429 body, verbatim (v1.1 style)
                    return sendJson(res, 429, doc('error-429-rate-limit.json'), rateHeaders(100, 0, now() + fault.reset_in));
                res.writeHead(429, { 'content-type': 'application/problem+json', ...rateHeaders(100, 0, now() + fault.reset_in) });
                return res.end(JSON.stringify({ title: 'Too Many Requests', detail: 'Too Many Requests', type: PROBLEM + 'rate-limit-exceeded', status: 429 }));
            case 'usage-capped':
                await readBody(req);
                return sendProblem(res, 429, doc('error-429-usage-capped.json'));
            case 'documented': // a documented error file, verbatim
                await readBody(req);
                return sendProblem(res, fault.status, doc(fault.doc));
            case 'problem': // any documented problem+json refusal, e.g. 403 client-forbidden
                await readBody(req);
                return problem(res, fault.status ?? 400, fault.title ?? 'Invalid Request', fault.detail ?? '', fault.type ?? 'about:blank');
            case '5xx':
                await readBody(req);
                return problem(res, 503, 'Service Unavailable', 'Service Unavailable');
            default:
                throw new Error(`unknown fault ${fault.fault}`);
        }
    }
    const body = await readBody(req, 8 * MB);
    if (route === 'POST /2/oauth2/token') return token(req, res, body);
    if (!authorised(req, res)) return;

    let m;
    switch (route) {
        case 'GET /2/users/me':
            if (unknownQuery(res, url, ['user.fields', 'expansions', 'tweet.fields'])) return;
            return reply(res, 200, { data: { ...doc('users-me-200.json').data, ...USER } });
        case 'GET /2/users/:id/tweets':
            return listTweets(res, url, decodeURIComponent(path.split('/')[3]));
        case 'POST /2/media/upload/initialize': {
            const b = jsonBody(body, res);
            if (!b || unknownField(res, b, ['media_type', 'total_bytes', 'media_category', 'shared', 'additional_owners'])) return;
            return mediaInit(res, b);
        }
        case 'POST /2/media/upload/:id/append': {
            if (!(m = mediaOf(res, path.split('/')[4]))) return;
            if (/^application\/json/i.test(req.headers['content-type'] || '')) {
                const b = jsonBody(body, res);
                if (!b || unknownField(res, b, ['media', 'segment_index'])) return;
                return mediaAppend(res, m, String(b.segment_index), typeof b.media === 'string' ? Buffer.from(b.media, 'base64') : null);
            }
            const parts = parseMultipart(req, body);
            for (const p of parts)
                if (!['media', 'segment_index'].includes(p.name)) return invalid(res, `Unknown form field ${p.name}.`);
            const media = parts.find((p) => p.name === 'media');
            const index = parts.find((p) => p.name === 'segment_index');
            return mediaAppend(res, m, index ? index.data.toString('utf8') : undefined, media ? media.data : null);
        }
        case 'POST /2/media/upload/:id/finalize':
            if (!(m = mediaOf(res, path.split('/')[4]))) return;
            return mediaFinalize(res, m);
        case 'GET /2/media/upload':
            if (unknownQuery(res, url, ['media_id', 'command'])) return;
            if (url.searchParams.get('command') !== 'STATUS') return invalid(res, 'command must be STATUS.');
            if (!(m = mediaOf(res, url.searchParams.get('media_id')))) return;
            return mediaStatus(res, m);
        case 'POST /2/media/upload':
            return legacyUpload(req, res, body);
        case 'POST /2/media/metadata': {
            const b = jsonBody(body, res);
            if (!b || unknownField(res, b, ['id', 'metadata'])) return;
            if (!(m = mediaOf(res, b.id))) return;
            const alt = b.metadata && b.metadata.alt_text && b.metadata.alt_text.text;
            if (typeof alt !== 'string') return invalid(res, '$.metadata.alt_text.text is required.');
            if ([...alt].length > 1000) return invalid(res, 'Alt text must be at most 1000 characters.');
            m.alt = alt;
            const answer = doc('media-metadata-200.json');
            answer.data.id = m.id;
            answer.data.associated_metadata.alt_text.text = alt;
            return reply(res, 200, answer);
        }
        case 'POST /2/tweets': {
            const b = jsonBody(body, res);
            return b && createTweet(res, b);
        }
        case 'DELETE /2/tweets/:id': {
            const id = path.split('/')[3];
            const i = s.tweets.findIndex((t) => t.id === id && t.author_id === USER.id);
            if (i < 0) { // the documented answer, with deleted false for a post that is not there
                const answer = doc('tweets-delete-200.json');
                answer.data.deleted = false;
                return reply(res, 200, answer);
            }
            s.deleted.push(s.tweets.splice(i, 1)[0].id);
            // X documents 204 No Content for some DELETE endpoints (control `delete-answer`).
            if (s.deleteAnswer === 204) {
                res.writeHead(204);
                return res.end();
            }
            return reply(res, 200, doc('tweets-delete-200.json'));
        }
        default:
            return problem(res, 404, 'Not Found Error', `No route ${route}.`, PROBLEM + 'resource-not-found');
    }
});
