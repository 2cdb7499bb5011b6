// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel and retract orders on the uploader (docs/uploader.md, "Cancel and retract orders"),
// through the real ledger, outbox and receipts.
#include "ExitCode.h"
#include "postern/domain/PlatformDescriptor.h"
#include "postern/uploader/platforms/PlatformAdapters.h"

#include "UploaderFixture.h"

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {

/** RetractStub publishes like the outbox and retracts through `retract`: a platform that fails or refuses. */
class RetractStub final : public PublishAdapter
{
public:
    RetractStub(fs::path outbox, std::function<Status(const RetractTarget&)> retract)
        : m_outbox(std::move(outbox)), m_retract(std::move(retract))
    {
    }
    [[nodiscard]] Result<TargetOutcome> publish(const TargetContent& t) override { return m_outbox.publish(t); }
    [[nodiscard]] bool canRetract() const override { return true; }
    [[nodiscard]] Status retract(const RetractTarget& t) override { return m_retract(t); }

private:
    OutboxPublisher m_outbox;
    std::function<Status(const RetractTarget&)> m_retract;
};

constexpr std::int64_t kDay = 86400;

bundle::ManifestOrder order(Ceremony& c,
                            const std::string& postId,
                            domain::OrderAction action,
                            std::string orderId = "0123456789abcdef0123456789abcdef")
{
    domain::OrderContent o;
    o.orderId = std::move(orderId);
    o.action = action;
    o.postId = postId;
    o.channels = {Ceremony::outbox()};
    o.requester = c.author.publicKey();
    o.created = Ceremony::kNow;
    o.reason = "The venue changed";
    bundle::ManifestOrder mo;
    mo.order = o;
    mo.digest = o.digest();
    mo.approvals = {domain::approveOrder(c.approver1, mo.digest), domain::approveOrder(c.approver2, mo.digest)};
    return mo;
}

bundle::Manifest ordersBundle(Ceremony& c, std::vector<bundle::ManifestOrder> orders)
{
    bundle::Manifest m = c.manifest({});
    m.orders = std::move(orders);
    return m;
}

bool outboxHasFolderFor(const fs::path& outbox, const bundle::BundleId& id)
{
    return UploaderFixture::countEntries(outbox / toHex(id)) > 0;
}

} // namespace

TEST_CASE("a cancel order stops a scheduled post and both bundles get their receipts", "[uploader][order]")
{
    UploaderFixture f;
    auto post = f.ceremony.post("Launch party on Friday");
    post.schedule = Ceremony::kNow + kDay;
    const auto first = f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(post)}), 1), "1"));
    REQUIRE(first.progress.targets.at(0).scheduledFor == post.schedule);
    CHECK_FALSE(first.progress.complete);

    const auto cancelPath = f.writeBundle(
        f.seal(ordersBundle(f.ceremony, {order(f.ceremony, post.postId, domain::OrderAction::Cancel)}), 2),
        "2");
    const auto report = f.publish(cancelPath);
    REQUIRE_FALSE(report.rejection);
    REQUIRE(report.progress.orders.size() == 1);
    CHECK(report.progress.orders[0].state == OrderState::Cancelled);
    CHECK(report.progress.complete);
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Ok);
    // The scheduled bundle was finished in the same run: its target is cancelled, its receipt says so.
    REQUIRE(report.resumed.size() == 1);
    CHECK(report.resumed[0].complete);
    CHECK(report.resumed[0].targets.at(0).record.state == TargetState::Cancelled);
    auto postReceipt = f.receipt(f.dir / "1.receipt");
    REQUIRE(postReceipt.ok());
    CHECK(postReceipt->entries.at(0).state == bundle::ReceiptState::Cancelled);
    auto orderReceipt = f.receipt(f.dir / "2.receipt");
    REQUIRE(orderReceipt.ok());
    REQUIRE(orderReceipt->orders.size() == 1);
    CHECK(orderReceipt->orders[0].outcome == bundle::OrderOutcome::Cancelled);
    CHECK(orderReceipt->orders[0].postId == post.postId);

    // When its time comes, nothing is published.
    f.clock.set(post.schedule + 60);
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->bundles.empty());
    CHECK_FALSE(outboxHasFolderFor(f.outbox(), bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1)));
}

