// SPDX-License-Identifier: GPL-3.0-or-later
// Contract server for the Mastodon adapter: one instance with two accounts, written from the
// documented behaviour (/work/shared/reference/platform-apis.md section 2):
//   https://docs.joinmastodon.org/client/intro/              bodies: form, urlencoded or JSON
//   https://docs.joinmastodon.org/methods/media/             POST /api/v2/media 200/202, GET /api/v1/media/:id 206/200/422
//   https://docs.joinmastodon.org/methods/statuses/#create   Idempotency-Key (1 hour, per account), 422 validation
//   https://docs.joinmastodon.org/methods/statuses/#source   GET /api/v1/statuses/:id/source
//   https://docs.joinmastodon.org/methods/statuses/#delete   DELETE, 404 {"error":"Record not found"}
//   https://docs.joinmastodon.org/methods/statuses/#get      GET /api/v1/statuses/:id: counts (monitoring)
//   https://docs.joinmastodon.org/methods/statuses/#context  GET /api/v1/statuses/:id/context: ancestors and
//                                                            descendants (the documented example is abbreviated
//                                                            with `// ...`, so each entry is the Status entity)
//   https://docs.joinmastodon.org/methods/accounts/          verify_credentials, /api/v1/accounts/:id/statuses
//   https://docs.joinmastodon.org/methods/instance/#v2       configuration (limits)
//   https://docs.joinmastodon.org/api/rate-limits/           X-RateLimit-Limit/Remaining/Reset (ISO 8601), 429
//   https://docs.joinmastodon.org/entities/Error/            {"error": "..."}
//   mastodon/mastodon app/services/post_status_service.rb     idempotency:status:<account>:<key>, 3600 s;
//                                                            "not finished processing" 422; media validations
//   mastodon/mastodon app/models/status.rb                   text and spoiler_text stripped; CW implies sensitive
//   mastodon/mastodon config/initializers/rack_attack.rb     429 body {"error":"Too many requests"}, iso8601(6) reset
//
// Every answer body is a documented example in answers/mastodon/ (see answers/SOURCES.md), read
// at start and served with only ids, URLs, times and what the request itself set (text, content
// warning, visibility, language, alt text) substituted: Media and Status entities, the instance
// (instance-v2-200.json; its `configuration` is the default the tests may change through
// /__control/configuration), verify_credentials, the status source, the 429 with its headers
// (429.json, 429.headers: limit and reset substituted) and every error. An error keeps the
// documented body of its endpoint; where Mastodon answers another text for the case at hand
// (a limit named in the message, an expired token), that text, from the source files above, is
// the one substituted. So every media answer carries Mastodon's real `meta`, floats included
// ("aspect": 1.3333333333333333, "focus": {"x": -0.42, "y": 0.69}), every status with an
// attachment too, and the instance answers with all its documented MIME types (HEIC, audio).
//
// Test-only routes (never called by the uploader):
//   GET  /__control/state          {statuses, media, requests, idempotency}
//   POST /__control/reset          forget everything (tokens and configuration back to defaults)
//   POST /__control/clock          {"now": seconds} or {"advance": seconds}: the server's clock
//   POST /__control/fault          {"op": "POST /api/v1/statuses", "fault": F, "count": n, "resetIn": s, "status": code}
//                                  F = drop-before-commit | drop-after-commit | hold-after-commit (saved, never
//                                  answered) | rate-limit | 5xx | 5xx-after-commit
//   POST /__control/token          {"token": "...", "state": "valid|expired|revoked"}
//   POST /__control/processing     {"polls": n, "fail": bool}: the next async upload answers 206 n times, then 200 or 422
//   POST /__control/configuration  {"statuses": {...}, "media_attachments": {...}}: merged into the configuration
//   POST /__control/status         {"token": ..., "text", "spoiler_text", "created_at", "count": c, "media": m}:
//                                  c statuses made elsewhere (texts suffixed " 1".." c" when c > 1), m images each;
//                                  with "in_reply_to_id" they are replies, "html" replaces the rendered content
//                                  (what a remote or hostile instance sends) and "display_name" the author's name
//   POST /__control/react          {"id": ..., "favourites": n, "reblogs": n}: the counts another account caused
import { readFileSync } from 'node:fs';
import { serve, readBody, sendJson, dropConnection, bearer, parseMultipart, documentedHeaders } from './lib.mjs';

