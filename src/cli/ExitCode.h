// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/ExitStatus.h"
#include "postern/util/Error.h"

namespace postern::cli {

/**
 * ExitCode is the process exit status of every postern-cli command. The numbers are part of
 * the scripting interface (docs/cli.md, "Exit codes") and mirror postern-uploader's where the
 * meaning is the same (1, 2, 5, 6, 7): never renumber them.
 */
enum class ExitCode : int {
    Ok = clikit::kExitOk,       ///< the command did everything it was asked to
    Usage = clikit::kExitUsage, ///< bad command line or input file (unknown option, missing argument, bad JSON)
    Environment = clikit::kExitEnvironment, ///< I/O, disk, database or other environment problem
    Refused = 3,    ///< refused by a rule (policy, state, role, self-approval...) or a failed check
    SomeFailed = 5, ///< a receipt was imported, but it reports failed posts or a rejected bundle
    NotReady = 6,   ///< no store (run init), or no uploader trusted yet
    KeyProblem = 7, ///< wrong passphrase or a damaged key
};

/** exitStatus converts an ExitCode to the int main() returns. */
[[nodiscard]] constexpr int exitStatus(ExitCode code) noexcept
{
    return static_cast<int>(code);
}

/** exitCodeFor maps an error code to its exit code when the call site has no better idea. */
[[nodiscard]] ExitCode exitCodeFor(Errc code) noexcept;

} // namespace postern::cli
