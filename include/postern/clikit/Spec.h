// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <string>
#include <vector>

namespace postern::clikit {

/**
 * OptionSpec declares one long option. The same record feeds the parser (name, whether it takes
 * a value, whether it may repeat) and the help text (value placeholder, meaning), so the two
 * cannot drift apart.
 */
struct OptionSpec
{
    std::string name{};  ///< without the leading "--"
    std::string value{}; ///< placeholder shown in help ("FILE"); empty for a flag, which takes no value
    std::string help{};  ///< what it means; the help formatter wraps it ('\n' forces a line break)
    bool repeat = false; ///< may be given more than once; the values are kept in command-line order
};

/** Listing is one line of the program's command list: a short synopsis and what it does. */
struct Listing
{
    std::string synopsis{}; ///< "init --name WS --admin NAME"
    std::string summary{};  ///< "create the store, the workstation key and the first admin"
};

/**
 * CommandSpec declares one command ("init") or one sub-command of a group ("user add"): the
 * words that select it, the options it accepts besides the program's global ones, and how the
 * help shows it. The group is the first word; `PROGRAM GROUP --help` covers every command of it.
 */
struct CommandSpec
{
    std::string name{};                ///< one word, or the group and its sub-command ("user add")
    std::vector<std::string> usage{};  ///< usage lines after the program name: "user add NAME --roles R"
    std::vector<OptionSpec> options{}; ///< the command's own options
    std::string section{};             ///< heading of the program's command list it appears under
    std::vector<Listing> listed{};     ///< its lines in the program's command list (none: not listed)
};

/**
 * GroupSpec holds the prose of `PROGRAM GROUP --help`: a description before the generated
 * list of options, and an epilogue (examples, file formats) after it.
 */
struct GroupSpec
{
    std::string name{};                   ///< the group: "user", "draft", "publish"
    std::string description{};            ///< pre-formatted paragraphs, printed as they are
    std::string epilogue{};               ///< pre-formatted, after the options; may be empty
    std::string optionsTitle = "options"; ///< heading of the generated option list
};

/** ProgramSpec is everything the parser and the help formatter know about one program. */
struct ProgramSpec
{
    std::string name{};                  ///< "postern-cli": the prefix of every error line
    std::string version{};               ///< printed by --version as "NAME VERSION"
    std::string usage{};                 ///< after the name: "[--store DIR] COMMAND [ARGS] [OPTIONS]"
    std::string description{};           ///< pre-formatted paragraphs of the main help
    std::vector<OptionSpec> globals{};   ///< accepted by every command, before or after it
    std::string epilogue{};              ///< pre-formatted: exit codes, error format
    std::vector<CommandSpec> commands{}; ///< in the order of the command list
    std::vector<GroupSpec> groups{};     ///< help prose per group
};

/**
 * checkProgram checks that a program's definitions can be parsed as the help describes them:
 * unique command names of one or two words, no group that is both a command and has
 * sub-commands, a usage line for every command, one meaning per option name (a flag everywhere
 * or a value everywhere, because the words are split before the command is known), no command
 * option that repeats a global one, and the global --help and --version the front door answers.
 * invalid-argument names the first problem. Each program's tests run it on its command table.
 */
[[nodiscard]] Status checkProgram(const ProgramSpec& program);

} // namespace postern::clikit
