// SPDX-License-Identifier: GPL-3.0-or-later
// Queries: the reads the CLI and the GUI make through the workflow instead of the store, on a
// real store: the audit log with names, the post pane's detail, pickers and lookups, receipts
// worth offering, and backup and restore; with the errors a wrong id or limit gets.
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace postern;
using namespace postern::workflow;

namespace {

crypto::SecureBuffer pass(std::string_view s)
{
    return crypto::SecureBuffer(asBytes(s));
}

domain::ChannelId channel(std::string_view id)
{
    return domain::ChannelId::parse(id).value();
}

const crypto::KdfParams kKdf = crypto::KdfParams::interactive();

std::vector<std::string> sorted(std::vector<std::string> names)
{
    std::sort(names.begin(), names.end());
    return names;
}

/** Desk: outbox:press needs 2 of bob, carol and dave; outbox:news 1 of dave. */
struct Desk
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    std::unique_ptr<Workstation> ws;
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();

    Desk()
    {
        REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kKdf, clock).ok());
        ws = std::move(Workstation::open(dir / "store", clock)).value();
        auto admin = as("ada");
        using domain::Role;
        for (auto [name, role] : {std::pair{"alice", Role::Author},
                                  std::pair{"bob", Role::Approver},
                                  std::pair{"carol", Role::Approver},
                                  std::pair{"dave", Role::Approver},
                                  std::pair{"olga", Role::Operator}})
            REQUIRE(ws->addUser(admin,
                                name,
                                static_cast<domain::RoleSet>(role),
                                pass(std::string(name) + " passphrase 1"),
                                kKdf)
                        .ok());
        const std::string uploader = domain::makeUploaderIdentity("uploader-1", uploaderBox.publicKey(), uploaderSign);
        REQUIRE(ws->trustUploader(admin, uploader, domain::readUploaderIdentity(uploader)->fingerprint()).ok());
        REQUIRE(ws->setPolicy(admin,
                              {{channel("outbox:press"), 2, {"bob", "carol", "dave"}, 86400},
                               {channel("outbox:news"), 1, {"dave"}, 86400}})
                    .ok());
    }

    UnlockedUser as(std::string_view name, std::string_view passphrase = {})
    {
        auto u = ws->unlock(name, pass(passphrase.empty() ? std::string(name) + " passphrase 1" : passphrase));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    std::string draft(const std::vector<std::string>& channels, const std::string& text = "Open day on Saturday")
    {
        DraftInput in;
        for (const auto& c : channels)
            in.channels.push_back({channel(c), text, Json(Json::Object{})});
        auto post = ws->newDraft(as("alice"), in);
        REQUIRE(post.ok());
        return post->id;
    }

    std::string submitted(const std::vector<std::string>& channels)
    {
        const std::string id = draft(channels);
        REQUIRE(ws->submit(as("alice"), id).ok());
        return id;
    }

    /** exported has a post approved by `approvers` and exports it; returns the bundle id. */
    std::string exported(const std::string& post,
                         std::initializer_list<const char*> approvers = {"bob", "carol", "dave"})
    {
        for (auto name : approvers)
            REQUIRE(ws->approve(as(name), post).ok());
        auto result = ws->exportBundle(as("olga"), {post}, dir / "b1.postern", 3600);
        REQUIRE(result.ok());
        return result->bundleId;
    }

    /** receipt is a signed receipt for `bundleId` saying press was published (news not reported). */
    std::string receipt(const std::string& bundleId,
                        const std::string& post,
                        std::int64_t processedAt,
                        const crypto::SigningKey* signer = nullptr)
    {
        bundle::Receipt r;
        const Bytes id = fromHex(bundleId).value();
        std::copy(id.begin(), id.end(), r.bundleId.begin());
        r.workstation = ws->queries().workstation()->publicKey;
        r.processedAt = processedAt;
        bundle::ReceiptEntry e;
        e.postId = post;
        e.version = 1;
        e.channel = channel("outbox:press");
        e.state = bundle::ReceiptState::Published;
        e.url = "file:///srv/outbox/press/1";
        r.entries = {e};
        return bundle::makeReceipt(r, signer ? *signer : uploaderSign);
    }
};

} // namespace

