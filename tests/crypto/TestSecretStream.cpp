// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/Crypto.h"
#include "postern/crypto/SecretStream.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::crypto;

namespace {
struct Sealed
{
    std::array<std::uint8_t, kStreamHeaderBytes> header{};
    std::vector<Bytes> chunks;
};

Sealed seal(const SecureBuffer& key, const std::vector<std::string>& parts, ByteView ad)
{
    Sealed s;
    StreamEncryptor enc;
    s.header = enc.init(key).value();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        Bytes out(parts[i].size() + kStreamOverhead);
        REQUIRE(enc.push(asBytes(parts[i]), ad, i + 1 == parts.size(), out).ok());
        s.chunks.push_back(out);
    }
    return s;
}

SecureBuffer freshKey()
{
    SecureBuffer k(kStreamKeyBytes);
    randomBytes(k.span());
    return k;
}
} // namespace

TEST_CASE("secretstream detects reordering, tampering and wrong AD", "[stream]")
{
    const SecureBuffer key = freshKey();
    const Bytes ad = toBytes("header hash");
    const Sealed s = seal(key, {"one", "two", "three"}, ad);

    StreamDecryptor dec;
    REQUIRE(dec.init(key, s.header).ok());
    bool final = false;
    Bytes out(3);
    REQUIRE(dec.pull(s.chunks[0], ad, out, final).ok());
    CHECK_FALSE(final);
    // Chunk 2 arriving before chunk 1 fails (the nonce counter moved on).
    StreamDecryptor reordered;
    REQUIRE(reordered.init(key, s.header).ok());
    Bytes out5(5);
    CHECK(reordered.pull(s.chunks[2], ad, out5, final).code() == Errc::ChunkAuthFailed);

    StreamDecryptor wrongAd;
    REQUIRE(wrongAd.init(key, s.header).ok());
    CHECK(wrongAd.pull(s.chunks[0], asBytes("other"), out, final).code() == Errc::ChunkAuthFailed);

    Bytes flipped = s.chunks[1];
    flipped[0] ^= 0x80;
    CHECK(dec.pull(flipped, ad, out, final).code() == Errc::ChunkAuthFailed);
}

TEST_CASE("secretstream refuses data after FINAL", "[stream]")
{
    const SecureBuffer key = freshKey();
    const Sealed s = seal(key, {"only"}, {});
    StreamDecryptor dec;
    REQUIRE(dec.init(key, s.header).ok());
    bool final = false;
    Bytes out(4);
    REQUIRE(dec.pull(s.chunks[0], {}, out, final).ok());
    CHECK(final);
    CHECK(dec.pull(s.chunks[0], {}, out, final).code() == Errc::TrailingData);
}
