// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace postern {

/** SqliteStatement is a prepared statement; bind parameters are 1-based as in SQLite. */
class SqliteStatement
{
public:
    SqliteStatement() = default;
    SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&& other) noexcept;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bindBlob(int index, ByteView blob);
    SqliteStatement& bindNull(int index);

    /** step advances; true = a row is available, false = done. */
    [[nodiscard]] Result<bool> step();
    /** run steps to completion, for statements that return no rows. */
    [[nodiscard]] Status run();
    void reset();

    [[nodiscard]] std::int64_t columnInt(int index) const;
    [[nodiscard]] std::string columnText(int index) const;
    [[nodiscard]] Bytes columnBlob(int index) const;
    [[nodiscard]] bool columnIsNull(int index) const;

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    Status m_bindError;
};

/** SqliteMigration is one numbered schema step, applied in its own transaction. */
struct SqliteMigration
{
    int version;
    std::string_view sql;
};

/**
 * SqliteDatabase owns a connection opened with WAL, synchronous=FULL, foreign keys on and a
 * busy timeout: the durability settings the brief requires for both stores.
 */
class SqliteDatabase
{
public:
    SqliteDatabase() = default;
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    [[nodiscard]] Status open(const std::filesystem::path& path);
    void close() noexcept;
    [[nodiscard]] bool isOpen() const noexcept { return m_db != nullptr; }

    [[nodiscard]] Status exec(std::string_view sql);
    /** backupTo writes a consistent copy of the open database to a new file (online backup API). */
    [[nodiscard]] Status backupTo(const std::filesystem::path& path);
    /** structureCheck reads the schema and every table's root page: a few page reads, done at
     *  every open; damaged if SQLite finds the file corrupt. */
    [[nodiscard]] Status structureCheck();
    /** quickCheck runs PRAGMA quick_check (one full read of the file): damaged (with SQLite's
     *  findings) unless it says ok. */
    [[nodiscard]] Status quickCheck();
    [[nodiscard]] Result<SqliteStatement> prepare(std::string_view sql);

    /**
     * migrate applies every migration whose version is above PRAGMA user_version, each in a
     * transaction that also bumps user_version, so a crash never leaves a half-applied step.
     * A database newer than the code is refused.
     */
    [[nodiscard]] Status migrate(const std::vector<SqliteMigration>& migrations);
    [[nodiscard]] Result<int> userVersion();

    [[nodiscard]] Status begin(); ///< BEGIN IMMEDIATE
    [[nodiscard]] Status commit();
    void rollback() noexcept;
    [[nodiscard]] std::int64_t lastInsertRowId() const;
    [[nodiscard]] int changes() const;
    [[nodiscard]] sqlite3* handle() const noexcept { return m_db; }

private:
    sqlite3* m_db = nullptr;
};

/** SqliteTransaction rolls back on destruction unless commit() succeeded. */
class SqliteTransaction
{
public:
    explicit SqliteTransaction(SqliteDatabase& db) : m_db(db) {}
    ~SqliteTransaction()
    {
        if (m_active)
            m_db.rollback();
    }
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    [[nodiscard]] Status begin()
    {
        POSTERN_TRY(m_db.begin());
        m_active = true;
        return {};
    }
    [[nodiscard]] Status commit()
    {
        POSTERN_TRY(m_db.commit());
        m_active = false;
        return {};
    }

private:
    SqliteDatabase& m_db;
    bool m_active = false;
};

} // namespace postern
