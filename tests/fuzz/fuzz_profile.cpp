// SPDX-License-Identifier: GPL-3.0-or-later
// The signed platform profile (src/bundle/PlatformProfile.cpp): the uploader's file the
// workstation imports. The seed is signed by the ceremony's admin key, used as the uploader.
#include "postern/bundle/PlatformProfile.h"

#include "FuzzCeremony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto& c = postern::fuzz::instance();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)postern::bundle::readProfile(text, c.admin.publicKey(), 1798761600);
    return 0;
}
