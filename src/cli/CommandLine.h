// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::cli {

/**
 * Arguments is a parsed command line. Options keep their order because some of them attach to
 * the one before (`--alt` describes the preceding `--media`).
 */
struct Arguments
{
    std::string group;                                        ///< first word: "draft", "list", ... ("" when none)
    std::string command;                                      ///< group plus sub-command: "draft new", "list"
    std::vector<std::string> positionals;                     ///< the words after the command
    std::vector<std::pair<std::string, std::string>> options; ///< in order; flags have ""

    /** has is true when the option was given at least once. */
    [[nodiscard]] bool has(std::string_view name) const;
    /** value returns the option's value (options that may repeat: the last one), or nullptr. */
    [[nodiscard]] const std::string* value(std::string_view name) const;
    /** values returns every value of a repeatable option, in command-line order. */
    [[nodiscard]] std::vector<std::string> values(std::string_view name) const;
};

/**
 * parseCommandLine reads argv[1..]. Options may come before or after the command, as
 * "--name value" or "--name=value"; "--" ends options. Groups that have sub-commands (user,
 * policy, draft, ...) take the next word as the sub-command. Each option is checked against
 * the global set plus the command's own, and only repeatable options may be given twice;
 * anything else is invalid-argument with a message that names it.
 */
[[nodiscard]] Result<Arguments> parseCommandLine(const std::vector<std::string>& argv);

/**
 * groupOf finds the command group in a command line that may not parse, skipping options and
 * their values, so an error can point at that group's help. Returns "" when there is none.
 */
[[nodiscard]] std::string groupOf(const std::vector<std::string>& argv);

/** mainHelp is the text of `postern-cli --help`. */
[[nodiscard]] std::string_view mainHelp();

/** commandHelp is the help of a command group ("draft" covers draft new and draft edit). */
[[nodiscard]] std::optional<std::string_view> commandHelp(std::string_view group);

} // namespace postern::cli
