// SPDX-License-Identifier: GPL-3.0-or-later
// Two modes chosen by the first byte:
//  even: the input is a whole bundle, as it would arrive on removable media;
//  odd:  the rest is a manifest that a (compromised) workstation signs and seals validly, so
//        the fuzzer reaches everything after decryption: manifest parsing, policy and
//        approval checks.
#include "FuzzCeremony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto& c = postern::fuzz::instance();
    if (size == 0)
        return 0;
    if ((data[0] & 1) == 0) {
        (void)c.verify({data + 1, size - 1});
        return 0;
    }
    const std::string_view manifest(reinterpret_cast<const char*>(data + 1), size - 1);
    const postern::Bytes sealed = c.sealRaw(manifest);
    if (!sealed.empty())
        (void)c.verify(sealed);
    return 0;
}
