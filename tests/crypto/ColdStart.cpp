// SPDX-License-Identifier: GPL-3.0-or-later
// Guarded memory before anyone initialised libsodium. Not a Catch2 program on purpose: the
// shared Catch2 main runs initCrypto first, which would hide the defect this checks.
//
// Regression: parseCredentials and parseTikTokToken keep tokens in SecretText; in a program
// that never called initCrypto (the fuzz targets fuzz_credentials and fuzz_tiktok), the first
// token aborted in sodium_malloc (libsodium's sodium_misuse) before SecureBuffer initialised
// libsodium itself. Expected: exit 0 and the secret readable.
#include "postern/crypto/SecretText.h"
#include "postern/crypto/SecureBuffer.h"

#include <cstdio>
#include <string>

int main()
{
    std::string token = "cold-start-token";
    const auto secret = postern::crypto::SecretText::take(token);
    if (secret.view() != "cold-start-token") {
        std::fprintf(stderr, "cold start: the secret did not survive the copy into guarded memory\n");
        return 1;
    }
    const postern::crypto::SecureBuffer key(32);
    if (key.size() != 32) {
        std::fprintf(stderr, "cold start: a 32-byte guarded buffer has size %zu\n", key.size());
        return 1;
    }
    std::puts("cold start: guarded memory works before initCrypto");
    return 0;
}
