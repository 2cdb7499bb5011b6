// SPDX-License-Identifier: GPL-3.0-or-later
// Backup and restore of the workstation store: the team's record of what was approved and
// published. Both write only into a new folder and check every byte they copy.
#include "postern/store/StoreBackup.h"

#include "postern/crypto/Crypto.h"
#include "postern/util/FileIO.h"
#include "postern/util/Sqlite.h"

#include <sys/stat.h>

namespace postern::store {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDatabase = "postern.db";
constexpr std::string_view kMedia = "media";

Status requireNew(const fs::path& dest, std::string_view what)
{
    std::error_code ec;
    if (fs::exists(fs::symlink_status(dest, ec)))
        return fail(Errc::AlreadyExists,
                    dest.string() + " already exists; " + std::string(what)
                        + " writes only into a new folder, so nothing is ever overwritten: choose a new name");
    POSTERN_TRY(ensurePrivateDirectory(dest));
    return ensurePrivateDirectory(dest / std::string(kMedia));
}

fs::path mediaPath(const fs::path& root, const std::string& hash)
{
    return root / std::string(kMedia) / hash.substr(0, 2) / hash;
}

/** copyChecked copies `from` to a new file `to` (0600), hashing the bytes on the way; with
 *  `expectedHex`, a file whose hash differs is refused (damaged media are not copied on). */
Result<std::uint64_t> copyChecked(const fs::path& from, const fs::path& to, std::string_view expectedHex)
{
    FileReader in;
    POSTERN_TRY(in.open(from));
    POSTERN_TRY(ensurePrivateDirectory(to.parent_path()));
    AtomicFileWriter out;
    POSTERN_TRY(out.open(to, 0600));
    crypto::Blake2b256 hasher;
    Bytes buf(1 << 20);
    std::uint64_t total = 0;
    while (true) {
        POSTERN_ASSIGN(n, in.read(buf));
        if (n == 0)
            break;
        const ByteView part(buf.data(), n);
        hasher.update(part);
        POSTERN_TRY(out.write(part));
        total += n;
    }
    if (!expectedHex.empty() && toHex(hasher.finish()) != expectedHex)
        return fail(Errc::Damaged,
                    "media file " + from.string() + " does not match its hash: the file was changed or damaged");
    POSTERN_TRY(out.commit());
    return total;
}

Result<std::uint64_t> copyMedia(const std::vector<std::string>& hashes, const fs::path& from, const fs::path& to)
{
    std::uint64_t bytes = 0;
    for (const auto& h : hashes) {
        std::error_code ec;
        if (!fs::is_regular_file(mediaPath(from, h), ec))
            return fail(Errc::Damaged, "media file " + h + " is missing from " + (from / std::string(kMedia)).string());
        POSTERN_ASSIGN(n, copyChecked(mediaPath(from, h), mediaPath(to, h), h));
        bytes += n;
    }
    return bytes;
}

std::uint64_t fileSize(const fs::path& p)
{
    std::error_code ec;
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : n;
}

} // namespace

Result<BackupSummary> backupStore(WorkstationStore& store, const fs::path& dest)
{
    // A damaged store is not copied into something that looks like a good backup.
    POSTERN_TRY(store.checkIntegrity());
    POSTERN_TRY(requireNew(dest, "a backup"));
    auto backup = [&]() -> Result<BackupSummary> {
        BackupSummary s;
        s.dir = dest;
        const fs::path db = dest / std::string(kDatabase);
        POSTERN_TRY(store.copyDatabaseTo(db));
        ::chmod(db.c_str(), 0600);
        s.databaseBytes = fileSize(db);
        POSTERN_ASSIGN(hashes, store.mediaHashes());
        POSTERN_ASSIGN(bytes, copyMedia(hashes, store.directory(), dest));
        s.mediaFiles = hashes.size();
        s.mediaBytes = bytes;
        POSTERN_TRY(fsyncDirectory(dest));
        // The copy is opened and checked like a store before it is called a backup.
        POSTERN_ASSIGN(check, WorkstationStore::open(dest));
        POSTERN_TRY(check->checkIntegrity());
        return s;
    };
    auto s = backup();
    if (!s) {
        std::error_code ec;
        fs::remove_all(dest, ec); // only what this backup made: dest did not exist before
    }
    return s;
}

Result<BackupSummary> restoreStore(const fs::path& backup, const fs::path& dest)
{
    const fs::path from = backup / std::string(kDatabase);
    std::error_code ec;
    if (!fs::is_regular_file(from, ec))
        return fail(Errc::NotFound, "there is no backup in " + backup.string() + " (no postern.db)");
    POSTERN_TRY(requireNew(dest, "a restore"));
    // The backup itself is only read: the database file is copied first, and the copy is what
    // gets checked and, if it comes from an older Postern, migrated.
    auto restore = [&]() -> Result<BackupSummary> {
        BackupSummary s;
        s.dir = dest;
        POSTERN_ASSIGN(dbBytes, copyChecked(from, dest / std::string(kDatabase), {}));
        s.databaseBytes = dbBytes;
        POSTERN_ASSIGN(store, WorkstationStore::open(dest));
        POSTERN_TRY(store->checkIntegrity());
        POSTERN_ASSIGN(hashes, store->mediaHashes());
        POSTERN_ASSIGN(bytes, copyMedia(hashes, backup, dest));
        s.mediaFiles = hashes.size();
        s.mediaBytes = bytes;
        POSTERN_TRY(fsyncDirectory(dest));
        return s;
    };
    auto s = restore();
    if (!s)
        fs::remove_all(dest, ec); // only what this restore made: dest did not exist before
    return s;
}

} // namespace postern::store
