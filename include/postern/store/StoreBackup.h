// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/WorkstationStore.h"

#include <cstdint>
#include <filesystem>

namespace postern::store {

/** BackupSummary is what a backup or restore copied. */
struct BackupSummary
{
    std::filesystem::path dir;
    std::uint64_t databaseBytes = 0;
    std::uint64_t mediaFiles = 0;
    std::uint64_t mediaBytes = 0;
};

/**
 * backupStore copies an open store to a NEW folder `dest`: postern.db through SQLite's online
 * backup (consistent while the store stays open) and every media file the database names,
 * each checked against its BLAKE2b-256 name as it is copied. Nothing in the store is changed.
 * The store is the team's record of what was approved and published (docs/store.md, "Backup").
 */
[[nodiscard]] Result<BackupSummary> backupStore(WorkstationStore& store, const std::filesystem::path& dest);

/**
 * restoreStore checks a backup (quick_check, a workstation record, every media file present
 * with the right hash) and copies it into a NEW store folder `dest`, which must not exist:
 * a restore never overwrites a store, damaged or not.
 */
[[nodiscard]] Result<BackupSummary> restoreStore(const std::filesystem::path& backup, const std::filesystem::path& dest);

} // namespace postern::store
