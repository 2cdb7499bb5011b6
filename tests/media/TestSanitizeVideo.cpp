// SPDX-License-Identifier: GPL-3.0-or-later
// MP4/MOV sanitizing (ISO/IEC 14496-12 boxes) on files built by MediaSamples.
#include "postern/media/Sanitize.h"

#include "MediaSamples.h"

#include <catch2/catch.hpp>

#include <cstring>

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

std::uint32_t readBe32(const Bytes& b, std::size_t at)
{
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8)
           | b[at + 3];
}

/** topLevel lists the top-level box types of a file with 32-bit box sizes. */
std::vector<std::string> topLevel(const Bytes& file)
{
    std::vector<std::string> types;
    std::size_t at = 0;
    while (at + 8 <= file.size()) {
        types.emplace_back(reinterpret_cast<const char*>(file.data() + at + 4), 4);
        at += readBe32(file, at);
    }
    return types;
}

std::size_t find(const Bytes& hay, std::string_view needle)
{
    const auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end());
    return it == hay.end() ? std::string_view::npos : static_cast<std::size_t>(it - hay.begin());
}

} // namespace

TEST_CASE("MP4: udta, meta, ©xyz and XMP become free boxes of the same size", "[media][mp4]")
{
    const Mp4Parts in = mp4(true);
    const auto [out, report] = sanitized(in.file, "video/mp4");

    // Nothing moved: same size, media data at the same offset, byte for byte.
    REQUIRE(out.size() == in.file.size());
    CHECK(std::equal(in.mdatPayload.begin(),
                     in.mdatPayload.end(),
                     out.begin() + static_cast<std::ptrdiff_t>(in.mdatPayloadOffset)));
    // The chunk offset table still points at the media data.
    const std::size_t stco = find(out, "stco");
    REQUIRE(stco != std::string_view::npos);
    CHECK(readBe32(out, stco + 12) == in.mdatPayloadOffset);

    CHECK_FALSE(contains(out, kIso6709));
    CHECK_FALSE(contains(out, std::string_view("\xA9xyz")));
    CHECK_FALSE(contains(out, kCameraMake));
    CHECK_FALSE(contains(out, std::string_view("com.apple.quicktime.location")));
    CHECK_FALSE(contains(out, std::string_view("PostCam firmware")));
    CHECK_FALSE(contains(out, kXmpLocation));
    CHECK_FALSE(contains(out, std::string_view("udta")));
    CHECK_FALSE(contains(out, std::string_view("meta")));
    CHECK(topLevel(out) == std::vector<std::string>{"ftyp", "moov", "free", "mdat"});

    // Every byte that differs lies inside a box that is now free.
    std::size_t changed = 0;
    for (std::size_t i = 0; i < out.size(); ++i)
        changed += out[i] != in.file[i];
    CHECK(changed > 0);

    CHECK(report.kind == MediaKind::Mp4);
    CHECK(report.inputBytes == report.outputBytes);
    std::vector<std::string> whats;
    for (const auto& item : report.removed)
        whats.push_back(item.what);
    CHECK(whats
          == std::vector<std::string>{"MP4 metadata (meta)",
                                      "MP4 location (©xyz)",
                                      "MP4 user data (udta)",
                                      "XMP metadata"});
    // udta is reported by content: ©xyz (8 + 4 + 18 bytes) and the rest (header + ©mak).
    CHECK(report.removed[1].bytes == 8 + 4 + kIso6709.size());
    CHECK(report.removed[2].bytes == 8 + 8 + 4 + kCameraMake.size());
}

TEST_CASE("MP4: a clean file passes through byte for byte", "[media][mp4]")
{
    const Bytes in = mp4(false).file;
    const auto [out, report] = sanitized(in, "video/mp4");
    CHECK(out == in);
    CHECK(report.removed.empty());
    // MOV is the same container.
    CHECK(sanitized(in, "video/quicktime").first == in);
}

