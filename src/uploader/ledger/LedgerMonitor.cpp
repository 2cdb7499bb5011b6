// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring (ledger v6): what `report` read back about published targets, and the counter of
// signed reports. Every number here came from a platform: it is checked where it is read
// (>= 0, 64 bits) and again by the tables' CHECK constraints.
#include "postern/uploader/ledger/Ledger.h"
#include "postern/util/Checked.h"

#include "LedgerRows.h"

namespace postern::uploader {

namespace {

void bindKey(SqliteStatement& st, int first, const TargetKey& k)
{
    st.bind(first, toHex(k.bundleId))
        .bind(first + 1, static_cast<std::int64_t>(k.postIndex))
        .bind(first + 2, static_cast<std::int64_t>(k.channelIndex));
}

Result<TargetKey> readKey(const SqliteStatement& st, int first)
{
    TargetKey k;
    POSTERN_ASSIGN(raw, fromHex(st.columnText(first), 16));
    std::copy(raw.begin(), raw.end(), k.bundleId.begin());
    k.postIndex = static_cast<std::size_t>(st.columnInt(first + 1));
    k.channelIndex = static_cast<std::size_t>(st.columnInt(first + 2));
    return k;
}

void bindCount(SqliteStatement& st, int index, const std::optional<std::int64_t>& v)
{
    if (v)
        st.bind(index, *v);
    else
        st.bindNull(index);
}

std::optional<std::int64_t> countColumn(const SqliteStatement& st, int index)
{
    return st.columnIsNull(index) ? std::nullopt : std::optional<std::int64_t>(st.columnInt(index));
}

Status checkCount(const std::optional<std::int64_t>& v, std::string_view name)
{
    if (v && *v < 0)
        return fail(Errc::BadValue, "a negative " + std::string(name) + " count cannot be stored");
    return {};
}

} // namespace

Result<std::vector<MonitoredTarget>> Ledger::monitoredTargets(std::int64_t publishedSince)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT " + std::string(kTargetColumns)
                                + ", m.last_read_at, m.since_reply, m.note, b.workstation FROM targets t "
                                  "JOIN bundles b ON b.bundle_id = t.bundle_id "
                                  "LEFT JOIN monitoring m ON m.bundle_id = t.bundle_id AND m.post_index = t.post_index "
                                  "AND m.channel_index = t.channel_index "
                                  "WHERE t.state = 'done' AND t.platform_id <> '' AND t.updated_at >= ? "
                                  "AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.post_id = t.post_id "
                                  "AND o.channel = t.channel AND o.state = 'retracted') "
                                  "ORDER BY t.updated_at, t.bundle_id, t.post_index, t.channel_index"));
    st.bind(1, publishedSince);
    std::vector<MonitoredTarget> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        MonitoredTarget m;
        POSTERN_ASSIGN(target, readTargetRow(st));
        m.target = std::move(target);
        m.lastReadAt = st.columnIsNull(13) ? 0 : st.columnInt(13);
        m.sinceReply = st.columnText(14);
        m.note = st.columnText(15);
        POSTERN_ASSIGN(ws, crypto::toKey(st.columnBlob(16)));
        m.workstation = ws;
        out.push_back(std::move(m));
    }
    return out;
}

Status Ledger::recordRead(const TargetKey& target, std::int64_t at, std::string_view sinceReply, std::string_view note)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT INTO monitoring(bundle_id, post_index, channel_index, first_read_at, "
                                "last_read_at, since_reply, note) VALUES(?, ?, ?, ?4, ?4, ?5, ?6) "
                                "ON CONFLICT(bundle_id, post_index, channel_index) DO UPDATE SET "
                                "last_read_at = max(last_read_at, excluded.last_read_at), "
                                "since_reply = CASE WHEN excluded.since_reply <> '' THEN excluded.since_reply "
                                "ELSE since_reply END, note = excluded.note"));
    bindKey(st, 1, target);
    st.bind(4, at).bind(5, sinceReply).bind(6, note);
    return st.run();
}

Status Ledger::addCounts(const CountsRecord& c)
{
    POSTERN_TRY(checkCount(c.likes, "like"));
    POSTERN_TRY(checkCount(c.reposts, "repost"));
    POSTERN_TRY(checkCount(c.replies, "reply"));
    POSTERN_TRY(checkCount(c.quotes, "quote"));
    POSTERN_TRY(checkCount(c.views, "view"));
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT OR REPLACE INTO reaction_counts(bundle_id, post_index, channel_index, "
                                "read_at, likes, reposts, replies, quotes, views) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    bindKey(st, 1, c.target);
    st.bind(4, c.readAt);
    bindCount(st, 5, c.likes);
    bindCount(st, 6, c.reposts);
    bindCount(st, 7, c.replies);
    bindCount(st, 8, c.quotes);
    bindCount(st, 9, c.views);
    return st.run();
}

Result<std::vector<CountsRecord>> Ledger::countsOf(const TargetKey& target)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT read_at, likes, reposts, replies, quotes, views FROM reaction_counts "
                                "WHERE bundle_id = ? AND post_index = ? AND channel_index = ? ORDER BY read_at"));
    bindKey(st, 1, target);
    std::vector<CountsRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        CountsRecord c;
        c.target = target;
        c.readAt = st.columnInt(0);
        c.likes = countColumn(st, 1);
        c.reposts = countColumn(st, 2);
        c.replies = countColumn(st, 3);
        c.quotes = countColumn(st, 4);
        c.views = countColumn(st, 5);
        out.push_back(c);
    }
    return out;
}

