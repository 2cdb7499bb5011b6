// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/WorkstationStore.h"

#include "postern/util/FileIO.h"

#include "Schema.h"
#include "StoreConnection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace postern::store {

namespace fs = std::filesystem;

namespace {

Status checkWorkstationName(std::string_view name)
{
    POSTERN_TRY(checkText(name, "workstation name", 256));
    const std::size_t n = codePoints(name);
    if (n < 1 || n > 64)
        return fail(Errc::InvalidArgument, "a workstation name is 1 to 64 characters");
    for (const char c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return fail(Errc::InvalidArgument, "a workstation name cannot contain control characters");
    }
    return {};
}

// createDatabaseFile makes an empty 0600 postern.db before SQLite sees it: SQLite would create
// it with the umask's mode, and its -wal and -shm files copy the database file's mode.
Status createDatabaseFile(const fs::path& path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return fail(Errc::AlreadyExists,
                        "a Postern store already exists in " + path.parent_path().string()
                            + "; open it instead of creating a new one");
        return fail(Errc::Io, "cannot create " + path.string() + ": " + std::strerror(errno));
    }
    const bool ok = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    if (!ok)
        return fail(Errc::Io, "cannot set permissions on " + path.string() + ": " + std::strerror(errno));
    return {};
}

void removeDatabaseFiles(const fs::path& path) noexcept
{
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ec;
        fs::remove(fs::path(path.string() + suffix), ec);
    }
}

/** damagedStore says what a damaged store means for people: nothing was changed, and the
 *  way back is the backup. It never suggests removing anything (media/ holds the team's files). */
Error damagedStore(const fs::path& dir, const std::string& what)
{
    return fail(Errc::Damaged,
                "the store in " + dir.string() + " is damaged: " + what
                    + ". Nothing was written to it. Restore the latest backup into a new folder with "
                      "`postern-cli restore BACKUP --store NEWDIR` and keep this folder unchanged for inspection");
}

Status checkComplete(SqliteDatabase& db, const fs::path& dir)
{
    POSTERN_ASSIGN(st, db.prepare("SELECT count(*) FROM workstation"));
    POSTERN_ASSIGN(row, st.step());
    if (!row || st.columnInt(0) != 1)
        return damagedStore(dir,
                            "it has no workstation record (it was never fully created, or it lost its data). If "
                            "`postern-cli init` was interrupted a moment ago, move postern.db aside and run init "
                            "again: media/ is not touched");
    return {};
}

} // namespace

WorkstationStore::WorkstationStore(fs::path dir, std::unique_ptr<StoreConnection> connection)
    : m_dir(std::move(dir)),
      m_connection(std::move(connection)),
      m_users(*m_connection),
      m_trust(*m_connection),
      m_posts(*m_connection),
      m_reviews(*m_connection),
      m_exports(*m_connection),
      m_media(*m_connection, m_dir / std::string(kMediaDirName)),
      m_audit(*m_connection),
      m_settings(*m_connection),
      m_orders(*m_connection)
{
}

WorkstationStore::~WorkstationStore() = default;

Result<std::unique_ptr<WorkstationStore>> WorkstationStore::create(const fs::path& dir,
                                                                   std::string_view name,
                                                                   const crypto::PublicKey& workstationKey,
                                                                   std::int64_t now)
{
    POSTERN_TRY(checkWorkstationName(name));
    if (!crypto::isValidEd25519PublicKey(workstationKey))
        return fail(Errc::BadEncoding, "the workstation key is not a valid Ed25519 public key");
    POSTERN_TRY(ensurePrivateDirectory(dir));
    const fs::path dbPath = dir / std::string(kDatabaseFileName);
    POSTERN_TRY(createDatabaseFile(dbPath));

    // From here on a failure removes the half-made database, so `init` can simply be re-run.
    auto connection = std::make_unique<StoreConnection>();
    auto build = [&]() -> Status {
        POSTERN_TRY(ensurePrivateDirectory(dir / std::string(kMediaDirName)));
        POSTERN_TRY(connection->db().open(dbPath));
        POSTERN_TRY(connection->db().migrate(storeMigrations()));
        Transaction tx(*connection);
        POSTERN_TRY(tx.begin());
        {
            POSTERN_ASSIGN(ins,
                           connection->db().prepare("INSERT INTO workstation(id, name, public_key, created_at, "
                                                    "next_sequence) VALUES(1, ?1, ?2, ?3, 1)"));
            ins.bind(1, name).bindBlob(2, workstationKey).bind(3, now);
            POSTERN_TRY(ins.run());
        }
        POSTERN_TRY(tx.commit());
        return fsyncDirectory(dir);
    };
    if (auto s = build(); !s) {
        connection->db().close();
        removeDatabaseFiles(dbPath);
        return std::move(s).error();
    }
    return std::unique_ptr<WorkstationStore>(new WorkstationStore(dir, std::move(connection)));
}