/** documented reads a documented answer from answers/mastodon/ (parsed afresh for each use). */
const documentedText = new Map();
function documented(name) {
    if (!documentedText.has(name))
        documentedText.set(name, readFileSync(new URL(`./answers/mastodon/${name}`, import.meta.url), 'utf8'));
    return JSON.parse(documentedText.get(name));
}

/**
 * errorBody is the documented error answer `name`; `message`, when given, replaces its text
 * with the one Mastodon's source answers in this case (see the header comment).
 */
function errorBody(name, message) {
    const e = documented(name);
    if (message !== undefined) e.error = message;
    return e;
}

const HOUR = 3600;

const ACCOUNTS = {
    'press-token': { id: '110000000000000001', username: 'press' },
    'other-token': { id: '110000000000000002', username: 'other' },
};

/** defaultConfiguration is the documented instance's `configuration` (mastodon.social's limits). */
function defaultConfiguration() {
    return documented('instance-v2-200.json').configuration;
}

let state;
function reset() {
    state = {
        clock: null, // seconds; null = real time
        tokens: Object.fromEntries(Object.keys(ACCOUNTS).map((t) => [t, 'valid'])),
        configuration: defaultConfiguration(),
        statuses: [],
        media: new Map(),
        idempotency: new Map(), // "<account id>:<key>" -> {statusId, at}
        faults: [],
        processing: { polls: 2, fail: false },
        requests: [],
        seq: 0,
        rate: new Map(), // token -> {windowStart, count}
    };
}
reset();

const now = () => (state.clock === null ? Date.now() / 1000 : state.clock);
const iso = (seconds, digits = 3) => {
    const whole = Math.floor(seconds);
    const frac = Math.round((seconds - whole) * 10 ** digits);
    return new Date(whole * 1000).toISOString().slice(0, 19) + '.' + String(frac).padStart(digits, '0') + 'Z';
};
// Snowflake-like ids (ms << 16 | sequence), so ids sort by creation time as Mastodon's do.
const newId = () => ((BigInt(Math.floor(now() * 1000)) << 16n) + BigInt(++state.seq & 0xffff)).toString();

function takeFault(op) {
    const f = state.faults.find((x) => x.op === op && x.count > 0);
    if (!f) return null;
    f.count -= 1;
    return f;
}

/** rateHeaders: 300 requests per 5 minutes per token, as Mastodon's defaults. */
function rateHeaders(token) {
    const period = 300;
    const t = now();
    const windowStart = t - (t % period);
    let r = state.rate.get(token);
    if (!r || r.windowStart !== windowStart) r = { windowStart, count: 0 };
    r.count += 1;
    state.rate.set(token, r);
    return {
        'x-ratelimit-limit': '300',
        'x-ratelimit-remaining': String(Math.max(0, 300 - r.count)),
        'x-ratelimit-reset': iso(windowStart + period, 6),
    };
}

/** tooManyRequests is the documented 429 (429.json, 429.headers) with its reset time, and its limit if the test set one. */
function tooManyRequests(res, fault) {
    const resetIn = fault.resetIn ?? 30;
    const headers = documentedHeaders('mastodon', '429.headers');
    delete headers['content-type']; // sendJson sets it
    headers['x-ratelimit-reset'] = iso(now() + resetIn, 6);
    if (fault.limit !== undefined) headers['x-ratelimit-limit'] = String(fault.limit);
    sendJson(res, 429, documented('429.json'), headers);
}

/** unavailable is a 5xx with the documented error body (media-v2-500.json's shape) and the given text. */
const unavailable = (res, status, message) => sendJson(res, status, errorBody('media-v2-500.json', message));

