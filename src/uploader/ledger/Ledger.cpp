// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/ledger/Ledger.h"

#include "postern/domain/Identity.h"

#include "LedgerSchema.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace postern::uploader {

namespace {

// Numbered migrations; a published step is never edited, only followed by a new one.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE config(
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE workstations(
    key BLOB PRIMARY KEY CHECK(length(key) = 32),
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    trusted_at INTEGER NOT NULL,
    high_water INTEGER
);
CREATE TABLE policies(
    workstation BLOB NOT NULL REFERENCES workstations(key),
    version INTEGER NOT NULL CHECK(version >= 1),
    text TEXT NOT NULL,
    stored_at INTEGER NOT NULL,
    PRIMARY KEY(workstation, version)
);
CREATE TABLE bundles(
    bundle_id TEXT PRIMARY KEY CHECK(length(bundle_id) = 32),
    workstation BLOB NOT NULL REFERENCES workstations(key),
    sequence INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    policy_version INTEGER NOT NULL,
    manifest TEXT NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('publishing', 'complete')),
    receipt_path TEXT NOT NULL,
    bundle_path TEXT NOT NULL,
    completed_at INTEGER
);
CREATE TABLE targets(
    bundle_id TEXT NOT NULL REFERENCES bundles(bundle_id),
    post_index INTEGER NOT NULL CHECK(post_index >= 0),
    channel_index INTEGER NOT NULL CHECK(channel_index >= 0),
    post_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('claimed', 'done', 'failed')),
    platform_id TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY(bundle_id, post_index, channel_index)
);
CREATE INDEX targets_by_state ON targets(state);
CREATE TABLE events(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    bundle_id TEXT,
    details TEXT NOT NULL DEFAULT ''
);
)sql";

// Version 2: the network adapters' states (sent, unknown) and the idempotency key recorded
// with `sent`, and the platform accounts. SQLite cannot change a CHECK constraint in place, so
// the targets table is rebuilt; migrate() runs this in one transaction.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE targets_v2(
    bundle_id TEXT NOT NULL REFERENCES bundles(bundle_id),
    post_index INTEGER NOT NULL CHECK(post_index >= 0),
    channel_index INTEGER NOT NULL CHECK(channel_index >= 0),
    post_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('claimed', 'sent', 'unknown', 'done', 'failed')),
    platform_id TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL DEFAULT '',
    PRIMARY KEY(bundle_id, post_index, channel_index)
);
INSERT INTO targets_v2(bundle_id, post_index, channel_index, post_id, version, channel, state, platform_id, url,
                       reason, updated_at)
    SELECT bundle_id, post_index, channel_index, post_id, version, channel, state, platform_id, url, reason,
           updated_at FROM targets;
DROP TABLE targets;
ALTER TABLE targets_v2 RENAME TO targets;
CREATE INDEX targets_by_state ON targets(state);
CREATE TABLE accounts(
    channel TEXT PRIMARY KEY,
    handle TEXT NOT NULL,
    service TEXT NOT NULL,
    sealed BLOB NOT NULL,
    added_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 3: scheduling, encryption at rest and suspension. `due_at` is the post's schedule
// (0 = on arrival): a claimed target waits until then. `manifest_sealed` holds the manifest
// sealed under the at-rest key (SpoolCrypto.h); rows written before it keep their plaintext
// `manifest`. `suspension` has at most one row: while it exists nothing is published.
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE bundles ADD COLUMN manifest_sealed BLOB;
ALTER TABLE targets ADD COLUMN due_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX targets_by_due ON targets(due_at) WHERE state IN ('claimed', 'sent', 'unknown');
CREATE TABLE suspension(
    id INTEGER PRIMARY KEY CHECK(id = 1),
    since INTEGER NOT NULL,
    by_user TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
)sql";

// Version 4: cancel and retract orders. Targets gain the final state `cancelled` (the table is
// rebuilt again for its CHECK constraint, keeping every column); `orders` holds one row per
// (order, channel) of every accepted order, and is also what a post arriving after its cancel
// order is checked against.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE targets_v4(
    bundle_id TEXT NOT NULL REFERENCES bundles(bundle_id),
    post_index INTEGER NOT NULL CHECK(post_index >= 0),
    channel_index INTEGER NOT NULL CHECK(channel_index >= 0),
    post_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('claimed', 'sent', 'unknown', 'done', 'failed', 'cancelled')),
    platform_id TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL DEFAULT '',
    due_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(bundle_id, post_index, channel_index)
);
INSERT INTO targets_v4(bundle_id, post_index, channel_index, post_id, version, channel, state, platform_id, url,
                       reason, updated_at, idempotency_key, due_at)
    SELECT bundle_id, post_index, channel_index, post_id, version, channel, state, platform_id, url, reason,
           updated_at, idempotency_key, due_at FROM targets;
