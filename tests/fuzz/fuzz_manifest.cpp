// SPDX-License-Identifier: GPL-3.0-or-later
// Property: parseManifest never crashes; an accepted manifest re-serialises to its input.
#include "FuzzCeremony.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    postern::fuzz::instance();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto m = postern::bundle::parseManifest(text);
    if (m.ok() && m->serialize() != text)
        std::abort();
    return 0;
}
