// SPDX-License-Identifier: GPL-3.0-or-later
// postern-cli: the offline workstation's workflows without the GUI. main() hardens the process,
// checks the crypto library, sets up logging, parses the command line and hands over to one
// command; the work itself is done by postern_workflow.
#include "postern/crypto/Crypto.h"
#include "postern/util/Log.h"
#include "postern/util/Process.h"

#include "CommandLine.h"
#include "Session.h"

#include <cstdlib>
#include <iostream>

using namespace postern;
using namespace postern::cli;

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

ExitCode dispatch(const Context& ctx)
{
    const std::string& g = ctx.args.group;
    if (g == "init")
        return runInit(ctx);
    if (g == "user")
        return runUser(ctx);
    if (g == "passphrase")
        return runPassphrase(ctx);
    if (g == "uploader")
        return runUploader(ctx);
    if (g == "identity")
        return runIdentity(ctx);
    if (g == "policy")
        return runPolicy(ctx);
    if (g == "draft")
        return runDraft(ctx);
    if (g == "submit")
        return runSubmit(ctx);
    if (g == "approve")
        return runApprove(ctx);
    if (g == "reject")
        return runReject(ctx);
    if (g == "list")
        return runList(ctx);
    if (g == "show")
        return runShow(ctx);
    if (g == "export")
        return runExport(ctx);
    if (g == "receipt")
        return runReceipt(ctx);
    if (g == "audit")
        return runAudit(ctx);
    if (g == "backup")
        return runBackup(ctx);
    if (g == "restore")
        return runRestore(ctx);
    if (g == "check")
        return runCheck(ctx);
    if (g == "opsec")
        return runOpsec(ctx);
    if (g == "profile")
        return runProfile(ctx);
    if (g == "order")
        return runOrder(ctx);
    return usageError("unknown command \"" + g + "\"", "run `postern-cli --help` for usage");
}

} // namespace

int main(int argc, char* argv[])
{
    // Before anything else, and before any secret exists: no core dumps, no ptrace, umask 077.
    if (auto s = hardenProcess(); !s) {
        printError("cannot harden the process: " + s.error().message);
        return exitStatus(ExitCode::Environment);
    }
    if (auto s = crypto::initCrypto(); !s) {
        printError("the cryptography self-test failed, refusing to run: " + s.error().what(),
                   "reinstall libsodium or postern-cli");
        return exitStatus(ExitCode::Environment);
    }

    const std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = parseCommandLine(args);
    const std::string group = groupOf(args);
    if (!parsed) {
        printError(parsed.error().message,
                   "run `postern-cli " + (group.empty() ? std::string() : group + " ") + "--help` for usage");
        return exitStatus(ExitCode::Usage);
    }
    Context ctx;
    ctx.args = std::move(parsed).value();
    if (ctx.args.has("version")) {
        std::cout << "postern-cli 0.1.0\n";
        return exitStatus(ExitCode::Ok);
    }
    if (ctx.args.has("help") || ctx.args.group.empty()) {
        const auto help = commandHelp(ctx.args.group);
        std::cout << (help ? *help : mainHelp());
        return exitStatus(ctx.args.group.empty() && !ctx.args.has("help") ? ExitCode::Usage : ExitCode::Ok);
    }

    LogOptions log;
    if (const auto* level = ctx.args.value("log-level"))
        log.level = *level;
    if (const auto* file = ctx.args.value("log-file"))
        log.file = *file;
    if (auto s = initLogging("postern-cli", log); !s) {
        printError(s.error().message);
        return exitStatus(s.code() == Errc::InvalidArgument ? ExitCode::Usage : ExitCode::Environment);
    }

    if (const auto* store = ctx.args.value("store")) {
        ctx.store = *store;
    } else if (auto fallback = defaultStore()) {
        ctx.store = *fallback;
    } else {
        printError("neither $POSTERN_STORE nor $HOME is set, so there is no default store", "pass --store DIR");
        return exitStatus(ExitCode::Usage);
    }
    if (const auto* file = ctx.args.value("passphrase-file"))
        ctx.passphraseFile = *file;
    if (const auto* file = ctx.args.value("new-passphrase-file"))
        ctx.newPassphraseFile = *file;
    if (const auto* kdf = ctx.args.value("kdf")) {
        auto params = crypto::KdfParams::byName(*kdf);
        if (!params) {
            printError(params.error().message);
            return exitStatus(ExitCode::Usage);
        }
        ctx.kdf = *params;
    }
    const SystemClock clock;
    ctx.clock = &clock;

    const ExitCode code = dispatch(ctx);
    std::cout.flush();
    return exitStatus(code);
}
