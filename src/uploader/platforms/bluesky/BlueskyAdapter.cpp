// SPDX-License-Identifier: GPL-3.0-or-later
// Bluesky / AT Protocol publishing over XRPC (reference: /work/shared/reference/platform-apis.md
// section 3; lexicons com.atproto.server.*, com.atproto.repo.*, app.bsky.feed.post).
#include "postern/uploader/platforms/bluesky/BlueskyAdapter.h"

#include "postern/crypto/Crypto.h"
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/platforms/bluesky/BlueskyText.h"
#include "postern/uploader/net/ImageInfo.h"

#include <spdlog/spdlog.h>

namespace postern::uploader {

namespace {

constexpr std::string_view kCollection = "app.bsky.feed.post";
constexpr std::size_t kMaxImages = 4;

/** PlatformError is the XRPC error envelope {"error": NAME, "message": TEXT}, if any. */
struct PlatformError
{
    std::string name;
    std::string message;
};

PlatformError platformError(const HttpResponse& r)
{
    PlatformError e;
    auto doc = PlatformJson::parseObject(r.body, "error answer", kAnswerLimits);
    if (doc) {
        if (const PlatformJson* n = doc->find("error"); n && n->isString())
            e.name = n->asString().substr(0, 100);
        if (const PlatformJson* m = doc->find("message"); m && m->isString())
            e.message = m->asString().substr(0, 300);
    }
    return e;
}

std::string describe(const HttpResponse& r)
{
    const PlatformError e = platformError(r);
    std::string out = "HTTP " + std::to_string(r.status);
    if (!e.name.empty())
        out += " " + e.name;
    if (!e.message.empty())
        out += ": " + e.message;
    return out;
}

bool isAuthExpired(const HttpResponse& r)
{
    if (r.status != 400 && r.status != 401)
        return false;
    const auto name = platformError(r).name;
    return name == "ExpiredToken" || name == "InvalidToken";
}

/** rateLimit reads how long a 429 asks us to wait: ratelimit-reset (epoch s) or retry-after (s). */
RateLimitRule rateLimit(const Clock& clock)
{
    return [&clock](const HttpResponse& r) -> std::optional<std::chrono::milliseconds> {
        if (r.status != 429)
            return std::nullopt;
        // Header integers are clamped to 1 s .. ten years (platformWait), never subtracted unchecked.
        if (auto reset = headerNumber(r, "ratelimit-reset"))
            return platformWaitUntil(*reset, clock.now());
        if (auto after = headerNumber(r, "retry-after"))
            return platformWait(*after);
        return std::chrono::milliseconds(std::chrono::seconds(5));
    };
}

std::string nowIso(std::int64_t seconds)
{
    std::string s = formatUtc(seconds); // YYYY-MM-DDTHH:MM:SSZ
    s.insert(s.size() - 1, ".000");     // the form Bluesky's clients write
    return s;
}

} // namespace

RateLimitRule blueskyRateLimit(const Clock& clock)
{
    return rateLimit(clock);
}

struct BlueskyAdapter::Call
{
    std::string method = "GET";
    std::string nsid;
    std::string query; ///< already encoded, without '?'
    std::string body;  ///< JSON for procedures
    std::optional<std::filesystem::path> file;
    std::string contentType = "application/json";
    bool freshConnection = false; ///< createRecord: never on a pooled connection the PDS may be closing
};

BlueskyAdapter::BlueskyAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, BlueskyOptions options)
    : m_accounts(accounts), m_http(http), m_clock(clock), m_options(std::move(options)),
      m_sessions(accounts, "--handle HANDLE --app-password-file FILE --service URL")
{
}

std::string BlueskyAdapter::postUrl(std::string_view handle, std::string_view rkey)
{
    return "https://bsky.app/profile/" + std::string(handle) + "/post/" + std::string(rkey);
}

