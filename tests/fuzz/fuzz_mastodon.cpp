// SPDX-License-Identifier: GPL-3.0-or-later
// What the Mastodon adapter reads from outside (src/uploader/platforms/mastodon/MastodonApi.cpp): X-RateLimit-Reset
// and created_at timestamps, the error entity, Status entities, and post text it counts.
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/platforms/mastodon/MastodonApi.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace postern;
    using namespace postern::uploader;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto floor = parseIso8601(text);
    const auto ceil = parseIso8601(text, true);
    if (floor.has_value() != ceil.has_value() || (floor && (*ceil < *floor || *ceil - *floor > 1 || *floor < -86400)))
        std::abort();

    HttpResponse r;
    r.status = 429;
    r.headers = {{"x-ratelimit-reset", std::string(text)}};
    r.body = std::string(text);
    const auto wait = mastodonRateLimitWait(r, 1798761600, std::chrono::seconds(30));
    if (!wait || wait->count() < 1000)
        std::abort();
    (void)describeAnswer(r);
    if (mastodonErrorText(text).size() > 700)
        std::abort();

    if (auto doc = PlatformJson::parse(text, "fuzz", kAnswerLimits)) {
        if (auto status = parseStatus(*doc); status && (status->id.empty() || status->id.size() > 64))
            std::abort();
    }

    // Never more than one per byte: a URL counts min(23, its own length), a grapheme >= 1 byte.
    const std::int64_t length = mastodonTextLength(text, 23);
    if (length < 0 || length > static_cast<std::int64_t>(size))
        std::abort();
    if (stripRuby(text).size() > size)
        std::abort();
    return 0;
}
