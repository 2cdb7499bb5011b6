// SPDX-License-Identifier: GPL-3.0-or-later
// MP4 / QuickTime (ISO BMFF): walk the boxes, descend into the containers where metadata lives,
// and overwrite metadata boxes in place with `free` boxes of the same size and zeroed payload.
// No box moves, so every chunk offset (stco/co64) and the media data stay valid byte for byte.
// The walk streams: only box headers are held in memory. docs/media.md, "MP4 and MOV".
#include "Stream.h"

#include <array>
#include <cstring>

namespace postern::media::detail {

namespace {

constexpr int kMaxDepth = 16;
// A two-hour film has a few hundred boxes; only a hostile file has a million.
constexpr std::size_t kMaxBoxes = 1u << 20;
// udta is held in memory only to list what it contained; a bigger one is wiped unlisted.
constexpr std::uint64_t kMaxListedUserData = 1u << 20;

using FourCC = std::array<std::uint8_t, 4>;

constexpr FourCC fourcc(const char (&s)[5])
{
    return {static_cast<std::uint8_t>(s[0]),
            static_cast<std::uint8_t>(s[1]),
            static_cast<std::uint8_t>(s[2]),
            static_cast<std::uint8_t>(s[3])};
}

constexpr FourCC kFree = fourcc("free");
constexpr FourCC kUdta = fourcc("udta");
constexpr FourCC kMeta = fourcc("meta");
constexpr FourCC kLoci = fourcc("loci");
constexpr FourCC kXmp = fourcc("XMP_");
constexpr FourCC kUuid = fourcc("uuid");
constexpr FourCC kCopyrightXyz{0xA9, 'x', 'y', 'z'}; // "©xyz": ISO 6709 location (Apple, Android)

// The XMP uuid box (XMP Specification Part 3, 1.2.7): BE7ACFCB-97A9-42E8-9C71-999491E3AFAC.
constexpr std::array<std::uint8_t, 16>
    kXmpUuid{0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC};

/** Containers whose children can hold metadata boxes; everything else is copied unopened. */
bool isContainer(const FourCC& t)
{
    static constexpr FourCC kContainers[] =
        {fourcc("moov"), fourcc("trak"), fourcc("mdia"), fourcc("minf"), fourcc("moof"), fourcc("traf")};
    for (const auto& c : kContainers) {
        if (c == t)
            return true;
    }
    return false;
}

std::string typeName(const FourCC& t)
{
    std::string out;
    for (const std::uint8_t c : t)
        out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : (c == 0xA9 ? '@' : '?');
    return out;
}

/** metadataName names a box that is neutralised wherever it is found; empty keeps it. */
std::string metadataName(const FourCC& t)
{
    if (t == kUdta)
        return "MP4 user data (udta)";
    if (t == kMeta)
        return "MP4 metadata (meta)";
    if (t == kCopyrightXyz)
        return "MP4 location (©xyz)";
    if (t == kLoci)
        return "MP4 location (loci)";
    if (t == kXmp)
        return "XMP metadata";
    return {};
}

/**
 * listUserData reports what a udta box held, child by child. The box is wiped whatever it
 * holds, so a child it cannot parse (QuickTime ends udta with a 32-bit zero) just counts as
 * user data rather than failing the file.
 */
void listUserData(ByteView payload, std::uint64_t headerBytes, SanitizeReport& report)
{
    std::uint64_t other = headerBytes;
    std::size_t off = 0;
    while (payload.size() - off >= 8) {
        const std::uint32_t size = be32(payload.data() + off);
        FourCC type{};
        std::memcpy(type.data(), payload.data() + off + 4, 4);
        if (size < 8 || size > payload.size() - off)
            break;
        const std::string name = type == kUdta ? std::string() : metadataName(type);
        if (name.empty())
            other += size;
        else
            addRemoved(report, name, size);
        off += size;
    }
    other += payload.size() - off;
    addRemoved(report, "MP4 user data (udta)", other);
}

Error syntax(const Input& in, const std::string& what)
{
    return fail(Errc::Syntax,
                "the video is malformed at byte " + std::to_string(in.position()) + ": " + what
                    + "; export it again from the camera or editor");
}

class Mp4Walker
{
public:
    Mp4Walker(Input& in, Sink& out, SanitizeReport& report) : m_in(in), m_out(out), m_report(report) {}

