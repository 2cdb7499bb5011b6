// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/Receipt.h"

#include "FuzzCeremony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto& c = postern::fuzz::instance();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)postern::bundle::readReceipt(text, c.admin.publicKey());
    return 0;
}
