// SPDX-License-Identifier: GPL-3.0-or-later
// Ledger v3 -> v4 (src/uploader/ledger/Ledger.cpp, kSchemaV4, and on to the newest): the targets table is rebuilt for
// its new CHECK (state `cancelled`) and `orders` is added. An uploader updated in place opens the ledger its older
// version left behind, with bundles half published: nothing may be lost.
#include "postern/uploader/ledger/Ledger.h"

#include "LedgerSchema.h"
#include "TempDir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>

using namespace postern;
using namespace postern::uploader;
using postern::test::TempDir;

namespace {

const std::string kBundle1 = std::string(32, 'a'); // publishing, plaintext manifest
const std::string kBundle2 = std::string(32, 'b'); // complete, sealed manifest
const std::string kPost = "0123456789abcdef0123456789abcdef";

// Every table an uploader at v3 writes, with one row per target state v3 knows (claimed, sent,
// unknown, done, failed), idempotency keys and due times; values are distinct per column so
// a column copied into the wrong place shows up.
constexpr std::string_view kV3Rows = R"sql(
INSERT INTO config(key, value) VALUES('name', 'up1');
INSERT INTO workstations(key, name, fingerprint, trusted_at, high_water)
    VALUES(zeroblob(32), 'ws1', 'fp-ws1', 100, 7);
INSERT INTO policies(workstation, version, text, stored_at) VALUES(zeroblob(32), 1, '{"policy":1}', 101);
INSERT INTO bundles(bundle_id, workstation, sequence, created, expires, received_at, policy_version, manifest,
                    state, receipt_path, bundle_path, completed_at, manifest_sealed)
    VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', zeroblob(32), 6, 110, 7310, 120, 1, '{"manifest":1}', 'publishing',
           '/in/6.postern.receipt', '/in/6.postern', NULL, NULL),
          ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', zeroblob(32), 7, 130, 7330, 140, 1, '', 'complete',
           '/in/7.postern.receipt', '/in/7.postern', 300, X'DEADBEEF');
INSERT INTO targets(bundle_id, post_index, channel_index, post_id, version, channel, state, platform_id, url, reason,
                    updated_at, idempotency_key, due_at)
    VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 0, '0123456789abcdef0123456789abcdef', 1, 'outbox:press', 'claimed',
           '', '', 'scheduled', 200, '', 90000),
          ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 1, '0123456789abcdef0123456789abcdef', 1,
           'bluesky:press.example.org', 'sent', '', '', '', 201, '3kabcdefghij2', 0),
          ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 0, '11111111111111111111111111111111', 2, 'mastodon:press@example.org',
           'unknown', '', '', 'no answer', 202, 'idem-mastodon', 150),
          ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 2, 0, '22222222222222222222222222222222', 3, 'x:press', 'done',
           '1800000000000000001', 'https://x.com/press/status/1800000000000000001', '', 203, 'idem-x', 0),
          ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 3, 0, '33333333333333333333333333333333', 4, 'tiktok:press', 'failed',
           '', '', 'refused: too long', 204, 'idem-tiktok', 160),
          ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 0, 0, '44444444444444444444444444444444', 5, 'outbox:press', 'done',
           'outbox/bbbb/0-0', '', '', 301, '', 0);
INSERT INTO accounts(channel, handle, service, sealed, added_at, updated_at)
    VALUES('bluesky:press.example.org', 'press.example.org', 'https://pds.example.org', X'0102', 10, 11);
INSERT INTO suspension(id, since, by_user, reason) VALUES(1, 400, 'ops', 'incident');
INSERT INTO events(at, kind, bundle_id, details) VALUES(120, 'bundle-claimed', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'six');
)sql";

Result<std::vector<std::string>> column(SqliteDatabase& db, const std::string& sql)
{
    POSTERN_ASSIGN(st, db.prepare(sql));
    std::vector<std::string> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back(st.columnText(0));
    }
    return out;
}

/** Table is a table's column names (in order) and its rows, each quoted by SQLite, sorted. */
struct Table
{
    std::vector<std::string> columns;
    std::vector<std::string> rows;
    bool operator==(const Table&) const = default;
};