/** authenticate answers 401 the way Doorkeeper does in Mastodon and returns null, or the account. */
function authenticate(req, res) {
    const token = bearer(req);
    const st = token ? state.tokens[token] : undefined;
    // The documented 401 (the same text on every endpoint); Doorkeeper words expiry and revocation.
    if (!st) {
        sendJson(res, 401, errorBody('accounts-verify-credentials-401.json'));
        return null;
    }
    if (st === 'expired') {
        sendJson(res, 401, errorBody('accounts-verify-credentials-401.json', 'The access token expired'));
        return null;
    }
    if (st === 'revoked') {
        sendJson(res, 401, errorBody('accounts-verify-credentials-401.json', 'The access token was revoked'));
        return null;
    }
    return { token, ...ACCOUNTS[token] };
}

const base = (req) => `http://${req.headers.host}`;

function accountEntity(req, a) {
    // The documented Status example's account, with ours substituted.
    const e = documented('entity-status.json').account;
    return {
        ...e, id: a.id, username: a.username, acct: a.username, display_name: a.username,
        url: `${base(req)}/@${a.username}`, created_at: iso(now() - 86400 * 100), fields: [],
        avatar: `${base(req)}/avatars/original/missing.png`, avatar_static: `${base(req)}/avatars/original/missing.png`,
        header: `${base(req)}/headers/original/missing.png`, header_static: `${base(req)}/headers/original/missing.png`,
    };
}

/**
 * mediaEntity is the documented MediaAttachment for the attachment's state: POST /api/v2/media's
 * 200 (a processed image), its 202 (still processing, `url` null) or GET /api/v1/media/:id's
 * 200, and the documented video and gifv entities for those types. `meta` stays as documented.
 */
function mediaEntity(req, m, answer) {
    const done = m.pollsLeft === 0 && !m.failed;
    let e;
    if (m.type === 'video') e = documented('entity-media-video.json');
    else if (m.type === 'gifv') e = documented('entity-media-gifv.json');
    else if (!done) e = documented('media-v2-202.json');
    else e = documented(answer === 'upload' ? 'media-v2-200.json' : 'media-get-200.json');
    return {
        ...e, id: m.id, type: m.type,
        url: done ? `${base(req)}/system/media/${m.id}/original.${m.ext}` : null,
        preview_url: `${base(req)}/system/media/${m.id}/small.png`,
        remote_url: null, text_url: `${base(req)}/media/${m.id}`, description: m.description,
    };
}

function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** statusEntity is the documented Status example with this status's values. */
function statusEntity(req, s) {
    const a = Object.values(ACCOUNTS).find((x) => x.id === s.account);
    const e = documented('entity-status.json');
    return {
        ...e,
        id: s.id, created_at: iso(s.createdAt),
        in_reply_to_id: s.inReplyToId ?? null, in_reply_to_account_id: s.inReplyToId ? parentAccount(s) : null,
        sensitive: s.sensitive, spoiler_text: s.spoilerText, visibility: s.visibility, language: s.language,
        uri: `${base(req)}/users/${a.username}/statuses/${s.id}`, url: `${base(req)}/@${a.username}/${s.id}`,
        replies_count: liveReplies(s).length, reblogs_count: s.reblogs ?? 0, favourites_count: s.favourites ?? 0,
        quotes_count: 0,
        content: s.html ?? '<p>' + escapeHtml(s.text).replace(/\n\n+/g, '</p><p>').replace(/\n/g, '<br />') + '</p>',
        reblog: null, account: { ...accountEntity(req, a), display_name: s.displayName ?? a.username },
        media_attachments: s.mediaIds.map((id) => mediaEntity(req, state.media.get(id))),
        mentions: [], tags: [], emojis: [], card: null, poll: null,
    };
}

/** liveReplies lists the statuses that answer `s` directly, oldest first. */
function liveReplies(s) {
    return state.statuses.filter((x) => x.inReplyToId === s.id && !x.deleted);
}

