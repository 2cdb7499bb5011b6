// SPDX-License-Identifier: GPL-3.0-or-later
// suspend stops all publishing at once, from another process, within one request.
#include "ExitCode.h"
#include "UploaderFixture.h"

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {

bundle::Manifest threePosts(Ceremony& c)
{
    return c.manifest({c.approved(c.post("First")), c.approved(c.post("Second")), c.approved(c.post("Third"))});
}

/**
 * SuspendingAdapter publishes through a real outbox and, right after its first post, has a
 * second connection to the same ledger file (as `postern-uploader suspend` in another shell
 * would) set the suspension flag.
 */
class SuspendingAdapter final : public PublishAdapter
{
public:
    SuspendingAdapter(fs::path outbox, fs::path ledger) : m_real(std::move(outbox)), m_ledger(std::move(ledger)) {}
    int calls = 0;
    bool suspendAfterFirst = true;
    Result<TargetOutcome> publish(const TargetContent& target) override
    {
        ++calls;
        auto outcome = m_real.publish(target);
        if (suspendAfterFirst && calls == 1) {
            Ledger other;
            REQUIRE(other.open(m_ledger).ok());
            REQUIRE(other.suspend({Ceremony::kNow, "olga", "wrong photo in the queue"}).ok());
        }
        return outcome;
    }

private:
    OutboxPublisher m_real;
    fs::path m_ledger;
};

/** MultiRequestAdapter stands for a network adapter: two requests, a checkpoint before each. */
class MultiRequestAdapter final : public PublishAdapter
{
public:
    std::function<void()> betweenRequests;
    int requests = 0;
    Result<TargetOutcome> publish(const TargetContent& target) override
    {
        for (int i = 0; i < 2; ++i) {
            if (target.checkpoint)
                POSTERN_TRY(target.checkpoint());
            ++requests; // "send" one request
            if (i == 0 && betweenRequests)
                betweenRequests();
        }
        TargetOutcome o;
        o.state = TargetState::Done;
        o.platformId = "id";
        o.url = "https://example.invalid/post";
        return o;
    }
};

std::size_t countHeld(const BundleProgress& p)
{
    std::size_t n = 0;
    for (const auto& t : p.targets)
        n += t.held ? 1 : 0;
    return n;
}

} // namespace

TEST_CASE("a suspension set by another connection stops publishing before the next target", "[uploader][suspend]")
{
    UploaderFixture f;
    SuspendingAdapter adapter(f.outbox(), f.home->layout().ledger);
    f.service->setAdapter(domain::Platform::Outbox, &adapter);
    const auto path = f.writeBundle(f.seal(threePosts(f.ceremony)));
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);

    const auto report = f.publish(path);
    REQUIRE(report.progress.targets.size() == 3);
    CHECK(adapter.calls == 1);
    CHECK(report.progress.targets[0].record.state == TargetState::Done);
    for (std::size_t i = 1; i < 3; ++i) {
        CHECK(report.progress.targets[i].record.state == TargetState::Claimed);
        CHECK(report.progress.targets[i].held);
        CHECK(report.progress.targets[i].pendingError.find("olga") != std::string::npos);
        CHECK(report.progress.targets[i].pendingError.find("wrong photo in the queue") != std::string::npos);
    }
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Environment);
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 1);
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));

    // While suspended a new bundle is verified and claimed (its id is used up) but nothing
    // of it, nor of the older one, is published; resume() does not lift the flag.
    const auto second = f.writeBundle(f.seal(threePosts(f.ceremony), 2), "second.postern");
    const auto held = f.publish(second);
    REQUIRE_FALSE(held.rejection);
    CHECK(countHeld(held.progress) == 3);
    REQUIRE(held.resumed.size() == 1);
    CHECK(countHeld(held.resumed[0]) == 2);
    CHECK(adapter.calls == 1);
    CHECK(f.home->ledger().hasBundle(bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 2)).value());
    auto stillHeld = f.service->resume();
    REQUIRE(stillHeld.ok());
    CHECK(adapter.calls == 1);

    // Lifting the flag (what the `resume` command does first) lets everything through once.
    auto lifted = f.home->ledger().lift();
    REQUIRE(lifted.ok());
    REQUIRE(lifted->has_value());
    CHECK((*lifted)->by == "olga");
    CHECK((*lifted)->since == Ceremony::kNow);
    CHECK_FALSE(f.home->ledger().suspension().value().has_value());
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    CHECK(cli::exitCodeOf(*resumed) == cli::ExitCode::Ok);
    CHECK(adapter.calls == 1 + 2 + 3);
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 3);
    CHECK(f.receipt(path.string() + ".receipt").ok());
    CHECK(f.receipt(second.string() + ".receipt").ok());
}

