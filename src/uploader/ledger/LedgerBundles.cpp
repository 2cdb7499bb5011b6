// SPDX-License-Identifier: GPL-3.0-or-later
// The bundle and target half of the ledger: replay guard, per-target state machine.
#include "postern/uploader/ledger/Ledger.h"

#include "LedgerRows.h"

namespace postern::uploader {

namespace {

constexpr std::string_view kBundleColumns = "bundle_id, workstation, sequence, created, expires, received_at, "
                                            "policy_version, manifest, state, receipt_path, bundle_path, completed_at, "
                                            "manifest_sealed";

Result<bundle::BundleId> idFromHex(std::string_view hex)
{
    POSTERN_ASSIGN(raw, fromHex(hex, 16));
    bundle::BundleId id{};
    std::copy(raw.begin(), raw.end(), id.begin());
    return id;
}

Result<BundleRecord> readBundleRow(const SqliteStatement& st)
{
    BundleRecord r;
    POSTERN_ASSIGN(id, idFromHex(st.columnText(0)));
    r.id = id;
    POSTERN_ASSIGN(ws, crypto::toKey(st.columnBlob(1)));
    r.workstation = ws;
    r.sequence = static_cast<std::uint64_t>(st.columnInt(2));
    r.created = st.columnInt(3);
    r.expires = st.columnInt(4);
    r.receivedAt = st.columnInt(5);
    r.policyVersion = st.columnInt(6);
    r.manifest = st.columnText(7);
    POSTERN_ASSIGN(state, parseBundleState(st.columnText(8)));
    r.state = state;
    r.receiptPath = st.columnText(9);
    r.bundlePath = st.columnText(10);
    if (!st.columnIsNull(11))
        r.completedAt = st.columnInt(11);
    if (!st.columnIsNull(12))
        r.manifestSealed = st.columnBlob(12);
    return r;
}

Result<std::vector<BundleRecord>> readBundles(SqliteStatement& st)
{
    std::vector<BundleRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        POSTERN_ASSIGN(r, readBundleRow(st));
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

Result<bool> Ledger::hasBundle(const bundle::BundleId& id)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT 1 FROM bundles WHERE bundle_id = ?"));
    st.bind(1, toHex(id));
    return st.step();
}

Status Ledger::addBundle(const BundleRecord& r)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT INTO bundles(" + std::string(kBundleColumns)
                                + ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)"));
    st.bind(1, toHex(r.id))
        .bindBlob(2, r.workstation)
        .bind(3, static_cast<std::int64_t>(r.sequence))
        .bind(4, r.created)
        .bind(5, r.expires)
        .bind(6, r.receivedAt)
        .bind(7, r.policyVersion)
        .bind(8, r.manifest)
        .bind(9, bundleStateName(r.state))
        .bind(10, r.receiptPath)
        .bind(11, r.bundlePath);
    if (r.manifestSealed.empty())
        st.bindNull(12);
    else
        st.bindBlob(12, r.manifestSealed);
    return st.run();
}

Result<std::optional<BundleRecord>> Ledger::bundle(const bundle::BundleId& id)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT " + std::string(kBundleColumns) + " FROM bundles WHERE bundle_id = ?"));
    st.bind(1, toHex(id));
    POSTERN_ASSIGN(rows, readBundles(st));
    if (rows.empty())
        return std::optional<BundleRecord>();
    return std::optional<BundleRecord>(std::move(rows.front()));
}

Result<std::vector<BundleRecord>> Ledger::bundlesInState(BundleState state)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT " + std::string(kBundleColumns)
                                + " FROM bundles WHERE state = ? ORDER BY received_at, rowid"));
    st.bind(1, bundleStateName(state));
    return readBundles(st);
}

Result<std::vector<BundleRecord>> Ledger::recentBundles(std::size_t limit)
{
    // The manifest column can be megabytes; status does not need it.
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT bundle_id, workstation, sequence, created, expires, received_at, "
                                "policy_version, '', state, receipt_path, bundle_path, completed_at, NULL "
                                "FROM bundles ORDER BY received_at DESC, rowid DESC LIMIT ?"));
    st.bind(1, static_cast<std::int64_t>(limit));
    return readBundles(st);
}

Status Ledger::completeBundle(const bundle::BundleId& id, std::string_view receiptPath, std::int64_t at)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("UPDATE bundles SET state = 'complete', receipt_path = ?, completed_at = ? "
                                "WHERE bundle_id = ? AND state = 'publishing'"));
    st.bind(1, receiptPath).bind(2, at).bind(3, toHex(id));
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::InvalidState, "bundle " + toHex(id) + " is not being published");
    return {};
}

Status Ledger::addTarget(const TargetRecord& r)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT INTO targets(bundle_id, post_index, channel_index, post_id, version, "
                                "channel, state, platform_id, url, reason, updated_at, due_at) "
                                "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.bind(1, toHex(r.bundleId))
        .bind(2, static_cast<std::int64_t>(r.postIndex))
        .bind(3, static_cast<std::int64_t>(r.channelIndex))
        .bind(4, r.postId)
        .bind(5, r.version)
        .bind(6, r.channel)
        .bind(7, targetStateName(r.state))
        .bind(8, r.platformId)
        .bind(9, r.url)
        .bind(10, r.reason)
        .bind(11, r.updatedAt)
        .bind(12, r.dueAt);
    return st.run();
}