function parentAccount(s) {
    return state.statuses.find((x) => x.id === s.inReplyToId)?.account ?? null;
}

/** descendants is the thread below `s` in depth-first order, as Mastodon's context answers it. */
function descendants(s) {
    const out = [];
    for (const r of liveReplies(s)) out.push(r, ...descendants(r));
    return out;
}

/** rubyStrip is Ruby's String#strip: ASCII whitespace and NUL at both ends. */
const rubyStrip = (s) => s.replace(/^[\0\t\n\v\f\r ]+/, '').replace(/[\0\t\n\v\f\r ]+$/, '');

/** statusLength follows StatusLengthValidator: graphemes, URLs count 23, "@user@domain" counts "@user". */
function statusLength(text, urlWeight) {
    const seg = new Intl.Segmenter('en', { granularity: 'grapheme' });
    let urls = 0;
    const countable = text
        .replace(/(^|[^\w])(https?:\/\/[^\s]+?)(?=[.,;:!?'")\]]*(\s|$))/gi, (m, pre) => {
            urls += 1;
            return pre;
        })
        .replace(/(^|[^\w/@])@(\w+)@[\w.-]+\w/g, (m, pre, user) => `${pre}@${user}`);
    return [...seg.segment(countable)].length + urls * urlWeight;
}

/** statusParams reads a create request: JSON, urlencoded or multipart, as Rails does. */
function statusParams(req, body) {
    const type = (req.headers['content-type'] || '').toLowerCase();
    if (type.startsWith('application/json')) {
        const p = JSON.parse(body.toString('utf8'));
        if (typeof p !== 'object' || p === null || Array.isArray(p)) throw Object.assign(new Error('body must be an object'), { status: 400 });
        return p;
    }
    const p = {};
    const add = (k, v) => {
        if (k.endsWith('[]')) (p[k.slice(0, -2)] ||= []).push(v);
        else p[k] = v;
    };
    if (type.startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) add(k, v);
    } else if (type.startsWith('multipart/form-data')) {
        for (const part of parseMultipart(req, body)) add(part.name, part.data.toString('utf8'));
    }
    return p;
}

const truthy = (v) => v === true || v === 'true' || v === '1' || v === 1;

async function createStatus(req, res, a) {
    const op = 'POST /api/v1/statuses';
    const fault = takeFault(op);
    if (fault?.fault === 'drop-before-commit') return dropConnection(res);
    if (fault?.fault === 'rate-limit') return tooManyRequests(res, fault);
    if (fault?.fault === '5xx') return unavailable(res, fault.status ?? 503, 'Service Unavailable');
    const body = await readBody(req, 1 << 20);
    const p = statusParams(req, body);
    const key = req.headers['idempotency-key'];
    if (key) {
        const hit = state.idempotency.get(`${a.id}:${key}`);
        if (hit && now() - hit.at < HOUR) {
            const s = state.statuses.find((x) => x.id === hit.statusId);
            return sendJson(res, 200, statusEntity(req, s), rateHeaders(a.token));
        }
    }
    const conf = state.configuration;
    const text = rubyStrip(typeof p.status === 'string' ? p.status : '');
    const spoiler = rubyStrip(typeof p.spoiler_text === 'string' ? p.spoiler_text : '');
    let ids = p.media_ids ?? [];
    if (!Array.isArray(ids)) ids = [ids];
    ids = ids.map(String);
    const fail = (error) => sendJson(res, 422, errorBody('statuses-create-422.json', error));
    if (p.scheduled_at) return fail('scheduled_at is not emulated by this contract server');
    if (p.poll && ids.length) return fail('Cannot attach files to a post with a poll');
    if (ids.length > conf.statuses.max_media_attachments) return fail(`Cannot attach more than ${conf.statuses.max_media_attachments} files`);
    const media = ids.map((id) => state.media.get(id));
    const missing = ids.filter((id, i) => !media[i] || media[i].account !== a.id || media[i].statusId);
    if (missing.length) return fail(`Media with ID(s) ${missing.join(', ')} not found`);
    if (media.some((m) => m.pollsLeft > 0 || m.failed)) return fail('Cannot attach files that have not finished processing. Try again in a moment!');
    if (media.length > 1 && media.some((m) => m.type === 'video' || m.type === 'gifv')) return fail('Cannot attach a video to a post that already contains images');
    if (!text && !ids.length) return fail("Validation failed: Text can't be blank");
    const length = statusLength(text, conf.statuses.characters_reserved_per_url) + [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(spoiler)].length;
    if (length > conf.statuses.max_characters) return fail(`Validation failed: Text character limit of ${conf.statuses.max_characters} exceeded`);
    const visibility = p.visibility ?? 'public';
    if (!['public', 'unlisted', 'private', 'direct'].includes(visibility)) return fail(`'${visibility}' is not a valid visibility`);
    const language = typeof p.language === 'string' && /^[a-z]{2,3}$/.test(p.language) ? p.language : null;
    const s = {
        id: newId(), account: a.id, createdAt: now(), text, spoilerText: spoiler,
        sensitive: truthy(p.sensitive) || spoiler.length > 0, visibility, language, mediaIds: ids,
        idempotencyKey: key ?? null, deleted: false,
    };
    state.statuses.push(s);
    for (const m of media) m.statusId = s.id;
    if (key) state.idempotency.set(`${a.id}:${key}`, { statusId: s.id, at: now() });
    if (fault?.fault === 'drop-after-commit') return dropConnection(res);
    if (fault?.fault === '5xx-after-commit') return unavailable(res, fault.status ?? 502, 'Bad Gateway');
    // hold-after-commit: the post exists and the answer never comes (the client is killed or
    // times out while waiting), as when the instance stalls after saving the status.
    if (fault?.fault === 'hold-after-commit') return;
    sendJson(res, 200, statusEntity(req, s), rateHeaders(a.token));
}

