// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Json.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::media {

/** kMaxInputBytes is the largest file the sanitizer reads (4 GiB), the store's and bundle's cap. */
constexpr std::uint64_t kMaxInputBytes = 4ull << 30;

/** MediaKind is the container format, detected from the first bytes, never from the name. */
enum class MediaKind {
    Jpeg,
    Png,
    Mp4,   ///< ISO BMFF: MP4 and QuickTime MOV
    Other, ///< WebP, GIF, WebM: recognised and passed through, not inspected (docs/media.md)
};

/** mediaKindName is the stable lowercase name used in the persisted report: "jpeg", "png", "mp4", "other". */
[[nodiscard]] std::string_view mediaKindName(MediaKind kind) noexcept;

/** RemovedItem is one kind of metadata taken out, in words a user understands, with its size. */
struct RemovedItem
{
    std::string what; ///< e.g. "EXIF (camera, GPS location)", "PNG text chunk 'Comment'"
    std::uint64_t bytes = 0;

    friend bool operator==(const RemovedItem&, const RemovedItem&) = default;
};

/** SanitizeReport is what the GUI shows after an attach: what was removed and what was not looked at. */
struct SanitizeReport
{
    MediaKind kind = MediaKind::Other;
    /** inspected is false when the format is passed through unchanged (see `note`). */
    bool inspected = true;
    /** note tells the user what was not checked; empty when everything was. */
    std::string note;
    /** removed lists each kind of metadata once, in file order of first appearance. */
    std::vector<RemovedItem> removed;
    std::uint64_t inputBytes = 0;
    std::uint64_t outputBytes = 0;

    friend bool operator==(const SanitizeReport&, const SanitizeReport&) = default;
};

/** detectKind looks at the first bytes of a file (16 are enough) and names its format. */
[[nodiscard]] MediaKind detectKind(ByteView head) noexcept;

/**
 * sanitizeMedia copies `in` to `out` without location and camera metadata and without
 * re-encoding anything: JPEG APP1 (EXIF, XMP), APP13 (IPTC) and other metadata segments are
 * dropped; PNG text, eXIf and tIME chunks are dropped; MP4/MOV udta, meta, ©xyz, loci and XMP
 * boxes become `free` boxes of the same size, so every sample offset stays valid. Image and
 * video data are copied byte for byte. docs/media.md lists every rule and why.
 *
 * It streams: memory stays bounded (a few hundred KiB) whatever the file size. `out` must not
 * exist; it is created 0600 and removed again on any error. It is not fsynced: the caller
 * imports it into the store, which does.
 *
 * `mime` is the declared type and must match the content: a ".jpg" holding a PNG is refused.
 * Errors: not-found, io, too-large (over 4 GiB, or over a structure cap), bad-value (type not
 * supported, or declared type and content disagree), truncated (a segment, chunk or box runs
 * past the end), syntax (malformed structure), bad-encoding (PNG chunk checksum wrong),
 * already-exists (`out` exists).
 */
[[nodiscard]] Result<SanitizeReport>
sanitizeMedia(const std::filesystem::path& in, std::string_view mime, const std::filesystem::path& out);

/** sanitizeBytes is sanitizeMedia for data already in memory (tests, fuzzing, small images). */
[[nodiscard]] Result<std::pair<Bytes, SanitizeReport>> sanitizeBytes(ByteView in, std::string_view mime);

/**
 * reportToJson and reportFromJson are the persisted form (the store's media.stripped column):
 * canonical JSON {"inputBytes","inspected","kind","note","outputBytes","removed":[{"bytes","what"}]}.
 */
[[nodiscard]] Json reportToJson(const SanitizeReport& report);
[[nodiscard]] Result<SanitizeReport> reportFromJson(std::string_view text);

} // namespace postern::media
