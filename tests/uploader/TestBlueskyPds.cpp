// SPDX-License-Identifier: GPL-3.0-or-later
// Crash tests of the Bluesky adapter against a real PDS. Not run by CTest directly: the driver
// tests/pds/bluesky_e2e.sh starts the reference PDS and runs this binary with
// POSTERN_TEST_PDS_SERVICE, _HANDLE, _DID and _PASSWORD set. Also cancel and retract orders
// (docs/uploader.md, "Cancel and retract orders") against the same server.
#include "postern/uploader/platforms/bluesky/BlueskyAdapter.h"
#include "postern/uploader/platforms/bluesky/BlueskyText.h"

#include "UploaderFixture.h"

#include <cstdlib>

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;

namespace {

std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

/** Pds is the running server the driver started, plus the calls a test needs to look at it. */
struct Pds
{
    std::string service = env("POSTERN_TEST_PDS_SERVICE");
    std::string handle = env("POSTERN_TEST_PDS_HANDLE");
    std::string did = env("POSTERN_TEST_PDS_DID");
    std::string password = env("POSTERN_TEST_PDS_PASSWORD");

    /** postsWithText counts the account's posts whose text is exactly `text`. */
    std::size_t postsWithText(const std::string& text) const
    {
        HttpClient http;
        HttpRequest r;
        r.url = service + "/xrpc/com.atproto.repo.listRecords?repo=" + percentEncode(did)
                + "&collection=app.bsky.feed.post&limit=100";
        auto answer = http.send(r);
        REQUIRE(answer);
        REQUIRE(answer->status == 200);
        auto doc = parseForeignJson(answer->body, JsonLimits{});
        REQUIRE(doc);
        std::size_t n = 0;
        for (const auto& rec : doc->find("records")->asArray()) {
            const Json* t = rec.find("value")->find("text");
            n += (t && t->asString() == text) ? 1 : 0;
        }
        return n;
    }

    /** Record is what com.atproto.repo.getRecord answers for one post of the account. */
    struct Record
    {
        int status = 0;
        std::string error; ///< the XRPC error name of a non-200 answer
        std::string text;  ///< the post's text of a 200 answer
    };
    Record record(const std::string& rkey) const
    {
        HttpClient http;
        HttpRequest r;
        r.url = service + "/xrpc/com.atproto.repo.getRecord?repo=" + percentEncode(did)
                + "&collection=app.bsky.feed.post&rkey=" + percentEncode(rkey);
        auto answer = http.send(r);
        REQUIRE(answer);
        auto doc = parseForeignJson(answer->body, JsonLimits{});
        REQUIRE(doc);
        Record out;
        out.status = answer->status;
        if (const Json* e = doc->find("error"))
            out.error = e->asString();
        if (const Json* v = doc->find("value"); v && v->find("text"))
            out.text = v->find("text")->asString();
        return out;
    }
};

/** BlueskyRun is an uploader home with the PDS account added and the adapter installed. */
struct BlueskyRun
{
    explicit BlueskyRun(const Pds& pds)
    {
        addAccount(pds);
        install();
    }
    void addAccount(const Pds& pds)
    {
        AccountStore store(f.home->ledger(), f.home->layout().hostKey, f.clock);
        REQUIRE(
            store.add(Ceremony::bluesky().str(), pds.handle, pds.service, crypto::SecureBuffer(asBytes(pds.password))));
    }
    /** install (re)creates the adapter on the current home and service (after restart()). */
    void install()
    {
        accounts = std::make_unique<AccountStore>(f.home->ledger(), f.home->layout().hostKey, f.clock);
        adapter = std::make_unique<BlueskyAdapter>(*accounts, http, f.clock);
        // Publishing and retract orders alike, as PlatformAdapters installs it: Bluesky deletes
        // by the record key recorded with `sent` (BlueskyAdapter::retract).
        f.service->setAdapter(domain::Platform::Bluesky, adapter.get());
    }
    void restart()
    {
        adapter.reset();
        accounts.reset();
        f.restart();
        install();
    }
    std::filesystem::path bundleWith(const std::string& text)
    {
        auto content = f.ceremony.post(text, {}, {Ceremony::bluesky()});
        return f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(content)})));
    }

    UploaderFixture f;
    HttpClient http;
    std::unique_ptr<AccountStore> accounts;
    std::unique_ptr<BlueskyAdapter> adapter;
};

std::function<bool(CrashPoint)> crashOnce(CrashPoint point, int* hits)
{
    return [point, hits](CrashPoint p) { return p == point && ++*hits == 1; };
}

