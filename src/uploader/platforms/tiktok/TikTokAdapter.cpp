// SPDX-License-Identifier: GPL-3.0-or-later
// TikTok Content Posting API, Direct Post (reference: /work/shared/reference/platform-apis.md
// section 1; https://developers.tiktok.com/doc/content-posting-api-reference-direct-post,
// https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide,
// https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status,
// https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token).
#include "postern/uploader/platforms/tiktok/TikTokAdapter.h"

#include "postern/crypto/Crypto.h"
#include "postern/util/Bytes.h"
#include "postern/util/Checked.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace postern::uploader {

namespace {

constexpr std::string_view kCreatorInfo = "/v2/post/publish/creator_info/query/";
constexpr std::string_view kVideoInit = "/v2/post/publish/video/init/";
constexpr std::string_view kStatus = "/v2/post/publish/status/fetch/";
constexpr std::string_view kToken = "/v2/oauth/token/";
constexpr std::size_t kMaxCaptionUnits = 2200;

bool isVideo(std::string_view mime)
{
    return mime == "video/mp4" || mime == "video/quicktime" || mime == "video/webm";
}

/** utf16Units counts UTF-16 code units of UTF-8 text: 2 for a 4-byte sequence, else 1 per character. */
std::size_t utf16Units(std::string_view text)
{
    std::size_t n = 0;
    for (const char ch : text) {
        const auto b = static_cast<unsigned char>(ch);
        if ((b & 0xC0) != 0x80)
            n += b >= 0xF0 ? 2 : 1;
    }
    return n;
}

Result<bool> optionBool(const Json& options, std::string_view key, bool required)
{
    const Json* v = options.isObject() ? options.find(key) : nullptr;
    if (!v && !required)
        return false;
    if (!v || v->type() != Json::Type::Bool)
        return fail(Errc::BadValue,
                    "the post has no TikTok option \"" + std::string(key)
                        + "\" (true or false, there is no default); set it on the workstation and export again");
    return v->asBool();
}

/** clientSecretRequired: TikTok refreshes tokens only with the client secret. */
Status clientSecretRequired(const Account& a)
{
    if (a.secrets.clientSecret.empty())
        return fail(Errc::PermissionDenied,
                    "the TikTok account " + a.channel
                        + " has no client secret, which TikTok needs to refresh tokens; add \"client_secret\" to "
                          "the credentials file, then `postern-uploader account remove "
                        + a.channel + "` and `account add` it again");
    return {};
}

} // namespace

TikTokAdapter::TikTokAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, TikTokOptions options)
    : m_accounts(accounts), m_http(http), m_clock(clock), m_options(std::move(options)),
      m_sessions(accounts, "--handle NAME --credentials-file FILE", clientSecretRequired)
{
}

std::string TikTokAdapter::postUrl(std::string_view username, std::string_view postId)
{
    if (!username.empty() && username.front() == '@')
        username.remove_prefix(1);
    return "https://www.tiktok.com/@" + std::string(username) + "/video/" + std::string(postId);
}

