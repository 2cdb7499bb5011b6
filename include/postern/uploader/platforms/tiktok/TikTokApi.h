// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/SecretText.h"

#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/net/PlatformJson.h"
#include "postern/util/Bytes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::uploader {

// The pure parts of the TikTok Content Posting API (docs/uploader.md, "TikTok"): the chunk
// rules of the media transfer guide, and strict readers of TikTok's answers. No network here,
// so each piece has unit tests and the readers have a fuzz target (tests/fuzz/fuzz_tiktok.cpp).

/**
 * Chunk rules (https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide):
 * chunks of 5 MB to 64 MB, total_chunk_count = floor(video_size / chunk_size), the last chunk
 * takes the remainder and may reach 128 MB, a file under 5 MB is one chunk of its own size, a
 * file over 64 MB must be split, 1 to 1000 chunks. The guide does not say whether "MB" is
 * 10^6 or 2^20 bytes, so every bound takes the stricter reading.
 */
inline constexpr std::uint64_t kTikTokMinChunk = 5u * 1024 * 1024; // 5 MiB > 5,000,000
inline constexpr std::uint64_t kTikTokMaxChunk = 64'000'000;       // 64 MB < 64 MiB
inline constexpr std::uint64_t kTikTokMaxLastChunk = 128'000'000;  // 128 MB < 128 MiB
inline constexpr std::uint64_t kTikTokMaxChunks = 1000;
inline constexpr std::uint64_t kTikTokMaxVideo = 4ull * 1024 * 1024 * 1024; // 4 GB
/** The chunk size planChunks uses for files it splits (the guide's own example). */
inline constexpr std::uint64_t kTikTokPreferredChunk = 10'000'000;

/** TikTokChunkPlan is the source_info of a FILE_UPLOAD init and the byte range of each PUT. */
struct TikTokChunkPlan
{
    std::uint64_t videoSize = 0;
    std::uint64_t chunkSize = 0;
    std::uint64_t chunkCount = 0;

    [[nodiscard]] std::uint64_t offset(std::uint64_t index) const { return index * chunkSize; }
    /** length of chunk `index`: chunkSize, except the last, which takes the remainder. */
    [[nodiscard]] std::uint64_t length(std::uint64_t index) const;
    /** contentRange is the Content-Range header of chunk `index`: "bytes first-last/total". */
    [[nodiscard]] std::string contentRange(std::uint64_t index) const;
};

/**
 * planChunksWith checks a chosen chunk size against the rules above and returns the plan;
 * bad-value naming the broken rule otherwise.
 */
[[nodiscard]] Result<TikTokChunkPlan> planChunksWith(std::uint64_t videoSize, std::uint64_t chunkSize);

/**
 * planChunks chooses the plan for a video: one chunk below 2 × 10,000,000 bytes, else chunks
 * of 10,000,000 bytes (the last one 10,000,000 to 19,999,999). bad-value for an empty video,
 * too-large above 4 GB.
 */
[[nodiscard]] Result<TikTokChunkPlan> planChunks(std::uint64_t videoSize);

/** TikTokAnswer is the v2 envelope {"data": {...}, "error": {"code", "message", "log_id"}}. */
struct TikTokAnswer
{
    std::string code; ///< error.code; "ok" is the only success, whatever the HTTP status
    std::string message;
    std::string logId;
    PlatformJson data;  ///< the data object (null if absent)
    int httpStatus = 0; ///< set by the caller that received the answer

    [[nodiscard]] bool ok() const { return code == "ok"; }
    /** describe is "code: message" for failure reasons (message cut to 300 bytes). */
    [[nodiscard]] std::string describe() const;
};

/**
 * parseTikTokAnswer reads an answer body: a JSON object (PlatformJson, kAnswerLimits)
 * with an "error" object holding a non-empty string "code" and optional string "message" and
 * "log_id", and an optional "data" object. Anything else is publish-failed.
 */
[[nodiscard]] Result<TikTokAnswer> parseTikTokAnswer(std::string_view body);

/**
 * tikTokRateLimit: TikTok's limits are per token per minute and come without headers (429
 * rate_limit_exceeded), so a 429 waits `window`, or Retry-After if one is ever sent.
 */
[[nodiscard]] RateLimitRule tikTokRateLimit(std::chrono::milliseconds window);

/** describeTikTokHttp is "HTTP <status>" plus the envelope's "code: message" if readable. */
[[nodiscard]] std::string describeTikTokHttp(const HttpResponse& r);

/** TikTokCreator is data of /v2/post/publish/creator_info/query/. */
struct TikTokCreator
{
    std::string username;
    std::string nickname;
    std::vector<std::string> privacyOptions;
    bool commentDisabled = false;
    bool duetDisabled = false;
    bool stitchDisabled = false;
    std::int64_t maxDurationSec = 0; ///< 0: not given
};
[[nodiscard]] Result<TikTokCreator> parseTikTokCreator(const PlatformJson& data);

/** TikTokStatus is data of /v2/post/publish/status/fetch/. */
struct TikTokStatus
{
    std::string status; ///< PROCESSING_UPLOAD, PROCESSING_DOWNLOAD, SEND_TO_USER_INBOX, PUBLISH_COMPLETE, FAILED
    std::string failReason;
    std::vector<std::string> postIds; ///< publicaly_available_post_id (sic), as decimal strings
    std::optional<std::uint64_t> uploadedBytes;

    [[nodiscard]] bool processing() const { return status.rfind("PROCESSING_", 0) == 0; }
};
[[nodiscard]] Result<TikTokStatus> parseTikTokStatus(const PlatformJson& data);

/** TikTokInit is data of /v2/post/publish/video/init/ (publish_id ≤ 64, upload_url). */
struct TikTokInit
{
    std::string publishId;
    std::string uploadUrl;
};
[[nodiscard]] Result<TikTokInit> parseTikTokInit(const PlatformJson& data);

/**
 * TikTokToken is the answer of POST /v2/oauth/token/ (a flat object, not the v2 envelope):
 * access_token, expires_in, open_id, refresh_token, refresh_expires_in, scope, token_type.
 * An answer {"error": ..., "error_description": ...} is permission-denied with both in words.
 */
struct TikTokToken
{
    crypto::SecretText accessToken;
    crypto::SecretText refreshToken;
    std::string openId;
    std::string scope;
    std::int64_t expiresIn = 0;
    std::int64_t refreshExpiresIn = 0;
};
[[nodiscard]] Result<TikTokToken> parseTikTokToken(std::string_view body);

/**
 * TikTokSentKey is what the adapter records with `sent` before the last chunk: the publish id
 * (to ask status/fetch), when init answered, and the upload URL sealed under a key derived
 * from the account's client secret (to finish an interrupted upload within its hour).
 * Text form: "tiktok1 <publish_id> <issued seconds> <sealed hex>".
 */
struct TikTokSentKey
{
    std::string publishId;
    std::int64_t issuedAt = 0;
    Bytes sealedUrl;
};
[[nodiscard]] std::string formatSentKey(const TikTokSentKey& key);
[[nodiscard]] Result<TikTokSentKey> parseSentKey(std::string_view text);

/** isPublishId: 1..64 printable ASCII characters without spaces. */
[[nodiscard]] bool isPublishId(std::string_view id);

} // namespace postern::uploader
