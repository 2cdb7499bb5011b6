// SPDX-License-Identifier: GPL-3.0-or-later
// Image dimensions for Bluesky's aspectRatio: a small header reader, not an image decoder.
#include "postern/uploader/net/ImageInfo.h"

#include "postern/util/FileIO.h"

#include <algorithm>
#include <array>

namespace postern::uploader {

namespace {

constexpr std::uint32_t kMaxDimension = 1u << 24;

std::uint32_t be32(ByteView b, std::size_t at)
{
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8)
           | std::uint32_t{b[at + 3]};
}

std::uint32_t be16(ByteView b, std::size_t at)
{
    return (std::uint32_t{b[at]} << 8) | std::uint32_t{b[at + 1]};
}

Result<ImageSize> checked(std::uint32_t width, std::uint32_t height, std::string_view format)
{
    if (width == 0 || height == 0 || width > kMaxDimension || height > kMaxDimension)
        return fail(Errc::BadValue,
                    std::string(format) + " header states an impossible size " + std::to_string(width) + "x"
                        + std::to_string(height));
    return ImageSize{width, height};
}

Result<ImageSize> png(ByteView b)
{
    // Signature (8), then the first chunk must be IHDR: length 13, type, width, height.
    if (b.size() < 24)
        return fail(Errc::Truncated, "PNG file too short for its IHDR chunk");
    static constexpr std::array<std::uint8_t, 8> kIhdr = {0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    if (!std::equal(kIhdr.begin(), kIhdr.end(), b.begin() + 8))
        return fail(Errc::BadValue, "PNG file does not start with an IHDR chunk");
    return checked(be32(b, 16), be32(b, 20), "PNG");
}

Result<ImageSize> gif(ByteView b)
{
    if (b.size() < 10)
        return fail(Errc::Truncated, "GIF file too short for its screen descriptor");
    const std::uint32_t w = std::uint32_t{b[6]} | (std::uint32_t{b[7]} << 8);
    const std::uint32_t h = std::uint32_t{b[8]} | (std::uint32_t{b[9]} << 8);
    return checked(w, h, "GIF");
}

bool isSof(std::uint8_t marker)
{
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

Result<ImageSize> jpeg(ByteView b)
{
    std::size_t at = 2; // after SOI
    while (true) {
        if (at + 4 > b.size())
            return fail(Errc::Truncated, "JPEG header ends before its frame header (SOF)");
        if (b[at] != 0xff)
            return fail(Errc::BadValue, "JPEG marker expected at byte " + std::to_string(at));
        const std::uint8_t marker = b[at + 1];
        if (marker == 0xff) { // fill byte
            ++at;
            continue;
        }
        if (marker == 0xd8 || marker == 0xd9 || marker == 0xda || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01)
            return fail(Errc::BadValue, "JPEG has no frame header (SOF) before its image data");
        const std::uint32_t length = be16(b, at + 2);
        if (length < 2)
            return fail(Errc::BadValue, "JPEG segment with an impossible length at byte " + std::to_string(at));
        if (isSof(marker)) {
            // length(2) precision(1) height(2) width(2)
            if (length < 7 || at + 9 > b.size())
                return fail(Errc::Truncated, "JPEG frame header (SOF) is cut short");
            return checked(be16(b, at + 7), be16(b, at + 5), "JPEG");
        }
        at += 2 + length;
    }
}

} // namespace

Result<ImageSize> parseImageSize(ByteView head)
{
    static constexpr std::array<std::uint8_t, 8> kPng = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (head.size() >= 8 && std::equal(kPng.begin(), kPng.end(), head.begin()))
        return png(head);
    if (head.size() >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
        return jpeg(head);
    if (head.size() >= 6 && (toString(head.first(6)) == "GIF87a" || toString(head.first(6)) == "GIF89a"))
        return gif(head);
    return fail(Errc::BadValue, "not a PNG, JPEG or GIF file");
}

Result<ImageSize> readImageSize(const std::filesystem::path& path)
{
    FileReader reader;
    POSTERN_TRY(reader.open(path));
    Bytes head(static_cast<std::size_t>(std::min<std::uint64_t>(reader.size(), kImageHeaderBytes)));
    POSTERN_TRY(reader.readExact(head));
    return parseImageSize(head);
}

} // namespace postern::uploader
