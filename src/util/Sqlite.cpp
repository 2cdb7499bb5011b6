// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Sqlite.h"

#include <sqlite3.h>

#include <vector>

namespace postern {

namespace {
Error sqlError(sqlite3* db, const std::string& what)
{
    // A corrupt file is not an I/O hiccup to retry: it is named, so no caller turns "database
    // disk image is malformed" into an unrelated hint (and nothing writes to it further).
    const int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_OK;
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return fail(Errc::Damaged, what + ": the database file is damaged (" + sqlite3_errmsg(db) + ")");
    return fail(Errc::Io, what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}
} // namespace

SqliteStatement::~SqliteStatement()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_db(other.m_db), m_stmt(other.m_stmt), m_bindError(std::move(other.m_bindError))
{
    other.m_stmt = nullptr;
}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept
{
    if (this != &other) {
        if (m_stmt)
            sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        m_bindError = std::move(other.m_bindError);
        other.m_stmt = nullptr;
    }
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value)
{
    if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK && m_bindError.ok())
        m_bindError = sqlError(m_db, "cannot bind parameter");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK
        && m_bindError.ok())
        m_bindError = sqlError(m_db, "cannot bind parameter");
    return *this;
}

SqliteStatement& SqliteStatement::bindBlob(int index, ByteView blob)
{
    // A zero-length blob must still bind as a blob, not NULL, so pass a valid pointer.
    static const std::uint8_t kEmpty = 0;
    const void* data = blob.empty() ? &kEmpty : blob.data();
    if (sqlite3_bind_blob64(m_stmt, index, data, blob.size(), SQLITE_TRANSIENT) != SQLITE_OK && m_bindError.ok())
        m_bindError = sqlError(m_db, "cannot bind parameter");
    return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index)
{
    if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK && m_bindError.ok())
        m_bindError = sqlError(m_db, "cannot bind parameter");
    return *this;
}

Result<bool> SqliteStatement::step()
{
    if (!m_bindError.ok())
        return m_bindError.error();
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    if (rc == SQLITE_CONSTRAINT)
        return fail(Errc::AlreadyExists, std::string("database constraint failed: ") + sqlite3_errmsg(m_db));
    return sqlError(m_db, "database step failed");
}

Status SqliteStatement::run()
{
    while (true) {
        POSTERN_ASSIGN(row, step());
        if (!row)
            return {};
    }
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_bindError = Status{};
}

std::int64_t SqliteStatement::columnInt(int index) const
{
    return sqlite3_column_int64(m_stmt, index);
}

std::string SqliteStatement::columnText(int index) const
{
    const auto* p = sqlite3_column_text(m_stmt, index);
    const int n = sqlite3_column_bytes(m_stmt, index);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

Bytes SqliteStatement::columnBlob(int index) const
{
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, index));
    const int n = sqlite3_column_bytes(m_stmt, index);
    return p ? Bytes(p, p + n) : Bytes();
}

bool SqliteStatement::columnIsNull(int index) const
{
    return sqlite3_column_type(m_stmt, index) == SQLITE_NULL;
}

SqliteDatabase::~SqliteDatabase()
{
    close();
}

void SqliteDatabase::close() noexcept
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

Status SqliteDatabase::open(const std::filesystem::path& path)
{
    close();
    const int rc = sqlite3_open_v2(path.c_str(),
                                   &m_db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        Error e = sqlError(m_db, "cannot open database " + path.string());
        close();
        return e;
    }
    sqlite3_busy_timeout(m_db, 5000);
    POSTERN_TRY(exec("PRAGMA journal_mode=WAL"));
    POSTERN_TRY(exec("PRAGMA synchronous=FULL"));
    POSTERN_TRY(exec("PRAGMA foreign_keys=ON"));
    POSTERN_TRY(exec("PRAGMA secure_delete=ON"));
    return {};
}

Status SqliteDatabase::exec(std::string_view sql)
{
    char* err = nullptr;
    const std::string s(sql);
    if (const int rc = sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
            return fail(Errc::Damaged, "the database file is damaged (" + msg + ")");
        return fail(Errc::Io, "database error: " + msg);
    }
    return {};
}

