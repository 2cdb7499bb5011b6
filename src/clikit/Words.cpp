// SPDX-License-Identifier: GPL-3.0-or-later
#include "Words.h"

namespace postern::clikit {

Result<Words> splitWords(const std::vector<std::string>& argv,
                         const std::map<std::string, bool, std::less<>>& takesValue,
                         bool strict)
{
    Words out;
    bool optionsEnded = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (!optionsEnded && a == "--") {
            optionsEnded = true;
            continue;
        }
        if (optionsEnded || a.rfind("--", 0) != 0) {
            out.plain.push_back(a);
            continue;
        }
        const auto eq = a.find('=');
        OptionWord option;
        option.name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const auto known = takesValue.find(option.name);
        if (known == takesValue.end()) {
            if (strict)
                return fail(Errc::InvalidArgument, "unknown option --" + option.name);
            out.options.push_back(std::move(option)); // lenient: as a flag
            continue;
        }
        option.takesValue = known->second;
        if (!option.takesValue) {
            if (strict && eq != std::string::npos)
                return fail(Errc::InvalidArgument, "option --" + option.name + " takes no value");
        } else if (eq != std::string::npos) {
            option.value = a.substr(eq + 1);
        } else if (i + 1 < argv.size()) {
            option.value = argv[++i]; // whatever it looks like: `--text --draft` sets the text "--draft"
        } else if (strict) {
            return fail(Errc::InvalidArgument, "option --" + option.name + " needs a value");
        }
        out.options.push_back(std::move(option));
    }
    return out;
}

} // namespace postern::clikit
