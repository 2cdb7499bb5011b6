// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/clikit/Arguments.h"

#include <algorithm>

namespace postern::clikit {

bool Arguments::has(std::string_view name) const
{
    return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == name; });
}

const std::string* Arguments::value(std::string_view name) const
{
    const std::string* found = nullptr;
    for (const auto& o : options) {
        if (o.first == name)
            found = &o.second;
    }
    return found;
}

std::vector<std::string> Arguments::values(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto& o : options) {
        if (o.first == name)
            out.push_back(o.second);
    }
    return out;
}

} // namespace postern::clikit
