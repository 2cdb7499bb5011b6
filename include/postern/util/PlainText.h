// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace postern {

/** kTruncationMark ends a text that makePlainText cut short: U+2026 then "[truncated]". */
constexpr std::string_view kTruncationMark = "\xE2\x80\xA6[truncated]";

/**
 * makePlainText turns text from anyone on the internet (a reply, a display name) into plain
 * text that shows what it holds and can hide nothing (docs/bundle-format.md §8.2.1): invalid
 * UTF-8 becomes U+FFFD, CR and CRLF become LF, TAB a space, and controls, bidirectional
 * overrides and isolates and invisible characters are written as visible `[U+XXXX]`. Text
 * longer than `maxBytes` is cut on a character boundary and ends with kTruncationMark; the
 * result is never longer than `maxBytes`. HTML is not interpreted: `<b>` stays three
 * characters. Applying it to its own result changes nothing.
 */
[[nodiscard]] std::string makePlainText(std::string_view untrusted, std::size_t maxBytes);

/** makePlainLine is makePlainText for one-line values (names, handles, ids, URLs): line
 *  breaks become one space each. */
[[nodiscard]] std::string makePlainLine(std::string_view untrusted, std::size_t maxBytes);

/** isPlainText reports whether makePlainText would leave `text` unchanged (any length). */
[[nodiscard]] bool isPlainText(std::string_view text);

/** isPlainLine reports whether makePlainLine would leave `text` unchanged (no LF either). */
[[nodiscard]] bool isPlainLine(std::string_view text);

} // namespace postern
