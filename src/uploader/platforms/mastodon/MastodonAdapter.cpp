// SPDX-License-Identifier: GPL-3.0-or-later
// Mastodon publishing over its REST API (reference: /work/shared/reference/platform-apis.md
// section 2; https://docs.joinmastodon.org/methods/statuses/ , /methods/media/ ,
// /methods/accounts/ , /methods/instance/ , /api/rate-limits/).
#include "postern/uploader/platforms/mastodon/MastodonAdapter.h"

#include "postern/domain/Post.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace postern::uploader {

namespace {

constexpr int kStatusesPerPage = 20; // 20 statuses stay well under the 1 MiB answer cap

std::string optionString(const Json& options, std::string_view key)
{
    const Json* v = options.isObject() ? options.find(key) : nullptr;
    return v && v->type() == Json::Type::String ? v->asString() : std::string();
}

bool optionTrue(const Json& options, std::string_view key)
{
    const Json* v = options.isObject() ? options.find(key) : nullptr;
    return v && v->type() == Json::Type::Bool && v->asBool();
}

/** configInt reads configuration.<section>.<key>, or the documented default. */
std::int64_t
configInt(const PlatformJson& config, std::string_view section, std::string_view key, std::int64_t fallback)
{
    const PlatformJson* s = config.find(section);
    const PlatformJson* v = s ? s->find(key) : nullptr;
    return v && v->isInt() && v->asInt() > 0 ? v->asInt() : fallback;
}

std::int64_t codePoints(std::string_view utf8)
{
    std::int64_t n = 0;
    for (char c : utf8)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

bool isLargeMedia(std::string_view mime)
{
    return mime.rfind("video/", 0) == 0 || mime == "image/gif"; // one per post, alone (GIFs become gifv)
}

bool isStatusId(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
    }
    return true;
}

TargetOutcome failed(std::string reason)
{
    TargetOutcome o;
    o.state = TargetState::Failed;
    o.reason = std::move(reason);
    return o;
}

} // namespace

struct MastodonAdapter::Uploaded
{
    std::string id;      ///< the media attachment, processed
    std::string refused; ///< set instead when Mastodon refused the file for good
};

namespace {

/** tokenRequired refuses an account without an access token before anything is sent. */
Status tokenRequired(const Account& a)
{
    if (a.secrets.accessToken.empty())
        return fail(Errc::PermissionDenied,
                    "the account " + a.channel
                        + " has no access token; `account remove` it and `account add` it again "
                          "with --token-file");
    return {};
}

} // namespace

MastodonAdapter::MastodonAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, MastodonOptions options)
    : m_accounts(accounts), m_http(http), m_clock(clock), m_options(std::move(options)),
      m_sessions(accounts, "--handle NAME --token-file FILE --service https://INSTANCE", tokenRequired)
{
}

HttpRequest MastodonAdapter::request(const Account& a, std::string method, const std::string& path) const
{
    HttpRequest r;
    r.method = std::move(method);
    r.url = a.service + path;
    r.authorization = crypto::SecretText::concat({"Bearer ", a.secrets.accessToken.view()});
    r.timeout = m_options.retry.timeout;
    return r;
}

Result<HttpResponse> MastodonAdapter::callSafe(const HttpRequest& r, const std::string& what)
{
    const RateLimitRule rule = [this](const HttpResponse& answer) {
        return mastodonRateLimitWait(answer, m_clock.now(), m_options.rateLimitFallback);
    };
    return sendSafe([&]() { return m_http.send(r); }, m_options.retry, rule, what);
}

