// SPDX-License-Identifier: GPL-3.0-or-later
// Pieces every platform adapter shares: answer parsing (tolerant reader, strict fields) and the retry loop for requests
// that are safe to repeat (docs/uploader.md, "Retries and rate limits").
#include "postern/uploader/net/AdapterSupport.h"

#include "postern/util/Checked.h"

#include <algorithm>

#include "postern/crypto/Crypto.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <thread>

namespace postern::uploader {

Result<PlatformJson> answerJson(const HttpResponse& r, std::string_view what)
{
    return PlatformJson::parseObject(r.body, what, kAnswerLimits);
}

Result<std::string> stringField(const PlatformJson& doc, std::string_view key)
{
    return doc.nonEmptyString(key);
}

std::optional<std::int64_t> headerNumber(const HttpResponse& r, std::string_view name)
{
    const std::string* text = r.header(name);
    if (!text || text->empty())
        return std::nullopt;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size() || v < 0)
        return std::nullopt;
    return v;
}

std::chrono::milliseconds platformWait(std::int64_t seconds) noexcept
{
    // Clamped before the conversion: seconds * 1000 of an unchecked header could overflow.
    return std::chrono::seconds(std::clamp<std::int64_t>(seconds, 1, kMaxPlatformWaitSeconds));
}

std::chrono::milliseconds platformWaitUntil(std::int64_t at, std::int64_t now) noexcept
{
    const auto d = checkedSub(at, now);
    // Overflow means at - now is beyond int64 in one direction: far future (the longest wait) or
    // far past (the shortest).
    return platformWait(d ? *d : (at > now ? kMaxPlatformWaitSeconds : 1));
}

std::chrono::milliseconds jittered(std::chrono::milliseconds backoff)
{
    Bytes r(2);
    crypto::randomBytes(r);
    const auto share = static_cast<std::int64_t>(r[0] << 8 | r[1]) % (backoff.count() + 1);
    return backoff + std::chrono::milliseconds(share);
}

void pause(const RetryOptions& options, std::chrono::milliseconds d)
{
    if (options.sleep)
        options.sleep(d);
    else
        std::this_thread::sleep_for(d);
}

Result<HttpResponse> sendSafe(const std::function<Result<HttpResponse>()>& attempt,
                              const RetryOptions& options,
                              const RateLimitRule& rateLimit,
                              std::string_view what)
{
    std::chrono::milliseconds backoff = options.baseBackoff;
    for (int n = 1;; ++n) {
        auto answer = attempt();
        const bool last = n >= options.maxAttempts;
        if (answer) {
            if (const auto wanted = rateLimit ? rateLimit(*answer) : std::nullopt) {
                if (last || *wanted > options.maxWait)
                    return fail(Errc::RateLimited,
                                std::string(what) + " is rate limited for "
                                    + std::to_string(std::max<std::int64_t>(1, wanted->count() / 1000))
                                    + " s; run `postern-uploader resume` later");
                spdlog::info("{}: rate limited, waiting {} ms", what, wanted->count());
                pause(options, *wanted);
                continue;
            }
        }
        const bool transient = !answer ? answer.code() == Errc::Io : answer->status >= 500;
        if (!transient || last)
            return answer;
        const auto delay = jittered(backoff);
        spdlog::info("{}: transient failure, retrying in {} ms", what, delay.count());
        pause(options, delay);
        backoff *= 2;
    }
}

} // namespace postern::uploader