TEST_CASE("MP4: 64-bit and to-end-of-file box sizes", "[media][mp4]")
{
    const Mp4Parts p = mp4(true);
    const std::size_t mdat = p.mdatPayloadOffset - 8;
    const Bytes head(p.file.begin(), p.file.begin() + static_cast<std::ptrdiff_t>(mdat));

    SECTION("size 1 with a 64-bit largesize")
    {
        Bytes file = head;
        const std::uint64_t size = 16 + p.mdatPayload.size();
        file.insert(file.end(), {0, 0, 0, 1, 'm', 'd', 'a', 't'});
        for (int s = 56; s >= 0; s -= 8)
            file.push_back(static_cast<std::uint8_t>(size >> s));
        file.insert(file.end(), p.mdatPayload.begin(), p.mdatPayload.end());
        const auto [out, report] = sanitized(file, "video/mp4");
        CHECK(out.size() == file.size());
        CHECK(std::equal(out.end() - static_cast<std::ptrdiff_t>(16 + p.mdatPayload.size()),
                         out.end(),
                         file.end() - static_cast<std::ptrdiff_t>(16 + p.mdatPayload.size())));
    }
    SECTION("size 0: the last box runs to the end of the file")
    {
        Bytes file = head;
        file.insert(file.end(), {0, 0, 0, 0, 'm', 'd', 'a', 't'});
        file.insert(file.end(), p.mdatPayload.begin(), p.mdatPayload.end());
        const auto [out, report] = sanitized(file, "video/mp4");
        CHECK(out.size() == file.size());
        CHECK(std::equal(out.begin() + static_cast<std::ptrdiff_t>(mdat),
                         out.end(),
                         file.begin() + static_cast<std::ptrdiff_t>(mdat)));
    }
    SECTION("a 64-bit udta becomes a 64-bit free box")
    {
        Bytes file = head;
        file.insert(file.end(), {0, 0, 0, 1, 'u', 'd', 't', 'a', 0, 0, 0, 0, 0, 0, 0, 20, 'a', 'b', 'c', 'd'});
        const auto [out, report] = sanitized(file, "video/mp4");
        const Bytes expected{0, 0, 0, 1, 'f', 'r', 'e', 'e', 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 0};
        CHECK(Bytes(out.end() - 20, out.end()) == expected);
    }
}

TEST_CASE("MP4: broken files get a named error", "[media][mp4]")
{
    const Bytes good = mp4(true).file;
    auto code = [](const Bytes& b) { return sanitizeBytes(b, "video/mp4").code(); };
    SECTION("a box size past the end of the file: truncated")
    {
        Bytes bad = good;
        bad.resize(bad.size() - 5); // mdat now claims 5 bytes more than there are
        CHECK(code(bad) == Errc::Truncated);
    }
    SECTION("a child box that crosses its parent's end: truncated")
    {
        Bytes bad = good;
        const std::size_t mvhd = find(bad, "mvhd") - 4;
        bad[mvhd + 2] = 0x10; // mvhd claims 4 KiB inside a much smaller moov
        CHECK(code(bad) == Errc::Truncated);
    }
    SECTION("a box size under 8: syntax")
    {
        Bytes bad = good;
        bad[3] = 4; // ftyp size 4
        CHECK(code(bad) == Errc::Syntax);
    }
    SECTION("a 64-bit size under 16: syntax")
    {
        Bytes bad = {0, 0, 0, 1, 'f', 't', 'y', 'p', 0, 0, 0, 0, 0, 0, 0, 8};
        CHECK(code(bad) == Errc::Syntax);
    }
    SECTION("size 0 inside a container: syntax")
    {
        Bytes bad = good;
        const std::size_t mvhd = find(bad, "mvhd") - 4;
        bad[mvhd] = bad[mvhd + 1] = bad[mvhd + 2] = bad[mvhd + 3] = 0;
        CHECK(code(bad) == Errc::Syntax);
    }
    SECTION("containers nested deeper than 16: too-large")
    {
        Bytes inner = box("ftyp", asBytes("isom"));
        Bytes nested = box("free", Bytes{});
        for (int i = 0; i < 20; ++i)
            nested = box("moov", nested);
        inner.insert(inner.end(), nested.begin(), nested.end());
        CHECK(code(inner) == Errc::TooLarge);
    }
    SECTION("a uuid box shorter than its identifier: syntax")
    {
        Bytes bad = box("ftyp", asBytes("isom"));
        const Bytes u = box("uuid", Bytes{1, 2, 3});
        bad.insert(bad.end(), u.begin(), u.end());
        CHECK(code(bad) == Errc::Syntax);
    }
}
