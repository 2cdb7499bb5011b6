// SPDX-License-Identifier: GPL-3.0-or-later
// Real media files built byte by byte for the tests: a baseline JPEG, a PNG and an MP4, each
// with or without the location and camera metadata phones write. Shared by tests/media and
// tests/workflow.
#pragma once

#include "postern/util/Bytes.h"

#include <string_view>

namespace postern::test::media {

// Strings the metadata carries; none of them may survive sanitizing.
constexpr std::string_view kCameraMake = "PostCam Z1";
constexpr std::string_view kXmpLocation = "exif:GPSLatitude=\"51,30.4440N\"";
constexpr std::string_view kIptcCity = "London Bridge";
constexpr std::string_view kComment = "Shot at 51.5074N 0.1278W";
constexpr std::string_view kIso6709 = "+51.5074-000.1278/";

/**
 * exifTiff is an EXIF block (big-endian TIFF) with Make and Model in IFD0 and a GPS IFD:
 * GPSVersionID 2.3, 51°30'26.64"N 0°7'39.6"W (CIPA DC-008-2019 / EXIF 2.32, 4.6.6).
 */
[[nodiscard]] Bytes exifTiff();

/** gpsLatitudeRationals is the 24-byte GPSLatitude value of exifTiff(): 51/1 30/1 2664/100. */
[[nodiscard]] Bytes gpsLatitudeRationals();

/** JpegParts are the pieces of a generated JPEG, so tests can compare the image data. */
struct JpegParts
{
    Bytes file;
    Bytes kept;  ///< the segments the sanitizer must keep: APP0 JFIF, APP2 ICC, APP14 Adobe
    Bytes image; ///< DQT through EOI: tables, frame, scan header and entropy-coded data
};

/**
 * jpeg builds a 40x8 greyscale baseline JPEG (ITU-T T.81): five 8x8 blocks, DC-only Huffman
 * tables chosen so the entropy data holds a stuffed FF 00. With `metadata` it carries
 * APP1 EXIF with GPS, APP1 XMP, APP13 Photoshop/IPTC and a COM comment, between the
 * segments that stay (JFIF, ICC profile, Adobe).
 */
[[nodiscard]] JpegParts jpeg(bool metadata);

/** PngParts are the pieces of a generated PNG. */
struct PngParts
{
    Bytes file;
    Bytes idat; ///< both IDAT chunks, exactly as in the file
};

/**
 * png builds a 2x2 8-bit greyscale PNG (ISO/IEC 15948) whose image data is a zlib stream of
 * stored deflate blocks, split across two IDAT chunks, with a gAMA chunk. With `metadata` it
 * also has tEXt 'Comment', zTXt 'Author', iTXt 'XML:com.adobe.xmp' (XMP with GPS), eXIf
 * (exifTiff()) and tIME. Every CRC is correct.
 */
[[nodiscard]] PngParts png(bool metadata);

/** Mp4Parts are the pieces of a generated MP4. */
struct Mp4Parts
{
    Bytes file;
    std::size_t mdatPayloadOffset = 0; ///< where the media data starts (stco points here)
    Bytes mdatPayload;
};

/**
 * mp4 builds an ISO BMFF file: ftyp, moov(mvhd, trak(tkhd, mdia(mdhd, hdlr, minf(stbl(stsd,
 * stts, stsc, stsz, stco)))), mdat. With `metadata`: trak-level meta, moov-level
 * udta(©xyz kIso6709, ©mak kCameraMake), moov-level meta (Apple mdta keys with the
 * ISO 6709 location) and a top-level XMP uuid box before mdat.
 */
[[nodiscard]] Mp4Parts mp4(bool metadata);

/** contains is true when `needle` occurs anywhere in `haystack`. */
[[nodiscard]] bool contains(ByteView haystack, std::string_view needle);
[[nodiscard]] bool contains(ByteView haystack, ByteView needle);

/** pngChunk frames `data` as a PNG chunk with its CRC. */
[[nodiscard]] Bytes pngChunk(std::string_view type, ByteView data);

/** box frames `payload` as an ISO BMFF box with a 32-bit size. */
[[nodiscard]] Bytes box(std::string_view type, ByteView payload);

} // namespace postern::test::media
