// SPDX-License-Identifier: GPL-3.0-or-later
// The service half of the ledger: what is due when, and the suspension flag. The flag lives in
// the database (not in a process) so `suspend` from any shell reaches a running `watch`: the
// publishing loop reads it before every target through its own connection.
#include "postern/uploader/ledger/Ledger.h"

#include "LedgerRows.h"

namespace postern::uploader {

Result<std::int64_t> Ledger::countDue(std::int64_t now)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT (SELECT count(*) FROM targets WHERE state IN ('claimed', 'sent', 'unknown') "
                                "AND due_at <= ?1) + "
                                "(SELECT count(*) FROM bundles b WHERE b.state = 'publishing' AND NOT EXISTS "
                                "(SELECT 1 FROM targets t WHERE t.bundle_id = b.bundle_id "
                                "AND t.state IN ('claimed', 'sent', 'unknown')))"));
    st.bind(1, now);
    POSTERN_ASSIGN(row, st.step());
    (void)row;
    return st.columnInt(0);
}

Result<std::optional<std::int64_t>> Ledger::nextDue(std::int64_t now)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT min(due_at) FROM targets WHERE state IN ('claimed', 'sent', 'unknown') "
                                "AND due_at > ?"));
    st.bind(1, now);
    POSTERN_ASSIGN(row, st.step());
    if (!row || st.columnIsNull(0))
        return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(st.columnInt(0));
}

Result<std::vector<TargetRecord>> Ledger::pendingTargets()
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT " + std::string(kTargetColumns)
                                + " FROM targets t JOIN bundles b ON b.bundle_id = t.bundle_id "
                                  "WHERE t.state IN ('claimed', 'sent', 'unknown') "
                                  "ORDER BY t.due_at, b.received_at, b.rowid, t.post_index, t.channel_index"));
    return readTargetRows(st);
}

Result<std::optional<Suspension>> Ledger::suspension()
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT since, by_user, reason FROM suspension WHERE id = 1"));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<Suspension>();
    return std::optional<Suspension>(Suspension{st.columnInt(0), st.columnText(1), st.columnText(2)});
}

Status Ledger::suspend(const Suspension& s)
{
    // INSERT OR IGNORE keeps the first suspension's who/when/why: a second `suspend` must not
    // rewrite the record of who stopped publishing and why.
    POSTERN_ASSIGN(st, m_db.prepare("INSERT OR IGNORE INTO suspension(id, since, by_user, reason) VALUES(1, ?, ?, ?)"));
    st.bind(1, s.since).bind(2, s.by).bind(3, s.reason);
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::AlreadyExists, "publishing is already suspended");
    return {};
}

Result<std::optional<Suspension>> Ledger::lift()
{
    SqliteTransaction tx(m_db);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(current, suspension());
    if (current) {
        POSTERN_ASSIGN(st, m_db.prepare("DELETE FROM suspension WHERE id = 1"));
        POSTERN_TRY(st.run());
    }
    POSTERN_TRY(tx.commit());
    return current;
}

} // namespace postern::uploader
