// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/Crypto.h"
#include "postern/crypto/OneTimeAuth.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::crypto;

namespace {
SecureBuffer poly1305Key(std::string_view hex)
{
    const Bytes k = fromHex(hex).value();
    return SecureBuffer(ByteView(k));
}
} // namespace

TEST_CASE("OneTimeAuth matches the Poly1305 test vector, in one piece and streamed", "[onetimeauth][kat]")
{
    // RFC 8439 §2.5.2 (Poly1305 example and test vector).
    const SecureBuffer key = poly1305Key("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    const std::string msg = "Cryptographic Forum Research Group";
    const Bytes expected = fromHex("a8061dc1305136c6c22b8baf0c0127a9").value();

    OneTimeAuth whole;
    REQUIRE(whole.init(key).ok());
    whole.update(asBytes(msg));
    const AuthTag tag = whole.finish().value();
    CHECK(Bytes(tag.begin(), tag.end()) == expected);

    OneTimeAuth pieces;
    REQUIRE(pieces.init(key).ok());
    const ByteView all = asBytes(msg);
    pieces.update(all.first(5));
    pieces.update(all.subspan(5, 16));
    pieces.update(all.subspan(21));
    CHECK(pieces.finish().value() == tag);
}

TEST_CASE("OneTimeAuth tells one changed byte apart and refuses misuse", "[onetimeauth]")
{
    SecureBuffer key(kOneTimeAuthKeyBytes);
    randomBytes(key.span());
    Bytes data(3000, 0x41);
    OneTimeAuth a;
    REQUIRE(a.init(key).ok());
    a.update(data);
    const AuthTag original = a.finish().value();
    data[1234] ^= 0x01;
    OneTimeAuth b;
    REQUIRE(b.init(key).ok());
    b.update(data);
    CHECK(b.finish().value() != original);

    OneTimeAuth unkeyed;
    CHECK(unkeyed.finish().code() == Errc::Internal);
    OneTimeAuth shortKey;
    CHECK(shortKey.init(SecureBuffer(16)).code() == Errc::Internal);
}