DROP TABLE targets;
ALTER TABLE targets_v4 RENAME TO targets;
CREATE INDEX targets_by_state ON targets(state);
CREATE INDEX targets_by_due ON targets(due_at) WHERE state IN ('claimed', 'sent', 'unknown');
CREATE INDEX targets_by_post ON targets(post_id, channel);
CREATE TABLE orders(
    bundle_id TEXT NOT NULL REFERENCES bundles(bundle_id),
    order_id TEXT NOT NULL CHECK(length(order_id) = 32),
    channel TEXT NOT NULL,
    post_id TEXT NOT NULL CHECK(length(post_id) = 32),
    action TEXT NOT NULL CHECK(action IN ('cancel', 'retract')),
    order_created INTEGER NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('pending', 'cancelled', 'retracted', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY(bundle_id, order_id, channel)
);
CREATE INDEX orders_by_post ON orders(post_id, channel);
)sql";

// v5: a signed rejection is final (docs/uploader.md, "Receipts"): the refusal is remembered so
// that a later copy of the same bundle is answered from the ledger, never published; and the
// exact receipt text of every answered bundle is kept so it can be written again, byte for
// byte, instead of a new one over the old.
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE refusals (
    bundle_id TEXT PRIMARY KEY CHECK(length(bundle_id) = 32),
    workstation BLOB NOT NULL,
    sequence INTEGER NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    receipt_path TEXT NOT NULL,
    refused_at INTEGER NOT NULL
);
CREATE TABLE receipts (
    bundle_id TEXT PRIMARY KEY CHECK(length(bundle_id) = 32),
    text TEXT NOT NULL,
    written_at INTEGER NOT NULL
);
)sql";