Status MastodonAdapter::authProblem(const Account& a, const HttpResponse& r) const
{
    const std::string remedy = "create a new access token on " + a.service
                               + " (Preferences > Development) with the scopes write:statuses, write:media, "
                                 "read:statuses and read:accounts, then `postern-uploader account remove "
                               + a.channel + "`, `account add " + a.channel + " ... --token-file FILE` and `resume`";
    if (r.status == 401)
        return fail(Errc::PermissionDenied,
                    "Mastodon refused the access token of " + a.channel + " (" + describeAnswer(r) + "); " + remedy);
    return fail(Errc::PermissionDenied,
                "Mastodon refused a request of " + a.channel + " (" + describeAnswer(r)
                    + "); the token may lack a scope or the account may be restricted: " + remedy);
}

Result<std::string> MastodonAdapter::accountId(Account& a)
{
    if (a.secrets.userId.empty())
        POSTERN_TRY(verifyCredentials(a));
    return a.secrets.userId;
}

Status MastodonAdapter::verifyCredentials(Account& a)
{
    POSTERN_ASSIGN(answer,
                   callSafe(request(a, "GET", "/api/v1/accounts/verify_credentials"), "mastodon verify_credentials"));
    if (answer.status == 401 || answer.status == 403)
        return authProblem(a, answer);
    if (answer.status != 200)
        return fail(Errc::PublishFailed,
                    "cannot check the access token of " + a.channel + ": " + describeAnswer(answer)
                        + "; `postern-uploader resume` tries again");
    m_tokenAccepted.insert(a.channel);
    POSTERN_ASSIGN(doc, answerJson(answer, "verify_credentials"));
    POSTERN_ASSIGN(id, stringField(doc, "id"));
    if (!isStatusId(id))
        return doc.error("id", "expected an alphanumeric account id, got \"" + id.substr(0, 64) + "\"");
    if (a.secrets.userId != id) {
        a.secrets.userId = id;
        POSTERN_TRY(m_accounts.saveSecrets(a.channel, a.secrets)); // learnt once, kept sealed
    }
    return {};
}

Status MastodonAdapter::checkToken(Account& a)
{
    if (m_tokenAccepted.count(a.channel) != 0)
        return {};
    return verifyCredentials(a);
}

Result<std::optional<MastodonStatus>> MastodonAdapter::findPublished(Account& a, const TargetContent& t)
{
    POSTERN_ASSIGN(id, accountId(a));
    const std::string_view wantText = stripRuby(t.text);
    const std::string wantCw(stripRuby(optionString(t.options, "spoiler_text")));
    // The post cannot be older than its bundle (or its schedule); the slack absorbs a
    // workstation clock that ran ahead of the instance's.
    const std::int64_t cutoff = std::max(t.bundleCreated, t.schedule) - m_options.reconcileSlack;
    std::string maxId;
    for (int page = 0; page < m_options.reconcilePages; ++page) {
        std::string path =
            "/api/v1/accounts/" + id + "/statuses?limit=" + std::to_string(kStatusesPerPage) + "&exclude_reblogs=true";
        if (!maxId.empty())
            path += "&max_id=" + maxId;
        POSTERN_ASSIGN(answer, callSafe(request(a, "GET", path), "mastodon account statuses"));
        if (answer.status == 401 || answer.status == 403)
            return authProblem(a, answer).error();
        if (answer.status != 200)
            return fail(Errc::PublishFailed,
                        "cannot list the recent posts of " + a.channel + " to check whether this post exists: "
                            + describeAnswer(answer) + "; `postern-uploader resume` asks again before sending");
        // Recent posts carry media attachments (with float meta) and nulls: the tolerant reader
        // takes them, and parseStatus reads only what the match needs.
        POSTERN_ASSIGN(doc, PlatformJson::parse(answer.body, "account statuses", kAnswerLimits));
        POSTERN_TRY(doc.expect(PlatformJson::Type::Array));
        if (doc.asArray().empty())
            return std::optional<MastodonStatus>(); // the whole history was searched
        bool pastCutoff = false;
        for (const PlatformJson& item : doc.asArray()) {
            POSTERN_ASSIGN(status, parseStatus(item));
            maxId = status.id;
            if (status.createdAt < cutoff) {
                pastCutoff = true; // newest first: everything after is older still
                break;
            }
            if (status.reblog || status.spoilerText != wantCw || status.mediaCount != t.media.size())
                continue;
            // `content` is rendered HTML; /source gives back the text as it was sent.
            POSTERN_ASSIGN(
                src,
                callSafe(request(a, "GET", "/api/v1/statuses/" + status.id + "/source"), "mastodon status source"));
            if (src.status == 404)
                continue; // deleted in the meantime
            if (src.status == 200)
                m_tokenAccepted.insert(a.channel); // /source needs the token
            if (src.status != 200)
                return fail(Errc::PublishFailed,
                            "cannot read back post " + status.id + " of " + a.channel + ": " + describeAnswer(src)
                                + "; `postern-uploader resume` asks again before sending");
            POSTERN_ASSIGN(source, answerJson(src, "status source"));
            const PlatformJson* text = source.find("text");
            const std::string_view got =
                text && text->isString() ? std::string_view(text->asString()) : std::string_view();
            if (stripRuby(got) == wantText)
                return std::optional<MastodonStatus>(std::move(status));
        }
        if (pastCutoff)
            return std::optional<MastodonStatus>();
    }
    return fail(Errc::PublishFailed,
                "could not tell whether this post is already on " + a.channel + ": more than "
                    + std::to_string(m_options.reconcilePages * kStatusesPerPage)
                    + " posts were made since its bundle was created; look for it on the account and remove the "
                      "bundle's target by hand, or `postern-uploader resume` keeps asking");
}

