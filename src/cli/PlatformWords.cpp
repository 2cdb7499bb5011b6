// SPDX-License-Identifier: GPL-3.0-or-later
#include "PlatformWords.h"

#include "postern/domain/PlatformDescriptor.h"

#include <vector>

namespace postern::cli {

std::string platformNameList()
{
    std::string out;
    for (const auto* d : domain::allPlatforms()) {
        if (!out.empty())
            out += ", ";
        out += d->name;
    }
    return out;
}

std::string booleanOptionList()
{
    std::vector<std::string> parts;
    for (const auto* d : domain::allPlatforms()) {
        std::string keys;
        for (const auto& o : d->options) {
            if (o.type != domain::OptionType::Bool)
                continue;
            keys += keys.empty() ? "" : ", ";
            keys += o.key;
        }
        if (!keys.empty())
            parts.push_back(std::string(d->name) + " " + keys);
    }
    // Options are listed with commas, so platforms are separated by "; " and the last by " and ".
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += i + 1 == parts.size() ? " and " : "; ";
        out += parts[i];
    }
    return out;
}

} // namespace postern::cli
