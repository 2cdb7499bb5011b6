// SPDX-License-Identifier: GPL-3.0-or-later
// Ledger v6, monitoring (src/uploader/ledger/LedgerMonitor.cpp): a v5 ledger with published posts
// is migrated and its targets are read back; counts form a time series, replies are kept once
// with the report that first carried them, and the report sequence only ever advances by one.
#include "postern/uploader/ledger/Ledger.h"

#include "LedgerSchema.h"
#include "TempDir.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace postern;
using namespace postern::uploader;
using postern::test::TempDir;

namespace {

// A v5 ledger: two published targets (one later retracted), one failed, one published by the
// outbox, one refusal and its receipt. Values are distinct per column.
constexpr std::string_view kV5Rows = R"sql(
INSERT INTO workstations(key, name, fingerprint, trusted_at, high_water) VALUES(zeroblob(32), 'ws1', 'fp', 100, 7);
INSERT INTO bundles(bundle_id, workstation, sequence, created, expires, received_at, policy_version, manifest,
                    state, receipt_path, bundle_path, completed_at, manifest_sealed)
    VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', zeroblob(32), 6, 110, 7310, 120, 1, '', 'complete',
           '/in/6.postern.receipt', '/in/6.postern', 300, X'01');
INSERT INTO targets(bundle_id, post_index, channel_index, post_id, version, channel, state, platform_id, url, reason,
                    updated_at, idempotency_key, due_at)
    VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 0, '00000000000000000000000000000000', 1,
           'mastodon:press@example.org', 'done', '109000000000000001', 'https://example.org/@press/1', '', 1000,
           'k1', 0),
          ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 1, '00000000000000000000000000000000', 1, 'outbox:press', 'done',
           'aaaa/000-01', 'file:///o', '', 1001, '', 0),
          ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 0, '11111111111111111111111111111111', 2,
           'mastodon:press@example.org', 'done', '109000000000000002', 'https://example.org/@press/2', '', 2000,
           'k2', 0),
          ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 2, 0, '22222222222222222222222222222222', 3,
           'mastodon:press@example.org', 'failed', '', '', 'refused', 2001, 'k3', 0);
INSERT INTO orders(bundle_id, order_id, channel, post_id, action, order_created, state, reason, updated_at)
    VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'cccccccccccccccccccccccccccccccc', 'mastodon:press@example.org',
           '11111111111111111111111111111111', 'retract', 2500, 'retracted', '', 2600);
INSERT INTO refusals(bundle_id, workstation, sequence, code, reason, receipt_path, refused_at)
    VALUES('dddddddddddddddddddddddddddddddd', zeroblob(32), 5, 'expired', 'old', '/in/5.receipt', 90);
INSERT INTO receipts(bundle_id, text, written_at) VALUES('dddddddddddddddddddddddddddddddd', '{"r":1}', 91);
)sql";

TargetKey keyOf(const TargetRecord& t)
{
    return TargetKey{t.bundleId, t.postIndex, t.channelIndex};
}

ReplyRecord reply(const TargetKey& k, std::string id, std::int64_t firstSeen)
{
    ReplyRecord r;
    r.target = k;
    r.platformId = std::move(id);
    r.url = "https://example.net/@a/" + r.platformId;
    r.authorHandle = "a@example.net";
    r.authorName = "A";
    r.text = "hello";
    r.createdAt = firstSeen - 5;
    r.inReplyTo = "109000000000000001";
    r.firstSeen = firstSeen;
    return r;
}

} // namespace