TEST_CASE("queries: the audit log comes with the signers' names, newest entries last", "[workflow][queries]")
{
    Desk d;
    (void)d.as("alice"); // a login entry signed by alice
    auto summary = d.ws->queries().auditSummary();
    REQUIRE(summary.ok());

    auto page = d.ws->queries().auditTail(3);
    REQUIRE(page.ok());
    CHECK(page->total == summary->entries);
    REQUIRE(page->entries.size() == 3);
    CHECK(page->entries[0].record.seq == summary->entries - 2);
    CHECK(page->entries[2].record.seq == summary->head.seq);
    CHECK(page->entries[2].record.hash == summary->head.hash);
    CHECK(page->entries[2].record.action == "login");
    CHECK(page->entries[2].actorName == "alice");

    // Every entry has a name: users sign them, the workstation key signs none of these.
    auto all = d.ws->queries().auditTail(10000);
    REQUIRE(all.ok());
    CHECK(static_cast<std::int64_t>(all->entries.size()) == all->total);
    CHECK(all->entries.front().record.seq == 1);
    for (const auto& e : all->entries) {
        CHECK_FALSE(e.actorName.empty());
        CHECK_FALSE(e.byWorkstation);
    }

    // A re-keyed user's old entries keep a name: the retired account's.
    REQUIRE(d.ws->rotateUserKey(d.as("ada"), "alice", pass("alice passphrase 2"), kKdf).ok());
    auto after = d.ws->queries().auditTail(10000);
    REQUIRE(after.ok());
    const auto old = std::find_if(after->entries.begin(), after->entries.end(), [](const AuditEntry& e) {
        return e.record.action == "login" && e.record.subject == "alice";
    });
    REQUIRE(old != after->entries.end());
    CHECK(old->actorName.rfind("alice (retired ", 0) == 0);
}

TEST_CASE("queries: audit listings refuse limits outside 1..10000", "[workflow][queries]")
{
    Desk d;
    CHECK(d.ws->queries().auditTail(0).code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().auditTail(-5).code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().auditTail(10001).code() == Errc::InvalidArgument);
}

TEST_CASE("queries: the post detail joins the post, who may approve, orders and exported channels",
          "[workflow][queries]")
{
    Desk d;
    const std::string post = d.submitted({"outbox:news", "outbox:press"});
    REQUIRE(d.ws->approve(d.as("bob"), post).ok());

    auto detail = d.ws->queries().postDetail(post);
    REQUIRE(detail.ok());
    CHECK(detail->view.record.id == post);
    CHECK(detail->view.authorName == "alice");
    CHECK(detail->view.approverNames == std::vector<std::string>{"bob"});
    CHECK_FALSE(detail->view.approvalStatus.empty());
    REQUIRE(detail->approvers.size() == 2); // one per channel, in the post's order
    CHECK(detail->approvers[0].channel == channel("outbox:news"));
    CHECK(detail->approvers[0].hasRule);
    CHECK(detail->approvers[0].required == 1);
    CHECK(detail->approvers[0].names == std::vector<std::string>{"dave"});
    CHECK(detail->approvers[1].channel == channel("outbox:press"));
    CHECK(detail->approvers[1].required == 2);
    CHECK(sorted(detail->approvers[1].names) == std::vector<std::string>{"bob", "carol", "dave"});
    CHECK(detail->orders.empty());
    CHECK(detail->exported.empty()); // it never left
    CHECK(d.ws->queries().exportedChannels(post)->empty());

    // Exported, with a receipt for press only: news is not reported yet.
    const std::string bundleId = d.exported(post, {"carol", "dave"});
    REQUIRE(d.ws->importReceipt(d.as("olga"), d.receipt(bundleId, post, d.clock.now() + 60)).ok());
    auto requested =
        d.ws->requestOrder(d.as("alice"), post, domain::OrderAction::Cancel, {channel("outbox:news")}, "Date is wrong");
    REQUIRE(requested.ok());

    detail = d.ws->queries().postDetail(post);
    REQUIRE(detail.ok());
    REQUIRE(detail->exported.size() == 2);
    CHECK(detail->exported[0].channel == channel("outbox:news"));
    CHECK_FALSE(detail->exported[0].outcome.has_value());
    CHECK(detail->exported[1].channel == channel("outbox:press"));
    REQUIRE(detail->exported[1].outcome.has_value());
    CHECK(*detail->exported[1].outcome == store::PublishOutcome::Published);
    REQUIRE(detail->orders.size() == 1);
    CHECK(detail->orders[0].record.id == requested->record.id);
    CHECK(detail->orders[0].requesterName == "alice");
    CHECK(detail->orders[0].record.state == store::OrderState::Pending);
}

