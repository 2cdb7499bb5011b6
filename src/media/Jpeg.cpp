// SPDX-License-Identifier: GPL-3.0-or-later
// JPEG: walk the markers from SOI to EOI, drop metadata segments, copy everything else
// (tables, frame and scan headers, entropy-coded data) byte for byte. docs/media.md, "JPEG".
#include "Stream.h"

#include <array>
#include <cstring>
#include <optional>

namespace postern::media::detail {

namespace {

// No real JPEG has anywhere near this many segments (a progressive file has a few dozen);
// the cap bounds the work a hostile file can cause.
constexpr std::size_t kMaxSegments = 4096;

bool startsWith(ByteView payload, std::string_view prefix)
{
    return payload.size() >= prefix.size() && std::memcmp(payload.data(), prefix.data(), prefix.size()) == 0;
}

using namespace std::string_view_literals;

/**
 * removalReason decides an APPn or COM segment: nullopt keeps it, otherwise the words for the
 * report. What decoders need for correct pixels and colours is kept: JFIF APP0 (YCbCr
 * interpretation), ICC_PROFILE APP2 (colour profile), Adobe APP14 (colour transform flag).
 */
std::optional<std::string> removalReason(std::uint8_t marker, ByteView payload)
{
    if (marker == 0xFE)
        return "JPEG comment (COM)";
    switch (marker) {
    case 0xE0:
        if (startsWith(payload, "JFIF\0"sv))
            return std::nullopt;
        if (startsWith(payload, "JFXX\0"sv))
            return "JFIF thumbnail (JFXX)"; // a preview of the uncropped original
        break;
    case 0xE1:
        if (startsWith(payload, "Exif\0"sv))
            return "EXIF (camera, GPS location)";
        if (startsWith(payload, "http://ns.adobe.com/xap/1.0/\0"sv))
            return "XMP metadata";
        if (startsWith(payload, "http://ns.adobe.com/xmp/extension/\0"sv))
            return "XMP metadata (extended)";
        break;
    case 0xE2:
        if (startsWith(payload, "ICC_PROFILE\0"sv))
            return std::nullopt;
        if (startsWith(payload, "MPF\0"sv))
            return "Multi-picture index (MPF)";
        if (startsWith(payload, "FPXR\0"sv))
            return "FlashPix data (APP2)";
        break;
    case 0xED:
        if (startsWith(payload, "Photoshop 3.0\0"sv))
            return "IPTC (Photoshop APP13)";
        break;
    case 0xEE:
        if (startsWith(payload, "Adobe"sv))
            return std::nullopt;
        break;
    default:
        break;
    }
    return "APP" + std::to_string(marker - 0xE0) + " segment (vendor metadata)";
}

std::string hexByte(std::uint8_t b)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    return std::string("0x") + kDigits[b >> 4] + kDigits[b & 15];
}

/** syntax reports a malformed structure; `back` is how many bytes ago the bad one was read. */
Error syntax(const Input& in, const std::string& what, std::uint64_t back = 0)
{
    return fail(Errc::Syntax,
                "the JPEG is malformed at byte " + std::to_string(in.position() - back) + ": " + what
                    + "; open it in an image editor and save a new copy");
}

/** JpegWalker holds the state of one pass over the markers. */
class JpegWalker
{
public:
    JpegWalker(Input& in, Sink& out, SanitizeReport& report) : m_in(in), m_out(out), m_report(report) {}

