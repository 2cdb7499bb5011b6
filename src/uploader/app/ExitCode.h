// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/ExitStatus.h"
#include "postern/uploader/publish/PublishService.h"
#include "postern/uploader/publish/WatchService.h"
#include "postern/util/Error.h"

namespace postern::uploader::cli {

/**
 * ExitCode is the process exit status of every postern-uploader command. The numbers are part
 * of the scripting interface (docs/uploader.md, "Exit codes"): never renumber them. 1, 2, 5, 6
 * and 7 mean the same as for postern-cli.
 */
enum class ExitCode : int {
    Ok = clikit::kExitOk,                   ///< the command did everything it was asked to
    Usage = clikit::kExitUsage,             ///< bad command line (unknown option, missing argument)
    Environment = clikit::kExitEnvironment, ///< I/O, disk, database or other environment problem
    Rejected = 3,                           ///< the bundle failed verification; nothing was published
    Replay = 4,                             ///< the bundle was already processed; a bundle is used once
    SomeFailed = 5,                         ///< the bundle was accepted but some targets failed
    NotReady = 6,                           ///< the uploader is not initialised or the workstation is not trusted
    KeyProblem = 7,                         ///< wrong passphrase or a damaged key file
};

/** exitStatus converts an ExitCode to the int main() returns. */
[[nodiscard]] constexpr int exitStatus(ExitCode code) noexcept
{
    return static_cast<int>(code);
}

/** exitCodeFor maps an error to its exit code (replay 4, unknown workstation 6, ...). */
[[nodiscard]] ExitCode exitCodeFor(Errc code) noexcept;

/**
 * exitCodeOf is what `publish` exits with: a rejection by its error (3, 4, 6, ...); a target
 * pending for any reason but its schedule, or no receipt written when one was due, 2; some
 * failed 5; else 0 (targets waiting for their scheduled time are not a failure).
 */
[[nodiscard]] ExitCode exitCodeOf(const PublishReport& report) noexcept;
/** exitCodeOf is what `resume` exits with: 2 if a bundle needs attention, else 5 if any failed, else 0. */
[[nodiscard]] ExitCode exitCodeOf(const ResumeReport& report) noexcept;
/** exitCodeOf is what `watch --once` exits with: 2 if anything needs attention, else 3 rejected, 5 failed, 0. */
[[nodiscard]] ExitCode exitCodeOf(const WatchPass& pass) noexcept;

} // namespace postern::uploader::cli