/** dump reads every user table as text, so two snapshots compare column by column. */
std::map<std::string, Table> dump(SqliteDatabase& db)
{
    std::map<std::string, Table> out;
    auto names = column(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    REQUIRE(names.ok());
    for (const auto& name : *names) {
        Table t;
        auto columns = column(db, "SELECT name FROM pragma_table_info('" + name + "') ORDER BY cid");
        REQUIRE(columns.ok());
        t.columns = *columns;
        std::string row;
        for (const auto& c : t.columns)
            row += (row.empty() ? "" : " || '|' || ") + ("quote(" + c + ")");
        auto rows = column(db, "SELECT " + row + " AS r FROM " + name + " ORDER BY r");
        REQUIRE(rows.ok());
        t.rows = *rows;
        out.emplace(name, std::move(t));
    }
    return out;
}

bundle::BundleId bundleId(const std::string& hex)
{
    bundle::BundleId id{};
    const Bytes raw = fromHex(hex, 16).value();
    std::copy(raw.begin(), raw.end(), id.begin());
    return id;
}

} // namespace

TEST_CASE("ledger v3 -> v6 keeps every row and column and adds orders, refusals and receipts", "[uploader][ledger]")
{
    TempDir dir;
    const auto path = dir / "ledger.db";
    std::map<std::string, Table> before;
    {
        SqliteDatabase db;
        REQUIRE(db.open(path).ok());
        REQUIRE(db.migrate(ledgerMigrations(3)).ok());
        REQUIRE(db.userVersion().value() == 3);
        REQUIRE(db.exec(kV3Rows).ok());
        // The file really is v3: its targets refuse the state v4 adds, and it has no orders.
        CHECK_FALSE(db.exec("UPDATE targets SET state = 'cancelled' WHERE state = 'claimed'").ok());
        CHECK_FALSE(db.exec("SELECT 1 FROM orders").ok());
        before = dump(db);
        REQUIRE(before.at("targets").rows.size() == 6);
        REQUIRE(before.at("bundles").rows.size() == 2);
    }

    Ledger ledger;
    REQUIRE(ledger.open(path).ok());
    CHECK(ledger.db().userVersion().value() == 6);

    // Every v3 table has the same columns in the same order and the same rows, value for value.
    auto after = dump(ledger.db());
    for (const auto& [name, table] : before) {
        INFO("table " << name);
        REQUIRE(after.count(name) == 1);
        CHECK(after.at(name).columns == table.columns);
        CHECK(after.at(name).rows == table.rows);
    }
    CHECK(after.size() == before.size() + 8);
    CHECK(after.count("orders") == 1);
    CHECK(after.count("refusals") == 1); // v5
    CHECK(after.count("receipts") == 1); // v5
    for (const char* v6 : {"monitoring", "reaction_counts", "replies_seen", "report_sequence", "reports"})
        CHECK(after.count(v6) == 1);

    // The v3 indexes are back on the rebuilt table (targets_by_due keeps its partial WHERE: the
    // scheduler's query depends on it), plus the v4 ones.
    auto indexes =
        column(ledger.db(), "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name");
    REQUIRE(indexes.ok());
    CHECK(*indexes
          == std::vector<std::string>{"orders_by_post",
                                      "replies_unreported",
                                      "targets_by_due",
                                      "targets_by_post",
                                      "targets_by_state"});
    auto due = column(ledger.db(), "SELECT sql FROM sqlite_master WHERE name = 'targets_by_due'");
    REQUIRE(due.ok());
    REQUIRE(due->size() == 1);
    CHECK_THAT(due->front(), Catch::Contains("WHERE state IN ('claimed', 'sent', 'unknown')"));
    auto fk = column(ledger.db(), "SELECT count(*) FROM pragma_foreign_key_check");
    REQUIRE(fk.ok());
    CHECK(fk->front() == "0");

    // The ledger's own readers see the old rows as before.
    const auto b1 = bundleId(kBundle1);
    const auto b2 = bundleId(kBundle2);
    auto targets = ledger.targets(b1);
    REQUIRE(targets.ok());
    REQUIRE(targets->size() == 5);
    CHECK(targets->at(0).state == TargetState::Claimed);
    CHECK(targets->at(0).dueAt == 90000);
    CHECK(targets->at(0).reason == "scheduled");
    CHECK(targets->at(1).state == TargetState::Sent);
    CHECK(targets->at(1).idempotencyKey == "3kabcdefghij2");
    CHECK(targets->at(1).channelIndex == 1);
    CHECK(targets->at(2).state == TargetState::Unknown);
    CHECK(targets->at(2).idempotencyKey == "idem-mastodon");
    CHECK(targets->at(2).dueAt == 150);
    CHECK(targets->at(3).state == TargetState::Done);
    CHECK(targets->at(3).url == "https://x.com/press/status/1800000000000000001");
    CHECK(targets->at(3).version == 3);
    CHECK(targets->at(4).state == TargetState::Failed);
    CHECK(targets->at(4).updatedAt == 204);
    auto sealed = ledger.bundle(b2);
    REQUIRE(sealed.ok());
    REQUIRE(sealed->has_value());
    CHECK((*sealed)->manifestSealed == Bytes{0xde, 0xad, 0xbe, 0xef});
    CHECK((*sealed)->completedAt == std::optional<std::int64_t>(300));
    CHECK(ledger.nextDue(200).value() == std::optional<std::int64_t>(90000));
    CHECK(ledger.suspension().value().has_value());

    // v4 at work on the migrated rows: the scheduled target can be cancelled, a published one
    // cannot, and orders are recorded and resolved against the old bundles.
    REQUIRE(ledger.cancelTarget(targets->at(0), "cancelled by cancel order 0123", 500).ok());
    CHECK(ledger.cancelTarget(targets->at(3), "too late", 500).code() == Errc::InvalidState);
    auto about = ledger.targetsAbout(kPost, "outbox:press");
    REQUIRE(about.ok());
    REQUIRE(about->size() == 1);
    CHECK(about->at(0).state == TargetState::Cancelled);
    CHECK(about->at(0).dueAt == 90000);
    CHECK(ledger.nextDue(200).value() == std::nullopt);

    OrderRecord order;
    order.bundleId = b2;
    order.orderId = std::string(32, 'c');
    order.channel = "outbox:press";
    order.postId = kPost;
    order.action = "cancel";
    order.updatedAt = 500;
    REQUIRE(ledger.addOrder(order).ok());
    OrderRecord stray = order;
    stray.bundleId = bundleId(std::string(32, 'f')); // no such bundle: the foreign key holds
    CHECK_FALSE(ledger.addOrder(stray).ok());
    order.state = OrderState::Cancelled;
    order.reason = "cancelled before it was published";
    REQUIRE(ledger.resolveOrder(order).ok());
    auto orders = ledger.ordersAbout(kPost, "outbox:press");
    REQUIRE(orders.ok());
    REQUIRE(orders->size() == 1);
    CHECK(orders->at(0).state == OrderState::Cancelled);
    CHECK(orders->at(0).reason == "cancelled before it was published");
    CHECK(ledger.orderCounts().value()
          == StateCounts{{"pending", 0}, {"cancelled", 1}, {"retracted", 0}, {"failed", 0}});

    // Opening the v4 ledger again changes nothing.
    const auto migrated = dump(ledger.db());
    Ledger again;
    REQUIRE(again.open(path).ok());
    CHECK(dump(again.db()) == migrated);
}

TEST_CASE("an empty or corrupt ledger is reported damaged and never rebuilt", "[uploader][ledger][damage]")
{
    TempDir dir;
    const auto path = dir / "ledger.db";
    {
        std::ofstream(path).close(); // a ledger that lost everything
        Ledger ledger;
        const auto s = ledger.open(path);
        CHECK(s.code() == Errc::Damaged);
        CHECK_THAT(s.error().message, Catch::Contains("would not know which bundles were already published"));
        CHECK(std::filesystem::file_size(path) == 0); // nothing was written into it
    }
    {
        Ledger ledger;
        REQUIRE(ledger.open(path, true).ok()); // init may create it
        REQUIRE(ledger.setConfig("filler", std::string(20000, 'x')).ok());
        ledger.close();
        std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(4096);
        const std::string noise(3 * 4096, '\x5a');
        io.write(noise.data(), static_cast<std::streamsize>(noise.size()));
    }
    Ledger again;
    CHECK(again.open(path).code() == Errc::Damaged);
}