TEST_CASE("a retract order deletes a published outbox post; a cancel of it fails with advice", "[uploader][order]")
{
    UploaderFixture f;
    const auto post = f.ceremony.post("Published, then regretted");
    const auto firstId = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    const auto first = f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(post)}), 1), "1"));
    REQUIRE(first.progress.targets.at(0).record.state == TargetState::Done);
    REQUIRE(outboxHasFolderFor(f.outbox(), firstId));

    // Cancel is too late for a published post, and says what to do instead.
    const auto cancel = f.publish(f.writeBundle(
        f.seal(ordersBundle(f.ceremony, {order(f.ceremony, post.postId, domain::OrderAction::Cancel)}), 2),
        "2"));
    REQUIRE(cancel.progress.orders.size() == 1);
    CHECK(cancel.progress.orders[0].state == OrderState::Failed);
    CHECK_THAT(cancel.progress.orders[0].reason, Catch::Contains("send a retract order"));
    CHECK(cancel.progress.complete);
    CHECK(cli::exitCodeOf(cancel) == cli::ExitCode::SomeFailed);
    CHECK(outboxHasFolderFor(f.outbox(), firstId));

    const auto retract = f.publish(f.writeBundle(
        f.seal(ordersBundle(f.ceremony,
                            {order(f.ceremony, post.postId, domain::OrderAction::Retract, std::string(32, 'a'))}),
               3),
        "3"));
    REQUIRE(retract.progress.orders.size() == 1);
    CHECK(retract.progress.orders[0].state == OrderState::Retracted);
    CHECK(retract.progress.complete);
    CHECK_FALSE(outboxHasFolderFor(f.outbox(), firstId));
    auto receipt = f.receipt(f.dir / "3.receipt");
    REQUIRE(receipt.ok());
    CHECK(receipt->orders.at(0).outcome == bundle::OrderOutcome::Retracted);
    CHECK(receipt->orders.at(0).action == domain::OrderAction::Retract);
    auto counts = f.home->ledger().orderCounts();
    REQUIRE(counts.ok());
    CHECK(*counts == StateCounts{{"pending", 0}, {"cancelled", 0}, {"retracted", 1}, {"failed", 1}});
}

TEST_CASE("a post that arrives after its cancel order is never published", "[uploader][order]")
{
    UploaderFixture f;
    const auto post = f.ceremony.post("Carried out of order");
    // The order bundle (sequence 2) reaches the uploader before the post's bundle (sequence 1).
    const auto early = f.publish(f.writeBundle(
        f.seal(ordersBundle(f.ceremony, {order(f.ceremony, post.postId, domain::OrderAction::Cancel)}), 2),
        "2"));
    REQUIRE(early.progress.orders.size() == 1);
    CHECK(early.progress.orders[0].state == OrderState::Cancelled);
    CHECK_THAT(early.progress.orders[0].reason, Catch::Contains("has not received"));

    const auto late = f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(post)}), 1), "1"));
    REQUIRE_FALSE(late.rejection);
    REQUIRE(late.progress.targets.size() == 1);
    CHECK(late.progress.targets[0].record.state == TargetState::Cancelled);
    CHECK_FALSE(late.progress.targets[0].attempted);
    CHECK(late.progress.complete);
    CHECK_FALSE(outboxHasFolderFor(f.outbox(), bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1)));
}

