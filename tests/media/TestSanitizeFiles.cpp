// SPDX-License-Identifier: GPL-3.0-or-later
// sanitizeMedia on files: declared type checks, output file hygiene, bounded memory on a large
// video, pass-through formats and the persisted report.
#include "postern/media/Sanitize.h"
#include "postern/util/FileIO.h"

#include "MediaSamples.h"
#include "TempDir.h"

#include <catch2/catch.hpp>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

using namespace postern;
using namespace postern::media;
using namespace postern::test::media;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& p, ByteView data)
{
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes readAll(const fs::path& p)
{
    auto text = readFileCapped(p, 1u << 30);
    REQUIRE(text.ok());
    return toBytes(*text);
}

long maxRssKiB()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

TEST_CASE("sanitizeMedia writes a new 0600 file equal to sanitizeBytes' output", "[media][file]")
{
    test::TempDir dir;
    const Bytes in = jpeg(true).file;
    writeFile(dir / "photo.jpg", in);
    auto report = sanitizeMedia(dir / "photo.jpg", "image/jpeg", dir / "clean.jpg");
    REQUIRE(report.ok());
    const auto expected = sanitizeBytes(in, "image/jpeg").value();
    CHECK(readAll(dir / "clean.jpg") == expected.first);
    CHECK(*report == expected.second);
    struct stat st
    {
    };
    REQUIRE(::stat((dir / "clean.jpg").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(readAll(dir / "photo.jpg") == in); // the original is never touched
}

TEST_CASE("sanitizeMedia leaves no output behind on any error", "[media][file]")
{
    test::TempDir dir;
    const fs::path out = dir / "out.bin";
    SECTION("declared type and content disagree: bad-value, naming both")
    {
        writeFile(dir / "photo.jpg", png(true).file);
        const auto r = sanitizeMedia(dir / "photo.jpg", "image/jpeg", out);
        CHECK(r.code() == Errc::BadValue);
        CHECK_THAT(r.error().message, Catch::Contains("image/jpeg") && Catch::Contains("PNG"));
    }
    SECTION("a truncated file: truncated")
    {
        const Bytes good = jpeg(true).file;
        writeFile(dir / "cut.jpg", ByteView(good).first(good.size() - 2));
        CHECK(sanitizeMedia(dir / "cut.jpg", "image/jpeg", out).code() == Errc::Truncated);
    }
    SECTION("a bad PNG checksum: bad-encoding")
    {
        Bytes bad = png(true).file;
        bad[bad.size() - 1] ^= 1; // IEND's CRC
        writeFile(dir / "bad.png", bad);
        CHECK(sanitizeMedia(dir / "bad.png", "image/png", out).code() == Errc::BadEncoding);
    }
    SECTION("an MP4 box past the end: truncated")
    {
        Bytes bad = mp4(true).file;
        bad.pop_back();
        writeFile(dir / "bad.mp4", bad);
        CHECK(sanitizeMedia(dir / "bad.mp4", "video/mp4", out).code() == Errc::Truncated);
    }
    SECTION("an unsupported type: bad-value")
    {
        writeFile(dir / "x.tiff", asBytes("II*\0"));
        CHECK(sanitizeMedia(dir / "x.tiff", "image/tiff", out).code() == Errc::BadValue);
    }
    SECTION("a missing input: not-found")
    {
        CHECK(sanitizeMedia(dir / "nothing.jpg", "image/jpeg", out).code() == Errc::NotFound);
    }
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("sanitizeMedia never overwrites an existing file", "[media][file]")
{
    test::TempDir dir;
    writeFile(dir / "photo.jpg", jpeg(true).file);
    writeFile(dir / "taken.jpg", asBytes("someone else's file"));
    CHECK(sanitizeMedia(dir / "photo.jpg", "image/jpeg", dir / "taken.jpg").code() == Errc::AlreadyExists);
    CHECK(readAll(dir / "taken.jpg") == toBytes("someone else's file"));
}

TEST_CASE("a large video is streamed in bounded memory", "[media][file][slow]")
{
    // 96 MiB of media data, written in pieces so the test itself never holds it either.
    test::TempDir dir;
    const Mp4Parts p = mp4(true);
    const std::size_t mdat = p.mdatPayloadOffset - 8;
    constexpr std::uint64_t kPayload = 96ull << 20;
    {
        std::ofstream f(dir / "big.mp4", std::ios::binary);
        f.write(reinterpret_cast<const char*>(p.file.data()), static_cast<std::streamsize>(mdat));
        const std::uint32_t size = static_cast<std::uint32_t>(kPayload + 8);
        const char header[8] = {static_cast<char>(size >> 24),
                                static_cast<char>(size >> 16),
                                static_cast<char>(size >> 8),
                                static_cast<char>(size),
                                'm',
                                'd',
                                'a',
                                't'};
        f.write(header, 8);
        std::vector<char> block(1u << 20);
        for (std::size_t i = 0; i < block.size(); ++i)
            block[i] = static_cast<char>(i * 7);
        for (std::uint64_t done = 0; done < kPayload; done += block.size())
            f.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    const long before = maxRssKiB();
    auto report = sanitizeMedia(dir / "big.mp4", "video/mp4", dir / "clean.mp4");
    REQUIRE(report.ok());
    const long grown = maxRssKiB() - before;
    CHECK(grown < 16 * 1024); // well under the 64 MiB budget; a whole-file read would be 96 MiB
    CHECK(report->inputBytes == report->outputBytes);
    CHECK(fs::file_size(dir / "clean.mp4") == fs::file_size(dir / "big.mp4"));
    CHECK(report->removed.size() == 4);

    // The media data made it across unchanged (spot-check its last block).
    std::ifstream check(dir / "clean.mp4", std::ios::binary);
    check.seekg(-static_cast<std::streamoff>(1u << 20), std::ios::end);
    std::vector<char> last(1u << 20);
    check.read(last.data(), static_cast<std::streamsize>(last.size()));
    bool same = true;
    for (std::size_t i = 0; i < last.size(); ++i)
        same = same && last[i] == static_cast<char>(i * 7);
    CHECK(same);
}

TEST_CASE("WebP, GIF and WebM pass through unchanged and say they were not inspected", "[media]")
{
    const Bytes webp = toBytes(std::string("RIFF\x1a\0\0\0WEBPVP8X", 16) + std::string(14, '\0'));
    const Bytes gif = toBytes(std::string("GIF89a\x01\0\x01\0\0\0\0;", 14));
    const Bytes webm = toBytes("\x1a\x45\xdf\xa3 matroska header");
    const std::vector<std::pair<Bytes, std::string>> samples{{webp, "image/webp"},
                                                             {gif, "image/gif"},
                                                             {webm, "video/webm"}};
    for (const auto& [bytes, mime] : samples) {
        auto r = sanitizeBytes(bytes, mime);
        REQUIRE(r.ok());
        CHECK(r->first == bytes);
        CHECK(r->second.kind == MediaKind::Other);
        CHECK_FALSE(r->second.inspected);
        CHECK_THAT(r->second.note, Catch::Contains("not inspected"));
    }
    // The declared type is still checked against the content.
    CHECK(sanitizeBytes(gif, "image/webp").code() == Errc::BadValue);
    CHECK(sanitizeBytes(jpeg(false).file, "video/webm").code() == Errc::BadValue);
    CHECK(sanitizeBytes(mp4(false).file, "image/png").code() == Errc::BadValue);
    CHECK(sanitizeBytes(Bytes{}, "image/png").code() == Errc::BadValue);
}

TEST_CASE("the report round-trips through its canonical JSON and rejects anything else", "[media]")
{
    const auto [out, report] = sanitizeBytes(jpeg(true).file, "image/jpeg").value();
    const std::string text = reportToJson(report).serialize();
    CHECK_THAT(text, Catch::StartsWith("{\"inputBytes\":"));
    auto back = reportFromJson(text);
    REQUIRE(back.ok());
    CHECK(*back == report);

    CHECK(reportFromJson("[]").code() == Errc::WrongType);
    CHECK(reportFromJson(R"({"inputBytes":1,"inspected":true,"kind":"bmp","note":"","outputBytes":1,"removed":[]})")
              .code()
          == Errc::BadValue);
    CHECK(reportFromJson(
              R"({"extra":1,"inputBytes":1,"inspected":true,"kind":"png","note":"","outputBytes":1,"removed":[]})")
              .code()
          == Errc::UnknownField);
    CHECK(reportFromJson(R"({"inputBytes":1,"inspected":true,"kind":"png","note":"","outputBytes":1,"removed":[1]})")
              .code()
          == Errc::WrongType);
}

TEST_CASE("write the fuzz_media seed corpus", "[.corpus]")
{
    // Run by hand: POSTERN_MEDIA_CORPUS=tests/fuzz/corpus/fuzz_media test_media "[.corpus]"
    const char* target = std::getenv("POSTERN_MEDIA_CORPUS");
    REQUIRE(target != nullptr);
    const fs::path dir(target);
    fs::create_directories(dir);
    writeFile(dir / "jpeg-metadata", jpeg(true).file);
    writeFile(dir / "jpeg-clean", jpeg(false).file);
    writeFile(dir / "png-metadata", png(true).file);
    writeFile(dir / "mp4-metadata", mp4(true).file);
    writeFile(dir / "mp4-clean", mp4(false).file);
}
