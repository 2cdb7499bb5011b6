// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Post.h"

#include <string>
#include <string_view>
#include <vector>

namespace postern::compose {

/** DiffSpan is a run of text that is the same in both versions, only in the new one, or only in the old one. */
struct DiffSpan
{
    enum Kind {
        Same,
        Added,
        Removed
    };
    Kind kind = Same;
    std::string text;

    friend bool operator==(const DiffSpan&, const DiffSpan&) = default;
};

/** kMaxDiffEdits bounds the Myers search; beyond it the changed middle is shown as replaced. */
constexpr int kMaxDiffEdits = 1000;

/**
 * diffWords compares two texts word by word: tokens are runs of whitespace and runs of
 * anything else, compared with Myers' O(ND) algorithm after the common prefix and suffix are
 * set aside. Adjacent spans of one kind are merged; a Removed span comes before the Added one
 * that replaces it. Concatenating Same+Removed gives `before`, Same+Added gives `after`.
 */
[[nodiscard]] std::vector<DiffSpan> diffWords(std::string_view before, std::string_view after);

/**
 * describeContentChanges lists, in words for a reviewer, what changed apart from the texts:
 * channels added or removed, options, schedule, media added or removed, alt texts.
 */
[[nodiscard]] std::vector<std::string> describeContentChanges(const domain::PostContent& before,
                                                              const domain::PostContent& after);

} // namespace postern::compose
