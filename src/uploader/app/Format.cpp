// SPDX-License-Identifier: GPL-3.0-or-later
// The small formatters the uploader's reports share.
#include "Format.h"

#include <algorithm>

namespace postern::uploader::cli {

std::string label(std::string_view text)
{
    std::string s(text);
    s.resize(std::max<std::size_t>(s.size() + 1, 13), ' ');
    return s;
}

std::string field(std::string_view text)
{
    return "  " + label(text);
}

std::string dollars(std::int64_t mills)
{
    std::string frac = std::to_string(mills % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    return "$" + std::to_string(mills / 1000) + "." + frac;
}

} // namespace postern::uploader::cli
