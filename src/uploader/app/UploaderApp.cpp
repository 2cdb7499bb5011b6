// SPDX-License-Identifier: GPL-3.0-or-later
// postern-uploader's front door: the kit parses and answers --help and --version; this finds
// the home, the passphrase file and the log settings and runs the command.
#include "UploaderApp.h"

#include "postern/clikit/Run.h"
#include "postern/uploader/publish/UploaderHome.h"
#include "postern/util/FileIO.h"
#include "postern/util/Log.h"

#include "CommandTable.h"
#include "Commands.h"

#include <cstdlib>

namespace postern::uploader::cli {

namespace {

/** setUp fills the context from the global options; returns the exit code of a problem. */
std::optional<ExitCode> setUp(Context& ctx)
{
    if (const auto* given = ctx.args.value("home")) {
        ctx.home = *given;
    } else {
        auto home = defaultHomeDirectory();
        if (!home) {
            printError(ctx, home.error().message);
            return ExitCode::Usage;
        }
        ctx.home = *home;
    }
    if (const auto* file = ctx.args.value("passphrase-file")) {
        ctx.passphraseFile = *file;
    } else if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY"); creds && *creds) {
        // systemd's LoadCredential=passphrase:... puts the passphrase in a private, read-only
        // file for this service only; an explicit --passphrase-file still wins.
        const std::filesystem::path credential = std::filesystem::path(creds) / "passphrase";
        std::error_code ec;
        if (std::filesystem::is_regular_file(credential, ec))
            ctx.passphraseFile = credential;
    }

    // Logs rotate at 10 MiB, 5 files. The service (`watch`) logs at info to <home>/log/ by
    // default, so an unattended host keeps a record without extra flags. Log lines name
    // bundles and posts by id, never a text, token, password or passphrase.
    const bool service = ctx.args.command == "watch";
    LogOptions log;
    log.maxFileBytes = 10u << 20;
    log.maxFiles = 5;
    if (const auto* level = ctx.args.value("log-level"))
        log.level = *level;
    else if (service)
        log.level = "info";
    if (const auto* file = ctx.args.value("log-file")) {
        log.file = *file;
    } else if (std::error_code ec; service && std::filesystem::is_directory(ctx.home, ec)) {
        if (ensurePrivateDirectory(ctx.home / "log"))
            log.file = ctx.home / "log" / "postern-uploader.log";
    }
    if (auto s = initLogging("postern-uploader", log); !s) {
        printError(ctx, s.error().message);
        return s.code() == Errc::InvalidArgument ? ExitCode::Usage : ExitCode::Environment;
    }
    return std::nullopt;
}

} // namespace

int run(std::span<const char* const> args, const clikit::Io& io, const Clock& clock)
{
    return clikit::runProgram<Context>(
        commands(),
        args,
        io,
        clock,
        setUp,
        [](const Context& ctx) {
            printError(ctx, "unknown command \"" + ctx.args.command + "\"", "run `postern-uploader --help` for usage");
            return ExitCode::Usage;
        },
        exitStatus);
}

int run(std::span<const char* const> args, const clikit::Io& io)
{
    const SystemClock clock;
    return run(args, io, clock);
}

} // namespace postern::uploader::cli