TEST_CASE("ledger v5 -> v6 adds monitoring and reads the published targets back", "[uploader][ledger][monitor]")
{
    TempDir dir;
    const auto path = dir / "ledger.db";
    {
        SqliteDatabase db;
        REQUIRE(db.open(path).ok());
        REQUIRE(db.migrate(ledgerMigrations(5)).ok());
        REQUIRE(db.exec(kV5Rows).ok());
        CHECK_FALSE(db.exec("SELECT 1 FROM replies_seen").ok()); // really v5
    }
    Ledger ledger;
    REQUIRE(ledger.open(path).ok());
    CHECK(ledger.db().userVersion().value() == 6);
    const crypto::PublicKey ws{}; // zeroblob(32) in kV5Rows
    crypto::PublicKey other{};
    other.fill(0x77);
    CHECK(ledger.lastReportSequence(ws).value() == 0);
    CHECK(ledger
              .storedReceipt(bundle::BundleId{0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd,
                                              0xdd})
              .value()
          == std::optional<std::string>("{\"r\":1}"));

    // Published and not retracted: the Mastodon post and the outbox folder; the window cuts by
    // publication time.
    auto all = ledger.monitoredTargets(0);
    REQUIRE(all.ok());
    REQUIRE(all->size() == 2);
    CHECK(all->at(0).target.platformId == "109000000000000001");
    CHECK(all->at(0).lastReadAt == 0);
    CHECK(all->at(0).workstation == crypto::PublicKey{});
    CHECK(all->at(1).target.channel == "outbox:press");
    CHECK(ledger.monitoredTargets(1001).value().size() == 1);
    CHECK(ledger.monitoredTargets(1002).value().empty());

    const TargetKey k = keyOf(all->at(0).target);
    REQUIRE(ledger.recordRead(k, 3000, "", "no quote or view counts").ok());
    REQUIRE(ledger.recordRead(k, 3100, "109000000000000009", "no quote or view counts").ok());
    REQUIRE(ledger.recordRead(k, 3050, "", "again").ok()); // an older read never moves the cursor back
    auto again = ledger.monitoredTargets(0).value();
    CHECK(again.at(0).lastReadAt == 3100);
    CHECK(again.at(0).sinceReply == "109000000000000009");
    CHECK(again.at(0).note == "again");

    // Counts over time; NULL where the platform gives none; negative refused by name.
    CountsRecord c;
    c.target = k;
    c.readAt = 3000;
    c.likes = 112;
    c.reposts = 98;
    c.replies = 7;
    REQUIRE(ledger.addCounts(c).ok());
    c.readAt = 3100;
    c.likes = std::numeric_limits<std::int64_t>::max();
    REQUIRE(ledger.addCounts(c).ok());
    c.readAt = 3200;
    c.likes = -1;
    CHECK(ledger.addCounts(c).code() == Errc::BadValue);
    auto series = ledger.countsOf(k).value();
    REQUIRE(series.size() == 2);
    CHECK(series[0].likes == std::optional<std::int64_t>(112));
    CHECK(series[0].quotes == std::nullopt);
    CHECK(series[1].likes == std::optional<std::int64_t>(std::numeric_limits<std::int64_t>::max()));
    // The CHECK constraints hold even against a writer that skips the check.
    CHECK_FALSE(ledger.db().exec("UPDATE reaction_counts SET views = -5").ok());

    // A reply is stored once; a report carries what was seen before it was collected.
    CHECK(ledger.addReply(reply(k, "r1", 3000)).value());
    CHECK_FALSE(ledger.addReply(reply(k, "r1", 3100)).value());
    CHECK(ledger.addReply(reply(k, "r2", 3100)).value());
    CHECK(ledger.unreportedReplies(ws).value().size() == 2);
    CHECK(ledger.unreportedReplies(other).value().empty()); // replies go to their post's workstation
    REQUIRE(ledger.recordReport(ws, 1, "{\"report\":1}", "/out/1.report", 3050, {}, 3060).ok());
    auto left = ledger.unreportedReplies(ws).value();
    REQUIRE(left.size() == 1);
    CHECK(left[0].platformId == "r2");
    CHECK(left[0].firstSeen == 3100);
    CHECK(ledger.lastReportSequence(ws).value() == 1);
    CHECK(ledger.lastReportSequence(other).value() == 0);
    CHECK(ledger.storedReport(ws, 1).value() == std::optional<std::string>("{\"report\":1}"));
    // Only the next number is taken: a replayed or skipped sequence changes nothing.
    CHECK(ledger.recordReport(ws, 1, "x", "/out/x", 9999, {}, 9999).code() == Errc::InvalidState);
    CHECK(ledger.recordReport(ws, 3, "x", "/out/x", 9999, {}, 9999).code() == Errc::InvalidState);
    CHECK(ledger.recordReport(ws, std::numeric_limits<std::uint64_t>::max(), "x", "/out/x", 9999, {}, 9999).code()
          == Errc::InvalidState);
    CHECK(ledger.unreportedReplies(ws).value().size() == 1);
    // A reply a cap held back stays unreported for the next report.
    REQUIRE(ledger.recordReport(ws, 2, "{\"report\":2}", "/out/2.report", 3100, left, 3110).ok());
    CHECK(ledger.unreportedReplies(ws).value().size() == 1);
    REQUIRE(ledger.recordReport(ws, 3, "{\"report\":3}", "/out/3.report", 3100, {}, 3120).ok());
    CHECK(ledger.unreportedReplies(ws).value().empty());
    CHECK(ledger.storedReport(ws, 2).value() == std::optional<std::string>("{\"report\":2}"));

    // A reply for a target that does not exist is refused by the foreign key.
    TargetKey stray = k;
    stray.postIndex = 9;
    CHECK_FALSE(ledger.addReply(reply(stray, "r3", 3200)).ok());
}
