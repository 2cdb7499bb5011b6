// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/net/PlatformJson.h"
#include "postern/util/Clock.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace postern::uploader {

/**
 * RetryOptions tune how an adapter repeats requests that are safe to repeat (reads, uploads of
 * content-addressed or session-scoped media, token refreshes that the platform allows twice);
 * tests shorten the waits. Requests that create a post are never retried through this.
 */
struct RetryOptions
{
    std::chrono::milliseconds timeout{60000};             ///< per request
    int maxAttempts = 4;                                  ///< including the first
    std::chrono::milliseconds baseBackoff{500};           ///< doubled per attempt, plus up to as much jitter
    std::chrono::milliseconds maxWait{60000};             ///< a longer rate-limit wait is left to `resume`
    std::function<void(std::chrono::milliseconds)> sleep; ///< default: std::this_thread::sleep_for
};

/** kAnswerLimits caps every platform answer an adapter parses (size checked before parsing). */
inline const PlatformLimits kAnswerLimits{};

/**
 * answerJson parses a platform answer that must be a JSON object with the tolerant reader
 * (PlatformJson): publish-failed otherwise, with the parser's own reason and where, never a
 * generic "not a JSON object" that hides it from the operator.
 */
[[nodiscard]] Result<PlatformJson> answerJson(const HttpResponse& r, std::string_view what);

/** stringField returns a non-empty string member (publish-failed naming its path and what was found). */
[[nodiscard]] Result<std::string> stringField(const PlatformJson& doc, std::string_view key);

/** headerNumber reads a header holding a non-negative decimal integer; nullopt if absent or malformed. */
[[nodiscard]] std::optional<std::int64_t> headerNumber(const HttpResponse& r, std::string_view name);

/**
 * kMaxPlatformWaitSeconds caps a wait a platform asks for (a rate-limit reset, Retry-After, a
 * processing delay): ten years. It is a clamp, not an error: any wait longer than
 * RetryOptions::maxWait leaves the target pending for `resume` anyway, so clamping changes no
 * decision, and it keeps the wait in milliseconds and `now + wait` far from int64 overflow.
 */
inline constexpr std::int64_t kMaxPlatformWaitSeconds = std::int64_t{10} * 366 * 86400;

/** platformWait is a platform's wait in seconds as a duration: at least 1 s, at most kMaxPlatformWaitSeconds. */
[[nodiscard]] std::chrono::milliseconds platformWait(std::int64_t seconds) noexcept;

/**
 * platformWaitUntil is the wait from `now` until the epoch second `at` a platform named (a rate
 * limit's reset), clamped as platformWait: a reset in the past waits 1 s, and an `at - now` that
 * does not fit in int64 (an absurd header or clock) is the longest wait, never wrap-around.
 */
[[nodiscard]] std::chrono::milliseconds platformWaitUntil(std::int64_t at, std::int64_t now) noexcept;

/** jittered returns `backoff` plus a random share of it (0..backoff), from libsodium's RNG. */
[[nodiscard]] std::chrono::milliseconds jittered(std::chrono::milliseconds backoff);

/** pause sleeps through options.sleep if set, else for real. */
void pause(const RetryOptions& options, std::chrono::milliseconds d);

/**
 * RateLimitRule says how long a 429 (or a platform's own rate-limit answer) asks us to wait,
 * or nullopt if the answer is not a rate limit. Each platform reads its own headers.
 */
using RateLimitRule = std::function<std::optional<std::chrono::milliseconds>(const HttpResponse&)>;

/** xRateLimit reads an X 429: until x-rate-limit-reset (epoch s), else Retry-After; a usage cap is no wait. */
[[nodiscard]] RateLimitRule xRateLimit(const Clock& clock);

/** blueskyRateLimit reads a PDS 429: until ratelimit-reset (epoch s), else Retry-After, else 5 s. */
[[nodiscard]] RateLimitRule blueskyRateLimit(const Clock& clock);

/**
 * sendSafe runs `attempt` (one request) until it gets an answer that is neither a rate limit
 * nor transient: a rate limit waits as the platform asked (up to maxWait, else rate-limited
 * with a "resume later" message), a 5xx or a transport error (Errc::Io) backs off
 * exponentially with jitter, up to maxAttempts. Only for requests that are safe to repeat.
 */
[[nodiscard]] Result<HttpResponse> sendSafe(const std::function<Result<HttpResponse>()>& attempt,
                                            const RetryOptions& options,
                                            const RateLimitRule& rateLimit,
                                            std::string_view what);

} // namespace postern::uploader