std::string
MastodonAdapter::checkLimits(const PlatformJson& config, const TargetContent& t, std::string_view spoiler) const
{
    const std::int64_t maxChars = configInt(config, "statuses", "max_characters", 500);
    const std::int64_t urlWeight = configInt(config, "statuses", "characters_reserved_per_url", 23);
    const std::int64_t used = mastodonTextLength(t.text, urlWeight) + mastodonTextLength(spoiler, urlWeight);
    if (used > maxChars)
        return "the text and content warning count " + std::to_string(used) + " characters, more than the "
               + std::to_string(maxChars)
               + " this instance allows; shorten the post on the workstation and approve it "
                 "again";
    const auto maxMedia = static_cast<std::size_t>(configInt(config, "statuses", "max_media_attachments", 4));
    if (t.media.size() > maxMedia)
        return "the post has " + std::to_string(t.media.size()) + " media files; this instance takes at most "
               + std::to_string(maxMedia) + " per post";
    const bool large =
        std::any_of(t.media.begin(), t.media.end(), [](const TargetMedia& m) { return isLargeMedia(m.mime); });
    if (large && t.media.size() > 1)
        return "Mastodon takes one video or GIF per post, not mixed with other media; this post has "
               + std::to_string(t.media.size()) + " media files: split it into several posts";
    const PlatformJson* section = config.find("media_attachments");
    const PlatformJson* types = section ? section->find("supported_mime_types") : nullptr;
    for (std::size_t i = 0; i < t.media.size(); ++i) {
        const TargetMedia& m = t.media[i];
        const std::string which = "media file " + std::to_string(i + 1) + " (" + m.mime + ")";
        if (types && types->isArray()) {
            const auto& list = types->asArray();
            if (std::none_of(list.begin(), list.end(), [&](const PlatformJson& v) {
                    return v.isString() && v.asString() == m.mime;
                }))
                return which + " is of a type this instance does not take";
        }
        const bool video = m.mime.rfind("video/", 0) == 0;
        const std::int64_t limit = video ? configInt(config, "media_attachments", "video_size_limit", 103809024)
                                         : configInt(config, "media_attachments", "image_size_limit", 16777216);
        if (m.size > static_cast<std::uint64_t>(limit))
            return which + " has " + std::to_string(m.size) + " bytes, more than the " + std::to_string(limit)
                   + " this instance takes; make it smaller";
        const std::int64_t altLimit = configInt(config, "media_attachments", "description_limit", 1500);
        if (codePoints(m.alt) > altLimit)
            return "the alt text of " + which + " is longer than the " + std::to_string(altLimit)
                   + " characters this instance takes; shorten it";
    }
    return {};
}

