// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/AuditLog.h"
#include "postern/util/Sqlite.h"

#include "StoreFixture.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;
using postern::test::StoreFixture;
using postern::test::TestUser;

namespace {

/** AuditFixture has five entries by two users and the workstation key. */
struct AuditFixture : StoreFixture
{
    AuditFixture() : admin(addUser("admin", kRoleAdmin)), olive(addUser("olive", kRoleOperator))
    {
        must(store->audit().append(admin.key, "user.add", "olive", "roles=operator", kT0));
        must(store->audit().append(olive.key, "login", "olive", "", kT0 + 1));
        must(store->audit().append(olive.key, "export", "bundle-1", "posts=2", kT0 + 2));
        must(store->audit().append(workstationKey, "receipt.import", "bundle-1", "published=2", kT0 + 3));
        must(store->audit().append(admin.key, "policy.add", "2", "", kT0 + 4));
    }

    /**
     * tamper runs SQL through a second connection, as someone with the sqlite3 tool would,
     * after dropping the append-only triggers (which only stop accidents).
     */
    void tamper(const std::string& sql)
    {
        SqliteDatabase raw;
        must(raw.open(dbPath()));
        must(raw.exec("DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;"));
        must(raw.exec(sql));
    }

    void requireBroken(const std::string& seqText, const std::string& why)
    {
        const Status s = store->audit().verify();
        REQUIRE(s.code() == Errc::AuditChainBroken);
        CHECK_THAT(s.error().message, Catch::Contains("audit entry " + seqText + ":"));
        CHECK_THAT(s.error().message, Catch::Contains(why));
    }

    TestUser& admin;
    TestUser& olive;
};

} // namespace

TEST_CASE("the audit chain links, signs and verifies", "[store][audit]")
{
    AuditFixture f;
    must(f.store->audit().verify());
    CHECK(must(f.store->audit().count()) == 5);

    const auto all = must(f.store->audit().entries(0, 100));
    REQUIRE(all.size() == 5);
    CHECK(all[0].prevHash == crypto::Digest{}); // the first entry links to 32 zero bytes
    for (std::size_t i = 0; i < all.size(); ++i) {
        const AuditRecord& e = all[i];
        CHECK(e.seq == static_cast<std::int64_t>(i) + 1);
        if (i > 0)
            CHECK(e.prevHash == all[i - 1].hash);
        CHECK(e.hash == auditEntryHash(e.seq, e.at, e.actorKey, e.action, e.subject, e.details, e.prevHash));
        CHECK(crypto::verifySignature(e.actorKey, kAuditContext, e.hash, e.signature));
    }
    CHECK(all[3].actorKey == f.workstationKey.publicKey());
    CHECK(all[2].action == "export");
    CHECK(all[2].details == "posts=2");

    const AuditHead head = must(f.store->audit().head());
    CHECK(head.seq == 5);
    CHECK(head.hash == all[4].hash);
    must(f.store->audit().verify(head));

    const auto page = must(f.store->audit().entries(1, 2));
    REQUIRE(page.size() == 2);
    CHECK(page[0].seq == 2);
    CHECK(page[1].seq == 3);
    CHECK(f.store->audit().entries(0, 0).code() == Errc::InvalidArgument);
}

TEST_CASE("the audit encoding is length-prefixed field by field", "[store][audit]")
{
    crypto::PublicKey key{};
    key.fill(0xAA);
    crypto::Digest prev{};
    prev.fill(0x11);
    const Bytes enc = auditHashInput(1, 2, key, "a", "bc", "", prev);
    Bytes expected;
    auto field = [&](const Bytes& b) {
        putU64(expected, b.size());
        expected.insert(expected.end(), b.begin(), b.end());
    };
    field({0, 0, 0, 0, 0, 0, 0, 1});
    field({0, 0, 0, 0, 0, 0, 0, 2});
    field(Bytes(32, 0xAA));
    field(toBytes("a"));
    field(toBytes("bc"));
    field({});
    field(Bytes(32, 0x11));
    CHECK(enc == expected);
    CHECK(enc.size() == 7 * 8 + 8 + 8 + 32 + 1 + 2 + 0 + 32);

    // Moving bytes between neighbouring fields changes the hash.
    CHECK(auditEntryHash(1, 2, key, "a", "bc", "", prev) != auditEntryHash(1, 2, key, "ab", "c", "", prev));
    CHECK(auditEntryHash(1, 2, key, "a", "bc", "", prev) != auditEntryHash(1, 2, key, "a", "b", "c", prev));
    CHECK(auditEntryHash(1, 2, key, "a", "bc", "", prev)
          == crypto::blake2b256(kAuditContext, auditHashInput(1, 2, key, "a", "bc", "", prev)));
}

TEST_CASE("only known keys may append audit entries", "[store][audit]")
{
    StoreFixture f;
    const auto stranger = crypto::SigningKey::generate();
    CHECK(f.store->audit().append(stranger, "login", "x", "", kT0).code() == Errc::UnknownSigner);
    CHECK(f.store->audit().append(f.workstationKey, "", "x", "", kT0).code() == Errc::InvalidArgument);
    CHECK(must(f.store->audit().count()) == 0);
    CHECK(must(f.store->audit().head()) == AuditHead{});
    must(f.store->audit().verify()); // an empty log is a valid one
}

