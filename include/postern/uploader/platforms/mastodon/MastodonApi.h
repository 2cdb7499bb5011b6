// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/net/PlatformJson.h"
#include "postern/uploader/publish/Collect.h"
#include "postern/util/Clock.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::uploader {

/**
 * The pieces of the Mastodon REST API that the adapter reads from outside, kept apart from the
 * protocol so the fuzz target (tests/fuzz/fuzz_mastodon.cpp) can reach them. Reference:
 * /work/shared/reference/platform-apis.md section 2.
 */

/** kMastodonKeyPrefix starts every Idempotency-Key the adapter sends. */
inline constexpr std::string_view kMastodonKeyPrefix = "postern-v1-";

/**
 * mastodonIdempotencyKey derives the Idempotency-Key of one target, the same on every try:
 * "postern-v1-" + the first 16 bytes of BLAKE2b-256("postern-mastodon-idempotency-v1" ||
 * bundle id || post index || channel index || channel), in hex. Hashed rather than spelled
 * out so that the instance cannot link two accounts' posts to one bundle.
 */
[[nodiscard]] std::string mastodonIdempotencyKey(const bundle::BundleId& bundleId,
                                                 std::size_t postIndex,
                                                 std::size_t channelIndex,
                                                 std::string_view channel);

// Mastodon's times (created_at, X-RateLimit-Reset) are read with parseIso8601 (postern/util/Clock.h).

/**
 * mastodonRateLimitWait is the rate-limit rule: for a 429, how long until X-RateLimit-Reset
 * (an ISO 8601 timestamp, not epoch seconds; at least 1 s), or `fallback` when the header is
 * absent or unreadable (a proxy's 429). nullopt for any other status.
 */
[[nodiscard]] std::optional<std::chrono::milliseconds>
mastodonRateLimitWait(const HttpResponse& r, std::int64_t now, std::chrono::seconds fallback);

/**
 * mastodonErrorText is the "error" of Mastodon's error entity ({"error": "...",
 * "error_description": "..."}), at most 300 bytes, with error_description appended; empty if
 * the body is not such an object.
 */
[[nodiscard]] std::string mastodonErrorText(std::string_view body);

/** describeAnswer renders "HTTP <status>: <error text>" for messages and logs. */
[[nodiscard]] std::string describeAnswer(const HttpResponse& r);

/**
 * mastodonTextLength counts a status the way Mastodon's StatusLengthValidator does, simply:
 * extended grapheme clusters, every http(s):// link counting `urlWeight`, the "@domain" tail
 * of a "@user@domain" mention not counted. It errs towards counting less (a re-check on the
 * uploader; the workstation counts precisely), so what it refuses Mastodon would refuse.
 */
[[nodiscard]] std::int64_t mastodonTextLength(std::string_view utf8, std::int64_t urlWeight);

/** stripRuby strips leading and trailing ASCII whitespace and NULs, as Ruby's String#strip
 * (Mastodon strips the text and content warning before storing them). */
[[nodiscard]] std::string_view stripRuby(std::string_view text) noexcept;

/** MastodonStatus is what the adapter reads from a Status entity. */
struct MastodonStatus
{
    std::string id;
    std::string url;            ///< the web page; falls back to `uri`
    std::int64_t createdAt = 0; ///< seconds since 1970
    std::string spoilerText;    ///< plain text, as stored (stripped)
    std::size_t mediaCount = 0; ///< media_attachments
    bool reblog = false;        ///< a boost of someone else's post, never ours
};

/**
 * parseStatus reads a Status entity strictly enough: id, created_at and media_attachments must be
 * sane; every other member (media meta with floats, nulls, cards) is ignored. Errors name the path.
 */
[[nodiscard]] Result<MastodonStatus> parseStatus(const PlatformJson& status);

// -- monitoring (MastodonCollect.cpp) ------------------------------------------------------------

/** kMastodonCountMax is the largest count believed (10^15, the report's cap); more is refused. */
inline constexpr std::int64_t kMastodonCountMax = 1000000000000000;

/**
 * parseMastodonCounts reads favourites_count (likes), reblogs_count (reposts) and replies_count
 * of a Status entity (GET /api/v1/statuses/:id), each an integer 0 … kMastodonCountMax; Mastodon
 * gives no quote or view counts. Errors name the path.
 */
[[nodiscard]] Result<CollectedCounts> parseMastodonCounts(const PlatformJson& status, std::int64_t readAt);

/**
 * parseMastodonReply reads one descendant of GET /api/v1/statuses/:id/context: id, url (or
 * uri), account.acct and account.display_name, created_at, in_reply_to_id, and `content` turned
 * into text by mastodonHtmlToText, after its content warning ("CW: <spoiler_text>" and a blank
 * line) when it has one. Strings are text but not yet plain text (the collect service does that).
 */
[[nodiscard]] Result<CollectedReply> parseMastodonReply(const PlatformJson& status);

} // namespace postern::uploader
