// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Error.h"

namespace postern::uploader {

/**
 * ExitCode is the process exit status of every postern-uploader command. The numbers are part
 * of the scripting interface (docs/uploader.md, "Exit codes"): never renumber them.
 */
enum class ExitCode : int {
    Ok = 0,          ///< the command did everything it was asked to
    Usage = 1,       ///< bad command line (unknown option, missing argument)
    Environment = 2, ///< I/O, disk, database or other environment problem
    Rejected = 3,    ///< the bundle failed verification; nothing was published
    Replay = 4,      ///< the bundle was already processed; a bundle is used once
    SomeFailed = 5,  ///< the bundle was accepted but some targets failed
    NotReady = 6,    ///< the uploader is not initialised or the workstation is not trusted
    KeyProblem = 7,  ///< wrong passphrase or a damaged key file
};

/** exitStatus converts an ExitCode to the int main() returns. */
[[nodiscard]] constexpr int exitStatus(ExitCode code) noexcept
{
    return static_cast<int>(code);
}

/**
 * isBundleRejection tells a verdict about the bundle (its bytes, signatures, approvals, age
 * or id) apart from a problem of this host (I/O, cancellation). Only rejections earn a
 * rejection receipt; environment problems leave the bundle untouched for a retry.
 */
[[nodiscard]] bool isBundleRejection(Errc code) noexcept;

/** exitCodeFor maps an error to its exit code (replay 4, unknown workstation 6, ...). */
[[nodiscard]] ExitCode exitCodeFor(Errc code) noexcept;

} // namespace postern::uploader