    Status run()
    {
        std::array<std::uint8_t, 2> soi{};
        POSTERN_TRY(m_in.readExact(soi, "the JPEG start marker"));
        if (soi[0] != 0xFF || soi[1] != 0xD8)
            return fail(Errc::BadMagic, "the file does not start with a JPEG start-of-image marker (FF D8)");
        POSTERN_TRY(m_out.write(soi));
        while (true) {
            std::uint8_t marker = 0;
            if (m_inScan) {
                POSTERN_ASSIGN(m, copyEntropyData());
                marker = m;
            } else {
                POSTERN_ASSIGN(ff, m_in.byte("a JPEG marker"));
                if (ff != 0xFF)
                    return syntax(m_in, "expected a marker (FF), found " + hexByte(ff), 1);
                POSTERN_ASSIGN(m, m_in.byte("a JPEG marker"));
                while (m == 0xFF) { // fill bytes before a marker are allowed (T.81 B.1.1.2)
                    POSTERN_ASSIGN(next, m_in.byte("a JPEG marker"));
                    m = next;
                }
                marker = m;
            }
            if (marker == 0xD9) // EOI
                return finish();
            POSTERN_TRY(segment(marker));
        }
    }

private:
    /**
     * copyEntropyData copies scan data up to the next real marker and returns that marker.
     * Inside a scan FF 00 is a stuffed data byte and FF D0..D7 are restart markers; both are
     * data. It searches each buffer with memchr, so a large scan costs little.
     */
    Result<std::uint8_t> copyEntropyData()
    {
        while (true) {
            POSTERN_ASSIGN(view, m_in.buffered());
            if (view.empty())
                return m_in.truncated("the JPEG image data (no end-of-image marker)");
            const void* hit = std::memchr(view.data(), 0xFF, view.size());
            const std::size_t n =
                hit ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - view.data()) : view.size();
            POSTERN_TRY(m_out.write(view.first(n)));
            m_in.consume(n);
            if (!hit)
                continue;
            m_in.consume(1); // the FF
            POSTERN_ASSIGN(next, m_in.byte("the JPEG image data"));
            std::size_t fills = 0;
            while (next == 0xFF) {
                ++fills;
                POSTERN_ASSIGN(b, m_in.byte("the JPEG image data"));
                next = b;
            }
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                const std::array<std::uint8_t, 2> pair{0xFF, next};
                for (std::size_t i = 0; i < fills; ++i)
                    POSTERN_TRY(m_out.write(ByteView(pair.data(), 1)));
                POSTERN_TRY(m_out.write(pair));
                continue;
            }
            m_inScan = false;
            return next;
        }
    }

    Status segment(std::uint8_t marker)
    {
        if (marker == 0xD8 || marker == 0x01 || marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7))
            return syntax(m_in, "unexpected marker " + hexByte(marker) + " outside image data");
        if (++m_segments > kMaxSegments)
            return fail(Errc::TooLarge,
                        "the JPEG has more than " + std::to_string(kMaxSegments)
                            + " segments, far more than any camera or editor writes; save a new copy");
        std::array<std::uint8_t, 2> len{};
        POSTERN_TRY(m_in.readExact(len, "a JPEG segment length"));
        const std::uint32_t length = be16(len.data());
        if (length < 2)
            return syntax(m_in, "segment " + hexByte(marker) + " has an impossible length");
        // A segment payload is at most 65533 bytes: reading it whole keeps the rules simple.
        std::vector<std::uint8_t> payload(length - 2);
        POSTERN_TRY(m_in.readExact(payload, "JPEG segment " + hexByte(marker)));

        const bool metadata = (marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE;
        if (metadata) {
            if (auto reason = removalReason(marker, payload)) {
                addRemoved(m_report, std::move(*reason), std::uint64_t{length} + 2);
                return {};
            }
        }
        const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame)
            m_sawFrame = true;
        if (marker == 0xDA) {
            if (!m_sawFrame)
                return syntax(m_in, "image data (SOS) before the frame header (SOF)");
            m_inScan = true;
            m_sawScan = true;
        }
        const std::array<std::uint8_t, 4> header{0xFF, marker, len[0], len[1]};
        POSTERN_TRY(m_out.write(header));
        return m_out.write(payload);
    }

    Status finish()
    {
        if (!m_sawScan)
            return syntax(m_in, "end of image before any image data");
        const std::array<std::uint8_t, 2> eoi{0xFF, 0xD9};
        POSTERN_TRY(m_out.write(eoi));
        // Bytes after EOI are not part of the image: phones put MPF preview images there,
        // each with its own EXIF; other tools hide archives there. None of it is kept.
        const std::uint64_t trailing = m_in.remaining();
        if (trailing > 0) {
            POSTERN_TRY(m_in.skip(trailing, "data after the JPEG end"));
            addRemoved(m_report, "Data after the end of the image (e.g. extra preview images)", trailing);
        }
        return {};
    }

    Input& m_in;
    Sink& m_out;
    SanitizeReport& m_report;
    std::size_t m_segments = 0;
    bool m_inScan = false;
    bool m_sawFrame = false;
    bool m_sawScan = false;
};

} // namespace

Status sanitizeJpeg(Input& in, Sink& out, SanitizeReport& report)
{
    return JpegWalker(in, out, report).run();
}

} // namespace postern::media::detail
