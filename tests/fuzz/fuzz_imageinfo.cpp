// SPDX-License-Identifier: GPL-3.0-or-later
// The image header reader the Bluesky adapter uses for aspectRatio (PNG, JPEG, GIF).
#include "postern/uploader/net/ImageInfo.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const postern::ByteView head(data, size);
    if (auto s = postern::uploader::parseImageSize(head)) {
        // Whatever it accepts is within the documented bounds.
        if (s->width == 0 || s->height == 0 || s->width > (1u << 24) || s->height > (1u << 24))
            std::abort();
    }
    return 0;
}
