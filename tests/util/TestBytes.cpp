// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Bytes.h"

#include <catch2/catch.hpp>

using namespace postern;

TEST_CASE("hex round trip and strictness", "[bytes]")
{
    const Bytes raw{0x00, 0x7f, 0x80, 0xff};
    CHECK(toHex(raw) == "007f80ff");
    auto back = fromHex("007f80ff", 4);
    REQUIRE(back.ok());
    CHECK(back.value() == raw);
    CHECK(fromHex("007F80FF").code() == Errc::BadEncoding); // uppercase is non-canonical
    CHECK(fromHex("abc").code() == Errc::BadEncoding);      // odd length
    CHECK(fromHex("zz").code() == Errc::BadEncoding);
    CHECK(fromHex("00", 2).code() == Errc::BadEncoding); // wrong size
}

TEST_CASE("Crockford base32 matches hand-computed values", "[bytes]")
{
    // 0xff -> 11111 111(00) -> "Z" "W"; alphabet has no I, L, O, U.
    CHECK(toBase32(Bytes{0xff}) == "ZW");
    CHECK(toBase32(Bytes{0x00, 0x00, 0x00, 0x00, 0x00}) == "00000000");
    CHECK(toBase32(toBytes("f")) == "CR");
}

TEST_CASE("big-endian integers", "[bytes]")
{
    Bytes out;
    putU64(out, 0x0102030405060708ULL);
    CHECK(out == Bytes{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(getU64(out) == 0x0102030405060708ULL);
}

TEST_CASE("UTF-8 validation rejects overlong, surrogates and truncation", "[bytes]")
{
    CHECK(isValidUtf8("plain ascii"));
    CHECK(isValidUtf8("\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80")); // été 😀
    CHECK_FALSE(isValidUtf8("\xc0\xaf"));                     // overlong '/'
    CHECK_FALSE(isValidUtf8("\xed\xa0\x80"));                 // U+D800 surrogate
    CHECK_FALSE(isValidUtf8("\xf4\x90\x80\x80"));             // > U+10FFFF
    CHECK_FALSE(isValidUtf8("\xe2\x82"));                     // truncated
    CHECK_FALSE(isValidUtf8("\xff"));
}