Status TikTokAdapter::refresh(Account& a)
{
    const std::string again = "; authorise the app again (scope video.publish), then `postern-uploader account remove "
                              + a.channel + "` and `account add` it with the new credentials file";
    if (a.secrets.refreshToken.empty() || a.secrets.clientId.empty())
        return fail(Errc::PermissionDenied, "the TikTok account " + a.channel + " has no refresh token" + again);
    if (a.secrets.refreshExpires != 0 && a.secrets.refreshExpires <= m_clock.now())
        return fail(Errc::PermissionDenied,
                    "the refresh token of " + a.channel + " expired at " + formatUtc(a.secrets.refreshExpires) + again);
    HttpRequest r;
    r.method = "POST";
    r.url = a.service + std::string(kToken);
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    const std::string clientKey = percentEncode(a.secrets.clientId);
    const crypto::SecretText secret = percentEncodeSecret(a.secrets.clientSecret.view());
    const crypto::SecretText refreshToken = percentEncodeSecret(a.secrets.refreshToken.view());
    r.secretBody = crypto::SecretText::concat({"client_key=", clientKey, "&client_secret=", secret.view(),
                                               "&grant_type=refresh_token&refresh_token=", refreshToken.view()});
    r.timeout = m_options.retry.timeout;
    // Sent once: a refresh that was applied rotated the refresh token, so repeating it
    // blindly could only be refused. `resume` tries again.
    auto answer = m_http.send(r);
    if (!answer)
        return fail(answer.code(), "cannot refresh the TikTok access token: " + answer.error().message);
    if (answer->status == 429 || answer->status >= 500)
        return fail(Errc::PublishFailed,
                    "TikTok's token endpoint answered HTTP " + std::to_string(answer->status)
                        + "; run `postern-uploader resume` later");
    auto token = parseTikTokToken(answer->body);
    if (!token && token.code() == Errc::PermissionDenied)
        return fail(Errc::PermissionDenied,
                    "TikTok refused to refresh the access token of " + a.channel + " (" + token.error().message + ")"
                        + again);
    if (!token)
        return std::move(token).error();
    if (!a.secrets.userId.empty() && !token->openId.empty() && token->openId != a.secrets.userId)
        return fail(Errc::PermissionDenied,
                    "TikTok refreshed the token of a different account (open_id) for " + a.channel + again);
    const std::int64_t now = m_clock.now();
    AccountSecrets next = a.secrets;
    next.accessToken = token->accessToken;
    next.refreshToken = token->refreshToken;
    // Both lifetimes are at most ten years (parseTikTokToken); the sums saturate rather than
    // overflow with a clock within ten years of the int64 limit (the token then counts as long-lived).
    next.accessExpires = saturatingAdd(now, token->expiresIn);
    next.refreshExpires = token->refreshExpiresIn > 0 ? saturatingAdd(now, token->refreshExpiresIn) : 0;
    if (!token->openId.empty())
        next.userId = token->openId;
    // The old refresh token stopped working when this one was issued: it is on disk before
    // the new access token is used, or not used at all.
    POSTERN_TRY(m_accounts.saveSecrets(a.channel, next));
    a.secrets = std::move(next);
    spdlog::info("tiktok {}: access token refreshed", a.channel);
    return {};
}

Result<HttpResponse> TikTokAdapter::call(Account& a, const std::string& path, const std::string& body)
{
    if (a.secrets.accessToken.empty()
        || (a.secrets.accessExpires != 0 && a.secrets.accessExpires <= saturatingAdd(m_clock.now(), m_options.refreshMargin)))
        POSTERN_TRY(refresh(a));
    for (int pass = 0;; ++pass) {
        HttpRequest r;
        r.method = "POST";
        r.url = a.service + path;
        r.authorization = crypto::SecretText::concat({"Bearer ", a.secrets.accessToken.view()});
        r.headers = {{"Content-Type", "application/json; charset=UTF-8"}};
        r.body = body;
        r.timeout = m_options.retry.timeout;
        POSTERN_ASSIGN(answer, m_http.send(r));
        // A refused token is refused before anything is done, so one repeat after a refresh
        // is safe for every call.
        if (pass == 0 && answer.status == 401) {
            auto env = parseTikTokAnswer(answer.body);
            if (env && env->code == "access_token_invalid") {
                POSTERN_TRY(refresh(a));
                continue;
            }
        }
        return answer;
    }
}

Result<TikTokAnswer> TikTokAdapter::callSafe(Account& a, const std::string& path, const Json& body)
{
    const std::string text = body.asObject().empty() ? std::string() : body.serialize();
    POSTERN_ASSIGN(answer,
                   sendSafe([&]() { return call(a, path, text); },
                            m_options.retry,
                            tikTokRateLimit(m_options.rateWindow),
                            "tiktok " + path));
    if (answer.status >= 500)
        return fail(Errc::PublishFailed,
                    "TikTok answered " + path + " with " + describeTikTokHttp(answer)
                        + "; run `postern-uploader resume` later");
    auto env = parseTikTokAnswer(answer.body);
    if (!env)
        return fail(Errc::PublishFailed,
                    "TikTok answered " + path + " with HTTP " + std::to_string(answer.status) + ": "
                        + env.error().message);
    env->httpStatus = answer.status;
    return env;
}

Result<TikTokStatus> TikTokAdapter::status(Account& a, const std::string& publishId)
{
    Json body(Json::Object{});
    body.set("publish_id", publishId);
    POSTERN_ASSIGN(answer, callSafe(a, std::string(kStatus), body));
    if (!answer.ok())
        return fail(Errc::PublishFailed,
                    "cannot ask TikTok about publish " + publishId + ": HTTP " + std::to_string(answer.httpStatus) + " "
                        + answer.describe());
    return parseTikTokStatus(answer.data);
}