Result<std::unique_ptr<WorkstationStore>> WorkstationStore::open(const fs::path& dir)
{
    const fs::path dbPath = dir / std::string(kDatabaseFileName);
    std::error_code ec;
    // Checked first because SQLite would silently create an empty database.
    if (!fs::is_regular_file(dbPath, ec))
        return fail(Errc::NotFound,
                    "there is no Postern store in " + dir.string() + "; run `postern-cli init` to create one");
    // Before SQLite sees it: SQLite takes an empty file for a new database and would write a
    // schema into it, so a read-only `list` once "repaired" a store that had lost everything.
    if (fs::file_size(dbPath, ec) == 0 && !ec)
        return damagedStore(dir,
                            "postern.db is empty (if `postern-cli init` was interrupted a moment ago, move postern.db "
                            "aside and run init again: media/ is not touched)");
    auto connection = std::make_unique<StoreConnection>();
    const auto orDamaged = [&dir](Status s) -> Status {
        if (!s && s.code() == Errc::Damaged)
            return damagedStore(dir, s.error().message);
        return s;
    };
    POSTERN_TRY(orDamaged(connection->db().open(dbPath)));
    // The cheap check (docs/store.md, "Damage"): schema and table roots, before any command
    // reads half of the store or writes to it. The full quick_check is checkIntegrity().
    POSTERN_TRY(orDamaged(connection->db().structureCheck()));
    POSTERN_TRY(orDamaged(connection->db().migrate(storeMigrations())));
    POSTERN_TRY(checkComplete(connection->db(), dir));
    POSTERN_TRY(ensurePrivateDirectory(dir / std::string(kMediaDirName)));
    return std::unique_ptr<WorkstationStore>(new WorkstationStore(dir, std::move(connection)));
}

Result<WorkstationRecord> WorkstationStore::workstation()
{
    POSTERN_ASSIGN(
        st,
        m_connection->db().prepare("SELECT name, public_key, created_at, next_sequence FROM workstation WHERE id = 1"));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::InvalidState, "the store has no workstation record; run `postern-cli init`");
    WorkstationRecord w;
    w.name = st.columnText(0);
    POSTERN_ASSIGN(key, columnFixed<crypto::kPublicKeyBytes>(st, 1, "workstation"));
    w.publicKey = key;
    w.createdAt = st.columnInt(2);
    w.nextSequence = st.columnInt(3);
    return w;
}

Status WorkstationStore::checkIntegrity()
{
    if (auto s = m_connection->db().quickCheck(); !s)
        return s.code() == Errc::Damaged ? damagedStore(m_dir, s.error().message) : s;
    return {};
}

Status WorkstationStore::copyDatabaseTo(const fs::path& path)
{
    return m_connection->db().backupTo(path);
}

Result<std::vector<std::string>> WorkstationStore::mediaHashes()
{
    POSTERN_ASSIGN(st, m_connection->db().prepare("SELECT hash FROM media ORDER BY hash"));
    std::vector<std::string> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back(st.columnText(0));
    }
    return out;
}

Result<int> WorkstationStore::schemaVersion()
{
    return m_connection->db().userVersion();
}

Status WorkstationStore::transaction(const std::function<Status()>& body)
{
    Transaction tx(*m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(body());
    return tx.commit();
}

} // namespace postern::store