Status SqliteDatabase::backupTo(const std::filesystem::path& path)
{
    // SQLite's online backup: a consistent copy of every page while this connection stays
    // open; writers wait for the one step, readers never do.
    sqlite3* out = nullptr;
    if (sqlite3_open_v2(path.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        Error e = sqlError(out, "cannot create the backup database " + path.string());
        sqlite3_close(out);
        return e;
    }
    sqlite3_backup* b = sqlite3_backup_init(out, "main", m_db, "main");
    if (!b) {
        Error e = sqlError(out, "cannot start the backup to " + path.string());
        sqlite3_close(out);
        return e;
    }
    const int step = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    Error e =
        step == SQLITE_DONE ? Error{Errc::Ok, {}, false} : sqlError(out, "the backup to " + path.string() + " failed");
    sqlite3_close(out);
    if (e.code != Errc::Ok)
        return e;
    return {};
}

Status SqliteDatabase::structureCheck()
{
    // The cheap check of every open: the schema parses, and the root of every table can be
    // read. It costs a few page reads whatever the size of the file (quick_check reads all of
    // it: 0.5 s for the 224 MiB, 50,000-post benchmark store), and catches an empty, truncated
    // or overwritten file, a damaged schema or a damaged table root. Damage deeper in a table
    // is found by the first query that reads it (SQLITE_CORRUPT is reported as damaged) and by
    // quickCheck, which backups, restores and `audit verify` run.
    std::vector<std::string> tables;
    {
        POSTERN_ASSIGN(st, prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"));
        while (true) {
            POSTERN_ASSIGN(row, st.step());
            if (!row)
                break;
            tables.push_back(st.columnText(0));
        }
    }
    for (const auto& t : tables) {
        std::string quoted = "\"";
        for (const char c : t)
            quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        quoted += "\"";
        POSTERN_ASSIGN(st, prepare("SELECT 1 FROM " + quoted + " LIMIT 1"));
        POSTERN_ASSIGN(row, st.step());
        (void)row;
    }
    return {};
}

Status SqliteDatabase::quickCheck()
{
    // quick_check reads every page and checks the b-tree structure, without the slower index
    // cross-checks of integrity_check: the cost is one sequential read of the file.
    POSTERN_ASSIGN(st, prepare("PRAGMA quick_check(5)"));
    std::string problems;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        const std::string line = st.columnText(0);
        if (line == "ok")
            return {};
        problems += (problems.empty() ? "" : "; ") + line;
    }
    return fail(Errc::Damaged, "the database file is damaged (" + problems + ")");
}

Result<SqliteStatement> SqliteDatabase::prepare(std::string_view sql)
{
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
        return sqlError(m_db, "cannot prepare statement");
    return SqliteStatement(m_db, stmt);
}

Result<int> SqliteDatabase::userVersion()
{
    POSTERN_ASSIGN(st, prepare("PRAGMA user_version"));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::Io, "cannot read schema version");
    return static_cast<int>(st.columnInt(0));
}

Status SqliteDatabase::migrate(const std::vector<SqliteMigration>& migrations)
{
    POSTERN_ASSIGN(current, userVersion());
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest)
        return fail(Errc::UnsupportedVersion,
                    "database schema version " + std::to_string(current) + " is newer than this program supports ("
                        + std::to_string(latest) + "); install a newer Postern");
    for (const auto& m : migrations) {
        if (m.version <= current)
            continue;
        SqliteTransaction tx(*this);
        POSTERN_TRY(tx.begin());
        POSTERN_TRY(exec(m.sql));
        POSTERN_TRY(exec("PRAGMA user_version=" + std::to_string(m.version)));
        POSTERN_TRY(tx.commit());
    }
    return {};
}

Status SqliteDatabase::begin()
{
    return exec("BEGIN IMMEDIATE");
}

Status SqliteDatabase::commit()
{
    return exec("COMMIT");
}

void SqliteDatabase::rollback() noexcept
{
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t SqliteDatabase::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int SqliteDatabase::changes() const
{
    return sqlite3_changes(m_db);
}

} // namespace postern