const SYNC_IMAGES = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const ASYNC = { 'image/gif': ['gifv', 'mp4'], 'video/mp4': ['video', 'mp4'], 'video/quicktime': ['video', 'mp4'], 'video/webm': ['video', 'mp4'] };

async function uploadMedia(req, res, a) {
    const fault = takeFault('POST /api/v2/media');
    if (fault?.fault === 'drop-before-commit') return dropConnection(res);
    if (fault?.fault === 'rate-limit') return tooManyRequests(res, fault);
    if (fault?.fault === '5xx') return sendJson(res, fault.status ?? 500, documented('media-v2-500.json'));
    const body = await readBody(req, 128 << 20);
    let parts;
    try {
        parts = parseMultipart(req, body);
    } catch (e) {
        return sendJson(res, 422, documented('media-v2-422.json'));
    }
    const file = parts.find((x) => x.name === 'file' && x.filename !== null);
    const conf = state.configuration.media_attachments;
    if (!file || !file.contentType || !conf.supported_mime_types.includes(file.contentType))
        return sendJson(res, 422, documented('media-v2-422.json'));
    const mime = file.contentType;
    const magic = { 'image/png': '89504e470d0a1a0a', 'image/jpeg': 'ffd8ff', 'image/gif': '474946' }[mime];
    if (magic && !file.data.subarray(0, magic.length / 2).equals(Buffer.from(magic, 'hex')))
        return sendJson(res, 422, documented('media-v2-422.json'));
    const video = mime.startsWith('video/');
    const limit = video ? conf.video_size_limit : conf.image_size_limit;
    if (file.data.length > limit)
        return sendJson(res, 422, errorBody('media-v2-422.json', `Validation failed: File file size must be less than ${Math.round(limit / 1048576)} MB`));
    const descPart = parts.find((x) => x.name === 'description');
    const description = descPart ? descPart.data.toString('utf8') : null;
    if (description !== null && [...description].length > conf.description_limit)
        return sendJson(res, 422, errorBody('media-v2-422.json', `Validation failed: Description is too long (maximum is ${conf.description_limit} characters)`));
    const async = ASYNC[mime];
    const m = {
        id: newId(), account: a.id, mime, type: async ? async[0] : 'image', ext: async ? async[1] : SYNC_IMAGES[mime],
        filename: file.filename, description, data: file.data,
        pollsLeft: async ? state.processing.polls : 0, failed: false, failAfterPolls: async ? state.processing.fail : false,
        statusId: null,
    };
    state.media.set(m.id, m);
    if (fault?.fault === 'drop-after-commit') return dropConnection(res);
    sendJson(res, async ? 202 : 200, mediaEntity(req, m, 'upload'), rateHeaders(a.token));
}

