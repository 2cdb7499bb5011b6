// SPDX-License-Identifier: GPL-3.0-or-later
// Mastodon's status HTML as text (src/uploader/platforms/mastodon/MastodonHtml.cpp) and the reader
// of the Status entities it comes in (MastodonCollect.cpp): every reply the uploader collects
// from Mastodon passes through both, written by anyone.
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/platforms/mastodon/MastodonApi.h"
#include "postern/uploader/platforms/mastodon/MastodonHtml.h"
#include "postern/util/Bytes.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace postern;
    using namespace postern::uploader;
    const std::string_view html(reinterpret_cast<const char*>(data), size);
    for (const std::size_t cap : {std::size_t{0}, std::size_t{7}, std::size_t{500}, std::size_t{1} << 20}) {
        auto text = mastodonHtmlToText(html, cap);
        if (!text) {
            if (size <= kMastodonHtmlMax) // the size cap is the only refusal
                std::abort();
            continue;
        }
        if (text->size() > cap)
            std::abort();
        // Entities only ever produce scalar values and the cut keeps characters whole.
        if (isValidUtf8(html) && !isValidUtf8(*text))
            std::abort();
    }
    if (auto doc = PlatformJson::parse(html, "fuzz", kAnswerLimits)) {
        if (auto counts = parseMastodonCounts(*doc, 0);
            counts && (*counts->likes < 0 || *counts->likes > kMastodonCountMax || counts->quotes))
            std::abort();
        if (auto reply = parseMastodonReply(*doc); reply && (reply->platformId.empty() || reply->inReplyTo.empty()))
            std::abort();
    }
    return 0;
}
