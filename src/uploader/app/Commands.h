// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Io.h"
#include "postern/crypto/SecureBuffer.h"
#include "postern/uploader/publish/PublishService.h"
#include "postern/uploader/publish/UploaderHome.h"
#include "postern/util/Clock.h"

#include "CommandLine.h"
#include "ExitCode.h"
#include "Format.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

namespace postern::uploader::cli {

/** Context is what every command gets from run(): its streams, parsed arguments, the home, the clock. */
struct Context
{
    const clikit::Io* io = nullptr; ///< where the command writes (out, err) and reads answers (in)
    Arguments args;
    std::filesystem::path home;
    std::optional<std::filesystem::path> passphraseFile;
    const Clock* clock = nullptr;

    /** out is where results go (stdout in the executable). */
    [[nodiscard]] std::ostream& out() const { return io->out; }
};

/** Each command prints its results to ctx.out() and its errors (with hints) to the error stream. */
[[nodiscard]] ExitCode runInit(const Context& ctx);
[[nodiscard]] ExitCode runIdentity(const Context& ctx);
[[nodiscard]] ExitCode runTrust(const Context& ctx);
[[nodiscard]] ExitCode runAccount(const Context& ctx);
[[nodiscard]] ExitCode runVerify(const Context& ctx);
[[nodiscard]] ExitCode runPublish(const Context& ctx);
/** runReceipt writes a processed bundle's stored receipt again, to a new file. */
[[nodiscard]] ExitCode runReceipt(const Context& ctx);
[[nodiscard]] ExitCode runResume(const Context& ctx);
[[nodiscard]] ExitCode runStatus(const Context& ctx);
[[nodiscard]] ExitCode runSuspend(const Context& ctx);
[[nodiscard]] ExitCode runWatch(const Context& ctx);
/** runReport is `report --out FILE`: read back published posts, write the signed report (ReportCommands.cpp). */
[[nodiscard]] ExitCode runReport(const Context& ctx);
/** runProfile is `profile export FILE` (ProfileCommands.cpp). */
[[nodiscard]] ExitCode runProfile(const Context& ctx);

/** printError writes `postern-uploader: <message>` and, if given, a hint line, to the error stream. */
void printError(const Context& ctx, std::string_view message, std::string_view hint = {});

} // namespace postern::uploader::cli

// -- helpers shared by the command files (not part of any public API) ----------------------------

namespace postern::uploader::cli {

/** failWith prints an error of the core and returns `code` (or the code the error implies). */
[[nodiscard]] ExitCode failWith(const Context& ctx,
                                const Error& error,
                                std::optional<ExitCode> code = std::nullopt,
                                std::string_view hint = {});
/** openHome opens the home; on failure prints why and returns the exit code. */
[[nodiscard]] std::optional<ExitCode> openHome(const Context& ctx, UploaderHome& home, bool exclusive);
/** unlockKeys asks for the passphrase once and opens the requested keys. */
[[nodiscard]] std::optional<ExitCode> unlockKeys(const Context& ctx, UploaderHome& home, bool box, bool sign);
/** hintFor suggests what to do about an error, or "" when the message says it all (Report.cpp). */
[[nodiscard]] std::string hintFor(Errc code);

// -- shared by publish, resume and watch (PublishCommands.cpp, ServiceCommands.cpp) --------------

/** printPublishReport prints what publish did (the same for `publish` and each `watch` bundle). */
[[nodiscard]] ExitCode printPublishReport(const Context& ctx, const PublishReport& report, bool keep);
/** printResumed prints the bundles a resume pass touched (bundles only waiting are skipped). */
void printResumed(const Context& ctx, const std::vector<BundleProgress>& bundles);
/**
 * liftSuspension clears the suspension flag (without the home lock, so it reaches a running
 * watch), prints who suspended and when, and records the event. `lifted` tells whether there
 * was one. Returns an exit code when the home cannot be opened.
 */
[[nodiscard]] std::optional<ExitCode> liftSuspension(const Context& ctx, bool& lifted);
/** printServiceStatus prints the suspension flag and every pending target with its due time. */
void printServiceStatus(const Context& ctx, Ledger& ledger, std::int64_t now);

} // namespace postern::uploader::cli
