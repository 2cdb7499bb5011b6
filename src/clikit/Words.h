// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <map>
#include <string>
#include <vector>

namespace postern::clikit {

/** OptionWord is one option as written: "--name value" or "--name=value" become the same. */
struct OptionWord
{
    std::string name;  ///< without "--"
    std::string value; ///< "" for a flag
    bool takesValue = false;
};

/** Words is a command line split into options (with their values) and plain words. */
struct Words
{
    std::vector<OptionWord> options; ///< in command-line order
    std::vector<std::string> plain;  ///< everything that is neither an option nor an option's value
};

/**
 * splitWords splits argv by the documented syntax: "--" ends the options, "--name=value" and
 * "--name value" set a value, a word not starting with "--" is plain. Whether an option takes a
 * value comes from `takesValue` (every option the program knows). Strict mode refuses an unknown
 * option, a value given to a flag and a missing value; lenient mode (for finding the command of a
 * line that does not parse) treats an unknown option as a flag and ignores the rest.
 */
[[nodiscard]] Result<Words> splitWords(const std::vector<std::string>& argv,
                                       const std::map<std::string, bool, std::less<>>& takesValue,
                                       bool strict);

} // namespace postern::clikit
