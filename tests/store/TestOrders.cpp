// SPDX-License-Identifier: GPL-3.0-or-later
// Orders in the store: the v3 -> v4 migration on a store full of data, the repository's own
// rules (it refuses on its own, whatever the workflow got wrong), and receipt results.
#include "postern/store/OrderRepository.h"
#include "postern/util/Sqlite.h"

#include "Schema.h"
#include "StoreFixture.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;
using postern::test::StoreFixture;
using postern::test::TestUser;

namespace {

std::int64_t scalar(SqliteDatabase& db, const std::string& sql)
{
    auto st = must(db.prepare(sql));
    REQUIRE(must(st.step()));
    return st.columnInt(0);
}

std::string text(SqliteDatabase& db, const std::string& sql)
{
    auto st = must(db.prepare(sql));
    REQUIRE(must(st.step()));
    return st.columnText(0);
}

/** OrderFixture has staff and one post that left in bundle "b1" on two channels. */
struct OrderFixture : StoreFixture
{
    OrderFixture()
        : alice(addUser("alice", kRoleAuthor)),
          avery(addUser("avery", kRoleApprover)),
          blake(addUser("blake", kRoleApprover)),
          olive(addUser("olive", kRoleOperator))
    {
        post = newPost(alice, "first", kT0, {"bluesky:press", "x:press"});
        approve(post, avery);
        exportPost(post, "b1");
    }

    void exportPost(const std::string& id, const std::string& bundleId, std::vector<std::string> orders = {})
    {
        const std::int64_t seq = must(store->exports().reserveSequence());
        std::vector<ExportItem> items;
        if (!id.empty())
            items.push_back({id, must(store->posts().get(id)).currentVersion});
        must(store->exports().recordExport(
            {seq, bundleId, "/media/" + bundleId, "AAAA", kT0 + 10, olive.id(), items, std::move(orders)}));
    }

    NewOrder order(const std::string& action, std::vector<std::string> channels, const TestUser& by)
    {
        NewOrder o;
        o.orderId = PostRepository::newPostId();
        o.postId = post;
        o.action = action;
        // The store treats the content as opaque bytes; only their digest must match.
        o.content = "{\"order_id\":\"" + o.orderId + "\",\"action\":\"" + action + "\"}";
        o.digest = crypto::blake2b256(kOrderDigestContext, asBytes(o.content));
        o.channels = std::move(channels);
        o.reason = "wrong date in the text";
        o.requestedBy = by.id();
        o.createdAt = kT0 + 20;
        return o;
    }

    OrderApprovalRecord approval(const OrderRecord& o, const TestUser& by)
    {
        return {o.id, by.id(), o.digest, by.key.sign(kOrderApprovalContext, o.digest), kT0 + 30};
    }

    TestUser& alice;
    TestUser& avery;
    TestUser& blake;
    TestUser& olive;
    std::string post;
};

} // namespace

