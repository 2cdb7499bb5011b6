// SPDX-License-Identifier: GPL-3.0-or-later
// The media sanitizer (src/media) on arbitrary bytes under every supported MIME type. It must
// never crash, read out of bounds or hang; when it succeeds, the output must itself sanitize
// to the same bytes with nothing more removed (the result is already clean), and the report
// must survive its JSON round trip. Seeds: tests/fuzz/corpus/fuzz_media (written by
// `test_media "[.corpus]"`).
#include "postern/media/Sanitize.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace postern;
    static constexpr std::string_view kMimes[] =
        {"image/jpeg", "image/png", "video/mp4", "video/quicktime", "image/webp", "image/gif", "video/webm"};
    const ByteView in(data, size);
    for (const auto mime : kMimes) {
        auto result = media::sanitizeBytes(in, mime);
        if (!result)
            continue;
        const auto& [out, report] = *result;
        if (report.outputBytes != out.size() || report.inputBytes != size)
            std::abort();
        auto again = media::sanitizeBytes(out, mime);
        if (!again || again->first != out || (report.inspected && !again->second.removed.empty()))
            std::abort();
        auto back = media::reportFromJson(media::reportToJson(report).serialize());
        if (!back || !(*back == report))
            std::abort();
    }
    return 0;
}
