// SPDX-License-Identifier: GPL-3.0-or-later
// JPEG and PNG sanitizing on real files built by MediaSamples (T.81, ISO/IEC 15948).
#include "postern/media/Sanitize.h"

#include "MediaSamples.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::media;
using namespace postern::test::media;

namespace {

std::pair<Bytes, SanitizeReport> sanitized(const Bytes& in, std::string_view mime)
{
    auto r = sanitizeBytes(in, mime);
    if (!r)
        FAIL(r.error().what());
    return std::move(r).value();
}

Bytes cat(std::initializer_list<ByteView> parts)
{
    Bytes out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

std::uint64_t bytesOf(const SanitizeReport& r, std::string_view what)
{
    for (const auto& item : r.removed) {
        if (item.what == what)
            return item.bytes;
    }
    return 0;
}

/** noLocationLeft checks every identifying string the samples carry. */
void checkNoMetadataLeft(const Bytes& out)
{
    CHECK_FALSE(contains(out, std::string_view("Exif\0\0", 6)));
    CHECK_FALSE(contains(out, std::string_view("MM\0*", 4))); // the TIFF header of the EXIF block
    CHECK_FALSE(contains(out, gpsLatitudeRationals()));
    CHECK_FALSE(contains(out, kCameraMake));
    CHECK_FALSE(contains(out, kXmpLocation));
    CHECK_FALSE(contains(out, kIptcCity));
    CHECK_FALSE(contains(out, kComment));
}

} // namespace

TEST_CASE("the samples really carry the metadata the tests look for", "[media]")
{
    const Bytes j = jpeg(true).file;
    CHECK(contains(j, std::string_view("Exif\0\0MM\0*", 10)));
    CHECK(contains(j, gpsLatitudeRationals()));
    CHECK(contains(j, kXmpLocation));
    CHECK(contains(j, kIptcCity));
    CHECK(contains(j, kComment));
    const Bytes p = png(true).file;
    CHECK(contains(p, gpsLatitudeRationals()));
    CHECK(contains(p, kXmpLocation));
    CHECK(detectKind(j) == MediaKind::Jpeg);
    CHECK(detectKind(p) == MediaKind::Png);
    CHECK(detectKind(mp4(true).file) == MediaKind::Mp4);
    CHECK(detectKind(asBytes("GIF89a......")) == MediaKind::Other);
}

TEST_CASE("JPEG: EXIF, XMP, IPTC and comments go; image data, ICC, JFIF and Adobe stay", "[media][jpeg]")
{
    const JpegParts in = jpeg(true);
    const auto [out, report] = sanitized(in.file, "image/jpeg");

    // Exactly SOI + the kept segments + the image from DQT to EOI, byte for byte.
    CHECK(out == cat({Bytes{0xFF, 0xD8}, in.kept, in.image}));
    checkNoMetadataLeft(out);
    CHECK(contains(out, std::string_view("ICC_PROFILE\0", 12)));

    CHECK(report.kind == MediaKind::Jpeg);
    CHECK(report.inspected);
    CHECK(report.note.empty());
    CHECK(report.inputBytes == in.file.size());
    CHECK(report.outputBytes == out.size());
    REQUIRE(report.removed.size() == 4);
    CHECK(report.removed[0].what == "EXIF (camera, GPS location)");
    CHECK(report.removed[0].bytes == 4 + 6 + exifTiff().size()); // marker, length, "Exif\0\0", TIFF
    CHECK(report.removed[1].what == "XMP metadata");
    CHECK(report.removed[2].what == "IPTC (Photoshop APP13)");
    CHECK(report.removed[3].what == "JPEG comment (COM)");
    CHECK(report.removed[3].bytes == 4 + kComment.size());
    std::uint64_t total = 0;
    for (const auto& item : report.removed)
        total += item.bytes;
    CHECK(total == in.file.size() - out.size());
}

TEST_CASE("JPEG: a clean file passes through byte for byte with an empty report", "[media][jpeg]")
{
    const Bytes in = jpeg(false).file;
    const auto [out, report] = sanitized(in, "image/jpeg");
    CHECK(out == in);
    CHECK(report.removed.empty());
    CHECK(report.inspected);
    // Sanitizing is idempotent: the output of a dirty file is clean.
    const auto once = sanitized(jpeg(true).file, "image/jpeg");
    const auto twice = sanitized(once.first, "image/jpeg");
    CHECK(twice.first == once.first);
    CHECK(twice.second.removed.empty());
}

TEST_CASE("JPEG: MPF index, trailing preview images and vendor APPn segments are dropped", "[media][jpeg]")
{
    using namespace std::string_view_literals;
    const JpegParts clean = jpeg(false);
    // SOI, MPF APP2, APP5 vendor segment, then the rest, then a second "preview" JPEG after EOI
    // that has its own EXIF (what phones append for multi-picture files).
    Bytes file{0xFF, 0xD8};
    const Bytes mpf = cat({Bytes{0xFF, 0xE2, 0x00, 0x0A}, asBytes("MPF\0MM\0*"sv)});
    const Bytes app5 = cat({Bytes{0xFF, 0xE5, 0x00, 0x08}, asBytes("RMETA\0"sv)});
    file = cat({file, mpf, app5, ByteView(clean.file).subspan(2)});
    const Bytes trailer = jpeg(true).file;
    file = cat({file, trailer});

    const auto [out, report] = sanitized(file, "image/jpeg");
    CHECK(out == clean.file);
    CHECK(bytesOf(report, "Multi-picture index (MPF)") == mpf.size());
    CHECK(bytesOf(report, "APP5 segment (vendor metadata)") == app5.size());
    CHECK(bytesOf(report, "Data after the end of the image (e.g. extra preview images)") == trailer.size());
}

TEST_CASE("JPEG: restart markers and fill bytes inside the scan are image data", "[media][jpeg]")
{
    // The walker must not stop at FF D0 (a restart marker, part of the scan) and must accept
    // FF fill bytes before the EOI marker: the scan becomes 02 FF 00 40 FF D0 0F, FF FF D9.
    JpegParts p = jpeg(false);
    Bytes file(p.file.begin(), p.file.end() - 3); // drop 0F FF D9
    const Bytes tail{0xFF, 0xD0, 0x0F, 0xFF, 0xFF, 0xD9};
    file.insert(file.end(), tail.begin(), tail.end());
    const auto [out, report] = sanitized(file, "image/jpeg");
    // The fill byte before EOI is not image data and is not written back.
    Bytes expected(file.begin(), file.end() - 3);
    expected.insert(expected.end(), {0xFF, 0xD9});
    CHECK(out == expected);
    CHECK(report.removed.empty());
}

TEST_CASE("JPEG: broken files get a named error", "[media][jpeg]")
{
    const Bytes good = jpeg(true).file;
    SECTION("a segment that runs past the end of the file: truncated")
    {
        const Bytes cut(good.begin(), good.begin() + 40); // inside the EXIF APP1
        CHECK(sanitizeBytes(cut, "image/jpeg").code() == Errc::Truncated);
    }
    SECTION("no end-of-image marker: truncated")
    {
        const Bytes cut(good.begin(), good.end() - 2);
        const auto r = sanitizeBytes(cut, "image/jpeg");
        CHECK(r.code() == Errc::Truncated);
        CHECK_THAT(r.error().message, Catch::Contains("copy it again"));
    }
    SECTION("junk where a marker belongs: syntax")
    {
        Bytes bad = good;
        bad[2 + 18] = 0x00; // the FF of the segment after APP0 JFIF (2 + 18 bytes)
        const auto r = sanitizeBytes(bad, "image/jpeg");
        CHECK(r.code() == Errc::Syntax);
        CHECK_THAT(r.error().message, Catch::Contains("at byte 20:"));
    }
    SECTION("a segment length under 2: syntax")
    {
        Bytes bad = good;
        bad[4] = 0x00;
        bad[5] = 0x01; // APP0 length
        CHECK(sanitizeBytes(bad, "image/jpeg").code() == Errc::Syntax);
    }
    SECTION("image data before a frame header: syntax")
    {
        const Bytes sosOnly{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x00, 0xFF, 0xD9};
        CHECK(sanitizeBytes(sosOnly, "image/jpeg").code() == Errc::Syntax);
    }
    SECTION("a second start-of-image marker: syntax")
    {
        const Bytes twice{0xFF, 0xD8, 0xFF, 0xD8, 0xFF, 0xD9};
        CHECK(sanitizeBytes(twice, "image/jpeg").code() == Errc::Syntax);
    }
    SECTION("no start-of-image marker: refused as not a JPEG")
    {
        const Bytes noSoi(good.begin() + 2, good.end());
        CHECK(sanitizeBytes(noSoi, "image/jpeg").code() == Errc::BadValue);
    }
    SECTION("thousands of segments: too-large")
    {
        Bytes many{0xFF, 0xD8};
        for (int i = 0; i < 5000; ++i)
            many.insert(many.end(), {0xFF, 0xFE, 0x00, 0x02});
        CHECK(sanitizeBytes(many, "image/jpeg").code() == Errc::TooLarge);
    }
}

TEST_CASE("PNG: text, eXIf and tIME chunks go; IDAT and colour chunks stay", "[media][png]")
{
    const PngParts in = png(true);
    const PngParts clean = png(false);
    const auto [out, report] = sanitized(in.file, "image/png");
    CHECK(out == clean.file);
    CHECK(contains(out, in.idat)); // both IDAT chunks, CRCs included, unchanged
    checkNoMetadataLeft(out);
    CHECK(contains(out, std::string_view("gAMA")));

    REQUIRE(report.removed.size() == 5);
    CHECK(report.removed[0].what == "PNG text chunk 'Comment'");
    CHECK(report.removed[0].bytes == 12 + 8 + kComment.size());
    CHECK(report.removed[1].what == "PNG text chunk 'Author'");
    CHECK(report.removed[2].what == "PNG text chunk 'XML:com.adobe.xmp'");
    CHECK(report.removed[3].what == "PNG eXIf chunk");
    CHECK(report.removed[3].bytes == 12 + exifTiff().size());
    CHECK(report.removed[4].what == "PNG modification time (tIME)");
    CHECK(report.removed[4].bytes == 12 + 7);
    CHECK(report.inputBytes - report.outputBytes
          == report.removed[0].bytes + report.removed[1].bytes + report.removed[2].bytes + report.removed[3].bytes
                 + report.removed[4].bytes);
}

TEST_CASE("PNG: a clean file passes through; data after IEND is dropped and reported", "[media][png]")
{
    const Bytes clean = png(false).file;
    const auto [same, none] = sanitized(clean, "image/png");
    CHECK(same == clean);
    CHECK(none.removed.empty());

    Bytes hidden = clean;
    const Bytes zip{'P', 'K', 3, 4, 'h', 'i', 'd', 'd', 'e', 'n'};
    hidden.insert(hidden.end(), zip.begin(), zip.end());
    const auto [out, report] = sanitized(hidden, "image/png");
    CHECK(out == clean);
    REQUIRE(report.removed.size() == 1);
    CHECK(report.removed[0].what == "Data after the end of the image (after IEND)");
    CHECK(report.removed[0].bytes == zip.size());
}

TEST_CASE("PNG: broken files get a named error", "[media][png]")
{
    const PngParts p = png(true);
    SECTION("a wrong CRC on a kept chunk (IDAT): bad-encoding")
    {
        Bytes bad = p.file;
        const auto at = std::search(bad.begin(), bad.end(), p.idat.begin(), p.idat.end()) - bad.begin();
        bad[static_cast<std::size_t>(at) + 9] ^= 0x01; // a data byte of the first IDAT
        const auto r = sanitizeBytes(bad, "image/png");
        CHECK(r.code() == Errc::BadEncoding);
        CHECK_THAT(r.error().message, Catch::Contains("'IDAT'"));
    }
    SECTION("a wrong CRC on a dropped chunk (tEXt): bad-encoding, the file is damaged")
    {
        Bytes bad = p.file;
        const std::string_view needle = kComment;
        const auto at = std::search(bad.begin(), bad.end(), needle.begin(), needle.end()) - bad.begin();
        bad[static_cast<std::size_t>(at)] ^= 0x20;
        CHECK(sanitizeBytes(bad, "image/png").code() == Errc::BadEncoding);
    }
    SECTION("no IEND: truncated")
    {
        const Bytes cut(p.file.begin(), p.file.end() - 12);
        CHECK(sanitizeBytes(cut, "image/png").code() == Errc::Truncated);
    }
    SECTION("a chunk length past the end of the file: truncated")
    {
        Bytes bad = p.file;
        bad[8] = 0x10; // IHDR length 0x1000000d
        CHECK(sanitizeBytes(bad, "image/png").code() == Errc::Truncated);
    }
    SECTION("a first chunk other than IHDR: syntax")
    {
        Bytes bad = p.file;
        bad[12 + 1] = 'X'; // "IXDR"
        CHECK(sanitizeBytes(bad, "image/png").code() == Errc::Syntax);
    }
    SECTION("a chunk type that is not four letters: syntax")
    {
        Bytes bad = p.file;
        bad[12 + 3] = '1';
        CHECK(sanitizeBytes(bad, "image/png").code() == Errc::Syntax);
    }
}

TEST_CASE("PNG: the report stays short however many text keywords a file has", "[media][png]")
{
    Bytes file = png(false).file;
    const Bytes tail(file.end() - 12, file.end()); // IEND
    file.resize(file.size() - 12);
    for (int i = 0; i < 100; ++i) {
        const std::string text = "Key" + std::to_string(i) + std::string(1, '\0') + "value";
        const Bytes chunk = pngChunk("tEXt", asBytes(text));
        file.insert(file.end(), chunk.begin(), chunk.end());
    }
    file.insert(file.end(), tail.begin(), tail.end());
    const auto [out, report] = sanitized(file, "image/png");
    CHECK(out == png(false).file);
    CHECK(report.removed.size() <= 33);
    CHECK(bytesOf(report, "Other metadata") > 0);
    CHECK(reportFromJson(reportToJson(report).serialize()).value() == report);
}
