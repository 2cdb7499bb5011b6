// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace postern::clikit {

/**
 * Io is where a command reads and writes: results to `out`, errors and progress to `err`,
 * answers to questions from `in`. main() passes the process's streams (standard()); tests pass
 * string streams and run the real commands in-process. Passphrases are not read from here: they
 * come from a file or straight from the terminal with echo off (crypto::Passphrase).
 */
struct Io
{
    std::ostream& out;
    std::ostream& err;
    std::istream& in;
    bool inIsTerminal = false;  ///< `in` is a terminal: a question may be asked there
    bool errIsTerminal = false; ///< `err` is a terminal: progress lines may be redrawn

    /** standard binds std::cout, std::cerr and std::cin, and asks the system which are terminals. */
    [[nodiscard]] static Io standard();
};

/**
 * Reporter writes errors the way both tools document them: `PROGRAM: <what happened>` and, when
 * there is one, `PROGRAM: hint: <what to do>`, on the error stream. The output stream is flushed
 * first, so the two stay in order on a shared terminal.
 */
class Reporter
{
public:
    Reporter(const Io& io, std::string_view program);

    void error(std::string_view message, std::string_view hint = {}) const;

private:
    const Io& m_io;
    std::string m_program;
};

} // namespace postern::clikit