Status BlueskyAdapter::createSession(Account& a)
{
    // Built in guarded memory: {"identifier":HANDLE,"password":PASSWORD}, canonical member order.
    const std::string identifier = Json(a.handle).serialize();
    const crypto::SecretText password = jsonQuoteSecret(a.secrets.password.view());
    HttpRequest r;
    r.method = "POST";
    r.url = a.service + "/xrpc/com.atproto.server.createSession";
    r.headers = {{"Content-Type", "application/json"}};
    r.secretBody = crypto::SecretText::concat({"{\"identifier\":", identifier, ",\"password\":", password.view(), "}"});
    r.timeout = m_options.timeout;
    auto answer = m_http.send(r);
    if (!answer)
        return answer.error();
    if (answer->status == 429)
        return fail(Errc::PublishFailed,
                    "Bluesky refused to log in " + a.handle + " for now (rate limited: " + describe(*answer)
                        + "); run `postern-uploader resume` later");
    if (answer->status != 200)
        return fail(Errc::PermissionDenied,
                    "Bluesky refused the app password of " + a.channel + " (" + describe(*answer)
                        + "); create a new app password, then `postern-uploader account remove " + a.channel
                        + "` and `account add` it again");
    POSTERN_ASSIGN(doc, answerJson(*answer, "createSession"));
    POSTERN_ASSIGN(did, stringField(doc, "did"));
    POSTERN_ASSIGN(access, stringField(doc, "accessJwt"));
    POSTERN_ASSIGN(refresh, stringField(doc, "refreshJwt"));
    a.secrets.did = std::move(did);
    a.secrets.accessToken = crypto::SecretText::take(access);
    a.secrets.refreshToken = crypto::SecretText::take(refresh);
    spdlog::info("bluesky {}: new session created", a.channel);
    return m_accounts.saveSecrets(a.channel, a.secrets);
}

Status BlueskyAdapter::refreshSession(Account& a)
{
    if (a.secrets.refreshToken.empty())
        return createSession(a);
    HttpRequest r;
    r.method = "POST";
    r.url = a.service + "/xrpc/com.atproto.server.refreshSession";
    r.authorization = crypto::SecretText::concat({"Bearer ", a.secrets.refreshToken.view()});
    r.timeout = m_options.timeout;
    POSTERN_ASSIGN(answer, m_http.send(r));
    if (answer.status != 200) {
        spdlog::info("bluesky {}: session refresh refused ({}), logging in again", a.channel, answer.status);
        return createSession(a);
    }
    POSTERN_ASSIGN(doc, answerJson(answer, "refreshSession"));
    POSTERN_ASSIGN(access, stringField(doc, "accessJwt"));
    POSTERN_ASSIGN(refresh, stringField(doc, "refreshJwt"));
    a.secrets.accessToken = crypto::SecretText::take(access);
    a.secrets.refreshToken = crypto::SecretText::take(refresh);
    spdlog::info("bluesky {}: session refreshed", a.channel);
    return m_accounts.saveSecrets(a.channel, a.secrets);
}

Result<HttpResponse> BlueskyAdapter::call(Account& a, const Call& c)
{
    if (a.secrets.accessToken.empty())
        POSTERN_TRY(createSession(a));
    for (int pass = 0;; ++pass) {
        HttpRequest r;
        r.method = c.method;
        r.url = a.service + "/xrpc/" + c.nsid + (c.query.empty() ? "" : "?" + c.query);
        r.authorization = crypto::SecretText::concat({"Bearer ", a.secrets.accessToken.view()});
        if (c.method == "POST")
            r.headers.emplace_back("Content-Type", c.contentType);
        r.body = c.body;
        if (c.file)
            r.bodyFile = FileRange{*c.file, 0, std::nullopt};
        r.timeout = m_options.timeout;
        r.freshConnection = c.freshConnection;
        POSTERN_ASSIGN(answer, m_http.send(r));
        // An expired token is refused before the request does anything, so one retry after a
        // refresh is safe even for createRecord.
        if (pass == 0 && isAuthExpired(answer)) {
            POSTERN_TRY(refreshSession(a));
            continue;
        }
        return answer;
    }
}