Result<TargetOutcome> TikTokAdapter::publish(const TargetContent& t)
{
    if (t.channel.platform != domain::Platform::TikTok)
        return fail(Errc::Internal, "the TikTok adapter was given a " + t.channel.str() + " target");
    TargetOutcome failed;
    failed.state = TargetState::Failed;
    if (t.media.size() != 1 || !isVideo(t.media.front().mime)) {
        const bool images = !t.media.empty() && t.media.front().mime.rfind("image/", 0) == 0;
        failed.reason = images ? "TikTok photo posts need PULL_FROM_URL from a verified web domain, which the uploader "
                                 "cannot offer; post a video instead, or post the photos by hand"
                        : t.media.size() != 1 ? "a TikTok post carries exactly one video; this post has "
                                                    + std::to_string(t.media.size()) + " media files"
                                              : "TikTok takes MP4, MOV or WebM videos, not " + t.media.front().mime;
        return failed;
    }
    if (const std::size_t units = utf16Units(t.text); units > kMaxCaptionUnits) {
        failed.reason =
            "the caption is " + std::to_string(units) + " UTF-16 units; TikTok takes at most 2200: shorten it";
        return failed;
    }
    auto plan = planChunks(t.media.front().size);
    if (!plan) {
        failed.reason = plan.error().message;
        return failed;
    }
    const Json* privacy = t.options.isObject() ? t.options.find("privacy_level") : nullptr;
    if (!privacy || privacy->type() != Json::Type::String) {
        failed.reason = "the post has no TikTok privacy_level (TikTok has no default); set it on the workstation and "
                        "export again";
        return failed;
    }
    Json postInfo(Json::Object{});
    postInfo.set("title", t.text);
    postInfo.set("privacy_level", privacy->asString());
    for (const std::string_view key : {"disable_comment", "disable_duet", "disable_stitch"}) {
        auto v = optionBool(t.options, key, true);
        if (!v) {
            failed.reason = v.error().message;
            return failed;
        }
        postInfo.set(std::string(key), *v);
    }
    for (const std::string_view key : {"brand_content_toggle", "brand_organic_toggle", "is_aigc"}) {
        auto v = optionBool(t.options, key, false);
        if (!v) {
            failed.reason = v.error().message;
            return failed;
        }
        postInfo.set(std::string(key), *v);
    }
    if (postInfo.find("brand_content_toggle")->asBool() && privacy->asString() == "SELF_ONLY") {
        failed.reason = "TikTok does not allow branded content to be private (SELF_ONLY); choose another privacy "
                        "level on the workstation";
        return failed;
    }

    POSTERN_ASSIGN(a, m_sessions.open(t.channel.str()));
    if (t.mayExist && !t.idempotencyKey.empty()) {
        bool startOver = false;
        POSTERN_ASSIGN(settled, reconcile(*a, t, startOver));
        if (!startOver)
            return settled;
        // The recorded attempt can never publish and the ledger has forgotten it (the target
        // is claimed again): what follows is a first attempt, with its own init and key.
    }

    if (t.checkpoint)
        POSTERN_TRY(t.checkpoint());
    POSTERN_ASSIGN(info, callSafe(*a, std::string(kCreatorInfo), Json(Json::Object{})));
    if (!info.ok())
        return refused(*a, info, "creator_info");
    POSTERN_ASSIGN(creator, parseTikTokCreator(info.data));
    spdlog::info("tiktok {}: creator allows videos up to {} s", a->channel, creator.maxDurationSec);
    if (std::find(creator.privacyOptions.begin(), creator.privacyOptions.end(), privacy->asString())
        == creator.privacyOptions.end()) {
        std::string offered;
        for (const auto& p : creator.privacyOptions)
            offered += (offered.empty() ? "" : ", ") + p;
        failed.reason = "the post asks for privacy level " + privacy->asString()
                        + ", but the TikTok account offers only " + (offered.empty() ? std::string("none") : offered)
                        + "; choose one of them on the workstation and export again";
        return failed;
    }
    // A creator's disabled interactions stay disabled (content-sharing guidelines).
    if (creator.commentDisabled)
        postInfo.set("disable_comment", true);
    if (creator.duetDisabled)
        postInfo.set("disable_duet", true);
    if (creator.stitchDisabled)
        postInfo.set("disable_stitch", true);

    Json source(Json::Object{});
    source.set("source", "FILE_UPLOAD");
    source.set("video_size", static_cast<std::int64_t>(plan->videoSize));
    source.set("chunk_size", static_cast<std::int64_t>(plan->chunkSize));
    source.set("total_chunk_count", static_cast<std::int64_t>(plan->chunkCount));
    Json body(Json::Object{});
    body.set("post_info", std::move(postInfo));
    body.set("source_info", std::move(source));
    if (t.checkpoint)
        POSTERN_TRY(t.checkpoint());
    // An init on its own publishes nothing (a publish_id without its bytes never completes),
    // so it is repeated like any safe request; the sent step comes before the last chunk.
    POSTERN_ASSIGN(init, callSafe(*a, std::string(kVideoInit), body));
    if (!init.ok())
        return refused(*a, init, "video/init");
    POSTERN_ASSIGN(started, parseTikTokInit(init.data));
    POSTERN_TRY(HttpClient::checkUrl(started.uploadUrl));
    Upload u;
    u.publishId = started.publishId;
    u.url = started.uploadUrl;
    u.plan = *plan;
    u.file = t.media.front().spoolPath;
    u.mime = t.media.front().mime;
    u.username = creator.username.empty() ? a->handle : creator.username;
    u.maxDurationSec = creator.maxDurationSec;
    POSTERN_ASSIGN(sealed, sealUrl(*a, u.publishId, u.url));
    u.sentKey = formatSentKey({u.publishId, m_clock.now(), std::move(sealed)});
    spdlog::info("tiktok {}: publish {} started, {} chunk(s)", a->channel, u.publishId, plan->chunkCount);
    return upload(*a, t, u, 0, false);
}

