// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace postern::uploader::cli {

/** OptionSpec declares one long option and whether it takes a value. */
struct OptionSpec
{
    std::string_view name; ///< without the leading "--"
    bool takesValue = false;
};

/** Arguments is a parsed command line: the command, its positionals and options. */
struct Arguments
{
    std::string command;                  ///< "" when none was given
    std::vector<std::string> positionals; ///< after the command
    std::map<std::string, std::string> values;
    std::set<std::string> flags;

    [[nodiscard]] bool has(std::string_view name) const;
    [[nodiscard]] const std::string* value(std::string_view name) const;
};

/**
 * parseCommandLine reads argv[1..]: options may come before or after the command, as
 * "--name value" or "--name=value"; "--" ends options. Options are checked against the
 * global set plus the command's own; anything else is invalid-argument with a message that
 * names it.
 */
[[nodiscard]] Result<Arguments> parseCommandLine(const std::vector<std::string>& argv);

/** mainHelp is the text of `postern-uploader --help`. */
[[nodiscard]] std::string_view mainHelp();
/** commandHelp is the text of `postern-uploader COMMAND --help`, or nullopt for an unknown command. */
[[nodiscard]] std::optional<std::string_view> commandHelp(std::string_view command);

} // namespace postern::uploader::cli