Result<HttpResponse> BlueskyAdapter::callSafe(Account& a, const Call& c)
{
    RetryOptions retry;
    retry.timeout = m_options.timeout;
    retry.maxAttempts = m_options.maxAttempts;
    retry.baseBackoff = m_options.baseBackoff;
    retry.maxWait = m_options.maxWait;
    retry.sleep = m_options.sleep;
    return sendSafe([&]() { return call(a, c); }, retry, rateLimit(m_clock), "bluesky " + c.nsid);
}

Result<std::optional<PlatformJson>> BlueskyAdapter::getRecord(Account& a, const std::string& rkey)
{
    Call c;
    c.nsid = "com.atproto.repo.getRecord";
    c.query = "repo=" + percentEncode(a.secrets.did) + "&collection=" + std::string(kCollection)
              + "&rkey=" + percentEncode(rkey);
    POSTERN_ASSIGN(answer, callSafe(a, c));
    if (answer.status == 200) {
        POSTERN_ASSIGN(doc, answerJson(answer, "getRecord"));
        return std::optional<PlatformJson>(std::move(doc));
    }
    if (answer.status == 400 && platformError(answer).name == "RecordNotFound")
        return std::optional<PlatformJson>();
    return fail(Errc::PublishFailed, "cannot ask Bluesky whether the post exists: " + describe(answer));
}

Result<Json> BlueskyAdapter::uploadBlob(Account& a, const TargetMedia& m)
{
    Call c;
    c.method = "POST";
    c.nsid = "com.atproto.repo.uploadBlob";
    c.file = m.spoolPath;
    c.contentType = m.mime;
    POSTERN_ASSIGN(answer, callSafe(a, c));
    if (answer.status != 200)
        return fail(Errc::PublishFailed, "uploadBlob failed: " + describe(answer));
    POSTERN_ASSIGN(doc, answerJson(answer, "uploadBlob"));
    POSTERN_ASSIGN(blob, doc.object("blob"));
    POSTERN_TRY(blob->object("ref"));
    // The blob reference goes into the record unchanged; it holds only strings and integers.
    return blob->toCanonical();
}

Result<Json> BlueskyAdapter::facets(Account& a, const std::string& text)
{
    Json out(Json::Array{});
    for (const auto& span : detectFacets(text)) {
        Json feature(Json::Object{});
        if (span.kind == FacetKind::Link) {
            feature.set("$type", "app.bsky.richtext.facet#link");
            feature.set("uri", span.value);
        } else if (span.kind == FacetKind::Tag) {
            feature.set("$type", "app.bsky.richtext.facet#tag");
            feature.set("tag", span.value);
        } else {
            Call c;
            c.nsid = "com.atproto.identity.resolveHandle";
            c.query = "handle=" + percentEncode(span.value);
            POSTERN_ASSIGN(answer, callSafe(a, c));
            if (answer.status != 200)
                continue; // unresolvable: the mention stays plain text
            POSTERN_ASSIGN(doc, answerJson(answer, "resolveHandle"));
            POSTERN_ASSIGN(did, stringField(doc, "did"));
            feature.set("$type", "app.bsky.richtext.facet#mention");
            feature.set("did", did);
        }
        Json index(Json::Object{});
        index.set("byteStart", static_cast<std::int64_t>(span.byteStart));
        index.set("byteEnd", static_cast<std::int64_t>(span.byteEnd));
        Json facet(Json::Object{});
        facet.set("index", std::move(index));
        facet.set("features", Json(Json::Array{std::move(feature)}));
        out.push(std::move(facet));
    }
    return out;
}

TargetOutcome BlueskyAdapter::existing(const Account& a,
                                       const TargetContent& t,
                                       const std::string& rkey,
                                       const PlatformJson& record) const
{
    TargetOutcome o;
    const PlatformJson* value = record.find("value");
    const PlatformJson* text = value ? value->find("text") : nullptr;
    if (!text || !text->isString() || text->asString() != t.text) {
        o.state = TargetState::Failed;
        o.reason = "the record key " + rkey + " of this post already holds a different post on " + a.handle;
        return o;
    }
    o.state = TargetState::Done;
    const PlatformJson* uri = record.find("uri");
    o.platformId = uri && uri->isString() ? uri->asString() : std::string();
    o.url = postUrl(a.handle, rkey);
    o.alreadyPresent = true;
    return o;
}