TEST_CASE("a retraction that fails for now stays pending and is finished by resume", "[uploader][order]")
{
    UploaderFixture f;
    const auto post = f.ceremony.post("Published");
    REQUIRE(
        f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(post)}), 1), "1")).progress.complete);

    int calls = 0;
    RetractStub flaky(f.outbox(), [&calls](const RetractTarget& t) -> Status {
        ++calls;
        if (calls == 1)
            return fail(Errc::Io, "the platform did not answer");
        CHECK(t.platformId.size() == 39);
        return {};
    });
    f.service->setAdapter(domain::Platform::Outbox, &flaky);
    const auto path = f.writeBundle(
        f.seal(ordersBundle(f.ceremony, {order(f.ceremony, post.postId, domain::OrderAction::Retract)}), 2),
        "2");
    const auto first = f.publish(path);
    REQUIRE(first.progress.orders.size() == 1);
    CHECK(first.progress.orders[0].state == OrderState::Pending);
    CHECK_THAT(first.progress.orders[0].reason, Catch::Contains("did not answer"));
    CHECK_FALSE(first.progress.complete);
    CHECK(cli::exitCodeOf(first) == cli::ExitCode::Environment);
    CHECK_FALSE(fs::exists(f.dir / "2.receipt"));

    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    REQUIRE(resumed->bundles.size() == 1);
    CHECK(resumed->bundles[0].orders.at(0).state == OrderState::Retracted);
    CHECK(resumed->bundles[0].complete);
    CHECK(calls == 2);
    // A platform that refuses is final: the order fails and the receipt says why.
    RetractStub refusing(f.outbox(),
                         [](const RetractTarget&) -> Status { return fail(Errc::PublishFailed, "forbidden"); });
    f.service->setAdapter(domain::Platform::Outbox, &refusing);
    const auto refused = f.publish(f.writeBundle(
        f.seal(ordersBundle(f.ceremony,
                            {order(f.ceremony, post.postId, domain::OrderAction::Retract, std::string(32, 'e'))}),
               3),
        "3"));
    CHECK(refused.progress.orders.at(0).state == OrderState::Failed);
    CHECK_THAT(refused.progress.orders.at(0).reason, Catch::Contains("forbidden"));
    CHECK(refused.progress.complete);
}

TEST_CASE("while suspended, a cancel still stops waiting posts but nothing is deleted", "[uploader][order]")
{
    UploaderFixture f;
    const auto published = f.ceremony.post("Already out");
    auto waiting = f.ceremony.post("Tomorrow");
    waiting.schedule = Ceremony::kNow + kDay;
    REQUIRE_FALSE(
        f.publish(f.writeBundle(
                      f.seal(f.ceremony.manifest({f.ceremony.approved(published), f.ceremony.approved(waiting)}), 1),
                      "1"))
            .rejection);
    REQUIRE(f.home->ledger().suspend({Ceremony::kNow, "ops", "incident"}).ok());

    auto cancelWaiting = order(f.ceremony, waiting.postId, domain::OrderAction::Cancel);
    auto retractPublished = order(f.ceremony, published.postId, domain::OrderAction::Retract, std::string(32, 'f'));
    const auto report =
        f.publish(f.writeBundle(f.seal(ordersBundle(f.ceremony, {cancelWaiting, retractPublished}), 2), "2"));
    REQUIRE(report.progress.orders.size() == 2);
    CHECK(report.progress.orders[0].state == OrderState::Cancelled); // "0123…" sorts first
    CHECK(report.progress.orders[1].state == OrderState::Pending);
    CHECK_THAT(report.progress.orders[1].reason, Catch::Contains("suspended"));
    CHECK(outboxHasFolderFor(f.outbox(), bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1)));

    REQUIRE(f.home->ledger().lift().ok());
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    bool retracted = false;
    for (const auto& b : resumed->bundles) {
        for (const auto& o : b.orders)
            retracted = retracted || o.state == OrderState::Retracted;
    }
    CHECK(retracted);
    CHECK_FALSE(outboxHasFolderFor(f.outbox(), bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1)));
}

