// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::clikit {

/**
 * Arguments is a parsed command line. Options keep their command-line order because some of
 * them attach to the one before (postern-cli's `--alt` describes the preceding `--media`).
 */
struct Arguments
{
    std::string group;                                        ///< first word: "draft", "list" ("" when none)
    std::string command;                                      ///< the command: "draft new", "list" ("" when none)
    std::vector<std::string> positionals;                     ///< the words after the command
    std::vector<std::pair<std::string, std::string>> options; ///< in order; flags have ""

    /** has is true when the option was given at least once. */
    [[nodiscard]] bool has(std::string_view name) const;
    /** value returns the option's value (an option that may repeat: the last one), or nullptr. */
    [[nodiscard]] const std::string* value(std::string_view name) const;
    /** values returns every value of a repeatable option, in command-line order. */
    [[nodiscard]] std::vector<std::string> values(std::string_view name) const;
};

} // namespace postern::clikit