TargetOutcome BlueskyAdapter::reconciled(Account& a,
                                         const TargetContent& t,
                                         const std::string& rkey,
                                         const std::string& what,
                                         bool answered)
{
    TargetOutcome o;
    auto found = getRecord(a, rkey);
    if (found && *found)
        return existing(a, t, rkey, **found);
    if (found && answered) {
        // The server answered and the record does not exist: the request did nothing.
        o.state = TargetState::Failed;
        o.reason = "Bluesky refused the post: " + what;
        return o;
    }
    o.state = TargetState::Unknown;
    o.reason = "no usable answer (" + what + ") and the post could not be confirmed"
               + (found ? std::string(" yet") : ": " + found.error().message)
               + "; `postern-uploader resume` asks Bluesky again before anything is re-sent";
    return o;
}

Result<TargetOutcome> BlueskyAdapter::publish(const TargetContent& t)
{
    if (t.channel.platform != domain::Platform::Bluesky)
        return fail(Errc::Internal, "the Bluesky adapter was given a " + t.channel.str() + " target");
    POSTERN_ASSIGN(rkey, recordKeyFor(t.bundleId, t.bundleCreated, t.postIndex, t.channelIndex));
    if (!t.idempotencyKey.empty() && t.idempotencyKey != rkey)
        return fail(Errc::Internal, "target was sent with record key " + t.idempotencyKey + ", expected " + rkey);
    POSTERN_ASSIGN(a, m_sessions.open(t.channel.str()));
    if (a->secrets.did.empty() || a->secrets.accessToken.empty())
        POSTERN_TRY(createSession(*a));

    TargetOutcome outcome;
    if (t.mayExist) {
        POSTERN_ASSIGN(found, getRecord(*a, rkey));
        if (found)
            return existing(*a, t, rkey, *found);
        spdlog::info("bluesky {}: record {} does not exist; publishing it", t.channel.str(), rkey);
    }
    if (t.media.size() > kMaxImages) {
        outcome.reason = "a Bluesky post carries at most 4 images; this post has " + std::to_string(t.media.size());
        return outcome;
    }
    Json images(Json::Array{});
    for (const auto& m : t.media) {
        if (m.mime.rfind("image/", 0) != 0) {
            // The descriptor takes no video, so a current workstation refuses this at drafting.
            outcome.reason = "the Bluesky adapter publishes images only; " + m.mime
                             + " cannot be published to Bluesky (a current workstation refuses it at drafting)";
            return outcome;
        }
        if (m.size > m_options.maxBlobBytes) {
            outcome.reason = "an image of " + std::to_string(m.size) + " bytes is larger than Bluesky's "
                             + std::to_string(m_options.maxBlobBytes) + "-byte limit; make it smaller";
            return outcome;
        }
        // Suspension is honoured between requests: stopping here leaves at most an uploaded
        // blob that no record references, which the PDS discards.
        if (t.checkpoint)
            POSTERN_TRY(t.checkpoint());
        POSTERN_ASSIGN(blob, uploadBlob(*a, m));
        Json image(Json::Object{});
        image.set("alt", m.alt);
        image.set("image", std::move(blob));
        if (auto size = readImageSize(m.spoolPath)) {
            Json ratio(Json::Object{});
            ratio.set("height", static_cast<std::int64_t>(size->height));
            ratio.set("width", static_cast<std::int64_t>(size->width));
            image.set("aspectRatio", std::move(ratio));
        }
        images.push(std::move(image));
    }
    Json record(Json::Object{});
    record.set("$type", std::string(kCollection));
    record.set("text", t.text);
    record.set("createdAt", nowIso(m_clock.now()));
    // The approved language (option `lang`) is the record's `langs`, as the Bluesky app sets it;
    // an approved option that is not sent would publish something other than what was signed.
    if (const Json* lang = t.options.isObject() ? t.options.find("lang") : nullptr;
        lang && lang->type() == Json::Type::String && !lang->asString().empty())
        record.set("langs", Json(Json::Array{Json(lang->asString())}));
    POSTERN_ASSIGN(spans, facets(*a, t.text));
    if (!spans.asArray().empty())
        record.set("facets", std::move(spans));
    if (!images.asArray().empty()) {
        Json embed(Json::Object{});
        embed.set("$type", "app.bsky.embed.images");
        embed.set("images", std::move(images));
        record.set("embed", std::move(embed));
    }
    Json body(Json::Object{});
    body.set("collection", std::string(kCollection));
    body.set("record", std::move(record));
    body.set("repo", a->secrets.did);
    body.set("rkey", rkey);
    body.set("validate", true);

    // The last point where stopping leaves the target simply claimed; never between `sent`
    // and the request it announces.
    if (t.checkpoint)
        POSTERN_TRY(t.checkpoint());
    // From here on the post may exist: the key is on disk before the request leaves.
    if (!t.markSent)
        return fail(Errc::Internal, "the Bluesky adapter needs the sent step (markSent)");
    POSTERN_TRY(t.markSent(rkey));
    Call c;
    c.method = "POST";
    c.nsid = "com.atproto.repo.createRecord";
    c.body = body.serialize();
    c.freshConnection = true;
    auto answer = call(*a, c); // never callSafe: createRecord is not repeated blindly
    if (answer && answer->status == 200) {
        auto doc = answerJson(*answer, "createRecord");
        auto uri = doc ? stringField(*doc, "uri") : Result<std::string>(doc.error());
        if (uri) {
            outcome.state = TargetState::Done;
            outcome.platformId = *uri;
            outcome.url = postUrl(a->handle, rkey);
            return outcome;
        }
        return reconciled(*a, t, rkey, "an unreadable answer to createRecord", false);
    }
    if (!answer)
        return reconciled(*a, t, rkey, answer.error().message, false);
    // 4xx: the server says what it refused. 429 and 5xx (the reference PDS answers 500 for an
    // existing key): whether it applied the write is decided by asking, not by the status.
    const bool definite = answer->status >= 400 && answer->status < 500 && answer->status != 429;
    TargetOutcome o = reconciled(*a, t, rkey, describe(*answer), definite);
    if (o.state == TargetState::Unknown && answer->status >= 429) {
        // The server answered but the write is not there: nothing was published. Leave the
        // target for resume (which asks again first) instead of failing the post.
        return fail(Errc::PublishFailed, "createRecord: " + describe(*answer) + "; `postern-uploader resume` retries");
    }
    return o;
}