TEST_CASE("suspend keeps the first record and lift reports nothing when not suspended", "[uploader][suspend]")
{
    UploaderFixture f;
    Ledger& ledger = f.home->ledger();
    CHECK_FALSE(ledger.lift().value().has_value());
    REQUIRE(ledger.suspend({100, "olga", "first"}).ok());
    CHECK(ledger.suspend({200, "piet", "second"}).code() == Errc::AlreadyExists);
    const auto flag = ledger.suspension();
    REQUIRE((flag.ok() && flag->has_value()));
    CHECK((*flag)->since == 100);
    CHECK((*flag)->by == "olga");
    CHECK((*flag)->reason == "first");
    // Durable: a restart (a new process) still sees it.
    f.restart();
    CHECK(f.home->ledger().suspension().value().has_value());
}

TEST_CASE("an adapter checkpoint stops a multi-request publish after the request in flight", "[uploader][suspend]")
{
    UploaderFixture f;
    MultiRequestAdapter adapter;
    f.service->setAdapter(domain::Platform::Outbox, &adapter);
    const fs::path ledgerPath = f.home->layout().ledger;
    adapter.betweenRequests = [&ledgerPath] {
        Ledger other;
        REQUIRE(other.open(ledgerPath).ok());
        REQUIRE(other.suspend({Ceremony::kNow, "olga", ""}).ok());
    };
    const auto report = f.publish(f.writeBundle(f.seal(threePosts(f.ceremony))));
    CHECK(adapter.requests == 1); // the suspension landed during request 1: request 2 never went out
    REQUIRE(report.progress.targets.size() == 3);
    CHECK(report.progress.targets[0].record.state == TargetState::Claimed);
    CHECK(report.progress.targets[0].held);
    CHECK(report.progress.targets[0].pendingError.find("suspended") != std::string::npos);
    CHECK(countHeld(report.progress) == 3);

    adapter.betweenRequests = nullptr;
    REQUIRE(f.home->ledger().lift().ok());
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    CHECK(cli::exitCodeOf(*resumed) == cli::ExitCode::Ok);
    CHECK(adapter.requests == 1 + 3 * 2);
}

TEST_CASE("a stop request holds the remaining targets for the next run", "[uploader][suspend]")
{
    UploaderFixture f;
    bool stop = false;
    f.options.stopRequested = [&stop] { return stop; };
    f.restart();
    SuspendingAdapter adapter(f.outbox(), f.home->layout().ledger);
    adapter.suspendAfterFirst = false;
    f.service->setAdapter(domain::Platform::Outbox, &adapter);
    stop = true;
    const auto report = f.publish(f.writeBundle(f.seal(threePosts(f.ceremony))));
    CHECK(adapter.calls == 0);
    CHECK(countHeld(report.progress) == 3);
    CHECK(report.progress.targets[0].pendingError.find("stopping") != std::string::npos);
    stop = false;
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    CHECK(adapter.calls == 3);
    CHECK(cli::exitCodeOf(*resumed) == cli::ExitCode::Ok);
}
