// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel and retract orders end to end on the workstation: a published post, a retract order
// with two approvals, a bundle carrying only that order opened by the uploader's own verifier,
// and a signed receipt with order results; plus every refusal a user can run into.
#include "postern/bundle/BundleVerifier.h"
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

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

/**
 * OrderOffice: outbox:press needs 2 of bob and carol, outbox:news 1 of dave. One post went to
 * both in bundle 1; its receipt says press published, news scheduled.
 */
struct OrderOffice
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    std::unique_ptr<Workstation> ws;
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();
    std::string post;
    std::optional<domain::WorkstationIdentity> identity;

    OrderOffice()
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
        setRules(2);
        identity = domain::readWorkstationIdentity(ws->exportIdentity(admin).value()).value();

        DraftInput in;
        in.channels = {{channel("outbox:news"), "Open day on Saturday", Json(Json::Object{})},
                       {channel("outbox:press"), "Open day on Saturday", Json(Json::Object{})}};
        post = ws->newDraft(as("alice"), in).value().id;
        REQUIRE(ws->submit(as("alice"), post).ok());
        for (auto name : {"bob", "carol", "dave"})
            REQUIRE(ws->approve(as(name), post).ok());
        const auto exported = ws->exportBundle(as("olga"), {post}, dir / "b1.postern", 3600);
        REQUIRE(exported.ok());
        bundle::Receipt r = receiptFor(dir / "b1.postern");
        r.entries = {entry("outbox:news", bundle::ReceiptState::Scheduled),
                     entry("outbox:press", bundle::ReceiptState::Published)};
        REQUIRE(ws->importReceipt(as("olga"), bundle::makeReceipt(r, uploaderSign)).ok());
        REQUIRE(ws->show(post)->record.state == store::PostState::Exported);
    }

    void setRules(std::int64_t pressRequired)
    {
        std::vector<std::string> press{"bob", "carol"};
        if (pressRequired > 2)
            press.push_back("dave");
        REQUIRE(ws->setPolicy(as("ada"),
                              {{channel("outbox:press"), pressRequired, press, 86400},
                               {channel("outbox:news"), 1, {"dave"}, 86400}})
                    .ok());
    }

    UnlockedUser as(std::string_view name)
    {
        const std::string p = name == "ada" ? "ada passphrase 1" : std::string(name) + " passphrase 1";
        auto u = ws->unlock(name, pass(p));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    bundle::ReceiptEntry entry(std::string_view ch, bundle::ReceiptState state)
    {
        bundle::ReceiptEntry e;
        e.postId = post;
        e.version = 1;
        e.channel = channel(ch);
        e.state = state;
        if (state == bundle::ReceiptState::Published)
            e.url = "file:///srv/outbox/press/1";
        return e;
    }

    /** verify opens a bundle exactly as the uploader does. */
    bundle::VerifiedBundle verify(const std::filesystem::path& file)
    {
        bundle::TrustedWorkstation trusted;
        trusted.policy = identity->policies.front();
        trusted.knownPolicy = [&](std::int64_t v) -> std::optional<std::string> {
            if (v < 1 || static_cast<std::size_t>(v) > identity->policies.size())
                return std::nullopt;
            return identity->policies[static_cast<std::size_t>(v - 1)].fileText;
        };
        bundle::VerifyEnvironment env;
        env.uploaderKey = &uploaderBox;
        env.findWorkstation = [&](const crypto::PublicKey& k) {
            return k == identity->workstation ? &trusted : nullptr;
        };
        env.seen = [](const bundle::BundleId&) -> Result<bool> { return false; };
        bundle::FileSource src;
        REQUIRE(src.open(file).ok());
        bundle::VerifyOptions opt;
        opt.now = clock.now() + 10;
        auto verified = bundle::verifyBundle(src, env, opt, nullptr);
        if (!verified)
            FAIL(verified.error().what());
        return std::move(verified).value();
    }

    bundle::Receipt receiptFor(const std::filesystem::path& file)
    {
        bundle::Receipt r;
        r.bundleId = verify(file).header.bundleId;
        r.workstation = identity->workstation;
        r.processedAt = clock.now() + 60;
        return r;
    }
};

} // namespace