Status BlueskyAdapter::retract(const RetractTarget& target)
{
    // By the record key recorded with `sent`; the at:// URI proves the repository is the account's.
    return deletePost(target.channel.str(), target.idempotencyKey, target.platformId);
}

Status BlueskyAdapter::deletePost(const std::string& channel, const std::string& rkey, std::string_view uri)
{
    if (!isValidTid(rkey))
        return fail(Errc::InvalidArgument, "\"" + rkey + "\" is not a Bluesky record key (TID)");
    POSTERN_ASSIGN(a, m_sessions.open(channel));
    if (a->secrets.did.empty() || a->secrets.accessToken.empty())
        POSTERN_TRY(createSession(*a));
    const std::string here = "at://" + a->secrets.did + "/" + std::string(kCollection) + "/" + rkey;
    if (!uri.empty() && uri != here)
        return fail(Errc::InvalidArgument,
                    "the post was published as " + std::string(uri) + ", but the account for " + channel
                        + " now signs in to " + a->secrets.did
                        + "; nothing was deleted there: delete the post by hand, or add the original account again");
    Json body(Json::Object{});
    body.set("collection", std::string(kCollection));
    body.set("repo", a->secrets.did);
    body.set("rkey", rkey);
    Call c;
    c.method = "POST";
    c.nsid = "com.atproto.repo.deleteRecord";
    c.body = body.serialize();
    // "Delete or ensure it does not exist": repeating it is harmless.
    POSTERN_ASSIGN(answer, callSafe(*a, c));
    if (answer.status != 200)
        return fail(Errc::PublishFailed, "deleteRecord failed: " + describe(answer));
    return {};
}

} // namespace postern::uploader