TEST_CASE("the audit table refuses updates and deletes through SQL", "[store][audit]")
{
    AuditFixture f;
    SqliteDatabase raw;
    must(raw.open(f.dbPath()));
    CHECK_FALSE(raw.exec("UPDATE audit SET details = 'x' WHERE seq = 2").ok());
    CHECK_FALSE(raw.exec("DELETE FROM audit WHERE seq = 5").ok());
    must(f.store->audit().verify());
}

TEST_CASE("audit verify detects an edited field", "[store][audit]")
{
    AuditFixture f;
    f.tamper("UPDATE audit SET details = 'posts=1' WHERE seq = 3");
    f.requireBroken("3", "hash mismatch");
}

TEST_CASE("audit verify detects an edited timestamp", "[store][audit]")
{
    AuditFixture f;
    f.tamper("UPDATE audit SET at = at - 86400 WHERE seq = 2");
    f.requireBroken("2", "hash mismatch");
}

TEST_CASE("audit verify detects a deleted middle entry", "[store][audit]")
{
    AuditFixture f;
    f.tamper("DELETE FROM audit WHERE seq = 3");
    f.requireBroken("3", "missing");
}

TEST_CASE("audit verify detects renumbering after a deletion", "[store][audit]")
{
    AuditFixture f;
    f.tamper("DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3");
    f.requireBroken("3", "broken link");
}

TEST_CASE("audit verify detects reordered entries", "[store][audit]")
{
    AuditFixture f;
    f.tamper("UPDATE audit SET seq = 1002 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; "
             "UPDATE audit SET seq = 3 WHERE seq = 1002");
    f.requireBroken("2", "broken link");
}

TEST_CASE("audit verify detects a forged signature", "[store][audit]")
{
    AuditFixture f;
    const auto entries = must(f.store->audit().entries(3, 1));
    REQUIRE(entries.size() == 1);
    const auto stranger = crypto::SigningKey::generate();
    const crypto::Signature forged = stranger.sign(kAuditContext, entries[0].hash);
    f.tamper("UPDATE audit SET signature = X'" + toHex(forged) + "' WHERE seq = 4");
    f.requireBroken("4", "bad signature");
}

TEST_CASE("audit verify detects a rewritten entry signed by an outsider", "[store][audit]")
{
    AuditFixture f;
    // The attacker rewrites entry 5 consistently (correct link and hash) under their own key.
    const auto entries = must(f.store->audit().entries(3, 2));
    const auto stranger = crypto::SigningKey::generate();
    const crypto::Digest hash =
        auditEntryHash(5, kT0 + 4, stranger.publicKey(), "policy.add", "3", "", entries[0].hash);
    const crypto::Signature sig = stranger.sign(kAuditContext, hash);
    f.tamper("UPDATE audit SET actor_key = X'" + toHex(stranger.publicKey()) + "', subject = '3', hash = X'"
             + toHex(hash) + "', signature = X'" + toHex(sig) + "' WHERE seq = 5");
    f.requireBroken("5", "not a known user key");
}

TEST_CASE("audit tail truncation is caught only against a recorded head", "[store][audit]")
{
    AuditFixture f;
    const AuditHead recorded = must(f.store->audit().head());
    f.tamper("DELETE FROM audit WHERE seq >= 4");
    // On its own the shorter chain is internally consistent: this is the documented limit.
    must(f.store->audit().verify());
    const Status s = f.store->audit().verify(recorded);
    REQUIRE(s.code() == Errc::AuditChainBroken);
    CHECK_THAT(s.error().message, Catch::Contains("audit entry 5:"));
    CHECK_THAT(s.error().message, Catch::Contains("cut off"));

    // A chain rewritten from the recorded head onwards is caught too.
    AuditFixture g;
    const AuditHead head3{3, must(g.store->audit().entries(2, 1))[0].hash};
    g.tamper("DELETE FROM audit WHERE seq >= 3");
    must(g.store->audit().append(g.olive.key, "export", "bundle-1", "posts=1", kT0 + 2));
    must(g.store->audit().verify());
    const Status t = g.store->audit().verify(head3);
    REQUIRE(t.code() == Errc::AuditChainBroken);
    CHECK_THAT(t.error().message, Catch::Contains("rewritten"));
}

TEST_CASE("an audit entry commits or rolls back with the change it records", "[store][audit]")
{
    StoreFixture f;
    auto& admin = f.addUser("admin", kRoleAdmin);
    auto& alice = f.addUser("alice", kRoleAuthor);
    const std::string id = f.newPost(alice, "hello");

    // The transition fails (draft cannot go to approved), so the entry written before it goes too.
    const Status s = f.store->transaction([&]() -> Status {
        POSTERN_TRY(f.store->audit().append(alice.key, "post.approve", id, "", kT0));
        return f.store->reviews().transition(id, {PostState::Draft}, PostState::Approved, "", kT0);
    });
    CHECK(s.code() == Errc::InvalidState);
    CHECK(must(f.store->audit().count()) == 0);

    must(f.store->transaction([&]() -> Status {
        POSTERN_TRY(f.store->reviews().transition(id, {PostState::Draft}, PostState::InReview, "", kT0));
        POSTERN_TRY(f.store->audit().append(alice.key, "post.submit", id, "version=1", kT0));
        return Status{};
    }));
    CHECK(must(f.store->posts().get(id)).state == PostState::InReview);
    CHECK(must(f.store->audit().count()) == 1);
    // Audit entries of a user disabled later still verify.
    must(f.store->users().disable(alice.id()));
    must(f.store->audit().append(admin.key, "user.disable", "alice", "", kT0 + 1));
    must(f.store->audit().verify());
}
