// SPDX-License-Identifier: GPL-3.0-or-later
// postern-uploader: the networked host's side of Postern. main() hardens the process, checks
// the crypto library, parses the command line and hands over to one command; the work itself
// is done by postern_uploader_core.
#include "postern/crypto/Crypto.h"
#include "postern/uploader/publish/UploaderHome.h"
#include "postern/util/FileIO.h"
#include "postern/util/Log.h"
#include "postern/util/Process.h"

#include "CommandLine.h"
#include "Commands.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

using namespace postern;
using namespace postern::uploader;

int main(int argc, char* argv[])
{
    // Before anything else, and before any secret exists: no core dumps, no ptrace, umask 077.
    if (auto s = hardenProcess(); !s) {
        cli::printError("cannot harden the process: " + s.error().message);
        return exitStatus(ExitCode::Environment);
    }
    if (auto s = crypto::initCrypto(); !s) {
        cli::printError("the cryptography self-test failed, refusing to run: " + s.error().what(),
                        "reinstall libsodium or postern-uploader");
        return exitStatus(ExitCode::Environment);
    }

    std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = cli::parseCommandLine(args);
    if (!parsed) {
        cli::printError(parsed.error().message, "run `postern-uploader --help` for usage");
        return exitStatus(ExitCode::Usage);
    }
    cli::Context ctx;
    ctx.args = std::move(parsed).value();
    if (ctx.args.has("version")) {
        std::cout << "postern-uploader 0.1.0\n";
        return exitStatus(ExitCode::Ok);
    }
    if (ctx.args.has("help") || ctx.args.command.empty()) {
        const auto help = cli::commandHelp(ctx.args.command);
        std::cout << (help ? *help : cli::mainHelp());
        return exitStatus(ctx.args.command.empty() && !ctx.args.has("help") ? ExitCode::Usage : ExitCode::Ok);
    }

    if (const auto* given = ctx.args.value("home")) {
        ctx.home = *given;
    } else {
        auto home = defaultHomeDirectory();
        if (!home) {
            cli::printError(home.error().message);
            return exitStatus(ExitCode::Usage);
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
        cli::printError(s.error().message);
        return exitStatus(s.code() == Errc::InvalidArgument ? ExitCode::Usage : ExitCode::Environment);
    }
    const SystemClock clock;
    ctx.clock = &clock;
    // Qt Network's event loops need an application object; no GUI, no platform plugin.
    const QCoreApplication app(argc, argv);

    const std::string& c = ctx.args.command;
    ExitCode code = ExitCode::Usage;
    if (c == "init")
        code = cli::runInit(ctx);
    else if (c == "identity")
        code = cli::runIdentity(ctx);
    else if (c == "trust")
        code = cli::runTrust(ctx);
    else if (c == "account")
        code = cli::runAccount(ctx);
    else if (c == "verify")
        code = cli::runVerify(ctx);
    else if (c == "publish")
        code = cli::runPublish(ctx);
    else if (c == "receipt")
        code = cli::runReceipt(ctx);
    else if (c == "resume")
        code = cli::runResume(ctx);
    else if (c == "status")
        code = cli::runStatus(ctx);
    else if (c == "suspend")
        code = cli::runSuspend(ctx);
    else if (c == "watch")
        code = cli::runWatch(ctx);
    else if (c == "profile")
        code = cli::runProfile(ctx);
    std::cout.flush();
    return exitStatus(code);
}
