// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Clock.h"

#include <catch2/catch.hpp>

using namespace postern;

TEST_CASE("UTC formatting and strict parsing", "[clock]")
{
    CHECK(formatUtc(0) == "1970-01-01T00:00:00Z");
    CHECK(formatUtc(1798761600) == "2027-01-01T00:00:00Z");
    std::int64_t t = 0;
    REQUIRE(parseUtc("2027-01-01T00:00:00Z", t));
    CHECK(t == 1798761600);
    REQUIRE(parseUtc("2027-01-01T09:30Z", t));
    CHECK(t == 1798761600 + 9 * 3600 + 30 * 60);
    CHECK_FALSE(parseUtc("2027-01-01T00:00:00", t));       // no zone
    CHECK_FALSE(parseUtc("2027-01-01T00:00:00+01:00", t)); // offsets refused
    CHECK_FALSE(parseUtc("2027-02-31T00:00Z", t));
    CHECK_FALSE(parseUtc("2027-13-01T00:00Z", t));
    CHECK_FALSE(parseUtc("", t));
}

TEST_CASE("FixedClock is settable", "[clock]")
{
    FixedClock c(100);
    c.advance(5);
    CHECK(c.now() == 105);
    SystemClock s;
    CHECK(s.now() > 1700000000);
}
