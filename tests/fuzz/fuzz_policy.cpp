// SPDX-License-Identifier: GPL-3.0-or-later
// Identity and policy files: every reader of them must survive any input.
#include "postern/domain/Identity.h"

#include "FuzzCeremony.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    postern::fuzz::instance();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)postern::domain::readPolicyFile(text);
    (void)postern::domain::readUploaderIdentity(text);
    (void)postern::domain::readWorkstationIdentity(text);
    return 0;
}