TEST_CASE("queries: a channel without a rule and disabled approvers are said as they are", "[workflow][queries]")
{
    Desk d;
    // A draft may name a channel the policy does not cover yet (submitting it is refused).
    const std::string post = d.draft({"outbox:archive", "outbox:press"});
    auto detail = d.ws->queries().postDetail(post);
    REQUIRE(detail.ok());
    REQUIRE(detail->approvers.size() == 2);
    CHECK_FALSE(detail->approvers[0].hasRule);
    CHECK(detail->approvers[0].required == 0);
    CHECK(detail->approvers[0].names.empty());

    // carol disabled: the next policy drops her, and nobody names her as an approver.
    REQUIRE(d.ws->disableUser(d.as("ada"), "carol").ok());
    auto approvers = d.ws->queries().channelApprovers({channel("outbox:press"), channel("x:nobody")});
    REQUIRE(approvers.ok());
    REQUIRE(approvers->size() == 2);
    CHECK(sorted((*approvers)[0].names) == std::vector<std::string>{"bob", "dave"});
    CHECK_FALSE((*approvers)[1].hasRule);
    CHECK(d.ws->queries().channelApprovers({})->empty());
}

TEST_CASE("queries: unknown or malformed post ids get a clear error", "[workflow][queries]")
{
    Desk d;
    const std::string post = d.submitted({"outbox:press"});
    const std::string unknown(32, '0');
    CHECK(d.ws->queries().postDetail(unknown).code() == Errc::NotFound);
    CHECK(d.ws->queries().postDetail("").code() == Errc::NotFound);
    CHECK(d.ws->queries().exportedChannels(unknown).code() == Errc::NotFound);
    CHECK(d.ws->queries().post(unknown).code() == Errc::NotFound);
    REQUIRE(d.ws->queries().post(post).ok());
    CHECK(d.ws->queries().post(post)->state == store::PostState::InReview);

    // Short ids: a prefix finds the post; anything but 1..32 lowercase hex digits is refused.
    CHECK(d.ws->queries().postIdsStartingWith(post.substr(0, 6)).value() == std::vector<std::string>{post});
    CHECK(d.ws->queries().postIdsStartingWith(post).value() == std::vector<std::string>{post});
    std::string other = post.substr(0, 6);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    CHECK(d.ws->queries().postIdsStartingWith(other).value().empty());
    CHECK(d.ws->queries().postIdsStartingWith("").code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().postIdsStartingWith("ABCDEF").code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().postIdsStartingWith("xyz123").code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().postIdsStartingWith(post + "0").code() == Errc::InvalidArgument);
}

TEST_CASE("queries: users, counts and the workstation's own record", "[workflow][queries]")
{
    Desk d;
    (void)d.submitted({"outbox:press"});
    (void)d.draft({"outbox:press"});

    auto users = d.ws->queries().users();
    REQUIRE(users.ok());
    CHECK(users->size() == 6);
    auto bob = d.ws->queries().user("bob");
    REQUIRE(bob.ok());
    CHECK(d.ws->queries().userById(bob->id)->name == "bob");
    CHECK(d.ws->queries().user("nobody").code() == Errc::NotFound);
    CHECK(d.ws->queries().userById(999999).code() == Errc::NotFound);

    CHECK(d.ws->queries().workstation()->name == "comms-ws");
    CHECK(d.ws->queries().trustedUploader()->name == "uploader-1");

    auto counts = d.ws->queries().postCounts();
    REQUIRE(counts.ok());
    std::int64_t drafts = 0;
    std::int64_t inReview = 0;
    for (const auto& c : *counts) {
        drafts += c.state == store::PostState::Draft ? c.count : 0;
        inReview += c.state == store::PostState::InReview ? c.count : 0;
    }
    CHECK(drafts == 1);
    CHECK(inReview == 1);
    store::PostFilter filter;
    filter.state = store::PostState::Draft;
    CHECK(d.ws->queries().countPosts(filter).value() == 1);
}