std::string uniqueText(std::string_view what)
{
    Bytes r(6);
    crypto::randomBytes(r);
    return "Crash test " + std::string(what) + " " + toHex(r) + " #postern";
}

constexpr std::int64_t kDay = 86400;

/** blueskyOrder is a cancel or retract order for one post on the Bluesky channel, approved by two. */
bundle::ManifestOrder blueskyOrder(Ceremony& c, const std::string& postId, domain::OrderAction action, char id)
{
    domain::OrderContent o;
    o.orderId = std::string(32, id);
    o.action = action;
    o.postId = postId;
    o.channels = {Ceremony::bluesky()};
    o.requester = c.author.publicKey();
    o.created = Ceremony::kNow;
    o.reason = "The venue changed";
    bundle::ManifestOrder mo;
    mo.order = o;
    mo.digest = o.digest();
    mo.approvals = {domain::approveOrder(c.approver1, mo.digest), domain::approveOrder(c.approver2, mo.digest)};
    return mo;
}

/** ordersBundle writes a bundle that carries only orders, as sequence `sequence`, to dir/<name>. */
std::filesystem::path ordersBundle(UploaderFixture& f,
                                   std::vector<bundle::ManifestOrder> orders,
                                   std::uint64_t sequence,
                                   const std::string& name)
{
    bundle::Manifest m = f.ceremony.manifest({});
    m.orders = std::move(orders);
    return f.writeBundle(f.seal(m, sequence), name);
}

} // namespace

TEST_CASE("a crash after `sent` is recorded publishes exactly once on resume", "[pds]")
{
    const Pds pds;
    REQUIRE(!pds.service.empty());
    BlueskyRun run(pds);
    int hits = 0;
    run.f.options.crashAt = crashOnce(CrashPoint::AfterSent, &hits);
    run.restart();
    const std::string text = uniqueText("after-sent");
    PublishRequest request;
    request.bundlePath = run.bundleWith(text);
    CHECK(run.f.service->publish(request).code() == Errc::Cancelled);
    const auto id = bundle::deriveBundleId(run.f.ceremony.workstation.publicKey(), 1);
    auto targets = run.f.home->ledger().targets(id).value();
    REQUIRE(targets.size() == 1);
    CHECK(targets[0].state == TargetState::Sent);
    CHECK(isValidTid(targets[0].idempotencyKey));
    CHECK(pds.postsWithText(text) == 0); // killed before the request left

    run.restart();
    auto resumed = run.f.service->resume();
    REQUIRE(resumed);
    REQUIRE(resumed->bundles.size() == 1);
    CHECK(resumed->bundles[0].complete);
    const auto& t = resumed->bundles[0].targets[0];
    CHECK(t.record.state == TargetState::Done);
    CHECK(t.record.url == BlueskyAdapter::postUrl(pds.handle, targets[0].idempotencyKey));
    CHECK(t.record.platformId == "at://" + pds.did + "/app.bsky.feed.post/" + targets[0].idempotencyKey);
    CHECK(pds.postsWithText(text) == 1);
}

TEST_CASE("a crash after the answer, before `done`, is reconciled without a second post", "[pds]")
{
    const Pds pds;
    REQUIRE(!pds.service.empty());
    BlueskyRun run(pds);
    int hits = 0;
    run.f.options.crashAt = crashOnce(CrashPoint::AfterResponse, &hits);
    run.restart();
    const std::string text = uniqueText("after-response");
    PublishRequest request;
    request.bundlePath = run.bundleWith(text);
    CHECK(run.f.service->publish(request).code() == Errc::Cancelled);
    CHECK(pds.postsWithText(text) == 1); // the post exists; the ledger does not know yet
    const auto id = bundle::deriveBundleId(run.f.ceremony.workstation.publicKey(), 1);
    CHECK(run.f.home->ledger().targets(id).value()[0].state == TargetState::Sent);

    run.restart();
    auto resumed = run.f.service->resume();
    REQUIRE(resumed);
    REQUIRE(resumed->bundles.size() == 1);
    CHECK(resumed->bundles[0].complete);
    CHECK(resumed->bundles[0].targets[0].record.state == TargetState::Done);
    CHECK(resumed->bundles[0].targets[0].alreadyPresent);
    CHECK(pds.postsWithText(text) == 1);

    // Publishing the same target again (a second resume finds nothing to do) adds nothing.
    CHECK_FALSE(run.f.service->hasPendingWork().value());
    CHECK(pds.postsWithText(text) == 1);
}

