// SPDX-License-Identifier: GPL-3.0-or-later
// The OAuth credentials file `postern-uploader account add --credentials-file` reads.
#include "postern/uploader/net/AccountCredentials.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)postern::uploader::parseCredentials(text, 1700000000);
    return 0;
}