TEST_CASE("an order without enough approvals is rejected and changes nothing", "[uploader][order]")
{
    UploaderFixture f;
    auto post = f.ceremony.post("Scheduled");
    post.schedule = Ceremony::kNow + kDay;
    REQUIRE_FALSE(f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(post)}), 1), "1")).rejection);
    auto weak = order(f.ceremony, post.postId, domain::OrderAction::Cancel);
    weak.approvals.pop_back();
    const auto report = f.publish(f.writeBundle(f.seal(ordersBundle(f.ceremony, {weak}), 2), "2"));
    REQUIRE(report.rejection);
    CHECK(report.rejection->code == Errc::ThresholdNotMet);
    auto targets = f.home->ledger().targetsAbout(post.postId, Ceremony::outbox().str());
    REQUIRE(targets.ok());
    CHECK(targets->at(0).state == TargetState::Claimed);
}

TEST_CASE("an order survives a crash after its claim", "[uploader][order][crash]")
{
    UploaderFixture f;
    const auto post = f.ceremony.post("Published");
    REQUIRE(
        f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(post)}), 1), "1")).progress.complete);
    bool crashed = false;
    f.options.crashAt = [&crashed](CrashPoint p) {
        if (p != CrashPoint::AfterClaim || crashed)
            return false;
        crashed = true;
        return true;
    };
    f.restart();
    PublishRequest request;
    request.bundlePath = f.writeBundle(
        f.seal(ordersBundle(f.ceremony, {order(f.ceremony, post.postId, domain::OrderAction::Retract)}), 2),
        "2");
    CHECK(f.service->publish(request).code() == Errc::Cancelled);
    REQUIRE(crashed);
    f.options.crashAt = nullptr;
    f.restart();
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    REQUIRE(resumed->bundles.size() == 1);
    CHECK(resumed->bundles[0].orders.at(0).state == OrderState::Retracted);
    CHECK(resumed->bundles[0].complete);
    CHECK_FALSE(outboxHasFolderFor(f.outbox(), bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1)));
}

TEST_CASE("an order does not stop a version of the post written after it", "[uploader][order]")
{
    UploaderFixture f;
    const auto v1 = f.ceremony.post("Version one, published");
    REQUIRE(f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(v1)}), 1), "1")).progress.complete);
    // A cancel arrives too late for version 1 and fails ("send a retract order")...
    const auto late = f.publish(
        f.writeBundle(f.seal(ordersBundle(f.ceremony, {order(f.ceremony, v1.postId, domain::OrderAction::Cancel)}), 2),
                      "2"));
    REQUIRE(late.progress.orders.at(0).state == OrderState::Failed);
    // ...and the post is edited and approved again afterwards: version 2 is a new decision
    // the order never saw, so it is published.
    auto v2 = v1;
    v2.version = 2;
    v2.created = Ceremony::kNow + 30; // after the order (kNow)
    v2.channels[0].text = "Version two, corrected";
    const auto second = f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(v2)}), 3), "3"));
    REQUIRE(second.progress.targets.size() == 1);
    CHECK(second.progress.targets[0].record.state == TargetState::Done);
    // A version written before the order is still covered by it when it arrives late.
    auto v0 = v1;
    v0.version = 3;
    v0.created = Ceremony::kNow - 60;
    const auto stale = f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(v0)}), 4), "4"));
    REQUIRE(stale.progress.targets.size() == 1);
    CHECK(stale.progress.targets[0].record.state == TargetState::Cancelled);
    CHECK_THAT(stale.progress.targets[0].record.reason, Catch::Contains("arrived before this version"));
}

TEST_CASE("each platform's adapter deletes exactly where its descriptor says it can", "[uploader][orders]")
{
    // The workstation reads canDelete from the descriptor; the uploader's adapters decide.
    UploaderFixture f;
    const PlatformAdapters adapters(*f.home, f.clock);
    OutboxPublisher outbox(f.outbox());
    for (const domain::PlatformDescriptor* d : domain::allPlatforms()) {
        INFO(d->name);
        const PublishAdapter* adapter = d->manual ? &outbox : adapters.registry().find(d->id);
        REQUIRE(adapter != nullptr);
        CHECK(adapter->canRetract() == d->canDelete);
    }
}