TEST_CASE("a retract order goes through review, a bundle of its own and a receipt", "[workflow][orders]")
{
    OrderOffice o;
    auto alice = o.as("alice");
    auto bob = o.as("bob");
    auto carol = o.as("carol");
    auto olga = o.as("olga");

    auto requested = o.ws->requestOrder(alice,
                                        o.post,
                                        domain::OrderAction::Retract,
                                        {channel("outbox:press")},
                                        "The date in the text is wrong");
    REQUIRE(requested.ok());
    const std::string orderId = requested->record.id;
    CHECK(orderId.size() == 32);
    CHECK(requested->record.state == store::OrderState::Pending);
    CHECK(requested->requesterName == "alice");
    REQUIRE(requested->progress.size() == 1);
    CHECK(requested->progress[0].required == 2);
    CHECK(requested->progress[0].approvals == 0);
    CHECK_FALSE(requested->approvalStatus.empty());
    // The stored bytes are the order the approvers sign.
    CHECK(requested->content.canonical() == requested->record.content);
    CHECK(domain::orderDigest(requested->record.content) == requested->record.digest);

    // Not an approver of outbox:press; then one approval is not enough to export.
    CHECK(o.ws->approveOrder(o.as("dave"), orderId).code() == Errc::ApproverNotAuthorised);
    CHECK(o.ws->approveOrder(alice, orderId).code() == Errc::NotAuthorised);
    auto afterBob = o.ws->approveOrder(bob, orderId);
    REQUIRE(afterBob.ok());
    CHECK(afterBob->record.state == store::OrderState::Pending);
    CHECK(afterBob->progress[0].approvals == 1);
    CHECK(o.ws->approveOrder(bob, orderId).code() == Errc::AlreadyExists);
    CHECK(o.ws->exportBundle(olga, {}, {orderId}, o.dir / "early.postern", 3600).code() == Errc::NotApproved);
    CHECK_FALSE(std::filesystem::exists(o.dir / "early.postern"));
    auto afterCarol = o.ws->approveOrder(carol, orderId);
    REQUIRE(afterCarol.ok());
    CHECK(afterCarol->record.state == store::OrderState::Approved);
    CHECK(afterCarol->approvalStatus.empty());
    CHECK(afterCarol->approverNames == std::vector<std::string>{"bob", "carol"});
    CHECK(o.ws->approvedOrders().value() == std::vector<std::string>{orderId});

    // The policy tightened after approval: the export stops before anything is written.
    o.setRules(3);
    CHECK(o.ws->exportBundle(olga, {}, {orderId}, o.dir / "strict.postern", 3600).code() == Errc::ThresholdNotMet);
    CHECK_FALSE(std::filesystem::exists(o.dir / "strict.postern"));
    o.setRules(2);
    CHECK(o.ws->exportBundle(olga, {}, {orderId}, o.dir / "long.postern", 2 * 86400).code()
          == Errc::LifetimeExceedsPolicy);
    // Only operators export.
    CHECK(o.ws->exportBundle(alice, {}, {orderId}, o.dir / "b2.postern", 3600).code() == Errc::NotAuthorised);

    const auto out = o.dir / "b2.postern";
    auto exported = o.ws->exportBundle(olga, {}, {orderId}, out, 3600);
    REQUIRE(exported.ok());
    CHECK(exported->postIds.empty());
    CHECK(exported->orderIds == std::vector<std::string>{orderId});
    CHECK(o.ws->showOrder(orderId)->record.state == store::OrderState::Exported);
    CHECK(o.ws->showOrder(orderId)->record.bundleId == exported->bundleId);
    CHECK(o.ws->withdrawOrder(alice, orderId).code() == Errc::InvalidState);
    CHECK(o.ws->exportBundle(olga, {}, {orderId}, o.dir / "again.postern", 3600).code() == Errc::AlreadyExported);

    // The uploader's verifier accepts the bundle, and the order's approvals hold under its policy.
    const bundle::VerifiedBundle verified = o.verify(out);
    CHECK(verified.manifest.posts.empty());
    REQUIRE(verified.manifest.orders.size() == 1);
    const bundle::ManifestOrder& mo = verified.manifest.orders[0];
    CHECK(mo.order.orderId == orderId);
    CHECK(mo.order.action == domain::OrderAction::Retract);
    CHECK(mo.order.postId == o.post);
    CHECK(mo.order.channels == std::vector<domain::ChannelId>{channel("outbox:press")});
    CHECK(mo.order.reason == "The date in the text is wrong");
    CHECK(mo.approvals.size() == 2);
    CHECK(domain::checkOrderApprovals(mo.order, mo.digest, mo.approvals, verified.policy.policy).ok());
    CHECK(mo.digest == afterCarol->record.digest);

    // The signed receipt: retracted on press. News is still scheduled, so the post stays exported.
    bundle::Receipt r = o.receiptFor(out);
    bundle::OrderResult result;
    result.orderId = orderId;
    result.action = domain::OrderAction::Retract;
    result.postId = o.post;
    result.channel = channel("outbox:press");
    result.outcome = bundle::OrderOutcome::Retracted;
    r.orders = {result};
    auto summary = o.ws->importReceipt(olga, bundle::makeReceipt(r, o.uploaderSign));
    REQUIRE(summary.ok());
    REQUIRE(summary->orders.size() == 1);
    CHECK(summary->orders[0].outcome == bundle::OrderOutcome::Retracted);
    auto done = o.ws->showOrder(orderId);
    CHECK(done->record.state == store::OrderState::Done);
    REQUIRE(done->results.size() == 1);
    CHECK(done->results[0].outcome == store::OrderOutcome::Retracted);
    auto view = o.ws->show(o.post);
    CHECK(view->record.state == store::PostState::Exported);
    REQUIRE(view->results.size() == 2);
    CHECK(view->results[1].channel == "outbox:press");
    CHECK(view->results[1].outcome == store::PublishOutcome::Retracted);

    // Then a cancel for the scheduled channel: the post ends retracted on every channel.
    auto cancel = o.ws->requestOrder(alice, o.post, domain::OrderAction::Cancel, {}, "Event called off");
    REQUIRE(cancel.ok());
    CHECK(cancel->content.channels == std::vector<domain::ChannelId>{channel("outbox:news")});
    REQUIRE(o.ws->approveOrder(o.as("dave"), cancel->record.id).ok());
    const auto out3 = o.dir / "b3.postern";
    REQUIRE(o.ws->exportBundle(olga, {}, {cancel->record.id}, out3, 3600).ok());
    bundle::Receipt r3 = o.receiptFor(out3);
    result.orderId = cancel->record.id;
    result.action = domain::OrderAction::Cancel;
    result.channel = channel("outbox:news");
    result.outcome = bundle::OrderOutcome::Cancelled;
    r3.orders = {result};
    REQUIRE(o.ws->importReceipt(olga, bundle::makeReceipt(r3, o.uploaderSign)).ok());
    CHECK(o.ws->show(o.post)->record.state == store::PostState::Retracted);
    CHECK(o.ws->requestOrder(alice, o.post, domain::OrderAction::Retract, {}, "again").code() == Errc::InvalidState);

    // Every step is in the signed audit chain.
    CHECK(o.ws->auditVerify().ok());
    std::vector<std::string> actions;
    for (const auto& e : o.ws->queries().auditTail(1000).value().entries)
        actions.push_back(e.record.action);
    for (const char* a : {"order-request", "order-approve", "export", "receipt-import"})
        CHECK(std::find(actions.begin(), actions.end(), a) != actions.end());
}