Result<MastodonAdapter::Uploaded> MastodonAdapter::uploadMedia(Account& a,
                                                               const TargetMedia& m,
                                                               std::size_t index,
                                                               const std::function<Status()>& checkpoint)
{
    const std::string which = "media file " + std::to_string(index + 1);
    HttpRequest r = request(a, "POST", "/api/v2/media");
    FormPart file;
    file.name = "file";
    file.file = FileRange{m.spoolPath, 0, std::nullopt};
    file.filename = "media-" + std::to_string(index + 1) + "." + std::string(domain::mediaExtension(m.mime));
    file.contentType = m.mime;
    r.form.push_back(std::move(file));
    if (!m.alt.empty())
        r.form.push_back(FormPart{"description", m.alt, std::nullopt, {}, {}});
    // An upload that is repeated leaves at worst an unattached file, which Mastodon removes.
    POSTERN_ASSIGN(answer, callSafe(r, "mastodon media upload"));
    if (answer.status == 401 || answer.status == 403)
        return authProblem(a, answer).error();
    if (answer.status == 413 || answer.status == 415 || answer.status == 422)
        return Uploaded{{},
                        "Mastodon refused " + which + " (" + describeAnswer(answer)
                            + "); replace it on the workstation"};
    if (answer.status != 200 && answer.status != 202)
        return fail(Errc::PublishFailed,
                    "uploading " + which + " failed: " + describeAnswer(answer)
                        + "; `postern-uploader resume` tries again");
    POSTERN_ASSIGN(doc, answerJson(answer, "media upload"));
    POSTERN_ASSIGN(id, stringField(doc, "id"));
    if (!isStatusId(id))
        return doc.error("id", "expected an alphanumeric media id, got \"" + id.substr(0, 64) + "\"");
    m_tokenAccepted.insert(a.channel); // the upload was authorised: no need to ask before the create
    if (answer.status == 200)
        return Uploaded{id, {}};
    // 202: the file is processed in the background (video, gifv, audio); 206 while it lasts.
    for (int poll = 0; poll < m_options.maxPolls; ++poll) {
        pause(m_options.retry, m_options.pollInterval);
        // A suspension that lands while a video is processed stops here: the attachment stays
        // unattached (Mastodon removes it) and the target stays claimed.
        if (checkpoint)
            POSTERN_TRY(checkpoint());
        POSTERN_ASSIGN(state, callSafe(request(a, "GET", "/api/v1/media/" + id), "mastodon media status"));
        if (state.status == 200)
            return Uploaded{id, {}};
        if (state.status == 206)
            continue;
        if (state.status == 422)
            return Uploaded{{},
                            "Mastodon could not process " + which + " (" + describeAnswer(state)
                                + "); check that the file plays, then export the post again"};
        if (state.status == 401 || state.status == 403)
            return authProblem(a, state).error();
        return fail(Errc::PublishFailed,
                    "asking about " + which + " failed: " + describeAnswer(state)
                        + "; `postern-uploader resume` tries again");
    }
    return fail(Errc::PublishFailed,
                which + " was still being processed after " + std::to_string(m_options.maxPolls)
                    + " checks; `postern-uploader resume` uploads it again later");
}

