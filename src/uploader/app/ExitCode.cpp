// SPDX-License-Identifier: GPL-3.0-or-later
// From what the publish service reports to the exit codes docs/uploader.md promises.
#include "ExitCode.h"

namespace postern::uploader::cli {

ExitCode exitCodeFor(Errc code) noexcept
{
    switch (code) {
    case Errc::Ok:
        return ExitCode::Ok;
    case Errc::InvalidArgument:
        return ExitCode::Usage;
    case Errc::Replay:
        return ExitCode::Replay;
    case Errc::UnknownWorkstation:
    case Errc::NotTrusted:
        return ExitCode::NotReady;
    case Errc::WrongPassphrase:
    case Errc::BadKeyFile:
        return ExitCode::KeyProblem;
    case Errc::PublishFailed:
        return ExitCode::SomeFailed;
    default:
        break;
    }
    return isBundleRejection(code) ? ExitCode::Rejected : ExitCode::Environment;
}

namespace {

ExitCode fromOutcome(PublishOutcome outcome) noexcept
{
    switch (outcome) {
    case PublishOutcome::Done:
        return ExitCode::Ok;
    case PublishOutcome::SomeFailed:
        return ExitCode::SomeFailed;
    case PublishOutcome::Unfinished:
        return ExitCode::Environment;
    case PublishOutcome::Refused:
        break;
    }
    return ExitCode::Rejected;
}

} // namespace

ExitCode exitCodeOf(const PublishReport& report) noexcept
{
    if (report.rejection)
        return exitCodeFor(report.rejection->code);
    return fromOutcome(report.outcome());
}

ExitCode exitCodeOf(const ResumeReport& report) noexcept
{
    return fromOutcome(report.outcome());
}

ExitCode exitCodeOf(const WatchPass& pass) noexcept
{
    const ExitCode resumed = exitCodeOf(pass.resumed);
    if (resumed == ExitCode::Environment)
        return ExitCode::Environment;
    bool rejected = false;
    bool failed = resumed == ExitCode::SomeFailed;
    for (const auto& b : pass.bundles) {
        if (b.error)
            return ExitCode::Environment;
        const ExitCode code = exitCodeOf(*b.report);
        if (code == ExitCode::Environment)
            return code;
        rejected = rejected || b.report->rejection.has_value();
        failed = failed || code == ExitCode::SomeFailed;
    }
    if (rejected)
        return ExitCode::Rejected;
    return failed ? ExitCode::SomeFailed : ExitCode::Ok;
}

} // namespace postern::uploader::cli