TEST_CASE("a record key already taken answers 500 on the reference PDS; getRecord decides", "[pds]")
{
    // @atproto/dev-env 0.6.7: createRecord with an existing rkey answers HTTP 500, not a
    // conflict. The adapter must reconcile: the record with our text is ours, so done.
    const Pds pds;
    REQUIRE(!pds.service.empty());
    BlueskyRun run(pds);
    const std::string text = uniqueText("existing-rkey");
    const auto path = run.bundleWith(text);
    const auto first = run.f.publish(path, true);
    REQUIRE(first.progress.targets.size() == 1);
    REQUIRE(first.progress.targets[0].record.state == TargetState::Done);

    // The same target handed to the adapter again as if the ledger had been lost: it derives
    // the same key, createRecord answers 500, and getRecord shows the post is ours.
    TargetContent content;
    content.bundleId = bundle::deriveBundleId(run.f.ceremony.workstation.publicKey(), 1);
    content.channel = Ceremony::bluesky();
    content.text = text;
    content.bundleCreated = Ceremony::kNow;
    bool marked = false;
    content.markSent = [&marked](const std::string&) {
        marked = true;
        return Status{};
    };
    auto again = run.adapter->publish(content);
    REQUIRE(again);
    CHECK(marked);
    CHECK(again->state == TargetState::Done);
    CHECK(again->alreadyPresent);
    CHECK(pds.postsWithText(text) == 1);
}

TEST_CASE("a retract order deletes the post from the PDS; a cancel of a published post fails", "[pds][order]")
{
    const Pds pds;
    REQUIRE(!pds.service.empty());
    BlueskyRun run(pds);
    const std::string text1 = uniqueText("retract-me");
    const std::string text2 = uniqueText("keep-me");
    const auto post1 = run.f.ceremony.post(text1, {}, {Ceremony::bluesky()});
    const auto post2 = run.f.ceremony.post(text2, {}, {Ceremony::bluesky()});
    const auto first = run.f.publish(run.f.writeBundle(
        run.f.seal(run.f.ceremony.manifest({run.f.ceremony.approved(post1), run.f.ceremony.approved(post2)}), 1),
        "1"));
    REQUIRE(first.progress.complete);
    REQUIRE(first.progress.targets.size() == 2);
    REQUIRE(first.progress.targets[0].record.state == TargetState::Done);
    REQUIRE(first.progress.targets[1].record.state == TargetState::Done);
    // The record keys the ledger recorded with `sent`: what the retractor deletes by.
    const auto recorded =
        run.f.home->ledger().targets(bundle::deriveBundleId(run.f.ceremony.workstation.publicKey(), 1)).value();
    REQUIRE(recorded.size() == 2);
    const std::string rkey1 = recorded[0].idempotencyKey;
    const std::string rkey2 = recorded[1].idempotencyKey;
    CHECK(recorded[0].platformId == "at://" + pds.did + "/app.bsky.feed.post/" + rkey1);
    REQUIRE(isValidTid(rkey1));
    REQUIRE(rkey1 != rkey2);
    REQUIRE(pds.record(rkey1).text == text1);
    REQUIRE(pds.record(rkey2).text == text2);

    // One bundle: retract post 1 (order "aaaa…", handled first) and cancel post 2, too late.
    const auto orders =
        run.f.publish(ordersBundle(run.f,
                                   {blueskyOrder(run.f.ceremony, post1.postId, domain::OrderAction::Retract, 'a'),
                                    blueskyOrder(run.f.ceremony, post2.postId, domain::OrderAction::Cancel, 'b')},
                                   2,
                                   "2"));
    REQUIRE_FALSE(orders.rejection);
    REQUIRE(orders.progress.orders.size() == 2);
    CHECK(orders.progress.orders[0].state == OrderState::Retracted);
    CHECK_THAT(orders.progress.orders[0].reason,
               Catch::Contains("deleted " + BlueskyAdapter::postUrl(pds.handle, rkey1)));
    CHECK(orders.progress.orders[1].state == OrderState::Failed);
    CHECK_THAT(orders.progress.orders[1].reason,
               Catch::Contains("already published at " + BlueskyAdapter::postUrl(pds.handle, rkey2))
                   && Catch::Contains("send a retract order to delete it"));
    CHECK(orders.progress.complete);
    CHECK(orders.outcome() == PublishOutcome::SomeFailed);

    // On the server: post 1's record is gone, post 2's is there. A missing record is HTTP 400
    // with the error RecordNotFound, the one the com.atproto.repo.getRecord lexicon declares
    // (and BlueskyAdapter::getRecord relies on).
    const auto gone = pds.record(rkey1);
    CHECK(gone.status == 400);
    CHECK(gone.error == "RecordNotFound");
    CHECK(pds.postsWithText(text1) == 0);
    const auto kept = pds.record(rkey2);
    CHECK(kept.status == 200);
    CHECK(kept.text == text2);

    auto receipt = run.f.receipt(run.f.dir / "2.receipt");
    REQUIRE(receipt.ok());
    REQUIRE(receipt->orders.size() == 2);
    CHECK(receipt->orders[0].outcome == bundle::OrderOutcome::Retracted);
    CHECK(receipt->orders[0].action == domain::OrderAction::Retract);
    CHECK(receipt->orders[0].postId == post1.postId);
    CHECK(receipt->orders[0].channel == Ceremony::bluesky());
    CHECK(receipt->orders[1].outcome == bundle::OrderOutcome::Failed);
    CHECK(receipt->orders[1].action == domain::OrderAction::Cancel);
    CHECK(receipt->orders[1].postId == post2.postId);
    CHECK_THAT(receipt->orders[1].reason, Catch::Contains("send a retract order"));

    // Retracting again (another order, a third bundle) deletes a record that is already gone:
    // deleteRecord answers 200 and the order reports retracted again; post 2 is untouched.
    const auto again = run.f.publish(
        ordersBundle(run.f, {blueskyOrder(run.f.ceremony, post1.postId, domain::OrderAction::Retract, 'c')}, 3, "3"));
    REQUIRE(again.progress.orders.size() == 1);
    CHECK(again.progress.orders[0].state == OrderState::Retracted);
    CHECK(again.progress.complete);
    CHECK(again.outcome() == PublishOutcome::Done);
    auto againReceipt = run.f.receipt(run.f.dir / "3.receipt");
    REQUIRE(againReceipt.ok());
    REQUIRE(againReceipt->orders.size() == 1);
    CHECK(againReceipt->orders[0].outcome == bundle::OrderOutcome::Retracted);
    CHECK(pds.record(rkey1).error == "RecordNotFound");
    CHECK(pds.record(rkey2).text == text2);
    CHECK(run.f.home->ledger().orderCounts().value()
          == StateCounts{{"pending", 0}, {"cancelled", 0}, {"retracted", 2}, {"failed", 1}});

    // A post recorded in another repository (the account was re-added for another DID) is
    // never deleted through this one: invalid-argument, and post 2 stays on the server.
    const std::string foreign = "at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/" + rkey2;
    CHECK(run.adapter->deletePost(Ceremony::bluesky().str(), rkey2, foreign).code() == Errc::InvalidArgument);
    CHECK(pds.record(rkey2).text == text2);
}