function showMedia(req, res, a, id) {
    const fault = takeFault('GET /api/v1/media/:id');
    if (fault?.fault === 'rate-limit') return tooManyRequests(res, fault);
    if (fault?.fault === '5xx') return unavailable(res, fault.status ?? 503, 'Service Unavailable');
    const m = state.media.get(id);
    if (!m || m.account !== a.id) return sendJson(res, 404, documented('media-get-404.json'));
    if (m.pollsLeft > 0) {
        m.pollsLeft -= 1;
        if (m.pollsLeft === 0 && m.failAfterPolls) m.failed = true;
        return sendJson(res, 206, mediaEntity(req, m), rateHeaders(a.token));
    }
    // media_controller.rb answers a failed processing with this text, in the documented 422 body.
    if (m.failed) return sendJson(res, 422, errorBody('media-get-422.json', 'Error processing thumbnail for uploaded media'));
    sendJson(res, 200, mediaEntity(req, m), rateHeaders(a.token));
}

function accountStatuses(req, res, url, id) {
    const fault = takeFault('GET /api/v1/accounts/:id/statuses');
    if (fault?.fault === 'rate-limit') return tooManyRequests(res, fault);
    if (fault?.fault === '5xx') return unavailable(res, fault.status ?? 503, 'Service Unavailable');
    // Public endpoint; the author (with a token) also sees private and direct posts.
    const token = bearer(req);
    let viewer = null;
    if (token) {
        viewer = authenticate(req, res);
        if (!viewer) return;
    }
    if (!Object.values(ACCOUNTS).some((x) => x.id === id)) return sendJson(res, 404, documented('accounts-statuses-404.json'));
    const limit = Math.min(40, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
    const maxId = url.searchParams.get('max_id');
    let list = state.statuses.filter((s) => s.account === id && !s.deleted);
    if (!viewer || viewer.id !== id) list = list.filter((s) => s.visibility === 'public' || s.visibility === 'unlisted');
    if (maxId) list = list.filter((s) => BigInt(s.id) < BigInt(maxId));
    list.sort((x, y) => (BigInt(y.id) > BigInt(x.id) ? 1 : -1));
    sendJson(res, 200, list.slice(0, limit).map((s) => statusEntity(req, s)), token ? rateHeaders(token) : {});
}

/** ownStatus finds the account's status or answers the documented 404 of the route (`notFound`). */
function ownStatus(res, a, id, notFound) {
    const s = state.statuses.find((x) => x.id === id && !x.deleted);
    if (!s || s.account !== a.id) {
        sendJson(res, 404, documented(notFound));
        return null;
    }
    return s;
}

function control(req, res, url, body) {
    const name = url.pathname.slice('/__control/'.length);
    const p = body.length ? JSON.parse(body.toString('utf8')) : {};
    switch (name) {
    case 'state':
        return sendJson(res, 200, {
            now: now(),
            statuses: state.statuses.map((s) => ({
                id: s.id, account: s.account, created_at: iso(s.createdAt), text: s.text, spoiler_text: s.spoilerText,
                sensitive: s.sensitive, visibility: s.visibility, language: s.language, media_ids: s.mediaIds,
                idempotency_key: s.idempotencyKey, deleted: s.deleted,
            })),
            media: [...state.media.values()].map((m) => ({
                id: m.id, account: m.account, type: m.type, mime: m.mime, filename: m.filename, description: m.description,
                size: m.data.length, data_hex: m.data.toString('hex'), status_id: m.statusId,
            })),
            requests: state.requests,
            idempotency: Object.fromEntries(state.idempotency),
        });
    case 'reset':
        reset();
        return sendJson(res, 200, {});
    case 'clock':
        if (typeof p.now === 'number') state.clock = p.now;
        if (typeof p.advance === 'number') state.clock = now() + p.advance;
        return sendJson(res, 200, { now: now() });
    case 'fault':
        state.faults.push({ count: 1, ...p });
        return sendJson(res, 200, {});
    case 'token':
        state.tokens[p.token] = p.state ?? 'valid';
        return sendJson(res, 200, {});
    case 'processing':
        state.processing = { polls: p.polls ?? 2, fail: !!p.fail };
        return sendJson(res, 200, {});
    case 'configuration':
        for (const [k, v] of Object.entries(p)) state.configuration[k] = { ...state.configuration[k], ...v };
        return sendJson(res, 200, state.configuration);
    case 'status': {
        // count: that many statuses ("TEXT 1", "TEXT 2", ...); media: images attached to each,
        // so a timeline full of media posts answers with the documented attachment entities.
        const a = ACCOUNTS[p.token ?? 'press-token'];
        const at = p.created_at ? Date.parse(p.created_at) / 1000 : now();
        const count = p.count ?? 1;
        const ids = [];
        for (let i = 1; i <= count; i++) {
            const s = {
                id: ((BigInt(Math.floor(at * 1000)) << 16n) + BigInt(++state.seq & 0xffff)).toString(), account: a.id,
                createdAt: at, text: rubyStrip((p.text ?? '') + (count > 1 ? ` ${i}` : '')), spoilerText: rubyStrip(p.spoiler_text ?? ''),
                sensitive: false, visibility: p.visibility ?? 'public', language: null, mediaIds: [], idempotencyKey: null, deleted: false,
                inReplyToId: p.in_reply_to_id ?? null, html: p.html, displayName: p.display_name,
            };
            for (let j = 0; j < (p.media ?? 0); j++) {
                const m = {
                    id: newId(), account: a.id, mime: 'image/png', type: 'image', ext: 'png', filename: `seed-${j}.png`,
                    description: `seeded image ${j}`, data: Buffer.from('89504e470d0a1a0a', 'hex'),
                    pollsLeft: 0, failed: false, failAfterPolls: false, statusId: s.id,
                };
                state.media.set(m.id, m);
                s.mediaIds.push(m.id);
            }
            state.statuses.push(s);
            ids.push(s.id);
        }
        return sendJson(res, 200, { id: ids[ids.length - 1], ids });
    }
    case 'react': {
        const s = state.statuses.find((x) => x.id === p.id);
        if (!s) return sendJson(res, 404, { error: 'no such status' });
        s.favourites = p.favourites ?? s.favourites;
        s.reblogs = p.reblogs ?? s.reblogs;
        return sendJson(res, 200, {});
    }
    default:
        return sendJson(res, 404, { error: `no control route ${name}` });
    }
}

serve(async (req, res, url) => {
    const path = url.pathname;
    if (path.startsWith('/__control/')) return control(req, res, url, await readBody(req));
    state.requests.push({
        method: req.method, path, query: url.search, at: now(),
        idempotency_key: req.headers['idempotency-key'] ?? null, authorization: req.headers['authorization'] ? 'Bearer ***' : null,
    });
    let m;
    if (req.method === 'GET' && path === '/api/v2/instance') {
        const fault = takeFault('GET /api/v2/instance');
        if (fault?.fault === '5xx') return unavailable(res, fault.status ?? 503, 'Service Unavailable');
        const e = documented('instance-v2-200.json');
        const urls = { ...e.configuration.urls, streaming: `ws://${req.headers.host}`, status: null, about: `${base(req)}/about`, privacy_policy: `${base(req)}/privacy-policy` };
        return sendJson(res, 200, { ...e, domain: req.headers.host, configuration: { ...state.configuration, urls } });
    }
    if (req.method === 'GET' && (m = /^\/api\/v1\/accounts\/(\w+)\/statuses$/.exec(path))) return accountStatuses(req, res, url, m[1]);

    const a = authenticate(req, res);
    if (!a) return;
    if (req.method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
        const fault = takeFault('GET /api/v1/accounts/verify_credentials');
        if (fault?.fault === '5xx') return unavailable(res, fault.status ?? 503, 'Service Unavailable');
        const e = documented('accounts-verify-credentials-200.json');
        return sendJson(res, 200, {
            ...e, id: a.id, username: a.username, acct: a.username, url: `${base(req)}/@${a.username}`,
            created_at: iso(now() - 86400 * 100), last_status_at: null,
            avatar: `${base(req)}/avatars/original/missing.png`, avatar_static: `${base(req)}/avatars/original/missing.png`,
            header: `${base(req)}/headers/original/missing.png`, header_static: `${base(req)}/headers/original/missing.png`,
        }, rateHeaders(a.token));
    }
    if (req.method === 'POST' && path === '/api/v2/media') return uploadMedia(req, res, a);
    if (req.method === 'GET' && (m = /^\/api\/v1\/media\/(\w+)$/.exec(path))) return showMedia(req, res, a, m[1]);
    if (req.method === 'POST' && path === '/api/v1/statuses') return createStatus(req, res, a);
    if (req.method === 'GET' && (m = /^\/api\/v1\/statuses\/(\w+)\/source$/.exec(path))) {
        const fault = takeFault('GET /api/v1/statuses/:id/source');
        if (fault?.fault === '5xx') return unavailable(res, fault.status ?? 503, 'Service Unavailable');
        const s = ownStatus(res, a, m[1], 'statuses-source-404.json');
        if (s) sendJson(res, 200, { ...documented('statuses-source-200.json'), id: s.id, text: s.text, spoiler_text: s.spoilerText }, rateHeaders(a.token));
        return;
    }
    if (req.method === 'GET' && (m = /^\/api\/v1\/statuses\/(\w+)(\/context)?$/.exec(path))) {
        // Any visible status, not only the account's own; a deleted one is the documented 404.
        const op = m[2] ? 'GET /api/v1/statuses/:id/context' : 'GET /api/v1/statuses/:id';
        const fault = takeFault(op);
        if (fault?.fault === 'rate-limit') return tooManyRequests(res, fault);
        if (fault?.fault === '5xx') return sendJson(res, fault.status ?? 503, { error: 'Service Unavailable' });
        const s = state.statuses.find((x) => x.id === m[1] && !x.deleted);
        if (!s) return sendJson(res, 404, documented(m[2] ? 'statuses-context-404.json' : 'statuses-get-404.json'));
        if (!m[2]) return sendJson(res, 200, statusEntity(req, s), rateHeaders(a.token));
        const ancestors = [];
        for (let p = state.statuses.find((x) => x.id === s.inReplyToId); p; p = state.statuses.find((x) => x.id === p.inReplyToId))
            ancestors.unshift(p);
        return sendJson(res, 200, {
            ancestors: ancestors.filter((x) => !x.deleted).map((x) => statusEntity(req, x)),
            descendants: descendants(s).map((x) => statusEntity(req, x)),
        }, rateHeaders(a.token));
    }
    if (req.method === 'DELETE' && (m = /^\/api\/v1\/statuses\/(\w+)$/.exec(path))) {
        const fault = takeFault('DELETE /api/v1/statuses/:id');
        if (fault?.fault === 'rate-limit') return tooManyRequests(res, fault);
        if (fault?.fault === '5xx') return unavailable(res, fault.status ?? 503, 'Service Unavailable');
        const s = ownStatus(res, a, m[1], 'statuses-delete-404.json');
        if (!s) return;
        s.deleted = true;
        return sendJson(res, 200, { ...statusEntity(req, s), text: s.text }, rateHeaders(a.token));
    }
    sendJson(res, 404, documented('statuses-get-404.json'));
});
