// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <filesystem>

namespace postern::uploader {

/** ImageSize is an image's pixel size as its header states it. */
struct ImageSize
{
    std::uint32_t width = 0;
    std::uint32_t height = 0;
};

/** kImageHeaderBytes is how much of a file readImageSize looks at (JPEG SOF can sit after EXIF). */
inline constexpr std::size_t kImageHeaderBytes = 256u << 10;

/**
 * parseImageSize reads the width and height from the start of a PNG (signature + IHDR), JPEG
 * (markers up to the first SOFn) or GIF (logical screen) file. Strict: a wrong signature,
 * a truncated header, a zero dimension or one above 2^24 is an error (bad-value, truncated).
 * It only ever looks at `head`, the first bytes of the file, so its work is bounded.
 */
[[nodiscard]] Result<ImageSize> parseImageSize(ByteView head);

/** readImageSize reads the first kImageHeaderBytes of a file and parses them. */
[[nodiscard]] Result<ImageSize> readImageSize(const std::filesystem::path& path);

} // namespace postern::uploader
