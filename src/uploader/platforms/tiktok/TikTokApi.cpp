// SPDX-License-Identifier: GPL-3.0-or-later
// TikTok Content Posting API, the parts without a network: chunk rules and answer readers
// (reference: /work/shared/reference/platform-apis.md section 1).
#include "postern/uploader/platforms/tiktok/TikTokApi.h"

#include "postern/uploader/net/AdapterSupport.h"
#include "postern/util/Bytes.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace postern::uploader {

namespace {

constexpr std::size_t kMaxReasonBytes = 300;

/** optionalString reads a string member if present (a non-string is an error naming its path). */
Result<std::string> optionalString(const PlatformJson& doc, std::string_view key, std::size_t cap)
{
    POSTERN_ASSIGN(v, doc.optionalString(key));
    return v ? v->substr(0, cap) : std::string();
}

Result<bool> optionalBool(const PlatformJson& doc, std::string_view key)
{
    if (!doc.find(key))
        return false;
    return doc.boolean(key);
}

/** optionalCount reads a non-negative integer member; -1 if absent. */
Result<std::int64_t> optionalCount(const PlatformJson& doc, std::string_view key)
{
    POSTERN_ASSIGN(v, doc.optionalInteger(key, 0, std::numeric_limits<std::int64_t>::max()));
    return v.value_or(-1);
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
            return platformWait(*after); // 1 s .. ten years, never seconds * 1000 unchecked
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
    POSTERN_ASSIGN(doc, PlatformJson::parseObject(body, "TikTok's answer", kAnswerLimits));
    POSTERN_ASSIGN(error, doc.object("error"));
    TikTokAnswer a;
    POSTERN_ASSIGN(code, optionalString(*error, "code", 100));
    if (code.empty())
        return error->error("code", "expected a non-empty string, got nothing");
    a.code = std::move(code);
    POSTERN_ASSIGN(message, optionalString(*error, "message", 1000));
    POSTERN_ASSIGN(logId, optionalString(*error, "log_id", 100));
    a.message = std::move(message);
    a.logId = std::move(logId);
    POSTERN_ASSIGN(data, doc.optionalObject("data"));
    if (data)
        a.data = *data;
    return a;
}

Result<TikTokCreator> parseTikTokCreator(const PlatformJson& data)
{
    TikTokCreator c;
    POSTERN_ASSIGN(username, optionalString(data, "creator_username", 100));
    POSTERN_ASSIGN(nickname, optionalString(data, "creator_nickname", 200));
    c.username = std::move(username);
    c.nickname = std::move(nickname);
    POSTERN_ASSIGN(options, data.array("privacy_level_options"));
    if (options->asArray().size() > 16)
        return data.error("privacy_level_options", "expected at most 16 options, got more");
    for (const auto& o : options->asArray()) {
        POSTERN_TRY(o.expect(PlatformJson::Type::String));
        if (o.asString().empty() || o.asString().size() > 64)
            return o.error({}, "expected a privacy level name of 1 to 64 bytes");
        c.privacyOptions.push_back(o.asString());
    }
    POSTERN_ASSIGN(comment, optionalBool(data, "comment_disabled"));
    POSTERN_ASSIGN(duet, optionalBool(data, "duet_disabled"));
    POSTERN_ASSIGN(stitch, optionalBool(data, "stitch_disabled"));
    POSTERN_ASSIGN(duration, optionalCount(data, "max_video_post_duration_sec"));
    c.commentDisabled = comment;
    c.duetDisabled = duet;
    c.stitchDisabled = stitch;
    c.maxDurationSec = duration < 0 ? 0 : duration;
    return c;
}

Result<TikTokStatus> parseTikTokStatus(const PlatformJson& data)
{
    TikTokStatus s;
    POSTERN_ASSIGN(status, stringField(data, "status"));
    if (status.size() > 64)
        return data.error("status", "expected a status name of at most 64 bytes");
    s.status = std::move(status);
    POSTERN_ASSIGN(reason, optionalString(data, "fail_reason", 100));
    s.failReason = std::move(reason);
    POSTERN_ASSIGN(ids, data.optionalArray("publicaly_available_post_id"));
    if (ids) {
        if (ids->asArray().size() > 16)
            return data.error("publicaly_available_post_id", "expected at most 16 post ids, got more");
        for (const auto& id : ids->asArray()) {
            // Documented as int64: the tolerant reader keeps 64-bit integers exact, and a
            // number beyond that (a double) is refused rather than rounded to a wrong id.
            if (id.isInt() && id.asInt() > 0)
                s.postIds.push_back(std::to_string(id.asInt()));
            else if (id.isString() && !id.asString().empty() && id.asString().size() <= 32
                     && id.asString().find_first_not_of("0123456789") == std::string::npos)
                s.postIds.push_back(id.asString());
            else
                return id.error({},
                                "expected a post id (a positive 64-bit integer or a string of digits), got "
                                    + std::string(PlatformJson::typeName(id.type())));
        }
    }
    POSTERN_ASSIGN(uploaded, optionalCount(data, "uploaded_bytes"));
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

Result<TikTokInit> parseTikTokInit(const PlatformJson& data)
{
    TikTokInit init;
    POSTERN_ASSIGN(id, stringField(data, "publish_id"));
    POSTERN_ASSIGN(url, stringField(data, "upload_url"));
    if (!isPublishId(id))
        return data.error("publish_id", "expected 1 to 64 printable characters");
    if (url.size() > 2048)
        return data.error("upload_url", "expected at most 2048 bytes");
    init.publishId = std::move(id);
    init.uploadUrl = std::move(url);
    return init;
}

Result<TikTokToken> parseTikTokToken(std::string_view body)
{
    POSTERN_ASSIGN(parsed, PlatformJson::parseObject(body, "TikTok's token answer", kAnswerLimits));
    const PlatformJson* doc = &parsed;
    if (const PlatformJson* error = doc->find("error"); error && error->isString()) {
        POSTERN_ASSIGN(description, optionalString(*doc, "error_description", 300));
        return fail(Errc::PermissionDenied,
                    error->asString().substr(0, 100) + (description.empty() ? "" : ": " + description));
    }
    TikTokToken t;
    POSTERN_ASSIGN(access, stringField(*doc, "access_token"));
    POSTERN_ASSIGN(refresh, stringField(*doc, "refresh_token"));
    POSTERN_ASSIGN(openId, optionalString(*doc, "open_id", 200));
    POSTERN_ASSIGN(scope, optionalString(*doc, "scope", 1000));
    POSTERN_ASSIGN(expires, optionalCount(*doc, "expires_in"));
    POSTERN_ASSIGN(refreshExpires, optionalCount(*doc, "refresh_expires_in"));
    if (access.size() > 4096 || refresh.size() > 4096)
        return fail(Errc::PublishFailed, "TikTok's token answer holds a token longer than 4096 bytes");
    // Ten years at most: an absurd lifetime is a broken answer, not a reason to overflow.
    constexpr std::int64_t kMaxLifetime = 10ll * 366 * 86400;
    if (expires <= 0 || expires > kMaxLifetime || refreshExpires > kMaxLifetime)
        return fail(Errc::PublishFailed, "TikTok's token answer has no usable expires_in");
    t.accessToken = crypto::SecretText::take(access);
    t.refreshToken = crypto::SecretText::take(refresh);
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
