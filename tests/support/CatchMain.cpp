// SPDX-License-Identifier: GPL-3.0-or-later
// Shared Catch2 main: every test binary initialises libsodium and runs the crypto self-test
// first, exactly as the executables do, so no test runs against an unchecked library.
#define CATCH_CONFIG_RUNNER
#include "postern/crypto/Crypto.h"

#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

int main(int argc, char* argv[])
{
    if (auto s = postern::crypto::initCrypto(); !s) {
        std::fprintf(stderr, "crypto self-test failed: %s\n", s.error().what().c_str());
        return 2;
    }
    // Library info lines would drown Catch2's report; warnings and errors still show.
    spdlog::set_level(spdlog::level::warn);
    return Catch::Session().run(argc, argv);
}
