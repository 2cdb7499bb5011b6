// SPDX-License-Identifier: GPL-3.0-or-later
// Private to the store: the shared connection, nesting-aware transactions and row helpers.
#pragma once

#include "postern/crypto/Crypto.h"
#include "postern/util/Result.h"
#include "postern/util/Sqlite.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace postern::store {

/**
 * StoreConnection is the one SQLite connection every repository of a WorkstationStore shares,
 * plus the transaction nesting depth. Repositories always open a Transaction, so each call is
 * atomic on its own and also joins (as a savepoint) any transaction the caller already holds.
 */
class StoreConnection
{
public:
    /** db is the underlying connection. */
    [[nodiscard]] SqliteDatabase& db() noexcept { return m_db; }
    /** depth is how many Transactions are open; 0 means autocommit. */
    [[nodiscard]] int depth() const noexcept { return m_depth; }

private:
    friend class Transaction;
    SqliteDatabase m_db;
    int m_depth = 0;
};

/**
 * Transaction is BEGIN IMMEDIATE at the outermost level and a SAVEPOINT inside another
 * Transaction. IMMEDIATE takes the write lock up front so two writers (GUI and CLI) queue on
 * the busy timeout instead of deadlocking on a read-to-write upgrade. Mode::Read uses a plain
 * (deferred) BEGIN instead: a consistent WAL snapshot that never blocks writers, for long
 * read-only walks such as audit verification. A Transaction that is
 * destroyed without commit() rolls back only its own work, leaving the outer one usable.
 */
class Transaction
{
public:
    /** Mode says which lock the outermost level takes; nested levels are savepoints either way. */
    enum class Mode {
        Write,
        Read
    };

    explicit Transaction(StoreConnection& connection, Mode mode = Mode::Write) : m_connection(connection), m_mode(mode)
    {
    }
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    /** begin opens the transaction or savepoint. */
    [[nodiscard]] Status begin();
    /** commit makes the work durable (outermost) or folds it into the enclosing transaction. */
    [[nodiscard]] Status commit();

private:
    [[nodiscard]] std::string savepointName() const;
    StoreConnection& m_connection;
    Mode m_mode;
    int m_level = 0; ///< 1-based nesting level while active, 0 when inactive
};

/** kCorrupt is the message for a row that breaks a schema CHECK: someone edited the file. */
[[nodiscard]] Error corruptRow(std::string_view table, std::string_view what);

/** columnFixed reads a blob column of exactly N bytes or reports the table as corrupt. */
template <std::size_t N>
[[nodiscard]] Result<std::array<std::uint8_t, N>>
columnFixed(const SqliteStatement& st, int index, std::string_view table)
{
    const Bytes blob = st.columnBlob(index);
    if (blob.size() != N)
        return corruptRow(table, "a key, digest or signature has the wrong length");
    std::array<std::uint8_t, N> out{};
    std::copy(blob.begin(), blob.end(), out.begin());
    return out;
}

/** isLowerHex is true when `text` is exactly `digits` lowercase hexadecimal digits. */
[[nodiscard]] bool isLowerHex(std::string_view text, std::size_t digits) noexcept;

/** codePoints counts the code points of valid UTF-8. */
[[nodiscard]] std::size_t codePoints(std::string_view utf8) noexcept;

/** truncateCodePoints keeps the first `max` code points of valid UTF-8, never splitting one. */
[[nodiscard]] std::string truncateCodePoints(std::string_view utf8, std::size_t max);

/** checkText validates caller text: valid UTF-8, no NUL, at most maxBytes. */
[[nodiscard]] Status checkText(std::string_view text, std::string_view field, std::size_t maxBytes);

/** escapeLike escapes %, _ and \ for a LIKE pattern that uses ESCAPE '\'. */
[[nodiscard]] std::string escapeLike(std::string_view text);

} // namespace postern::store
