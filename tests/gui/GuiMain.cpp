// SPDX-License-Identifier: GPL-3.0-or-later
// Catch2 main for the GUI tests: the offscreen platform, one QApplication for all test cases,
// and the crypto self-test first, as the programs do.
#define CATCH_CONFIG_RUNNER
#include "postern/crypto/Crypto.h"

#include <QApplication>

#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char* argv[])
{
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
    if (auto s = postern::crypto::initCrypto(); !s) {
        std::fprintf(stderr, "crypto self-test failed: %s\n", s.error().what().c_str());
        return 2;
    }
    spdlog::set_level(spdlog::level::warn);
    int qtArgc = 1;
    QApplication app(qtArgc, argv);
    return Catch::Session().run(argc, argv);
}
