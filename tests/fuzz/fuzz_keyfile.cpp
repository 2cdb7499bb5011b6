// SPDX-License-Identifier: GPL-3.0-or-later
// Key files come from disk and may be planted; parsing must be safe and must never run the
// KDF with parameters outside the allowed range (a memory bomb would show up as OOM here).
#include "postern/crypto/KeyFile.h"

#include "FuzzCeremony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    postern::fuzz::instance();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)postern::crypto::keyFilePublicKey(text);
    return 0;
}