// v6: monitoring (issue 15; docs/uploader.md, "report"). What `report` read back about each
// published target: `monitoring` is its collection cursor (when it was last read, the newest
// reply seen, what the platform does not give); `reaction_counts` the counts over time, NULL
// where the platform gives no such count; `replies_seen` every reply once, with the sequence of
// the report that first carried it (NULL: not yet in a report), whose workstation is the one of
// the target's bundle; `report_sequence` the counter of signed reports per workstation
// (docs/bundle-format.md §8.2) and `reports` the exact text of each, as `receipts` for bundles.
// Every number from a platform is checked (>= 0) here as well as where it is read.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE monitoring (
    bundle_id TEXT NOT NULL,
    post_index INTEGER NOT NULL,
    channel_index INTEGER NOT NULL,
    first_read_at INTEGER NOT NULL,
    last_read_at INTEGER NOT NULL CHECK(last_read_at >= first_read_at),
    since_reply TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY(bundle_id, post_index, channel_index),
    FOREIGN KEY(bundle_id, post_index, channel_index) REFERENCES targets(bundle_id, post_index, channel_index)
) WITHOUT ROWID;
CREATE TABLE reaction_counts (
    bundle_id TEXT NOT NULL,
    post_index INTEGER NOT NULL,
    channel_index INTEGER NOT NULL,
    read_at INTEGER NOT NULL,
    likes INTEGER CHECK(likes >= 0),
    reposts INTEGER CHECK(reposts >= 0),
    replies INTEGER CHECK(replies >= 0),
    quotes INTEGER CHECK(quotes >= 0),
    views INTEGER CHECK(views >= 0),
    PRIMARY KEY(bundle_id, post_index, channel_index, read_at),
    FOREIGN KEY(bundle_id, post_index, channel_index) REFERENCES targets(bundle_id, post_index, channel_index)
) WITHOUT ROWID;
CREATE TABLE replies_seen (
    bundle_id TEXT NOT NULL,
    post_index INTEGER NOT NULL,
    channel_index INTEGER NOT NULL,
    platform_id TEXT NOT NULL CHECK(length(platform_id) > 0),
    url TEXT NOT NULL,
    author_handle TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    in_reply_to TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    report_sequence INTEGER CHECK(report_sequence >= 1),
    PRIMARY KEY(bundle_id, post_index, channel_index, platform_id),
    FOREIGN KEY(bundle_id, post_index, channel_index) REFERENCES targets(bundle_id, post_index, channel_index)
) WITHOUT ROWID;
CREATE INDEX replies_unreported ON replies_seen(first_seen) WHERE report_sequence IS NULL;
CREATE TABLE report_sequence (
    workstation BLOB PRIMARY KEY CHECK(length(workstation) = 32) REFERENCES workstations(key),
    last INTEGER NOT NULL CHECK(last >= 0)
) WITHOUT ROWID;
CREATE TABLE reports (
    workstation BLOB NOT NULL REFERENCES workstations(key),
    sequence INTEGER NOT NULL CHECK(sequence >= 1),
    text TEXT NOT NULL,
    path TEXT NOT NULL,
    written_at INTEGER NOT NULL,
    PRIMARY KEY(workstation, sequence)
) WITHOUT ROWID;
)sql";

const std::vector<SqliteMigration>& migrations()
{
    static const std::vector<SqliteMigration> kMigrations = {{1, kSchemaV1},
                                                             {2, kSchemaV2},
                                                             {3, kSchemaV3},
                                                             {4, kSchemaV4},
                                                             {5, kSchemaV5},
                                                             {6, kSchemaV6}};
    return kMigrations;
}

Result<crypto::PublicKey> keyColumn(const SqliteStatement& st, int index)
{
    const Bytes raw = st.columnBlob(index);
    POSTERN_ASSIGN(key, crypto::toKey(raw));
    return key;
}

Result<StateCounts> countBy(SqliteDatabase& db, std::string_view sql, std::initializer_list<std::string_view> order)
{
    StateCounts out;
    for (const auto name : order)
        out.emplace_back(std::string(name), 0);
    POSTERN_ASSIGN(st, db.prepare(sql));
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        const std::string state = st.columnText(0);
        bool found = false;
        for (auto& [name, count] : out) {
            if (name == state) {
                count = st.columnInt(1);
                found = true;
            }
        }
        if (!found)
            out.emplace_back(state, st.columnInt(1));
    }
    return out;
}

} // namespace

std::vector<SqliteMigration> ledgerMigrations(int upTo)
{
    std::vector<SqliteMigration> out;
    for (const auto& m : migrations()) {
        if (m.version <= upTo)
            out.push_back(m);
    }
    return out;
}

std::string_view targetStateName(TargetState state) noexcept
{
    switch (state) {
    case TargetState::Claimed:
        return "claimed";
    case TargetState::Done:
        return "done";
    case TargetState::Failed:
        return "failed";
    case TargetState::Sent:
        return "sent";
    case TargetState::Unknown:
        return "unknown";
    case TargetState::Cancelled:
        return "cancelled";
    }
    return "failed";
}

Result<TargetState> parseTargetState(std::string_view name)
{
    for (const auto s : {TargetState::Claimed,
                         TargetState::Done,
                         TargetState::Failed,
                         TargetState::Sent,
                         TargetState::Unknown,
                         TargetState::Cancelled}) {
        if (targetStateName(s) == name)
            return s;
    }
    return fail(Errc::BadValue, "the ledger holds an unknown target state \"" + std::string(name) + "\"");
}