Result<TargetRecord> readTargetRow(SqliteStatement& st)
{
    TargetRecord r;
    POSTERN_ASSIGN(raw, fromHex(st.columnText(0), 16));
    std::copy(raw.begin(), raw.end(), r.bundleId.begin());
    r.postIndex = static_cast<std::size_t>(st.columnInt(1));
    r.channelIndex = static_cast<std::size_t>(st.columnInt(2));
    r.postId = st.columnText(3);
    r.version = st.columnInt(4);
    r.channel = st.columnText(5);
    POSTERN_ASSIGN(state, parseTargetState(st.columnText(6)));
    r.state = state;
    r.platformId = st.columnText(7);
    r.url = st.columnText(8);
    r.reason = st.columnText(9);
    r.updatedAt = st.columnInt(10);
    r.idempotencyKey = st.columnText(11);
    r.dueAt = st.columnInt(12);
    return r;
}

Result<std::vector<TargetRecord>> readTargetRows(SqliteStatement& st)
{
    std::vector<TargetRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        POSTERN_ASSIGN(r, readTargetRow(st));
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::vector<TargetRecord>> Ledger::targets(const bundle::BundleId& id)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT " + std::string(kTargetColumns)
                                + " FROM targets t WHERE t.bundle_id = ? ORDER BY t.post_index, t.channel_index"));
    st.bind(1, toHex(id));
    return readTargetRows(st);
}

Status Ledger::resolveTarget(const TargetRecord& r)
{
    if (r.state != TargetState::Done && r.state != TargetState::Failed)
        return fail(Errc::Internal, "a target can only be resolved to done or failed");
    POSTERN_ASSIGN(st,
                   m_db.prepare("UPDATE targets SET state = ?, platform_id = ?, url = ?, reason = ?, updated_at = ? "
                                "WHERE bundle_id = ? AND post_index = ? AND channel_index = ? "
                                "AND state IN ('claimed', 'sent', 'unknown')"));
    st.bind(1, targetStateName(r.state))
        .bind(2, r.platformId)
        .bind(3, r.url)
        .bind(4, r.reason)
        .bind(5, r.updatedAt)
        .bind(6, toHex(r.bundleId))
        .bind(7, static_cast<std::int64_t>(r.postIndex))
        .bind(8, static_cast<std::int64_t>(r.channelIndex));
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::InvalidState,
                    "target " + std::to_string(r.postIndex) + "-" + std::to_string(r.channelIndex) + " of bundle "
                        + toHex(r.bundleId) + " is not pending");
    return {};
}

Status Ledger::markSent(const TargetRecord& r, std::string_view key, std::int64_t at)
{
    if (key.empty())
        return fail(Errc::Internal, "a target is marked sent only with its idempotency key");
    POSTERN_ASSIGN(st,
                   m_db.prepare("UPDATE targets SET state = 'sent', idempotency_key = ?, reason = '', updated_at = ? "
                                "WHERE bundle_id = ? AND post_index = ? AND channel_index = ? "
                                "AND state IN ('claimed', 'sent', 'unknown') "
                                "AND (idempotency_key = '' OR idempotency_key = ?)"));
    st.bind(1, key)
        .bind(2, at)
        .bind(3, toHex(r.bundleId))
        .bind(4, static_cast<std::int64_t>(r.postIndex))
        .bind(5, static_cast<std::int64_t>(r.channelIndex))
        .bind(6, key);
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::InvalidState,
                    "target " + std::to_string(r.postIndex) + "-" + std::to_string(r.channelIndex) + " of bundle "
                        + toHex(r.bundleId) + " is not pending, or was sent under another key");
    return {};
}

Status Ledger::markUnknown(const TargetRecord& r, std::string_view reason, std::int64_t at)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("UPDATE targets SET state = 'unknown', reason = ?, updated_at = ? "
                                "WHERE bundle_id = ? AND post_index = ? AND channel_index = ? "
                                "AND state IN ('sent', 'unknown')"));
    st.bind(1, reason)
        .bind(2, at)
        .bind(3, toHex(r.bundleId))
        .bind(4, static_cast<std::int64_t>(r.postIndex))
        .bind(5, static_cast<std::int64_t>(r.channelIndex));
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::InvalidState,
                    "target " + std::to_string(r.postIndex) + "-" + std::to_string(r.channelIndex) + " of bundle "
                        + toHex(r.bundleId) + " was not sent");
    return {};
}

Result<std::int64_t> Ledger::countPending()
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT (SELECT count(*) FROM targets WHERE state IN ('claimed', 'sent', 'unknown')) + "
                                "(SELECT count(*) FROM bundles WHERE state = 'publishing')"));
    POSTERN_ASSIGN(row, st.step());
    (void)row;
    return st.columnInt(0);
}

} // namespace postern::uploader
