// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Arguments.h"
#include "postern/clikit/Help.h"
#include "postern/clikit/Parser.h"
#include "postern/clikit/Spec.h"
#include "postern/util/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::clikit {

/**
 * CommandRegistry holds a program's commands: each command's definition (CommandSpec, read by
 * the parser and the help formatter) next to the function that runs it, so a command is written
 * down once. `Handler` is the program's own function type (its context and exit code differ).
 */
template <typename Handler>
class CommandRegistry
{
public:
    /** The program's name, usage, global options and prose; commands are added with add(). */
    explicit CommandRegistry(ProgramSpec program) : m_program(std::move(program)) {}

    /** add declares a command, or a sub-command of a group, and what runs it. */
    void add(CommandSpec spec, Handler handler)
    {
        m_program.commands.push_back(std::move(spec));
        m_handlers.push_back(handler);
    }

    /** describe adds the help prose of a group (`PROGRAM GROUP --help`). */
    void describe(GroupSpec group) { m_program.groups.push_back(std::move(group)); }

    [[nodiscard]] const ProgramSpec& program() const noexcept { return m_program; }

    /** find returns the handler of a command ("user add", "list"), or a null handler. */
    [[nodiscard]] Handler find(std::string_view command) const
    {
        for (std::size_t i = 0; i < m_program.commands.size(); ++i) {
            if (m_program.commands[i].name == command)
                return m_handlers[i];
        }
        return Handler{};
    }

    /**
     * parse reads argv[1..] against the commands: options before or after the command, "--name
     * value" or "--name=value", "--" ends options, groups take a sub-command. Each option is
     * checked against the global set plus the command's own, and only repeatable options may be
     * given twice; anything else is invalid-argument with a message that names it.
     */
    [[nodiscard]] Result<Arguments> parse(const std::vector<std::string>& argv) const
    {
        return Parser(m_program).parse(argv);
    }

    /** help is the text of `PROGRAM --help`, generated from the commands. */
    [[nodiscard]] std::string help() const { return programHelp(m_program); }

    /** help(group) is the help of a command or group ("draft" covers draft new and draft edit). */
    [[nodiscard]] std::optional<std::string> help(std::string_view group) const { return groupHelp(m_program, group); }

private:
    ProgramSpec m_program;
    std::vector<Handler> m_handlers; ///< parallel to m_program.commands
};

} // namespace postern::clikit
