// SPDX-License-Identifier: GPL-3.0-or-later
// SecretText: platform credentials in guarded memory (docs/threat-model.md, "Secrets in memory").
#include "postern/crypto/SecretText.h"

#include <catch2/catch.hpp>

#include <algorithm>

using postern::crypto::SecretText;

TEST_CASE("SecretText::take moves a secret out of a string and overwrites the string", "[secret]")
{
    std::string token(200, 'k'); // longer than the small-string buffer: a heap allocation
    const char* old = token.data();
    const std::size_t capacity = token.capacity();
    const SecretText secret = SecretText::take(token);
    CHECK(secret == std::string(200, 'k'));
    CHECK(token.empty());
    // clear() keeps the allocation, so the bytes that held the token can be read back: zeros.
    REQUIRE(static_cast<const void*>(token.data()) == static_cast<const void*>(old));
    CHECK(std::all_of(old, old + capacity, [](char c) { return c == '\0'; }));
}

TEST_CASE("wipeString overwrites the whole capacity, also what a shorter value left behind", "[secret]")
{
    std::string s(100, 'a');
    s.resize(10); // the tail beyond size() still holds 90 'a's
    const char* data = s.data();
    const std::size_t capacity = s.capacity();
    postern::crypto::wipeString(s);
    CHECK(s.empty());
    CHECK(std::all_of(data, data + capacity, [](char c) { return c == '\0'; }));
}

TEST_CASE("SecretText copies are independent guarded allocations; concat joins in guarded memory", "[secret]")
{
    const SecretText a("access-token");
    SecretText b = a;
    CHECK(b == a);
    CHECK(static_cast<const void*>(b.view().data()) != static_cast<const void*>(a.view().data()));
    b = SecretText("other");
    CHECK(a == "access-token");
    CHECK(SecretText::concat({"Bearer ", a.view()}) == "Bearer access-token");
    CHECK(SecretText::concat({}).empty());
    SecretText moved = std::move(b);
    CHECK(moved == "other");
    CHECK(SecretText().view().empty());
}
