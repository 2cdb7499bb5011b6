// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace postern::uploader::cli {

/** label pads a label so the values after it line up ("bundle       "). */
[[nodiscard]] std::string label(std::string_view text);
/** field is an indented label ("  fingerprint  "), for the lines under a heading. */
[[nodiscard]] std::string field(std::string_view text);
/** dollars renders mills ($0.001) as "$0.245", for X's costs. */
[[nodiscard]] std::string dollars(std::int64_t mills);

} // namespace postern::uploader::cli
