// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/Records.h"
#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace postern::store {

class StoreConnection;

/** kMaxMediaFileBytes is the per-file cap (4 GiB), the same as the bundle format's. */
constexpr std::uint64_t kMaxMediaFileBytes = 4ull << 30;

/** ImportedMedia is what an import reports back: the content address and the byte count. */
struct ImportedMedia
{
    std::string hash; ///< 64 lowercase hex digits of BLAKE2b-256
    std::uint64_t size = 0;
    bool alreadyPresent = false; ///< the same bytes were already in the store
};

/**
 * MediaStore keeps media files content-addressed under `<store>/media/<2 hex>/<64 hex>`, mode
 * 0600, with one `media` row per file. A file is hashed while it is copied, so there is never a
 * window where the stored bytes and their name disagree, and memory stays at one 1 MiB buffer
 * whatever the file size. Metadata stripping (postern_media) happens before import, in
 * workflow::Workstation::importMedia; the report of what it removed is stored with the row.
 */
class MediaStore
{
public:
    /** MediaStore is created by WorkstationStore; `root` is `<store>/media`. */
    MediaStore(StoreConnection& connection, std::filesystem::path root);

    /** root is `<store>/media`: temporary files meant for importFile belong here (same filesystem). */
    [[nodiscard]] const std::filesystem::path& root() const noexcept { return m_root; }

    /**
     * importFile streams `source` into the store: hashed and copied to a 0600 temporary file in
     * media/, fsynced, renamed to its content address (or dropped if that file already exists)
     * and recorded. Errors: not-found, too-large (over kMaxMediaFileBytes), io, invalid-argument
     * (mime or name not UTF-8 or too long).
     *
     * `sanitized` is the report of the media::sanitizeMedia run that produced `source`; it is
     * kept in media.stripped (also for a file already stored without one) so the review pane can
     * show what was removed. workflow::Workstation::importMedia is the caller that sets it.
     */
    [[nodiscard]] Result<ImportedMedia> importFile(const std::filesystem::path& source,
                                                   std::string_view mime,
                                                   std::string_view originalName,
                                                   std::int64_t at,
                                                   const media::SanitizeReport* sanitized = nullptr);

    /** importBytes is importFile for data already in memory (tests, small generated images). */
    [[nodiscard]] Result<ImportedMedia>
    importBytes(ByteView data, std::string_view mime, std::string_view originalName, std::int64_t at);

    /** pathFor maps a hash to its file path; invalid-argument unless it is 64 lowercase hex digits. */
    [[nodiscard]] Result<std::filesystem::path> pathFor(std::string_view hash) const;

    /** exists is true when the row is recorded and its file is present. */
    [[nodiscard]] Result<bool> exists(std::string_view hash);

    /** get returns the row for `hash`; not-found if it was never imported. */
    [[nodiscard]] Result<MediaRecord> get(std::string_view hash);

    /**
     * verify re-hashes the stored file and compares it, in constant time, with its name.
     * Errors: not-found (no row or no file), media-hash-mismatch (the bytes changed).
     */
    [[nodiscard]] Status verify(std::string_view hash);

private:
    class Sink;
    [[nodiscard]] Result<ImportedMedia> finishImport(Sink& sink,
                                                     std::string_view mime,
                                                     std::string_view originalName,
                                                     std::int64_t at,
                                                     const media::SanitizeReport* sanitized = nullptr);

    StoreConnection& m_connection;
    std::filesystem::path m_root;
};

} // namespace postern::store
