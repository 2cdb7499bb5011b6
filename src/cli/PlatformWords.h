// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace postern::cli {

// Help text that names platforms is written from the descriptors (docs/adding-a-platform.md),
// so a new platform appears in `--help` without an edit here.

/** platformNameList: "outbox, bluesky, mastodon, tiktok, x", in the list's order. */
[[nodiscard]] std::string platformNameList();

/** booleanOptionList: the options `draft --option` turns true/false into booleans, per platform:
 *  "mastodon sensitive and tiktok disable_comment, disable_duet, ...". */
[[nodiscard]] std::string booleanOptionList();

} // namespace postern::cli
