// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/KeyFile.h"
#include "postern/crypto/Keys.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::crypto;

namespace {
SecureBuffer pass(std::string_view s)
{
    return SecureBuffer(asBytes(s));
}
} // namespace

TEST_CASE("key files round trip and refuse the wrong passphrase", "[keyfile]")
{
    const SigningKey key = SigningKey::generate();
    auto text = sealKeyFile(KeyKind::Ed25519,
                            key.seed(),
                            key.publicKey(),
                            pass("correct horse battery"),
                            KdfParams::interactive(),
                            "alice");
    REQUIRE(text.ok());
    CHECK(text->find(toHex(key.seed().view())) == std::string::npos); // the seed is not in clear
    auto opened = openKeyFile(text.value(), KeyKind::Ed25519, pass("correct horse battery"));
    REQUIRE(opened.ok());
    CHECK(opened->publicKey == key.publicKey());
    CHECK(opened->label == "alice");
    CHECK(equalConstantTime(opened->secret.view(), key.seed().view()));
    CHECK(openKeyFile(text.value(), KeyKind::Ed25519, pass("wrong horse battery")).code() == Errc::WrongPassphrase);
    CHECK(openKeyFile(text.value(), KeyKind::X25519, pass("correct horse battery")).code() == Errc::BadKeyFile);
    CHECK(keyFilePublicKey(text.value()).value() == key.publicKey());
}

TEST_CASE("X25519 key files", "[keyfile]")
{
    const BoxKey key = BoxKey::generate();
    auto text = sealKeyFile(KeyKind::X25519,
                            key.secret(),
                            key.publicKey(),
                            pass("uploader host pass"),
                            KdfParams::interactive(),
                            "uploader");
    REQUIRE(text.ok());
    auto opened = openKeyFile(text.value(), KeyKind::X25519, pass("uploader host pass"));
    REQUIRE(opened.ok());
    CHECK(opened->publicKey == key.publicKey());
}

TEST_CASE("tampered or hostile key files are refused before any KDF work", "[keyfile]")
{
    const SigningKey key = SigningKey::generate();
    auto text = sealKeyFile(KeyKind::Ed25519,
                            key.seed(),
                            key.publicKey(),
                            pass("correct horse battery"),
                            KdfParams::interactive(),
                            "alice");
    REQUIRE(text.ok());
    const std::string good = text.value();

    // A memory limit above "sensitive" would let a hostile file exhaust memory on unlock.
    std::string bomb = good;
    const auto memPos = bomb.find("\"mem\":");
    bomb.replace(memPos, bomb.find(',', memPos) - memPos, "\"mem\":99999999999");
    CHECK(openKeyFile(bomb, KeyKind::Ed25519, pass("correct horse battery")).code() == Errc::BadKeyFile);

    // Swapping in another public key is detected after decryption.
    std::string swapped = good;
    const SigningKey other = SigningKey::generate();
    swapped.replace(swapped.find(toHex(key.publicKey())), 64, toHex(other.publicKey()));
    CHECK(openKeyFile(swapped, KeyKind::Ed25519, pass("correct horse battery")).code() == Errc::BadKeyFile);

    CHECK(openKeyFile(good.substr(0, good.size() - 1), KeyKind::Ed25519, pass("x")).code() == Errc::BadKeyFile);
    CHECK(openKeyFile(good + "\n", KeyKind::Ed25519, pass("x")).code() == Errc::BadKeyFile);
    CHECK(openKeyFile("{}\n", KeyKind::Ed25519, pass("x")).code() == Errc::BadKeyFile);
    CHECK(openKeyFile(std::string(5000, ' '), KeyKind::Ed25519, pass("x")).code() == Errc::BadKeyFile);
    std::string unknown = good;
    unknown.insert(1, "\"aaa\":1,");
    CHECK(openKeyFile(unknown, KeyKind::Ed25519, pass("x")).code() == Errc::BadKeyFile);
}

TEST_CASE("KDF profiles by name", "[keyfile]")
{
    CHECK(KdfParams::byName("moderate").value().memLimit == KdfParams::moderate().memLimit);
    CHECK(KdfParams::byName("fast").code() == Errc::InvalidArgument);
}