Result<TikTokCreator> TikTokAdapter::creatorInfo(const std::string& channel)
{
    POSTERN_ASSIGN(a, m_sessions.open(channel));
    POSTERN_ASSIGN(info, callSafe(*a, std::string(kCreatorInfo), Json(Json::Object{})));
    if (!info.ok()) {
        // Rate limits, refused tokens and server errors keep refused()'s words and remedy.
        auto pending = refused(*a, info, "creator_info");
        if (!pending)
            return std::move(pending).error();
        return fail(Errc::PublishFailed,
                    "TikTok refused creator_info for " + channel + " (HTTP " + std::to_string(info.httpStatus) + " "
                        + info.describe()
                        + "); check in TikTok that the account can post and still authorises the app");
    }
    return parseTikTokCreator(info.data);
}

Result<TargetOutcome> TikTokAdapter::refused(const Account& a, const TikTokAnswer& answer, std::string_view what)
{
    const std::string text = "TikTok refused " + std::string(what) + " (HTTP " + std::to_string(answer.httpStatus) + " "
                             + answer.describe() + ")";
    const std::string& code = answer.code;
    if (code == "spam_risk_too_many_posts" || code == "reached_active_user_cap"
        || code == "spam_risk_too_many_pending_share")
        return fail(Errc::RateLimited,
                    text
                        + ": a daily posting cap is reached; nothing was published; run `postern-uploader resume` "
                          "tomorrow");
    if (code == "rate_limit_exceeded")
        return fail(Errc::RateLimited, text + "; run `postern-uploader resume` in a minute");
    if (code == "access_token_invalid" || code == "scope_not_authorized" || code == "scope_permission_missed")
        return fail(Errc::PermissionDenied,
                    text
                        + "; authorise the app again with the video.publish scope, then `postern-uploader account "
                          "remove "
                        + a.channel + "` and `account add` it with the new credentials file");
    if (code == "internal_error")
        return fail(Errc::PublishFailed, text + "; run `postern-uploader resume` later");
    TargetOutcome o;
    o.state = TargetState::Failed;
    o.reason = text + "; nothing was published";
    if (code == "unaudited_client_can_only_post_to_private_accounts")
        o.reason += "; make the TikTok account private or have the app audited, then post again";
    else if (code == "privacy_level_option_mismatch")
        o.reason += "; choose a privacy level the account offers and export again";
    return o;
}

} // namespace postern::uploader
