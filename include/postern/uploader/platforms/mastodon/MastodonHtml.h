// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace postern::uploader {

/** kMastodonHtmlMax is the most HTML one status may carry into the converter (64 KiB). */
inline constexpr std::size_t kMastodonHtmlMax = 64 * 1024;

/**
 * mastodonHtmlToText turns the HTML of a Mastodon status (`content`) into text, for the subset
 * Mastodon's sanitizer emits (app/lib/sanitize_ext/sanitize_config.rb, MASTODON_STRICT), with
 * no HTML library: the uploader links no GUI library, and a small converter can be read whole.
 *
 *  - `p`, `pre`, `blockquote`, `ul`, `ol`: a blank line between blocks; `br`: a line break;
 *    `li`: a line starting "- ";
 *  - `a href`: its visible text, then the link target in parentheses unless the text (with
 *    Mastodon's hidden `invisible` spans) is exactly the target, in which case the whole
 *    target is written. So a link never hides where it goes: `<a href="https://evil">
 *    https://good</a>` becomes "https://good (https://evil)";
 *  - `span class="invisible"` inside a link: left out of the visible text; `span
 *    class="ellipsis"`: its text followed by "…"; other spans and the inline tags `b`,
 *    `strong`, `i`, `em`, `u`, `s`, `del`, `code`: their text;
 *  - entities: `&amp; &lt; &gt; &quot; &apos; &#39; &nbsp;` and numeric ones; a numeric entity
 *    that is not a Unicode scalar value (0, a surrogate, above U+10FFFF) becomes U+FFFD; an
 *    unknown named one stays as written;
 *  - anything else, including `<script>`, `<img>`, comments and malformed tags, stays as its
 *    literal characters: it is text, shown as such, never markup;
 *  - runs of HTML whitespace become one space (inside `pre` they are kept).
 *
 * The result is text, not yet plain text: control and bidirectional characters are made
 * visible afterwards, by the collect service, for every platform alike. Caps: input above
 * kMastodonHtmlMax is too-large; the output stops at `maxBytes` (at a UTF-8 boundary) with
 * "…" appended.
 */
[[nodiscard]] Result<std::string> mastodonHtmlToText(std::string_view html, std::size_t maxBytes);

} // namespace postern::uploader
