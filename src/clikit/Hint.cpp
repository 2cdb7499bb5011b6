// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/clikit/Hint.h"

namespace postern::clikit {

std::string hintFor(std::span<const Hint> table, Errc code)
{
    for (const auto& h : table) {
        if (h.code == code)
            return std::string(h.text);
    }
    return {};
}

} // namespace postern::clikit