Result<TargetOutcome> MastodonAdapter::createStatus(Account& a, const std::string& key, const std::string& body)
{
    HttpRequest r = request(a, "POST", "/api/v1/statuses");
    r.headers.emplace_back("Content-Type", "application/json");
    r.headers.emplace_back("Idempotency-Key", key);
    r.body = body;
    r.freshConnection = true; // never meet a pooled connection the instance is closing
    for (int attempt = 1;; ++attempt) {
        auto answer = m_http.send(r); // never sendSafe: only a 429 is known to have done nothing
        if (!answer) {
            TargetOutcome o;
            o.state = TargetState::Unknown;
            o.reason = "no answer to the post (" + answer.error().message
                       + "); `postern-uploader resume` looks for it on " + a.service + " before anything is sent again";
            return o;
        }
        if (answer->status == 429) {
            const auto wait = mastodonRateLimitWait(*answer, m_clock.now(), m_options.rateLimitFallback);
            if (attempt >= m_options.retry.maxAttempts || *wait > m_options.retry.maxWait)
                return fail(Errc::RateLimited,
                            "Mastodon rate-limits posting on " + a.channel + " for "
                                + std::to_string(std::max<std::int64_t>(1, wait->count() / 1000))
                                + " s; run `postern-uploader resume` later");
            // Rack::Attack refuses before the request reaches Mastodon: sending it again with
            // the same Idempotency-Key cannot make a second post.
            spdlog::info("mastodon {}: posting rate limited, waiting {} ms", a.channel, wait->count());
            pause(m_options.retry, *wait);
            continue;
        }
        if (answer->status == 200) {
            auto doc = answerJson(*answer, "post status");
            auto status = doc ? parseStatus(*doc) : Result<MastodonStatus>(doc.error());
            if (!status) {
                TargetOutcome o;
                o.state = TargetState::Unknown;
                o.reason = "Mastodon accepted the post but its answer was unreadable (" + status.error().message
                           + "); `postern-uploader resume` looks for it before anything is sent again";
                return o;
            }
            TargetOutcome o;
            o.state = TargetState::Done;
            o.platformId = status->id;
            o.url = status->url;
            spdlog::info("mastodon {}: published status {}", a.channel, status->id);
            return o;
        }
        if (answer->status == 401 || answer->status == 403)
            return authProblem(a, *answer).error(); // refused before anything was done
        if (answer->status >= 500) {
            TargetOutcome o;
            o.state = TargetState::Unknown;
            o.reason = "the instance answered " + describeAnswer(*answer)
                       + "; `postern-uploader resume` looks for the post before anything is sent again";
            return o;
        }
        const std::string error = mastodonErrorText(answer->body);
        if (answer->status == 422 && error.find("finished processing") != std::string::npos)
            return fail(Errc::PublishFailed,
                        "Mastodon had not finished processing the media (" + error
                            + "); `postern-uploader resume` tries again");
        return failed("Mastodon refused the post (" + describeAnswer(*answer)
                      + "); fix it on the workstation and export it again");
    }
}

