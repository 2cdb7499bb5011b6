// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace postern::clikit {

// The exit statuses every Postern command line shares; each program's ExitCode enum builds on
// them. They are part of the scripting interface (docs/cli.md and docs/uploader.md, "Exit
// codes"): never renumber them.
inline constexpr int kExitOk = 0;          ///< the command did everything it was asked to
inline constexpr int kExitUsage = 1;       ///< bad command line: unknown command or option, missing argument
inline constexpr int kExitEnvironment = 2; ///< I/O, disk, database or another problem of this machine

} // namespace postern::clikit
