// SPDX-License-Identifier: GPL-3.0-or-later
// The accounts half of the ledger: platform accounts with their sealed secrets. Sealing and
// opening is AccountStore's job; the ledger only stores bytes it cannot read.
#include "postern/uploader/ledger/Ledger.h"

namespace postern::uploader {

namespace {

constexpr std::string_view kAccountColumns = "channel, handle, service, sealed, added_at, updated_at";

Result<std::vector<AccountRecord>> readAccounts(SqliteStatement& st)
{
    std::vector<AccountRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back(
            {st.columnText(0), st.columnText(1), st.columnText(2), st.columnBlob(3), st.columnInt(4), st.columnInt(5)});
    }
    return out;
}

} // namespace

Status Ledger::addAccount(const AccountRecord& r)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT INTO accounts(" + std::string(kAccountColumns) + ") VALUES(?, ?, ?, ?, ?, ?)"));
    st.bind(1, r.channel)
        .bind(2, r.handle)
        .bind(3, r.service)
        .bindBlob(4, r.sealed)
        .bind(5, r.addedAt)
        .bind(6, r.updatedAt);
    if (auto s = st.run(); !s) {
        if (s.code() == Errc::AlreadyExists)
            return fail(Errc::AlreadyExists, "an account for " + r.channel + " already exists");
        return s;
    }
    return {};
}

Result<std::optional<AccountRecord>> Ledger::account(std::string_view channel)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE channel = ?"));
    st.bind(1, channel);
    POSTERN_ASSIGN(rows, readAccounts(st));
    if (rows.empty())
        return std::optional<AccountRecord>();
    return std::optional<AccountRecord>(std::move(rows.front()));
}

Result<std::vector<AccountRecord>> Ledger::accounts()
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT " + std::string(kAccountColumns) + " FROM accounts ORDER BY channel"));
    return readAccounts(st);
}

Status Ledger::updateAccountSecrets(std::string_view channel, ByteView sealed, std::int64_t at)
{
    POSTERN_ASSIGN(st, m_db.prepare("UPDATE accounts SET sealed = ?, updated_at = ? WHERE channel = ?"));
    st.bindBlob(1, sealed).bind(2, at).bind(3, channel);
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::NotFound, "there is no account for " + std::string(channel));
    return {};
}

Status Ledger::removeAccount(std::string_view channel)
{
    POSTERN_ASSIGN(st, m_db.prepare("DELETE FROM accounts WHERE channel = ?"));
    st.bind(1, channel);
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::NotFound, "there is no account for " + std::string(channel));
    return {};
}

} // namespace postern::uploader
