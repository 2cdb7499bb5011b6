// SPDX-License-Identifier: GPL-3.0-or-later
// The only place of the command lines that names the process's own streams.
#include "postern/clikit/Io.h"

#include <unistd.h>

#include <iostream>

namespace postern::clikit {

Io Io::standard()
{
    return Io{std::cout, std::cerr, std::cin, ::isatty(STDIN_FILENO) == 1, ::isatty(STDERR_FILENO) == 1};
}

Reporter::Reporter(const Io& io, std::string_view program) : m_io(io), m_program(program) {}

void Reporter::error(std::string_view message, std::string_view hint) const
{
    m_io.out.flush();
    m_io.err << m_program << ": " << message << "\n";
    if (!hint.empty())
        m_io.err << m_program << ": hint: " << hint << "\n";
}

} // namespace postern::clikit
