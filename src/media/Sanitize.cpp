// SPDX-License-Identifier: GPL-3.0-or-later
// sanitizeMedia / sanitizeBytes: check the declared type against the content, then run the
// format's walker over a Source and a Sink (docs/media.md).
#include "postern/media/Sanitize.h"

#include "Stream.h"

#include <array>
#include <cstring>

namespace postern::media {

namespace {

/** Format is finer than MediaKind: the pass-through formats still get their magic checked. */
enum class Format {
    Jpeg,
    Png,
    Mp4,
    WebP,
    Gif,
    WebM,
    Unknown
};

bool has(ByteView head, std::size_t at, std::string_view magic)
{
    return head.size() >= at + magic.size() && std::memcmp(head.data() + at, magic.data(), magic.size()) == 0;
}

Format detectFormat(ByteView head) noexcept
{
    using namespace std::string_view_literals;
    if (has(head, 0, "\xFF\xD8\xFF"sv))
        return Format::Jpeg;
    if (has(head, 0, "\x89PNG\r\n\x1A\n"sv))
        return Format::Png;
    if (has(head, 0, "RIFF"sv) && has(head, 8, "WEBP"sv))
        return Format::WebP;
    if (has(head, 0, "GIF87a"sv) || has(head, 0, "GIF89a"sv))
        return Format::Gif;
    if (has(head, 0, "\x1A\x45\xDF\xA3"sv))
        return Format::WebM;
    // ISO BMFF starts with a box; MP4 puts ftyp first, old QuickTime files may start otherwise.
    for (const std::string_view box : {"ftyp"sv, "moov"sv, "mdat"sv, "free"sv, "skip"sv, "wide"sv, "pnot"sv}) {
        if (has(head, 4, box))
            return Format::Mp4;
    }
    return Format::Unknown;
}

std::string_view formatName(Format f)
{
    switch (f) {
    case Format::Jpeg:
        return "a JPEG image";
    case Format::Png:
        return "a PNG image";
    case Format::Mp4:
        return "an MP4/MOV video";
    case Format::WebP:
        return "a WebP image";
    case Format::Gif:
        return "a GIF image";
    case Format::WebM:
        return "a WebM video";
    case Format::Unknown:
        break;
    }
    return "not a supported image or video";
}

Result<Format> formatForMime(std::string_view mime)
{
    static constexpr std::pair<std::string_view, Format> kTypes[] = {{"image/jpeg", Format::Jpeg},
                                                                     {"image/png", Format::Png},
                                                                     {"video/mp4", Format::Mp4},
                                                                     {"video/quicktime", Format::Mp4},
                                                                     {"image/webp", Format::WebP},
                                                                     {"image/gif", Format::Gif},
                                                                     {"video/webm", Format::WebM}};
    for (const auto& [name, format] : kTypes) {
        if (name == mime)
            return format;
    }
    return fail(Errc::BadValue,
                "media type '" + std::string(mime)
                    + "' is not supported; attach a JPEG, PNG, WebP, GIF, MP4, MOV or WebM file");
}

MediaKind kindOf(Format f)
{
    switch (f) {
    case Format::Jpeg:
        return MediaKind::Jpeg;
    case Format::Png:
        return MediaKind::Png;
    case Format::Mp4:
        return MediaKind::Mp4;
    default:
        return MediaKind::Other;
    }
}

std::string notInspected(Format f)
{
    switch (f) {
    case Format::WebP:
        return "WebP files are not inspected: any EXIF or XMP metadata in them (camera, location) is "
               "kept. Convert the image to JPEG or PNG to have it removed.";
    case Format::Gif:
        return "GIF files are not inspected: comments and XMP metadata in them are kept. Convert the "
               "image to PNG to have them removed.";
    default:
        return "WebM files are not inspected: tags in them (title, encoder, sometimes location) are "
               "kept. Convert the video to MP4 to have them removed.";
    }
}

/** run checks the declared type against the first bytes and dispatches to the format's walker. */
Result<SanitizeReport> run(detail::Source& source, std::string_view mime, detail::Sink& sink)
{
    POSTERN_ASSIGN(declared, formatForMime(mime));
    if (source.size() > kMaxInputBytes)
        return fail(Errc::TooLarge,
                    "the file is " + std::to_string(source.size()) + " bytes; media files are limited to 4 GiB");
    detail::Input in(source);
    POSTERN_ASSIGN(head, in.peek(16));
    const Format actual = detectFormat(head);
    if (actual != declared)
        return fail(Errc::BadValue,
                    "the file is declared as " + std::string(mime) + " but its content is "
                        + std::string(formatName(actual))
                        + "; give it the file extension (or type) that matches and attach it again");

    SanitizeReport report;
    report.kind = kindOf(actual);
    report.inputBytes = source.size();
    switch (actual) {
    case Format::Jpeg:
        POSTERN_TRY(detail::sanitizeJpeg(in, sink, report));
        break;
    case Format::Png:
        POSTERN_TRY(detail::sanitizePng(in, sink, report));
        break;
    case Format::Mp4:
        POSTERN_TRY(detail::sanitizeMp4(in, sink, report));
        break;
    default:
        report.inspected = false;
        report.note = notInspected(actual);
        POSTERN_TRY(in.copy(in.remaining(), sink, "the file"));
        break;
    }
    report.outputBytes = sink.written();
    return report;
}

} // namespace

std::string_view mediaKindName(MediaKind kind) noexcept
{
    switch (kind) {
    case MediaKind::Jpeg:
        return "jpeg";
    case MediaKind::Png:
        return "png";
    case MediaKind::Mp4:
        return "mp4";
    case MediaKind::Other:
        break;
    }
    return "other";
}

MediaKind detectKind(ByteView head) noexcept
{
    return kindOf(detectFormat(head));
}

Result<SanitizeReport>
sanitizeMedia(const std::filesystem::path& in, std::string_view mime, const std::filesystem::path& out)
{
    detail::FileSource source;
    POSTERN_TRY(source.open(in));
    POSTERN_TRY(formatForMime(mime)); // refuse before creating anything
    detail::FileSink sink;
    POSTERN_TRY(sink.create(out));
    POSTERN_ASSIGN(report, run(source, mime, sink));
    POSTERN_TRY(sink.commit());
    return report;
}

Result<std::pair<Bytes, SanitizeReport>> sanitizeBytes(ByteView in, std::string_view mime)
{
    detail::MemorySource source(in);
    Bytes out;
    out.reserve(in.size());
    detail::MemorySink sink(out);
    POSTERN_ASSIGN(report, run(source, mime, sink));
    return std::pair<Bytes, SanitizeReport>(std::move(out), std::move(report));
}

} // namespace postern::media
