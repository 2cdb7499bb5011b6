// SPDX-License-Identifier: GPL-3.0-or-later
// postern-cli: the offline workstation's workflows without the GUI. main() hardens the process
// and checks the crypto library, then hands the command line and the process's streams to run()
// (CliApp.cpp); the commands are in postern_cli_app, the work in postern_workflow.
#include "postern/clikit/ExitStatus.h"
#include "postern/clikit/Io.h"
#include "postern/crypto/Crypto.h"
#include "postern/util/Process.h"

#include "CliApp.h"

int main(int argc, char* argv[])
{
    const auto io = postern::clikit::Io::standard();
    const postern::clikit::Reporter report(io, "postern-cli");
    // Before anything else, and before any secret exists: no core dumps, no ptrace, umask 077.
    if (auto s = postern::hardenProcess(); !s) {
        report.error("cannot harden the process: " + s.error().message);
        return postern::clikit::kExitEnvironment;
    }
    if (auto s = postern::crypto::initCrypto(); !s) {
        report.error("the cryptography self-test failed, refusing to run: " + s.error().what(),
                     "reinstall libsodium or postern-cli");
        return postern::clikit::kExitEnvironment;
    }
    return postern::cli::run({argv + 1, static_cast<std::size_t>(argc - 1)}, io);
}
