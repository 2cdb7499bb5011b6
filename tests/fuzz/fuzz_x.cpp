// SPDX-License-Identifier: GPL-3.0-or-later
// What the X adapter reads from outside (src/uploader/platforms/x/XAnswers.cpp): error bodies, media
// answers (processing_info), listing pages, and the listed text it compares with ours.
#include "postern/uploader/platforms/x/XAnswers.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace postern::uploader;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const XProblem problem = parseXProblem(text);
    (void)problem.words();
    if (problem.messages.size() > 4 || problem.codes.size() > 4 || problem.detail.size() > 300)
        std::abort(); // the caps every message relies on
    if (auto media = parseXMediaAnswer(text, "fuzz"); media && !isXId(media->id))
        std::abort();
    if (auto page = parseXTimeline(text)) {
        if (page->posts.size() > 100)
            std::abort();
        for (const auto& post : page->posts) {
            if (!isXId(post.id))
                std::abort();
            // A text always matches itself, with or without the trailing media link rule.
            if (!sameXText(post.text, post.text, false) || !sameXText(post.text, post.text, true))
                std::abort();
        }
    }
    const std::size_t half = size / 2;
    (void)sameXText(text.substr(0, half), text.substr(half), (size & 1) != 0);
    return 0;
}
