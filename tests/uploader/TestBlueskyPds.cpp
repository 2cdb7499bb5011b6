// SPDX-License-Identifier: GPL-3.0-or-later
// Crash tests of the Bluesky adapter against a real PDS. Not run by CTest directly: the driver
// tests/pds/bluesky_e2e.sh starts the reference PDS and runs this binary with
// POSTERN_TEST_PDS_SERVICE, _HANDLE, _DID and _PASSWORD set.
#include "postern/uploader/BlueskyAdapter.h"
#include "postern/uploader/BlueskyText.h"

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
