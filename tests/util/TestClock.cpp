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
    // The strict profile of the one shared parser: what platforms may write, our files may not.
    CHECK(parseIso8601("2027-01-01T00:00:00.250Z") == 1798761600);
    CHECK_FALSE(parseUtc("2027-01-01T00:00:00.250Z", t)); // fractions refused
    CHECK_FALSE(parseUtc("2027-01-01T00:00:00z", t));     // lower-case zone refused
    CHECK_FALSE(parseUtc("2027-01-01T0930Z", t));
    t = 7;
    CHECK_FALSE(parseUtc("1969-12-31T23:59:59Z", t)); // before 1970: no Postern time is
    CHECK(t == 7);                                    // and a refusal leaves the value alone
    REQUIRE(parseUtc("2024-02-29T23:59:59Z", t));
    CHECK(t == 1709251199); // date -d 2024-02-29T23:59:59Z +%s
}

TEST_CASE("FixedClock is settable", "[clock]")
{
    FixedClock c(100);
    c.advance(5);
    CHECK(c.now() == 105);
    SystemClock s;
    CHECK(s.now() > 1700000000);
}
