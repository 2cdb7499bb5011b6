// SPDX-License-Identifier: GPL-3.0-or-later
// Property: the canonical parser never crashes, and whatever it accepts re-serialises to
// exactly the input (age's FuzzMalleability rule).
#include "postern/util/Json.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto canonical = postern::parseCanonicalJson(text, postern::JsonLimits{});
    if (canonical.ok() && canonical->serialize() != text)
        std::abort();
    auto lenient = postern::parseJson(text, postern::JsonLimits{});
    if (lenient.ok()) {
        const std::string once = lenient->serialize();
        auto again = postern::parseCanonicalJson(once, postern::JsonLimits{});
        if (!again.ok() || again->serialize() != once)
            std::abort(); // the serialiser must always produce canonical output
    }
    return 0;
}
