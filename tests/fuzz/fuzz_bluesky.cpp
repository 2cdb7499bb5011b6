// SPDX-License-Identifier: GPL-3.0-or-later
// What the Bluesky adapter reads from outside: server answers (parseForeignJson) and post
// text scanned for facets (detectFacets), whose spans must stay inside the text and in order.
#include "postern/uploader/platforms/bluesky/BlueskyText.h"
#include "postern/util/Json.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)postern::parseForeignJson(text, postern::JsonLimits{});
    std::size_t last = 0;
    for (const auto& span : postern::uploader::detectFacets(text)) {
        if (span.byteStart < last || span.byteEnd <= span.byteStart || span.byteEnd > text.size())
            std::abort();
        last = span.byteEnd;
    }
    return 0;
}