Result<TargetOutcome> MastodonAdapter::publish(const TargetContent& t)
{
    if (t.channel.platform != domain::Platform::Mastodon)
        return fail(Errc::Internal, "the Mastodon adapter was given a " + t.channel.str() + " target");
    const std::string key = mastodonIdempotencyKey(t.bundleId, t.postIndex, t.channelIndex, t.channel.str());
    if (!t.idempotencyKey.empty() && t.idempotencyKey != key)
        return fail(Errc::Internal, "target was sent with Idempotency-Key " + t.idempotencyKey + ", expected " + key);
    POSTERN_ASSIGN(a, m_sessions.open(t.channel.str()));

    if (t.mayExist) {
        // Mastodon keeps an Idempotency-Key for one hour only (in Redis): whether the post
        // exists is asked from the account's own posts first, whenever it was sent.
        POSTERN_ASSIGN(found, findPublished(*a, t));
        if (found) {
            spdlog::info("mastodon {}: status {} is this post; not sending it again", a->channel, found->id);
            TargetOutcome o;
            o.state = TargetState::Done;
            o.platformId = found->id;
            o.url = found->url;
            o.alreadyPresent = true;
            return o;
        }
        spdlog::info("mastodon {}: the post is not on the account; publishing it", a->channel);
    }

    const std::string spoiler = optionString(t.options, "spoiler_text");
    POSTERN_ASSIGN(config, instanceConfiguration(a->channel));
    if (std::string reason = checkLimits(config, t, spoiler); !reason.empty())
        return failed(std::move(reason));

    Json mediaIds(Json::Array{});
    for (std::size_t i = 0; i < t.media.size(); ++i) {
        if (t.checkpoint)
            POSTERN_TRY(t.checkpoint());
        POSTERN_ASSIGN(uploaded, uploadMedia(*a, t.media[i], i, t.checkpoint));
        if (!uploaded.refused.empty())
            return failed(std::move(uploaded.refused));
        mediaIds.push(Json(uploaded.id));
    }
    Json body(Json::Object{});
    body.set("status", t.text);
    if (!mediaIds.asArray().empty())
        body.set("media_ids", std::move(mediaIds));
    if (const std::string v = optionString(t.options, "visibility"); !v.empty())
        body.set("visibility", v);
    if (!spoiler.empty())
        body.set("spoiler_text", spoiler);
    if (!spoiler.empty() || optionTrue(t.options, "sensitive"))
        body.set("sensitive", true); // a content warning hides the media too
    if (const std::string lang = optionString(t.options, "language"); !lang.empty())
        body.set("language", lang);

    // A refused token is found out while nothing can exist yet: the target stays claimed.
    POSTERN_TRY(checkToken(*a));
    if (t.checkpoint)
        POSTERN_TRY(t.checkpoint());
    // From here on the post may exist: the key is on disk before the request leaves.
    if (!t.markSent)
        return fail(Errc::Internal, "the Mastodon adapter needs the sent step (markSent)");
    POSTERN_TRY(t.markSent(key));
    return createStatus(*a, key, body.serialize());
}

Status MastodonAdapter::retract(const RetractTarget& target)
{
    return deletePost(target.channel.str(), target.platformId);
}

Status MastodonAdapter::deletePost(const std::string& channel, const std::string& statusId)
{
    if (!isStatusId(statusId))
        return fail(Errc::InvalidArgument, "\"" + statusId + "\" is not a Mastodon status id");
    POSTERN_ASSIGN(a, m_sessions.open(channel));
    // Deleting twice is harmless (the second answers 404), so the request is retried as a safe one.
    POSTERN_ASSIGN(answer, callSafe(request(*a, "DELETE", "/api/v1/statuses/" + statusId), "mastodon delete"));
    if (answer.status == 200)
        return {};
    if (answer.status == 404) {
        spdlog::info("mastodon {}: status {} is already gone", channel, statusId);
        return {};
    }
    if (answer.status == 401 || answer.status == 403)
        return authProblem(*a, answer);
    return fail(Errc::PublishFailed,
                "deleting status " + statusId + " of " + channel + " failed: " + describeAnswer(answer)
                    + "; try again later");
}

Result<PlatformJson> MastodonAdapter::instanceConfiguration(const std::string& channel)
{
    if (auto it = m_configs.find(channel); it != m_configs.end())
        return it->second;
    POSTERN_ASSIGN(a, m_sessions.open(channel));
    POSTERN_ASSIGN(answer, callSafe(request(*a, "GET", "/api/v2/instance"), "mastodon instance"));
    PlatformJson config; // null: every limit falls back to its documented default
    if (answer.status == 200) {
        POSTERN_ASSIGN(doc, answerJson(answer, "instance"));
        POSTERN_ASSIGN(c, doc.object("configuration"));
        config = *c;
    } else if (answer.status != 404) {
        // 404: an instance older than 4.0 has no v2 endpoint; the documented defaults apply.
        return fail(Errc::PublishFailed,
                    "cannot read the limits of " + a->service + ": " + describeAnswer(answer)
                        + "; `postern-uploader resume` tries again");
    }
    m_configs.emplace(channel, config);
    return config;
}

} // namespace postern::uploader
