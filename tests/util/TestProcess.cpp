// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Process.h"

#include <catch2/catch.hpp>

using namespace postern;

TEST_CASE("hardenProcess disables core dumps", "[process]")
{
    REQUIRE(hardenProcess().ok());
    CHECK(coreDumpsDisabled());
}