TEST_CASE("orders are refused where they make no sense", "[workflow][orders]")
{
    OrderOffice o;
    auto alice = o.as("alice");
    const auto retract = domain::OrderAction::Retract;
    const auto cancel = domain::OrderAction::Cancel;

    // Never exported: there is nothing to stop.
    DraftInput in;
    in.channels = {{channel("outbox:press"), "Draft only", Json(Json::Object{})}};
    const std::string draft = o.ws->newDraft(alice, in).value().id;
    const auto never = o.ws->requestOrder(alice, draft, retract, {}, "no longer needed");
    CHECK(never.code() == Errc::InvalidState);
    CHECK_THAT(never.error().message, Catch::Contains("never sent"));
    // Press is published: a cancel cannot take it down.
    const auto published = o.ws->requestOrder(alice, o.post, cancel, {channel("outbox:press")}, "stop");
    CHECK(published.code() == Errc::InvalidState);
    CHECK_THAT(published.error().message, Catch::Contains("use retract"));
    CHECK(o.ws->requestOrder(alice, o.post, retract, {channel("outbox:elsewhere")}, "gone").code()
          == Errc::InvalidArgument);
    CHECK(o.ws->requestOrder(alice, o.post, retract, {}, "").code() == Errc::InvalidArgument);
    CHECK(o.ws->requestOrder(alice, o.post, retract, {}, "bell\a").code() == Errc::BadValue);
    CHECK(o.ws->requestOrder(o.as("olga"), o.post, retract, {}, "mine").code() == Errc::NotAuthorised);

    // An approver may request, but not approve their own order; only the requester withdraws.
    auto byDave = o.ws->requestOrder(o.as("dave"), o.post, cancel, {}, "Event called off");
    REQUIRE(byDave.ok());
    CHECK(byDave->content.channels == std::vector<domain::ChannelId>{channel("outbox:news")});
    CHECK(o.ws->approveOrder(o.as("dave"), byDave->record.id).code() == Errc::SelfApproval);
    // An open order covers news: a second one for the same channel waits for it.
    CHECK(o.ws->requestOrder(alice, o.post, retract, {channel("outbox:news")}, "too").code() == Errc::InvalidState);
    CHECK(o.ws->withdrawOrder(alice, byDave->record.id).code() == Errc::NotAuthorised);
    REQUIRE(o.ws->withdrawOrder(o.as("dave"), byDave->record.id).ok());
    CHECK(o.ws->showOrder(byDave->record.id)->record.state == store::OrderState::Withdrawn);
    CHECK(o.ws->approveOrder(o.as("bob"), byDave->record.id).code() == Errc::ApproverNotAuthorised);

    // Declined by an approver: the reason reaches the requester, and it can never be exported.
    auto mine = o.ws->requestOrder(alice, o.post, retract, {}, "Typo in the headline");
    REQUIRE(mine.ok());
    CHECK(mine->content.channels.size() == 2);
    CHECK(o.ws->declineOrder(o.as("bob"), mine->record.id, "").code() == Errc::InvalidArgument);
    REQUIRE(o.ws->declineOrder(o.as("bob"), mine->record.id, "A typo is not worth a deletion").ok());
    auto declined = o.ws->showOrder(mine->record.id);
    CHECK(declined->record.state == store::OrderState::Declined);
    CHECK(declined->decidedByName == "bob");
    CHECK(declined->record.lastReason == "A typo is not worth a deletion");
    CHECK(o.ws->exportBundle(o.as("olga"), {}, {mine->record.id}, o.dir / "x.postern", 3600).code()
          == Errc::NotApproved);
    CHECK(o.ws->listOrders({o.post, std::nullopt, 100, 0})->size() == 2);
    CHECK(o.ws->auditVerify().ok());
}