    /** walk handles the boxes from the current position up to `end` (a parent's end or EOF). */
    Status walk(std::uint64_t end, int depth)
    {
        if (depth > kMaxDepth)
            return fail(Errc::TooLarge,
                        "the video nests boxes more than " + std::to_string(kMaxDepth)
                            + " deep, which no real file does; export it again");
        while (m_in.position() < end) {
            if (++m_boxes > kMaxBoxes)
                return fail(Errc::TooLarge,
                            "the video has more than " + std::to_string(kMaxBoxes) + " boxes; export it again");
            POSTERN_TRY(box(end, depth));
        }
        return {};
    }

private:
    Status box(std::uint64_t end, int depth)
    {
        const std::uint64_t start = m_in.position();
        if (end - start < 8)
            return depth == 0 ? m_in.truncated("an MP4 box header") : syntax(m_in, "a box header is cut off");
        std::array<std::uint8_t, 16> header{};
        POSTERN_TRY(m_in.readExact(std::span<std::uint8_t>(header.data(), 8), "an MP4 box header"));
        FourCC type{};
        std::memcpy(type.data(), header.data() + 4, 4);
        std::uint64_t size = be32(header.data());
        std::size_t headerBytes = 8;
        if (size == 1) {
            if (end - start < 16)
                return m_in.truncated("MP4 box '" + typeName(type) + "'");
            POSTERN_TRY(m_in.readExact(std::span<std::uint8_t>(header.data() + 8, 8), "an MP4 box size"));
            size = be64(header.data() + 8);
            headerBytes = 16;
            if (size < 16)
                return syntax(m_in, "box '" + typeName(type) + "' has a 64-bit size under 16");
        } else if (size == 0) {
            // "Extends to the end of the file": only meaningful for the last top-level box.
            if (depth > 0)
                return syntax(m_in, "box '" + typeName(type) + "' inside another box claims the rest of the file");
            size = end - start;
        } else if (size < 8) {
            return syntax(m_in, "box '" + typeName(type) + "' has a size under 8");
        }
        if (size > end - start)
            return m_in.truncated("MP4 box '" + typeName(type) + "' at byte " + std::to_string(start) + " ("
                                  + std::to_string(size) + " bytes)");
        const std::uint64_t payload = size - headerBytes;
        const ByteView head(header.data(), headerBytes);

        if (type == kUuid) {
            if (payload < 16)
                return syntax(m_in, "a uuid box is shorter than its 16-byte identifier");
            std::array<std::uint8_t, 16> id{};
            POSTERN_TRY(m_in.readExact(id, "an MP4 uuid"));
            if (id == kXmpUuid)
                return neutralise(head, 16, payload - 16, "XMP metadata");
            POSTERN_TRY(m_out.write(head));
            POSTERN_TRY(m_out.write(id));
            return m_in.copy(payload - 16, m_out, "MP4 box 'uuid'");
        }
        if (const std::string name = metadataName(type); !name.empty()) {
            if (type == kUdta && payload <= kMaxListedUserData) {
                std::vector<std::uint8_t> body(static_cast<std::size_t>(payload));
                POSTERN_TRY(m_in.readExact(body, "MP4 box 'udta'"));
                listUserData(body, headerBytes, m_report);
                POSTERN_TRY(writeFreeHeader(head));
                return m_out.writeZeros(payload);
            }
            return neutralise(head, 0, payload, name);
        }
        POSTERN_TRY(m_out.write(head));
        if (isContainer(type))
            return walk(start + size, depth + 1);
        return m_in.copy(payload, m_out, "MP4 box '" + typeName(type) + "'");
    }

    /** writeFreeHeader writes the box header with the type replaced by `free`, sizes untouched. */
    Status writeFreeHeader(ByteView head)
    {
        std::array<std::uint8_t, 16> h{};
        std::memcpy(h.data(), head.data(), head.size());
        std::memcpy(h.data() + 4, kFree.data(), 4);
        return m_out.write(ByteView(h.data(), head.size()));
    }

    /** neutralise turns the current box into `free`: `consumed` payload bytes were already read. */
    Status neutralise(ByteView head, std::uint64_t consumed, std::uint64_t rest, const std::string& what)
    {
        POSTERN_TRY(m_in.skip(rest, "MP4 box"));
        POSTERN_TRY(writeFreeHeader(head));
        POSTERN_TRY(m_out.writeZeros(consumed + rest));
        addRemoved(m_report, what, head.size() + consumed + rest);
        return {};
    }

    Input& m_in;
    Sink& m_out;
    SanitizeReport& m_report;
    std::size_t m_boxes = 0;
};

} // namespace

Status sanitizeMp4(Input& in, Sink& out, SanitizeReport& report)
{
    return Mp4Walker(in, out, report).walk(in.size(), 0);
}

} // namespace postern::media::detail
