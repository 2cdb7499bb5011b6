// SPDX-License-Identifier: GPL-3.0-or-later
// TikTok Content Posting API, the parts without a network: chunk rules and answer readers
// (reference: /work/shared/reference/platform-apis.md section 1).
#include "postern/uploader/TikTokApi.h"

#include "postern/uploader/AdapterSupport.h"
#include "postern/util/Bytes.h"

#include <algorithm>
#include <charconv>

namespace postern::uploader {

namespace {

constexpr std::size_t kMaxReasonBytes = 300;

/** optionalString reads a string member if present (a non-string is an error). */
Result<std::string> optionalString(const Json& doc, std::string_view key, std::string_view what, std::size_t cap)
{
    const Json* v = doc.find(key);
    if (!v)
        return std::string();
    if (v->type() != Json::Type::String)
        return fail(Errc::PublishFailed, std::string(what) + ": \"" + std::string(key) + "\" is not a string");
    return v->asString().substr(0, cap);
}

Result<bool> optionalBool(const Json& doc, std::string_view key, std::string_view what)
{
    const Json* v = doc.find(key);
    if (!v)
        return false;
    if (v->type() != Json::Type::Bool)
        return fail(Errc::PublishFailed, std::string(what) + ": \"" + std::string(key) + "\" is not true or false");
    return v->asBool();
}

Result<std::int64_t> optionalCount(const Json& doc, std::string_view key, std::string_view what)
{
    const Json* v = doc.find(key);
    if (!v)
        return std::int64_t{-1};
    if (v->type() != Json::Type::Int || v->asInt() < 0)
        return fail(Errc::PublishFailed,
                    std::string(what) + ": \"" + std::string(key) + "\" is not a non-negative integer");
    return v->asInt();
}

} // namespace

std::uint64_t TikTokChunkPlan::length(std::uint64_t index) const
{
    return index + 1 == chunkCount ? videoSize - offset(index) : chunkSize;
}

std::string TikTokChunkPlan::contentRange(std::uint64_t index) const
{
    const std::uint64_t first = offset(index);
    return "bytes " + std::to_string(first) + "-" + std::to_string(first + length(index) - 1) + "/"
           + std::to_string(videoSize);
}

Result<TikTokChunkPlan> planChunksWith(std::uint64_t videoSize, std::uint64_t chunkSize)
{
    if (videoSize == 0)
        return fail(Errc::BadValue, "an empty video cannot be uploaded to TikTok");
    if (videoSize > kTikTokMaxVideo)
        return fail(Errc::TooLarge,
                    "the video is " + std::to_string(videoSize) + " bytes; TikTok takes videos up to 4 GB");
    if (chunkSize == 0 || chunkSize > videoSize)
        return fail(Errc::BadValue, "chunk_size must be between 1 and video_size");
    TikTokChunkPlan plan{videoSize, chunkSize, videoSize / chunkSize};
    if (plan.chunkCount == 1) {
        // One request carries the whole file (a larger chunk_size than half the file).
        if (videoSize > kTikTokMaxChunk)
            return fail(Errc::BadValue, "a video over 64 MB must be sent in several chunks");
        if (chunkSize != videoSize && videoSize < kTikTokMinChunk)
            return fail(Errc::BadValue, "a video under 5 MB is sent as one chunk with chunk_size = video_size");
        if (chunkSize != videoSize && chunkSize < kTikTokMinChunk)
            return fail(Errc::BadValue, "chunks are at least 5 MB");
        return plan;
    }
    if (chunkSize < kTikTokMinChunk)
        return fail(Errc::BadValue, "chunks are at least 5 MB");
    if (chunkSize > kTikTokMaxChunk)
        return fail(Errc::BadValue, "chunks are at most 64 MB");
    if (plan.chunkCount > kTikTokMaxChunks)
        return fail(Errc::BadValue, "a video is sent in at most 1000 chunks");
    if (plan.length(plan.chunkCount - 1) > kTikTokMaxLastChunk)
        return fail(Errc::BadValue, "the last chunk may reach 128 MB at most");
    return plan;
}

Result<TikTokChunkPlan> planChunks(std::uint64_t videoSize)
{
    if (videoSize < 2 * kTikTokPreferredChunk)
        return planChunksWith(videoSize, videoSize);
    return planChunksWith(videoSize, kTikTokPreferredChunk);
}

RateLimitRule tikTokRateLimit(std::chrono::milliseconds window)
{
    return [window](const HttpResponse& r) -> std::optional<std::chrono::milliseconds> {
        if (r.status != 429)
            return std::nullopt;
        if (auto after = headerNumber(r, "retry-after"))
            return std::chrono::seconds(std::max<std::int64_t>(1, *after));
        return window;
    };
}

std::string describeTikTokHttp(const HttpResponse& r)
{
    auto env = parseTikTokAnswer(r.body);
    return "HTTP " + std::to_string(r.status) + (env ? " " + env->describe() : std::string());
}

std::string TikTokAnswer::describe() const
{
    std::string out = code.empty() ? std::string("no error code") : code;
    if (!message.empty())
        out += ": " + message.substr(0, kMaxReasonBytes);
    return out;
}

Result<TikTokAnswer> parseTikTokAnswer(std::string_view body)
{
    auto doc = parseForeignJson(body, kAnswerLimits);
    if (!doc || !doc->isObject())
        return fail(Errc::PublishFailed, "TikTok's answer is not a JSON object");
    const Json* error = doc->find("error");
    if (!error || !error->isObject())
        return fail(Errc::PublishFailed, "TikTok's answer has no \"error\" object");
    TikTokAnswer a;
    POSTERN_ASSIGN(code, optionalString(*error, "code", "TikTok's answer", 100));
    if (code.empty())
        return fail(Errc::PublishFailed, "TikTok's answer has no error.code");
    a.code = std::move(code);
    POSTERN_ASSIGN(message, optionalString(*error, "message", "TikTok's answer", 1000));
    POSTERN_ASSIGN(logId, optionalString(*error, "log_id", "TikTok's answer", 100));
    a.message = std::move(message);
    a.logId = std::move(logId);
    if (const Json* data = doc->find("data")) {
        if (!data->isObject())
            return fail(Errc::PublishFailed, "TikTok's answer has a \"data\" that is not an object");
        a.data = *data;
    }
    return a;
}

Result<TikTokCreator> parseTikTokCreator(const Json& data)
{
    constexpr std::string_view what = "creator_info";
    TikTokCreator c;
    POSTERN_ASSIGN(username, optionalString(data, "creator_username", what, 100));
    POSTERN_ASSIGN(nickname, optionalString(data, "creator_nickname", what, 200));
    c.username = std::move(username);
    c.nickname = std::move(nickname);
    const Json* options = data.find("privacy_level_options");
    if (!options || options->type() != Json::Type::Array || options->asArray().size() > 16)
        return fail(Errc::PublishFailed, "creator_info: the answer has no privacy_level_options list");
    for (const auto& o : options->asArray()) {
        if (o.type() != Json::Type::String || o.asString().empty() || o.asString().size() > 64)
            return fail(Errc::PublishFailed, "creator_info: a privacy level option is not a name");
        c.privacyOptions.push_back(o.asString());
    }
    POSTERN_ASSIGN(comment, optionalBool(data, "comment_disabled", what));
    POSTERN_ASSIGN(duet, optionalBool(data, "duet_disabled", what));
    POSTERN_ASSIGN(stitch, optionalBool(data, "stitch_disabled", what));
    POSTERN_ASSIGN(duration, optionalCount(data, "max_video_post_duration_sec", what));
    c.commentDisabled = comment;
    c.duetDisabled = duet;
    c.stitchDisabled = stitch;
    c.maxDurationSec = duration < 0 ? 0 : duration;
    return c;
}

Result<TikTokStatus> parseTikTokStatus(const Json& data)
{
    constexpr std::string_view what = "status/fetch";
    TikTokStatus s;
    POSTERN_ASSIGN(status, stringField(data, "status", what));
    if (status.size() > 64)
        return fail(Errc::PublishFailed, "status/fetch: the status name is too long");
    s.status = std::move(status);
    POSTERN_ASSIGN(reason, optionalString(data, "fail_reason", what, 100));
    s.failReason = std::move(reason);
    if (const Json* ids = data.find("publicaly_available_post_id")) {
        if (ids->type() != Json::Type::Array || ids->asArray().size() > 16)
            return fail(Errc::PublishFailed, "status/fetch: publicaly_available_post_id is not a list");
        for (const auto& id : ids->asArray()) {
            // Documented as int64; a string of digits is accepted too.
            if (id.type() == Json::Type::Int && id.asInt() > 0)
                s.postIds.push_back(std::to_string(id.asInt()));
            else if (id.type() == Json::Type::String && !id.asString().empty() && id.asString().size() <= 32
                     && id.asString().find_first_not_of("0123456789") == std::string::npos)
                s.postIds.push_back(id.asString());
            else
                return fail(Errc::PublishFailed, "status/fetch: a post id is not a number");
        }
    }
    POSTERN_ASSIGN(uploaded, optionalCount(data, "uploaded_bytes", what));
    if (uploaded >= 0)
        s.uploadedBytes = static_cast<std::uint64_t>(uploaded);
    return s;
}

bool isPublishId(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (const char ch : id) {
        if (ch <= ' ' || ch > '~')
            return false;
    }
    return true;
}

Result<TikTokInit> parseTikTokInit(const Json& data)
{
    TikTokInit init;
    POSTERN_ASSIGN(id, stringField(data, "publish_id", "video/init"));
    POSTERN_ASSIGN(url, stringField(data, "upload_url", "video/init"));
    if (!isPublishId(id))
        return fail(Errc::PublishFailed, "video/init: the publish_id is not 1 to 64 printable characters");
    if (url.size() > 2048)
        return fail(Errc::PublishFailed, "video/init: the upload_url is longer than 2048 bytes");
    init.publishId = std::move(id);
    init.uploadUrl = std::move(url);
    return init;
}

Result<TikTokToken> parseTikTokToken(std::string_view body)
{
    auto doc = parseForeignJson(body, kAnswerLimits);
    if (!doc || !doc->isObject())
        return fail(Errc::PublishFailed, "TikTok's token answer is not a JSON object");
    if (const Json* error = doc->find("error"); error && error->type() == Json::Type::String) {
        POSTERN_ASSIGN(description, optionalString(*doc, "error_description", "TikTok's token answer", 300));
        return fail(Errc::PermissionDenied,
                    error->asString().substr(0, 100) + (description.empty() ? "" : ": " + description));
    }
    constexpr std::string_view what = "TikTok's token answer";
    TikTokToken t;
    POSTERN_ASSIGN(access, stringField(*doc, "access_token", what));
    POSTERN_ASSIGN(refresh, stringField(*doc, "refresh_token", what));
    POSTERN_ASSIGN(openId, optionalString(*doc, "open_id", what, 200));
    POSTERN_ASSIGN(scope, optionalString(*doc, "scope", what, 1000));
    POSTERN_ASSIGN(expires, optionalCount(*doc, "expires_in", what));
    POSTERN_ASSIGN(refreshExpires, optionalCount(*doc, "refresh_expires_in", what));
    if (access.size() > 4096 || refresh.size() > 4096)
        return fail(Errc::PublishFailed, "TikTok's token answer holds a token longer than 4096 bytes");
    // Ten years at most: an absurd lifetime is a broken answer, not a reason to overflow.
    constexpr std::int64_t kMaxLifetime = 10ll * 366 * 86400;
    if (expires <= 0 || expires > kMaxLifetime || refreshExpires > kMaxLifetime)
        return fail(Errc::PublishFailed, "TikTok's token answer has no usable expires_in");
    t.accessToken = std::move(access);
    t.refreshToken = std::move(refresh);
    t.openId = std::move(openId);
    t.scope = std::move(scope);
    t.expiresIn = expires;
    t.refreshExpiresIn = refreshExpires < 0 ? 0 : refreshExpires;
    return t;
}

std::string formatSentKey(const TikTokSentKey& key)
{
    return "tiktok1 " + key.publishId + " " + std::to_string(key.issuedAt) + " " + toHex(key.sealedUrl);
}

Result<TikTokSentKey> parseSentKey(std::string_view text)
{
    const auto bad = [] { return fail(Errc::BadValue, "the recorded TikTok upload key is damaged"); };
    if (text.size() > 8192)
        return bad();
    std::vector<std::string_view> parts;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t space = text.find(' ', pos);
        const std::size_t end = space == std::string_view::npos ? text.size() : space;
        parts.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    if (parts.size() != 4 || parts[0] != "tiktok1" || !isPublishId(parts[1]))
        return bad();
    TikTokSentKey key;
    key.publishId = std::string(parts[1]);
    const auto [end, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), key.issuedAt);
    if (ec != std::errc() || end != parts[2].data() + parts[2].size() || key.issuedAt < 0
        || (parts[2].size() > 1 && parts[2][0] == '0'))
        return bad();
    auto sealed = fromHex(parts[3]);
    if (!sealed || sealed->empty())
        return bad();
    key.sealedUrl = std::move(sealed).value();
    return key;
}

} // namespace postern::uploader