std::string_view bundleStateName(BundleState state) noexcept
{
    return state == BundleState::Complete ? "complete" : "publishing";
}

Result<BundleState> parseBundleState(std::string_view name)
{
    if (name == "publishing")
        return BundleState::Publishing;
    if (name == "complete")
        return BundleState::Complete;
    return fail(Errc::BadValue, "the ledger holds an unknown bundle state \"" + std::string(name) + "\"");
}

Status Ledger::open(const std::filesystem::path& path, bool create)
{
    // The ledger holds manifests (post texts) and the trust anchors: owner-only whatever the
    // umask. The file is made 0600 before SQLite opens it because SQLite gives the -wal and
    // -shm files the database file's mode.
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
    if (fd < 0)
        return fail(Errc::Io, "cannot open the ledger " + path.string() + ": " + std::strerror(errno));
    struct stat st
    {
    };
    const bool empty = ::fstat(fd, &st) == 0 && st.st_size == 0;
    const int rc = ::fchmod(fd, 0600);
    ::close(fd);
    if (rc != 0)
        return fail(Errc::Io, "cannot make the ledger " + path.string() + " private: " + std::strerror(errno));
    // An existing ledger that is empty or corrupt is reported, never rebuilt: a fresh ledger
    // would forget every bundle id it answered and publish replayed bundles again.
    const auto damaged = [&path](const Error& e) {
        return fail(Errc::Damaged,
                    "the ledger " + path.string() + " is damaged: " + e.message
                        + ". Nothing was published or written. Restore the uploader home from its backup before "
                          "publishing anything (a new ledger would not know which bundles were already published)");
    };
    if (!create && empty)
        return damaged(fail(Errc::Damaged, "the file is empty"));
    if (auto s = m_db.open(path); !s)
        return s.code() == Errc::Damaged ? damaged(s.error()) : s;
    if (!empty) {
        if (auto s = m_db.quickCheck(); !s) {
            m_db.close();
            return s.code() == Errc::Damaged ? damaged(s.error()) : s;
        }
    }
    return m_db.migrate(migrations());
}

Result<std::optional<std::string>> Ledger::config(std::string_view key)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT value FROM config WHERE key = ?"));
    st.bind(1, key);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<std::string>();
    return std::optional<std::string>(st.columnText(0));
}

Status Ledger::setConfig(std::string_view key, std::string_view value)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT INTO config(key, value) VALUES(?, ?) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    st.bind(1, key).bind(2, value);
    return st.run();
}

Result<std::vector<WorkstationRecord>> Ledger::workstations()
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT w.key, w.name, w.fingerprint, w.trusted_at, w.high_water, "
                                "(SELECT max(version) FROM policies p WHERE p.workstation = w.key) "
                                "FROM workstations w ORDER BY w.trusted_at, w.name"));
    std::vector<WorkstationRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        WorkstationRecord r;
        POSTERN_ASSIGN(key, keyColumn(st, 0));
        r.key = key;
        r.name = st.columnText(1);
        r.fingerprint = st.columnText(2);
        r.trustedAt = st.columnInt(3);
        if (!st.columnIsNull(4))
            r.highWater = static_cast<std::uint64_t>(st.columnInt(4));
        r.policyVersion = st.columnInt(5);
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::optional<WorkstationRecord>> Ledger::workstation(const crypto::PublicKey& key)
{
    POSTERN_ASSIGN(all, workstations());
    for (auto& w : all) {
        if (crypto::equalConstantTime(w.key, key))
            return std::optional<WorkstationRecord>(std::move(w));
    }
    return std::optional<WorkstationRecord>();
}

Status Ledger::addWorkstation(const WorkstationRecord& record)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT INTO workstations(key, name, fingerprint, trusted_at, high_water) "
                                "VALUES(?, ?, ?, ?, NULL)"));
    st.bindBlob(1, record.key).bind(2, record.name).bind(3, record.fingerprint).bind(4, record.trustedAt);
    return st.run();
}

