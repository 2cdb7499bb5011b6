// SPDX-License-Identifier: GPL-3.0-or-later
// postern-uploader: the networked host's side of Postern. main() hardens the process, checks
// the crypto library and creates the application object Qt Network's event loops need, then
// hands the command line and the process's streams to run() (UploaderApp.cpp); the commands
// are in postern_uploader_app, the work in the uploader's rooms.
#include "postern/clikit/ExitStatus.h"
#include "postern/clikit/Io.h"
#include "postern/crypto/Crypto.h"
#include "postern/util/Process.h"

#include "UploaderApp.h"

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    const auto io = postern::clikit::Io::standard();
    const postern::clikit::Reporter report(io, "postern-uploader");
    // Before anything else, and before any secret exists: no core dumps, no ptrace, umask 077.
    if (auto s = postern::hardenProcess(); !s) {
        report.error("cannot harden the process: " + s.error().message);
        return postern::clikit::kExitEnvironment;
    }
    if (auto s = postern::crypto::initCrypto(); !s) {
        report.error("the cryptography self-test failed, refusing to run: " + s.error().what(),
                     "reinstall libsodium or postern-uploader");
        return postern::clikit::kExitEnvironment;
    }
    // No GUI and no platform plugin: Qt Core only.
    const QCoreApplication app(argc, argv);
    return postern::uploader::cli::run({argv + 1, static_cast<std::size_t>(argc - 1)}, io);
}
