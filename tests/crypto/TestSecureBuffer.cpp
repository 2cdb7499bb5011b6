// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/SecureBuffer.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::crypto;

TEST_CASE("SecureBuffer moves and shrinks without copying secrets", "[securebuffer]")
{
    SecureBuffer a(asBytes("secret!"));
    CHECK(a.size() == 7);
    SecureBuffer b(std::move(a));
    CHECK(a.empty());
    CHECK(toString(b.view()) == "secret!");
    b.shrink(3);
    CHECK(toString(b.view()) == "sec");
    CHECK(b.data()[3] == 0); // the dropped tail was wiped
    SecureBuffer empty(std::size_t{0});
    CHECK(empty.empty());
}