Status Ledger::raiseHighWater(const crypto::PublicKey& key, std::uint64_t sequence)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("UPDATE workstations SET high_water = max(coalesce(high_water, 0), ?) "
                                "WHERE key = ?"));
    st.bind(1, static_cast<std::int64_t>(sequence)).bindBlob(2, key);
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::NotFound, "workstation " + domain::keyFingerprint(key) + " is not in the ledger");
    return {};
}

Result<std::vector<std::pair<std::int64_t, std::string>>> Ledger::policies(const crypto::PublicKey& key)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT version, text FROM policies WHERE workstation = ? ORDER BY version"));
    st.bindBlob(1, key);
    std::vector<std::pair<std::int64_t, std::string>> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.emplace_back(st.columnInt(0), st.columnText(1));
    }
    return out;
}

Result<std::optional<std::string>> Ledger::policyText(const crypto::PublicKey& key, std::int64_t version)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT text FROM policies WHERE workstation = ? AND version = ?"));
    st.bindBlob(1, key).bind(2, version);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<std::string>();
    return std::optional<std::string>(st.columnText(0));
}

Status Ledger::addPolicy(const crypto::PublicKey& key, std::int64_t version, std::string_view text, std::int64_t at)
{
    POSTERN_ASSIGN(st, m_db.prepare("INSERT INTO policies(workstation, version, text, stored_at) VALUES(?, ?, ?, ?)"));
    st.bindBlob(1, key).bind(2, version).bind(3, text).bind(4, at);
    return st.run();
}

Result<StateCounts> Ledger::bundleCounts()
{
    return countBy(m_db, "SELECT state, count(*) FROM bundles GROUP BY state", {"publishing", "complete"});
}

Result<StateCounts> Ledger::targetCounts()
{
    return countBy(m_db,
                   "SELECT state, count(*) FROM targets GROUP BY state",
                   {"claimed", "sent", "unknown", "done", "failed", "cancelled"});
}

Status Ledger::addEvent(std::int64_t at, std::string_view kind, std::string_view bundleIdHex, std::string_view details)
{
    POSTERN_ASSIGN(st, m_db.prepare("INSERT INTO events(at, kind, bundle_id, details) VALUES(?, ?, ?, ?)"));
    st.bind(1, at).bind(2, kind);
    if (bundleIdHex.empty())
        st.bindNull(3);
    else
        st.bind(3, bundleIdHex);
    st.bind(4, details);
    return st.run();
}

Result<std::vector<EventRecord>> Ledger::events(std::size_t limit)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT id, at, kind, coalesce(bundle_id, ''), details FROM events "
                                "ORDER BY id DESC LIMIT ?"));
    st.bind(1, static_cast<std::int64_t>(limit));
    std::vector<EventRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back({st.columnInt(0), st.columnInt(1), st.columnText(2), st.columnText(3), st.columnText(4)});
    }
    return out;
}

// -- restarting a dead attempt ---------------------------------------------------------------

Status Ledger::restartSent(const TargetRecord& r, std::string_view deadKey, std::string_view reason, std::int64_t at)
{
    if (deadKey.empty())
        return fail(Errc::Internal, "only a target sent under a key can be restarted");
    POSTERN_ASSIGN(
        st,
        m_db.prepare("UPDATE targets SET state = 'claimed', idempotency_key = '', reason = ?, updated_at = ? "
                     "WHERE bundle_id = ? AND post_index = ? AND channel_index = ? "
                     "AND state IN ('sent', 'unknown') AND idempotency_key = ?"));
    st.bind(1, reason)
        .bind(2, at)
        .bind(3, toHex(r.bundleId))
        .bind(4, static_cast<std::int64_t>(r.postIndex))
        .bind(5, static_cast<std::int64_t>(r.channelIndex))
        .bind(6, deadKey);
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::InvalidState,
                    "target " + std::to_string(r.postIndex) + "-" + std::to_string(r.channelIndex) + " of bundle "
                        + toHex(r.bundleId) + " is not sent under the key being replaced");
    return {};
}

} // namespace postern::uploader