TEST_CASE("migration 4 keeps every row of a v3 store and adds the order tables", "[store][orders]")
{
    test::TempDir dir;
    const auto path = dir / "postern.db";
    {
        // A v3 store with a published and a failed post, approvals, an export and a receipt,
        // written with the v1..v3 migrations exactly as a released Postern left it.
        SqliteDatabase raw;
        must(raw.open(path));
        const auto& all = storeMigrations();
        REQUIRE(all.size() >= 4);
        must(raw.migrate({all[0], all[1], all[2]}));
        REQUIRE(must(raw.userVersion()) == 3);
        const std::string key(64, 'a');
        must(raw.exec("INSERT INTO workstation(id, name, public_key, created_at, next_sequence) VALUES(1, 'ws', "
                      "zeroblob(32), 1, 2);"
                      "INSERT INTO users(id, name, public_key, roles, key_file, created_at) VALUES"
                      "(1, 'ann', randomblob(32), 1, 'k', 1), (2, 'ben', randomblob(32), 2, 'k', 1),"
                      "(3, 'oli', randomblob(32), 4, 'k', 1);"
                      "INSERT INTO posts(id, author_id, state, current_version, created_at, updated_at, schedule, "
                      "channels, title, last_reason) VALUES"
                      "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 'published', 1, 1, 5, NULL, 'x:p', 'Hello', ''),"
                      "('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 'failed', 1, 2, 6, 99, 'x:p', 'Two', 'x:p: 503');"
                      "INSERT INTO post_versions VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, '{}', randomblob(32), "
                      "NULL, 'x:p', 1, 1), ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, '{}', randomblob(32), 99, 'x:p', "
                      "2, 1);"
                      "INSERT INTO approvals(post_id, version, user_id, digest, signature, created_at) VALUES"
                      "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 2, randomblob(32), randomblob(64), 3);"
                      "INSERT INTO exports(id, sequence, bundle_id, path, file_fingerprint, created_at, created_by) "
                      "VALUES(1, 1, 'b1', '/m', 'F', 4, 3);"
                      "INSERT INTO export_items VALUES(1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1),"
                      "(1, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1);"
                      "INSERT INTO receipts VALUES('b1', 'receipt text', 5);"
                      "INSERT INTO post_results VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 'x:p', 'published', "
                      "'123', 'https://x.com/p/123', '', 'b1', 5), ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 'x:p', "
                      "'failed', '', '', '503', 'b1', 6);"));
    }
    auto store = must(WorkstationStore::open(dir.path()));
    CHECK(must(store->schemaVersion()) == 4);
    const PostRecord a = must(store->posts().get("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    CHECK(a.state == PostState::Published);
    CHECK(a.title == "Hello");
    CHECK(a.schedule == 0);
    const PostRecord b = must(store->posts().get("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
    CHECK(b.state == PostState::Failed);
    CHECK(b.schedule == 99);
    CHECK(b.lastReason == "x:p: 503");
    const auto results = must(store->exports().results("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    REQUIRE(results.size() == 1);
    CHECK(results[0].url == "https://x.com/p/123");
    CHECK(must(store->exports().byBundleId("b1")).items.size() == 2);
    store.reset();

    SqliteDatabase raw;
    must(raw.open(path));
    CHECK(scalar(raw, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(scalar(raw, "SELECT count(*) FROM approvals") == 1);
    CHECK(scalar(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'posts_%'") == 6);
    CHECK(scalar(raw,
                 "SELECT count(*) FROM sqlite_master WHERE name IN ('orders', 'order_approvals', "
                 "'order_results', 'posts_v3', 'post_results_v4')")
          == 3);
    // The rebuilt tables are still STRICT and keep their foreign keys to posts.
    CHECK_THAT(text(raw, "SELECT sql FROM sqlite_master WHERE name = 'posts'"), Catch::Contains("STRICT"));
    CHECK(raw.exec("INSERT INTO post_versions VALUES('cccccccccccccccccccccccccccccccc', 1, '{}', randomblob(32), "
                   "NULL, 'x:p', 1, 1)")
              .code()
          != Errc::Ok);
    must(raw.exec("UPDATE posts SET state = 'retracted' WHERE id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'"));
    must(raw.exec("UPDATE post_results SET state = 'cancelled' WHERE post_id = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'"));
    CHECK(raw.exec("UPDATE posts SET state = 'gone' WHERE id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'").code() != Errc::Ok);
}

TEST_CASE("an order is stored verbatim and refused when it cannot be right", "[store][orders]")
{
    OrderFixture f;
    auto& orders = f.store->orders();
    const NewOrder good = f.order("cancel", {"x:press"}, f.alice);
    const OrderRecord o = must(orders.create(good));
    CHECK(o.state == OrderState::Pending);
    CHECK(o.content == good.content);
    CHECK(o.channels == "x:press");
    CHECK(o.bundleId.empty());
    CHECK(must(orders.get(o.id)).reason == "wrong date in the text");

    NewOrder bad = f.order("cancel", {"bluesky:press"}, f.alice);
    bad.digest[0] ^= 1;
    CHECK(orders.create(bad).code() == Errc::InvalidArgument); // digest does not match the bytes
    bad = f.order("delete", {"bluesky:press"}, f.alice);
    CHECK(orders.create(bad).code() == Errc::InvalidArgument);
    bad = f.order("cancel", {}, f.alice);
    CHECK(orders.create(bad).code() == Errc::InvalidArgument);
    bad = f.order("cancel", {"bluesky:press"}, f.olive); // operators may not request orders
    CHECK(orders.create(bad).code() == Errc::NotAuthorised);
    bad = f.order("retract", {"x:press"}, f.avery); // x:press already has an open order
    CHECK(orders.create(bad).code() == Errc::InvalidState);
    CHECK(must(orders.create(f.order("retract", {"bluesky:press"}, f.avery))).state == OrderState::Pending);

    const std::string draft = f.newPost(f.alice, "never sent");
    bad = f.order("cancel", {"bluesky:press"}, f.alice);
    bad.postId = draft;
    CHECK(orders.create(bad).code() == Errc::InvalidState); // never exported
    bad.postId = std::string(32, 'f');
    CHECK(orders.create(bad).code() == Errc::NotFound);
    CHECK(must(orders.list({f.post, std::nullopt, 100, 0})).size() == 2);
    CHECK(must(orders.list({"", OrderState::Pending, 100, 0})).size() == 2);
}

TEST_CASE("order approvals are checked by the store itself", "[store][orders]")
{
    OrderFixture f;
    auto& orders = f.store->orders();
    const OrderRecord o = must(orders.create(f.order("retract", {"x:press"}, f.avery)));
    // The requester cannot approve; a post-approval signature does not count for an order.
    CHECK(orders.addApproval(f.approval(o, f.avery)).code() == Errc::SelfApproval);
    OrderApprovalRecord wrongContext = f.approval(o, f.blake);
    wrongContext.signature = f.blake.key.sign(kApprovalContext, o.digest);
    CHECK(orders.addApproval(wrongContext).code() == Errc::BadApprovalSignature);
    CHECK(orders.addApproval(f.approval(o, f.alice)).code() == Errc::NotAuthorised);
    CHECK(orders.setApproved(o.id, true, kT0).code() == Errc::NotApproved);
    must(orders.addApproval(f.approval(o, f.blake)));
    CHECK(orders.addApproval(f.approval(o, f.blake)).code() == Errc::AlreadyExists);
    CHECK(must(orders.approvals(o.id)).size() == 1);
    must(orders.setApproved(o.id, true, kT0 + 40));
    CHECK(must(orders.get(o.id)).state == OrderState::Approved);
    CHECK(orders.addApproval(f.approval(o, f.avery)).code() == Errc::InvalidState); // no longer pending

    // Withdraw is the requester's; decline is another approver's.
    CHECK(orders.withdraw(o.id, f.blake.id(), kT0).code() == Errc::NotAuthorised);
    CHECK(orders.decline(o.id, f.avery.id(), "mine", kT0).code() == Errc::SelfApproval);
    CHECK(orders.decline(o.id, f.blake.id(), "", kT0).code() == Errc::InvalidArgument);
    must(orders.decline(o.id, f.blake.id(), "the date was right", kT0 + 50));
    const OrderRecord declined = must(orders.get(o.id));
    CHECK(declined.state == OrderState::Declined);
    CHECK(declined.decidedBy == f.blake.id());
    CHECK(declined.lastReason == "the date was right");
    CHECK(orders.withdraw(o.id, f.avery.id(), kT0).code() == Errc::InvalidState);
}

TEST_CASE("exported orders take their receipt results to the post", "[store][orders]")
{
    OrderFixture f;
    auto& orders = f.store->orders();
    // b1's receipt: published on x, still scheduled on bluesky.
    must(f.store->exports().importReceipt(
        "b1",
        "r1",
        {{f.post, 1, "bluesky:press", PublishOutcome::Scheduled, "", "", "", 0},
         {f.post, 1, "x:press", PublishOutcome::Published, "9", "https://x.com/9", "", 0}},
        kT0 + 60));
    CHECK(must(f.store->posts().get(f.post)).state == PostState::Exported);

    const OrderRecord o = must(orders.create(f.order("retract", {"bluesky:press", "x:press"}, f.alice)));
    const std::int64_t seq = must(f.store->exports().reserveSequence());
    // Not approved yet: nothing is recorded.
    CHECK(f.store->exports().recordExport({seq, "b2", "/m/b2", "BBBB", kT0 + 70, f.olive.id(), {}, {o.id}}).code()
          == Errc::NotApproved);
    must(orders.addApproval(f.approval(o, f.avery)));
    must(orders.setApproved(o.id, true, kT0 + 65));
    const ExportRecord b2 =
        must(f.store->exports().recordExport({seq, "b2", "/m/b2", "BBBB", kT0 + 70, f.olive.id(), {}, {o.id}}));
    CHECK(b2.items.empty());
    CHECK(b2.orderIds == std::vector<std::string>{o.id});
    CHECK(must(f.store->exports().byBundleId("b2")).orderIds == std::vector<std::string>{o.id});
    CHECK(must(orders.get(o.id)).state == OrderState::Exported);
    CHECK(must(orders.get(o.id)).bundleId == "b2");
    CHECK(orders.withdraw(o.id, f.alice.id(), kT0).code() == Errc::InvalidState);
    const std::int64_t seq3 = must(f.store->exports().reserveSequence());
    CHECK(f.store->exports().recordExport({seq3, "b3", "/m/b3", "C", kT0 + 71, f.olive.id(), {}, {o.id}}).code()
          == Errc::AlreadyExported);

    // A result for a channel the order does not name is refused, and nothing changes.
    CHECK(f.store->exports()
              .importReceipt("b2", "r2", {}, kT0 + 80, {{o.id, "mastodon:press", OrderOutcome::Retracted, "", "", 0}})
              .code()
          == Errc::InvalidArgument);
    CHECK(must(orders.get(o.id)).state == OrderState::Exported);

    must(f.store->exports().importReceipt("b2",
                                          "r2",
                                          {},
                                          kT0 + 80,
                                          {{o.id, "bluesky:press", OrderOutcome::Cancelled, "", "", 0},
                                           {o.id, "x:press", OrderOutcome::Retracted, "", "", 0}}));
    CHECK(must(orders.get(o.id)).state == OrderState::Done);
    CHECK(must(orders.results(o.id)).size() == 2);
    const PostRecord p = must(f.store->posts().get(f.post));
    CHECK(p.state == PostState::Retracted);
    const auto results = must(f.store->exports().results(f.post));
    REQUIRE(results.size() == 2);
    CHECK(results[0].outcome == PublishOutcome::Cancelled);
    CHECK(results[1].outcome == PublishOutcome::Retracted);
    CHECK(results[1].url == "https://x.com/9"); // kept: the history still says where it was
    // A retracted post cannot be edited back into the workflow.
    CHECK(f.store->posts().addVersion(f.post, StoreFixture::version("again", f.alice.id(), kT0 + 90)).code()
          == Errc::InvalidState);
}

TEST_CASE("a partly failed order and a rejected bundle", "[store][orders]")
{
    OrderFixture f;
    auto& orders = f.store->orders();
    const OrderRecord o = must(orders.create(f.order("cancel", {"bluesky:press", "x:press"}, f.alice)));
    must(orders.addApproval(f.approval(o, f.avery)));
    must(orders.setApproved(o.id, true, kT0 + 65));
    f.exportPost("", "b2", {o.id});
    must(f.store->exports().importReceipt(
        "b2",
        "r2",
        {},
        kT0 + 80,
        {{o.id, "bluesky:press", OrderOutcome::Cancelled, "", "", 0},
         {o.id, "x:press", OrderOutcome::Failed, "already published; use a retract order", "", 0}}));
    const OrderRecord after = must(orders.get(o.id));
    CHECK(after.state == OrderState::PartlyFailed);
    CHECK(after.lastReason == "x:press: already published; use a retract order");
    // One channel stopped, one not: the post is still on its way (exported), not cancelled.
    CHECK(must(f.store->posts().get(f.post)).state == PostState::Exported);

    const OrderRecord o2 = must(orders.create(f.order("cancel", {"x:press"}, f.alice)));
    must(orders.addApproval(f.approval(o2, f.blake)));
    must(orders.setApproved(o2.id, true, kT0 + 65));
    f.exportPost("", "b3", {o2.id});
    must(f.store->exports().importReceipt("b3", "r3", {}, kT0 + 90, {}, "bad-header-signature"));
    const OrderRecord rejected = must(orders.get(o2.id));
    CHECK(rejected.state == OrderState::Failed);
    CHECK_THAT(rejected.lastReason, Catch::Contains("refused by the uploader:") && Catch::Contains("(bad-header-signature)"));

    // A channel the receipt leaves out counts as failed, with that said.
    const OrderRecord o3 = must(orders.create(f.order("retract", {"x:press"}, f.alice)));
    must(orders.addApproval(f.approval(o3, f.blake)));
    must(orders.setApproved(o3.id, true, kT0 + 95));
    f.exportPost("", "b4", {o3.id});
    must(f.store->exports().importReceipt("b4", "r4", {}, kT0 + 99, {}));
    const OrderRecord silent = must(orders.get(o3.id));
    CHECK(silent.state == OrderState::Failed);
    CHECK(silent.lastReason == "x:press: the receipt does not report this channel");
}
