// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/AuditLog.h"
#include "postern/store/ExportRepository.h"
#include "postern/store/MediaStore.h"
#include "postern/store/OrderRepository.h"
#include "postern/store/PostRepository.h"
#include "postern/store/Records.h"
#include "postern/store/ReviewRepository.h"
#include "postern/store/SettingsRepository.h"
#include "postern/store/TrustRepository.h"
#include "postern/store/UserRepository.h"
#include "postern/util/Result.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/** kDatabaseFileName is the SQLite file inside a store directory. */
constexpr std::string_view kDatabaseFileName = "postern.db";
/** kMediaDirName is the content-addressed media folder inside a store directory. */
constexpr std::string_view kMediaDirName = "media";
/** kSchemaVersion is the PRAGMA user_version this code creates and expects. */
constexpr int kSchemaVersion = 4;

/**
 * WorkstationStore is the offline workstation's persistent state: one private (0700)
 * directory holding postern.db and media/. It owns the SQLite connection and hands out the
 * repositories that work on it. Not thread-safe: one store object per thread (the GUI opens
 * its own, the CLI its own; SQLite serialises the writers).
 *
 * Every repository call is atomic. To make several calls, typically a change plus its audit
 * entry, commit or fail together, run them inside transaction().
 */
class WorkstationStore
{
public:
    /**
     * create makes a new store in `dir` (created 0700 if missing): schema, workstation record
     * with `name` (1..64 characters) and `workstationKey`, empty media/. Errors: already-exists
     * (a store is already there), invalid-argument, io.
     */
    [[nodiscard]] static Result<std::unique_ptr<WorkstationStore>> create(const std::filesystem::path& dir,
                                                                          std::string_view name,
                                                                          const crypto::PublicKey& workstationKey,
                                                                          std::int64_t now);

    /**
     * open opens an existing store, checks it (schema and table roots, a workstation record) and
     * applies any newer migrations. Errors: not-found (no store there: run `postern-cli init`),
     * unsupported-version (made by a newer Postern), damaged (an empty or corrupt database, or
     * one whose creation never finished: nothing is written to it and the message points at
     * `postern-cli restore`), io.
     */
    [[nodiscard]] static Result<std::unique_ptr<WorkstationStore>> open(const std::filesystem::path& dir);

    ~WorkstationStore();
    WorkstationStore(const WorkstationStore&) = delete;
    WorkstationStore& operator=(const WorkstationStore&) = delete;

    /** directory is the store directory. */
    [[nodiscard]] const std::filesystem::path& directory() const noexcept { return m_dir; }

    /** workstation returns the singleton workstation record. */
    [[nodiscard]] Result<WorkstationRecord> workstation();

    /** schemaVersion returns PRAGMA user_version. */
    [[nodiscard]] Result<int> schemaVersion();

    /**
     * transaction runs `body` in one transaction: committed if it returns success, rolled back
     * (every repository call and audit entry inside it) if it returns an error, which is then
     * returned. Calls may nest. ExportRepository::reserveSequence refuses to run inside one.
     */
    [[nodiscard]] Status transaction(const std::function<Status()>& body);

    /** users: accounts and workstation-key grants. */
    [[nodiscard]] UserRepository& users() noexcept { return m_users; }
    /** trust: the uploader identity and the policy versions. */
    [[nodiscard]] TrustRepository& trust() noexcept { return m_trust; }
    /** posts: posts, versions and list queries. */
    [[nodiscard]] PostRepository& posts() noexcept { return m_posts; }
    /** reviews: manual transitions, approvals and rejections. */
    [[nodiscard]] ReviewRepository& reviews() noexcept { return m_reviews; }
    /** exports: sequences, exports and receipts. */
    [[nodiscard]] ExportRepository& exports() noexcept { return m_exports; }
    /** media: content-addressed files. */
    [[nodiscard]] MediaStore& media() noexcept { return m_media; }
    /** audit: the hash-chained, signed audit log. */
    [[nodiscard]] AuditLog& audit() noexcept { return m_audit; }
    /** settings: workstation-wide settings such as the OPSEC rule list. */
    [[nodiscard]] SettingsRepository& settings() noexcept { return m_settings; }
    /** orders: cancel and retract orders, their approvals and results (schema v4). */
    [[nodiscard]] OrderRepository& orders() noexcept { return m_orders; }

    /** checkIntegrity reads the whole database once (SQLite quick_check): damaged, with what to
     *  do, if any page is wrong. `audit verify`, backup and restore run it; open runs only the
     *  cheap structure check. */
    [[nodiscard]] Status checkIntegrity();
    /** copyDatabaseTo writes a consistent copy of postern.db to a new file (online backup). */
    [[nodiscard]] Status copyDatabaseTo(const std::filesystem::path& path);
    /** mediaHashes lists the hash of every media file the database names. */
    [[nodiscard]] Result<std::vector<std::string>> mediaHashes();

private:
    WorkstationStore(std::filesystem::path dir, std::unique_ptr<StoreConnection> connection);

    std::filesystem::path m_dir;
    std::unique_ptr<StoreConnection> m_connection;
    UserRepository m_users;
    TrustRepository m_trust;
    PostRepository m_posts;
    ReviewRepository m_reviews;
    ExportRepository m_exports;
    MediaStore m_media;
    AuditLog m_audit;
    SettingsRepository m_settings;
    OrderRepository m_orders;
};

} // namespace postern::store