TEST_CASE("a scheduled Bluesky post cancelled before its time never reaches the server", "[pds][order]")
{
    const Pds pds;
    REQUIRE(!pds.service.empty());
    BlueskyRun run(pds);
    const std::string text = uniqueText("scheduled-cancelled");
    auto post = run.f.ceremony.post(text, {}, {Ceremony::bluesky()});
    post.schedule = Ceremony::kNow + kDay;
    const auto first =
        run.f.publish(run.f.writeBundle(run.f.seal(run.f.ceremony.manifest({run.f.ceremony.approved(post)}), 1), "1"));
    REQUIRE(first.progress.targets.size() == 1);
    REQUIRE(first.progress.targets[0].scheduledFor == post.schedule);
    CHECK_FALSE(first.progress.complete);

    const auto cancel = run.f.publish(
        ordersBundle(run.f, {blueskyOrder(run.f.ceremony, post.postId, domain::OrderAction::Cancel, 'd')}, 2, "2"));
    REQUIRE(cancel.progress.orders.size() == 1);
    CHECK(cancel.progress.orders[0].state == OrderState::Cancelled);
    CHECK(cancel.outcome() == PublishOutcome::Done);
    REQUIRE(cancel.resumed.size() == 1);
    CHECK(cancel.resumed[0].complete);
    CHECK(cancel.resumed[0].targets.at(0).record.state == TargetState::Cancelled);

    // Its time comes (and passes): resume has nothing to do and the PDS never sees the post.
    run.f.clock.set(post.schedule + 60);
    CHECK_FALSE(run.f.service->hasPendingWork().value());
    auto resumed = run.f.service->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->bundles.empty());
    CHECK(pds.postsWithText(text) == 0);
    auto receipt = run.f.receipt(run.f.dir / "1.receipt");
    REQUIRE(receipt.ok());
    CHECK(receipt->entries.at(0).state == bundle::ReceiptState::Cancelled);
}