TEST_CASE("queries: media lookups check the hash", "[workflow][queries]")
{
    Desk d;
    CHECK(d.ws->queries().mediaPath("not a hash").code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().media("ABC").code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().media(std::string(64, '0')).code() == Errc::NotFound);
}

TEST_CASE("queries: exports and which receipts are worth offering", "[workflow][queries]")
{
    Desk d;
    const std::string post = d.submitted({"outbox:news", "outbox:press"});
    const std::string bundleId = d.exported(post);

    auto recent = d.ws->queries().recentExports(5);
    REQUIRE(recent.ok());
    REQUIRE(recent->size() == 1);
    CHECK(recent->front().bundleId == bundleId);
    CHECK(d.ws->queries().recentExports(0).code() == Errc::InvalidArgument);
    auto exported = d.ws->queries().exportOf(bundleId);
    REQUIRE(exported.ok());
    REQUIRE(exported->items.size() == 1);
    CHECK(exported->items[0].postId == post);
    CHECK(d.ws->queries().exportOf("abc").code() == Errc::InvalidArgument);
    CHECK(d.ws->queries().exportOf(std::string(32, 'f')).code() == Errc::NotFound);

    const std::string receipt = d.receipt(bundleId, post, d.clock.now() + 60);
    CHECK(d.ws->queries().isNewReceipt(receipt).value());
    CHECK_FALSE(d.ws->queries().isNewReceipt("not a receipt").value());
    const auto stranger = crypto::SigningKey::generate();
    CHECK_FALSE(d.ws->queries().isNewReceipt(d.receipt(bundleId, post, d.clock.now() + 60, &stranger)).value());
    CHECK_FALSE(d.ws->queries().isNewReceipt(d.receipt(std::string(32, 'e'), post, d.clock.now() + 60)).value());

    REQUIRE(d.ws->importReceipt(d.as("olga"), receipt).ok());
    CHECK_FALSE(d.ws->queries().isNewReceipt(receipt).value());
    // A later receipt for the same bundle (the uploader retried news) is new again.
    CHECK(d.ws->queries().isNewReceipt(d.receipt(bundleId, post, d.clock.now() + 600)).value());
}

TEST_CASE("queries: without a trusted uploader no receipt can be checked", "[workflow][queries]")
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kKdf, clock).ok());
    auto ws = std::move(Workstation::open(dir / "store", clock)).value();
    CHECK(ws->queries().trustedUploader().code() == Errc::NoUploader);
    CHECK(ws->queries().isNewReceipt("anything").code() == Errc::NoUploader);
    CHECK(ws->queries().recentExports(20)->empty());
}

TEST_CASE("backup and restore go through the workflow and keep the audit chain", "[workflow][queries]")
{
    Desk d;
    (void)d.submitted({"outbox:press"});
    REQUIRE(d.ws->checkIntegrity().ok());
    const auto before = d.ws->queries().auditSummary().value();

    auto backedUp = d.ws->backup(d.dir / "backup");
    REQUIRE(backedUp.ok());
    CHECK(backedUp->databaseBytes > 0);
    CHECK(d.ws->backup(d.dir / "backup").code() == Errc::AlreadyExists);

    auto restored = Workstation::restore(d.dir / "backup", d.dir / "restored");
    REQUIRE(restored.ok());
    auto reopened = Workstation::open(d.dir / "restored", d.clock);
    REQUIRE(reopened.ok());
    REQUIRE((*reopened)->auditVerify().ok());
    const auto after = (*reopened)->queries().auditSummary().value();
    CHECK(after.entries == before.entries);
    CHECK(after.head == before.head);
    CHECK(Workstation::restore(d.dir / "no-such-backup", d.dir / "again").code() == Errc::NotFound);
}