Result<bool> Ledger::addReply(const ReplyRecord& r)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT OR IGNORE INTO replies_seen(bundle_id, post_index, channel_index, "
                                "platform_id, url, author_handle, author_name, text, created_at, in_reply_to, "
                                "first_seen) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    bindKey(st, 1, r.target);
    st.bind(4, r.platformId)
        .bind(5, r.url)
        .bind(6, r.authorHandle)
        .bind(7, r.authorName)
        .bind(8, r.text)
        .bind(9, r.createdAt)
        .bind(10, r.inReplyTo)
        .bind(11, r.firstSeen);
    POSTERN_TRY(st.run());
    return m_db.changes() == 1;
}

Result<std::vector<ReplyRecord>> Ledger::unreportedReplies(const crypto::PublicKey& workstation)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT r.bundle_id, r.post_index, r.channel_index, r.platform_id, r.url, "
                                "r.author_handle, r.author_name, r.text, r.created_at, r.in_reply_to, r.first_seen "
                                "FROM replies_seen r JOIN bundles b ON b.bundle_id = r.bundle_id "
                                "WHERE r.report_sequence IS NULL AND b.workstation = ? "
                                "ORDER BY r.bundle_id, r.post_index, r.channel_index, r.created_at, r.platform_id"));
    st.bindBlob(1, workstation);
    std::vector<ReplyRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        ReplyRecord r;
        POSTERN_ASSIGN(key, readKey(st, 0));
        r.target = key;
        r.platformId = st.columnText(3);
        r.url = st.columnText(4);
        r.authorHandle = st.columnText(5);
        r.authorName = st.columnText(6);
        r.text = st.columnText(7);
        r.createdAt = st.columnInt(8);
        r.inReplyTo = st.columnText(9);
        r.firstSeen = st.columnInt(10);
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::uint64_t> Ledger::lastReportSequence(const crypto::PublicKey& workstation)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT last FROM report_sequence WHERE workstation = ?"));
    st.bindBlob(1, workstation);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::uint64_t{0};
    if (st.columnInt(0) < 0)
        return fail(Errc::Damaged, "the ledger holds a negative report sequence");
    return static_cast<std::uint64_t>(st.columnInt(0));
}

Status Ledger::recordReport(const crypto::PublicKey& workstation,
                            std::uint64_t sequence,
                            std::string_view text,
                            std::string_view path,
                            std::int64_t collectedAt,
                            const std::vector<ReplyRecord>& heldBack,
                            std::int64_t at)
{
    POSTERN_ASSIGN(last, lastReportSequence(workstation));
    const auto next = checkedAdd<std::uint64_t>(last, 1);
    if (!next || *next != sequence || sequence > static_cast<std::uint64_t>(INT64_MAX))
        return fail(Errc::InvalidState,
                    "report " + std::to_string(sequence) + " does not follow report " + std::to_string(last));
    const auto seq = static_cast<std::int64_t>(sequence);
    POSTERN_ASSIGN(counter,
                   m_db.prepare("INSERT INTO report_sequence(workstation, last) VALUES(?, ?) "
                                "ON CONFLICT(workstation) DO UPDATE SET last = excluded.last"));
    counter.bindBlob(1, workstation).bind(2, seq);
    POSTERN_TRY(counter.run());
    POSTERN_ASSIGN(store,
                   m_db.prepare("INSERT INTO reports(workstation, sequence, text, path, written_at) "
                                "VALUES(?, ?, ?, ?, ?)"));
    store.bindBlob(1, workstation).bind(2, seq).bind(3, text).bind(4, path).bind(5, at);
    POSTERN_TRY(store.run());
    POSTERN_ASSIGN(mark,
                   m_db.prepare("UPDATE replies_seen SET report_sequence = ? "
                                "WHERE report_sequence IS NULL AND first_seen <= ? AND bundle_id IN "
                                "(SELECT bundle_id FROM bundles WHERE workstation = ?)"));
    mark.bind(1, seq).bind(2, collectedAt).bindBlob(3, workstation);
    POSTERN_TRY(mark.run());
    // What a cap kept out is carried by the next report: back to unreported.
    for (const ReplyRecord& r : heldBack) {
        POSTERN_ASSIGN(undo,
                       m_db.prepare("UPDATE replies_seen SET report_sequence = NULL WHERE bundle_id = ? "
                                    "AND post_index = ? AND channel_index = ? AND platform_id = ? "
                                    "AND report_sequence = ?"));
        bindKey(undo, 1, r.target);
        undo.bind(4, r.platformId).bind(5, seq);
        POSTERN_TRY(undo.run());
    }
    return {};
}

Result<std::optional<std::string>> Ledger::storedReport(const crypto::PublicKey& workstation, std::uint64_t sequence)
{
    if (sequence > static_cast<std::uint64_t>(INT64_MAX))
        return std::optional<std::string>();
    POSTERN_ASSIGN(st, m_db.prepare("SELECT text FROM reports WHERE workstation = ? AND sequence = ?"));
    st.bindBlob(1, workstation).bind(2, static_cast<std::int64_t>(sequence));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<std::string>();
    return std::optional<std::string>(st.columnText(0));
}

} // namespace postern::uploader
