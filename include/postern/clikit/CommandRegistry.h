// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Spec.h"

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

private:
    ProgramSpec m_program;
    std::vector<Handler> m_handlers; ///< parallel to m_program.commands
};

} // namespace postern::clikit
