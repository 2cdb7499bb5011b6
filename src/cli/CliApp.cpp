// SPDX-License-Identifier: GPL-3.0-or-later
// postern-cli's front door: the kit parses and answers --help and --version; this sets up
// logging, the store and the passphrase files from the options and runs the command.
#include "CliApp.h"

#include "postern/clikit/Run.h"
#include "postern/util/Log.h"

#include "CommandTable.h"
#include "Session.h"

#include <cstdlib>

namespace postern::cli {

namespace {

/** defaultStore is $POSTERN_STORE, else $HOME/.local/share/postern. */
std::optional<std::filesystem::path> defaultStore()
{
    if (const char* env = std::getenv("POSTERN_STORE"); env && *env)
        return std::filesystem::path(env);
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "postern";
    return std::nullopt;
}

/** setUp fills the context from the global options; returns the exit code of a problem. */
std::optional<ExitCode> setUp(Context& ctx)
{
    LogOptions log;
    if (const auto* level = ctx.args.value("log-level"))
        log.level = *level;
    if (const auto* file = ctx.args.value("log-file"))
        log.file = *file;
    if (auto s = initLogging("postern-cli", log); !s) {
        printError(ctx, s.error().message);
        return s.code() == Errc::InvalidArgument ? ExitCode::Usage : ExitCode::Environment;
    }
    if (const auto* store = ctx.args.value("store")) {
        ctx.store = *store;
    } else if (auto fallback = defaultStore()) {
        ctx.store = *fallback;
    } else {
        printError(ctx, "neither $POSTERN_STORE nor $HOME is set, so there is no default store", "pass --store DIR");
        return ExitCode::Usage;
    }
    if (const auto* file = ctx.args.value("passphrase-file"))
        ctx.passphraseFile = *file;
    if (const auto* file = ctx.args.value("new-passphrase-file"))
        ctx.newPassphraseFile = *file;
    if (const auto* kdf = ctx.args.value("kdf")) {
        auto params = crypto::KdfParams::byName(*kdf);
        if (!params) {
            printError(ctx, params.error().message);
            return ExitCode::Usage;
        }
        ctx.kdf = *params;
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
            return usageError(ctx,
                              "unknown command \"" + ctx.args.command + "\"",
                              "run `postern-cli --help` for usage");
        },
        exitStatus);
}

int run(std::span<const char* const> args, const clikit::Io& io)
{
    const SystemClock clock;
    return run(args, io, clock);
}

} // namespace postern::cli
