// SPDX-License-Identifier: GPL-3.0-or-later
// PNG: check the signature and every chunk's CRC, drop text, eXIf and tIME chunks, copy the
// rest (IHDR, PLTE, IDAT, colour chunks, ...) byte for byte. docs/media.md, "PNG".
#include "Stream.h"

#include <array>
#include <cstring>

namespace postern::media::detail {

namespace {

// A 4 GiB PNG written in 8 KiB IDAT chunks has about 500,000 chunks; nothing real has more.
constexpr std::size_t kMaxChunks = 1u << 20;
// PNG keywords are 1..79 Latin-1 characters followed by a NUL.
constexpr std::size_t kMaxKeyword = 79;

constexpr std::array<std::uint8_t, 8> kSignature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

/** Crc32 is the CRC of ISO 3309 / ITU-T V.42 that PNG uses (PNG spec, Annex D). */
class Crc32
{
public:
    void update(ByteView data) noexcept
    {
        static const auto kTable = [] {
            std::array<std::uint32_t, 256> t{};
            for (std::uint32_t n = 0; n < 256; ++n) {
                std::uint32_t c = n;
                for (int k = 0; k < 8; ++k)
                    c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[n] = c;
            }
            return t;
        }();
        for (const std::uint8_t b : data)
            m_crc = kTable[(m_crc ^ b) & 0xFF] ^ (m_crc >> 8);
    }
    [[nodiscard]] std::uint32_t value() const noexcept { return m_crc ^ 0xFFFFFFFFu; }

private:
    std::uint32_t m_crc = 0xFFFFFFFFu;
};

bool isType(const std::array<std::uint8_t, 4>& type, std::string_view name)
{
    return std::memcmp(type.data(), name.data(), 4) == 0;
}

/** removalReason names a chunk that carries metadata; empty keeps the chunk. */
std::string removalReason(const std::array<std::uint8_t, 4>& type, const std::string& keyword)
{
    if (isType(type, "tEXt") || isType(type, "zTXt") || isType(type, "iTXt"))
        return "PNG text chunk '" + keyword + "'";
    if (isType(type, "eXIf"))
        return "PNG eXIf chunk";
    if (isType(type, "tIME"))
        return "PNG modification time (tIME)";
    return {};
}

/** keywordOf turns the start of a text chunk into printable ASCII for the report. */
std::string keywordOf(const std::vector<std::uint8_t>& head)
{
    std::string out;
    for (const std::uint8_t c : head) {
        if (c == 0 || out.size() == kMaxKeyword)
            break;
        out += (c >= 0x20 && c < 0x7F && c != '\'') ? static_cast<char>(c) : '?';
    }
    return out;
}

Error syntax(const Input& in, const std::string& what)
{
    return fail(Errc::Syntax,
                "the PNG is malformed at byte " + std::to_string(in.position()) + ": " + what
                    + "; open it in an image editor and save a new copy");
}

} // namespace

Status sanitizePng(Input& in, Sink& out, SanitizeReport& report)
{
    std::array<std::uint8_t, 8> sig{};
    POSTERN_TRY(in.readExact(sig, "the PNG signature"));
    if (sig != kSignature)
        return fail(Errc::BadMagic, "the file does not start with the PNG signature");
    POSTERN_TRY(out.write(sig));

    for (std::size_t index = 0;; ++index) {
        if (index >= kMaxChunks)
            return fail(Errc::TooLarge,
                        "the PNG has more than " + std::to_string(kMaxChunks) + " chunks; save a new copy");
        if (in.remaining() == 0)
            return in.truncated("the PNG (it has no IEND chunk)");
        std::array<std::uint8_t, 8> header{};
        POSTERN_TRY(in.readExact(header, "a PNG chunk header"));
        const std::uint32_t length = be32(header.data());
        std::array<std::uint8_t, 4> type{};
        std::memcpy(type.data(), header.data() + 4, 4);
        const std::string name(type.begin(), type.end());
        for (const std::uint8_t c : type) {
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
                return syntax(in, "a chunk type is not four letters");
        }
        if (length > 0x7FFFFFFFu)
            return syntax(in, "chunk '" + name + "' has a length over 2^31 - 1");
        if (std::uint64_t{length} + 4 > in.remaining())
            return in.truncated("PNG chunk '" + name + "'");
        if (index == 0 && (!isType(type, "IHDR") || length != 13))
            return syntax(in, "the first chunk is not a 13-byte IHDR");
        if (index > 0 && isType(type, "IHDR"))
            return syntax(in, "a second IHDR chunk");

        Crc32 crc;
        crc.update(ByteView(type.data(), type.size()));
        const bool text = isType(type, "tEXt") || isType(type, "zTXt") || isType(type, "iTXt");
        const bool drop = text || isType(type, "eXIf") || isType(type, "tIME");
        std::vector<std::uint8_t> head; // the keyword of a text chunk, for the report
        if (drop) {
            POSTERN_TRY(in.stream(length, "PNG chunk '" + name + "'", [&](ByteView v) {
                crc.update(v);
                if (text && head.size() <= kMaxKeyword) {
                    const std::size_t take = std::min(v.size(), kMaxKeyword + 1 - head.size());
                    head.insert(head.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(take));
                }
                return Status{};
            }));
        } else {
            POSTERN_TRY(out.write(header));
            POSTERN_TRY(in.stream(length, "PNG chunk '" + name + "'", [&](ByteView v) {
                crc.update(v);
                return out.write(v);
            }));
        }
        std::array<std::uint8_t, 4> stored{};
        POSTERN_TRY(in.readExact(stored, "a PNG chunk checksum"));
        if (be32(stored.data()) != crc.value())
            return fail(Errc::BadEncoding,
                        "PNG chunk '" + name + "' ending at byte " + std::to_string(in.position())
                            + " has a wrong checksum (CRC): the file is damaged; copy it again from the original");
        if (drop) {
            addRemoved(report, removalReason(type, keywordOf(head)), std::uint64_t{length} + 12);
            continue;
        }
        POSTERN_TRY(out.write(stored));
        if (isType(type, "IEND")) {
            if (length != 0)
                return syntax(in, "the IEND chunk is not empty");
            // Nothing may follow IEND; bytes there are invisible in every viewer and can hide
            // anything (an archive, the unedited original), so they are dropped and reported.
            const std::uint64_t trailing = in.remaining();
            if (trailing > 0) {
                POSTERN_TRY(in.skip(trailing, "data after the PNG end"));
                addRemoved(report, "Data after the end of the image (after IEND)", trailing);
            }
            return {};
        }
    }
}

} // namespace postern::media::detail
