// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Arguments.h"
#include "postern/clikit/Spec.h"
#include "postern/util/Result.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace postern::clikit {

/**
 * Parser reads a command line against a ProgramSpec. The syntax is the one both Postern tools
 * document: long options only, before or after the command, as "--name value" or "--name=value";
 * "--" ends the options; a group with sub-commands (postern-cli's `user`, `draft`, ...) takes the
 * next word as its sub-command.
 *
 * CLI11 does the parsing proper: it resolves the command words, decides which option applies to
 * which command (global options fall through from every command), collects the values and counts
 * repeats. The parser only splits the words first, because positional words in Postern may look
 * like options (a file named "-x", anything after "--") and CLI11 would read them as such, and
 * turns what CLI11 could not place into one plain message: unknown option, unknown command,
 * option that does not apply, option given twice. CLI11 exceptions never leave parse().
 */
class Parser
{
public:
    /** Parser keeps a reference to the program, which must outlive it. */
    explicit Parser(const ProgramSpec& program);

    /** parse reads argv[1..] (without the program name); every problem is invalid-argument. */
    [[nodiscard]] Result<Arguments> parse(const std::vector<std::string>& argv) const;

    /**
     * groupOf finds the command group in a command line that may not parse, skipping options and
     * their values, so an error can point at that group's help. Returns "" when there is none.
     */
    [[nodiscard]] std::string groupOf(const std::vector<std::string>& argv) const;

    /** isGroup tells whether a word starts a command ("user", "list"). */
    [[nodiscard]] bool isGroup(std::string_view word) const;

    /** subCommandsOf lists the sub-commands of a group ("add", "list", ...); empty for a single command. */
    [[nodiscard]] std::vector<std::string> subCommandsOf(std::string_view group) const;

private:
    const ProgramSpec& m_program;
    std::map<std::string, bool, std::less<>> m_takesValue; ///< every option of the program: does it take a value
};

/** groupName is the first word of a command name: "user" for "user add". */
[[nodiscard]] std::string_view groupName(std::string_view command);

} // namespace postern::clikit
