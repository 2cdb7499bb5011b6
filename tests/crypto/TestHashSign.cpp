// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/Crypto.h"
#include "postern/crypto/Keys.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::crypto;

TEST_CASE("BLAKE2b-256 known answer", "[crypto]")
{
    // BLAKE2b-256("abc"); value from the BLAKE2 reference implementation (b2sum -l 256).
    CHECK(toHex(blake2b256(asBytes("abc"))) == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    Blake2b256 h;
    h.update(asBytes("a"));
    h.update(asBytes("bc"));
    CHECK(h.finish() == blake2b256(asBytes("abc")));
    // The context form is BLAKE2b(context || NUL || data), not the plain hash.
    CHECK(blake2b256("ctx", asBytes("abc")) != blake2b256(asBytes("abc")));
    CHECK(blake2b256("ctx", asBytes("abc")) == blake2b256(asBytes(std::string_view("ctx\0abc", 7))));
}

TEST_CASE("signatures are bound to their context", "[crypto]")
{
    const SigningKey key = SigningKey::generate();
    const Bytes msg = toBytes("post version digest");
    const Signature sig = key.sign("postern/v1/approval", msg);
    CHECK(verifySignature(key.publicKey(), "postern/v1/approval", msg, sig));
    CHECK_FALSE(verifySignature(key.publicKey(), "postern/v1/receipt", msg, sig));
    CHECK_FALSE(verifySignature(key.publicKey(), "postern/v1/approval", toBytes("other"), sig));
    const SigningKey other = SigningKey::generate();
    CHECK_FALSE(verifySignature(other.publicKey(), "postern/v1/approval", msg, sig));
    Signature bad = sig;
    bad[10] ^= 0x01;
    CHECK_FALSE(verifySignature(key.publicKey(), "postern/v1/approval", msg, bad));
}

TEST_CASE("seeds reproduce keys; small-order keys are invalid", "[crypto]")
{
    const SigningKey a = SigningKey::generate();
    auto b = SigningKey::fromSeed(a.seed().view());
    REQUIRE(b.ok());
    CHECK(b->publicKey() == a.publicKey());
    CHECK(isValidEd25519PublicKey(a.publicKey()));
    PublicKey identity{};
    identity[0] = 1; // the neutral element, order 1
    CHECK_FALSE(isValidEd25519PublicKey(identity));
    CHECK(SigningKey::fromSeed(Bytes(31)).code() == Errc::BadKeyFile);
}

TEST_CASE("sealed boxes open only for their recipient", "[crypto]")
{
    const BoxKey uploader = BoxKey::generate();
    const BoxKey stranger = BoxKey::generate();
    auto sealed = sealTo(uploader.publicKey(), asBytes("file key material 32 bytes long!"));
    REQUIRE(sealed.ok());
    CHECK(sealed->size() == 32 + kSealOverhead);
    auto opened = uploader.openSealed(sealed.value());
    REQUIRE(opened.ok());
    CHECK(toString(opened->view()) == "file key material 32 bytes long!");
    CHECK(stranger.openSealed(sealed.value()).code() == Errc::BadKeySeal);
    Bytes tampered = sealed.value();
    tampered.back() ^= 1;
    CHECK(uploader.openSealed(tampered).code() == Errc::BadKeySeal);
    // An all-zero (low-order) ephemeral share must be refused, not produce a key.
    Bytes lowOrder = sealed.value();
    std::fill(lowOrder.begin(), lowOrder.begin() + 32, 0);
    CHECK(uploader.openSealed(lowOrder).code() == Errc::BadKeySeal);
}

TEST_CASE("Ed25519 keys convert to X25519 for workstation-key grants", "[crypto]")
{
    const SigningKey user = SigningKey::generate();
    auto boxPub = boxPublicFromSigning(user.publicKey());
    REQUIRE(boxPub.ok());
    auto sealed = sealTo(boxPub.value(), asBytes("workstation seed"));
    REQUIRE(sealed.ok());
    auto opened = openSealedWith(user.boxSecret(), sealed.value());
    REQUIRE(opened.ok());
    CHECK(toString(opened->view()) == "workstation seed");
}

TEST_CASE("fingerprints are stable, grouped and key-specific", "[crypto]")
{
    const Bytes k(32, 0x42);
    const std::string fp = fingerprint(k);
    CHECK(fp.size() == 39); // 8 groups of 4 plus 7 dashes
    CHECK(fp == fingerprint(k));
    CHECK(fp[4] == '-');
    CHECK(fp.find_first_of("ILOU") == std::string::npos);
    CHECK(fingerprint(Bytes(32, 0x43)) != fp);
}

TEST_CASE("constant-time equality", "[crypto]")
{
    CHECK(equalConstantTime(asBytes("abc"), asBytes("abc")));
    CHECK_FALSE(equalConstantTime(asBytes("abc"), asBytes("abd")));
    CHECK_FALSE(equalConstantTime(asBytes("abc"), asBytes("ab")));
}
