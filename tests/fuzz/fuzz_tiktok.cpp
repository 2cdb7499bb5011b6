// SPDX-License-Identifier: GPL-3.0-or-later
// TikTok's answers (src/uploader/platforms/tiktok/TikTokApi.cpp): the v2 envelope and the data of creator_info,
// video/init and status/fetch read from it, the OAuth token answer, and the sent key the
// adapter reads back from the ledger.
#include "postern/uploader/platforms/tiktok/TikTokApi.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace postern::uploader;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto answer = parseTikTokAnswer(text)) {
        (void)answer->describe();
        (void)parseTikTokCreator(answer->data);
        (void)parseTikTokInit(answer->data);
        (void)parseTikTokStatus(answer->data);
    }
    (void)parseTikTokToken(text);
    if (auto key = parseSentKey(text))
        (void)formatSentKey(*key);
    if (size >= 8) {
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < 8; ++i)
            n = n << 8 | data[i];
        if (auto plan = planChunks(n % (kTikTokMaxVideo + 2)))
            (void)plan->contentRange(plan->chunkCount - 1);
    }
    return 0;
}
