// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExitCode.h"
#include "UploaderFixture.h"

#include <sys/stat.h>

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {

const Bytes kImage = toBytes("\x89PNG\r\n\x1a\n recovery test image");

bundle::Manifest twoTargets(Ceremony& c)
{
    const auto ref = c.addMedia(kImage, "photo.png", "image/png", "A harbour at dawn");
    auto first = c.post("First post", {ref}, {Ceremony::outbox()});
    auto second = c.post("Second post", {}, {Ceremony::outbox()});
    return c.manifest({c.approved(first), c.approved(second)});
}

ino_t inodeOf(const fs::path& p)
{
    struct stat st
    {
    };
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_ino;
}

/** crashOnce makes the service "die" the first time it reaches `point`. */
std::function<bool(CrashPoint)> crashOnce(CrashPoint point, int* hits)
{
    return [point, hits](CrashPoint p) {
        if (p != point)
            return false;
        return ++*hits == 1;
    };
}

/** FlakyAdapter fails until told otherwise, then delegates to a real outbox. */
class FlakyAdapter final : public PublishAdapter
{
public:
    explicit FlakyAdapter(fs::path root) : m_real(std::move(root)) {}
    bool broken = true;
    int calls = 0;
    Result<TargetOutcome> publish(const TargetContent& target) override
    {
        ++calls;
        if (broken)
            return fail(Errc::Io, "disk full (simulated)");
        return m_real.publish(target);
    }

private:
    OutboxPublisher m_real;
};

} // namespace

TEST_CASE("a crash after the claim is finished by resume, each target exactly once", "[uploader][recovery]")
{
    UploaderFixture f;
    int hits = 0;
    f.options.crashAt = crashOnce(CrashPoint::AfterClaim, &hits);
    f.restart();
    const auto path = f.writeBundle(f.seal(twoTargets(f.ceremony)));
    PublishRequest request;
    request.bundlePath = path;
    CHECK(f.service->publish(request).code() == Errc::Cancelled);
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    CHECK(UploaderFixture::countEntries(f.outbox()) == 0);
    CHECK(fs::exists(path));

    f.restart(); // a new process
    REQUIRE(f.service->hasPendingWork().value());
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    REQUIRE(resumed->bundles.size() == 1);
    CHECK(cli::exitCodeOf(*resumed) == cli::ExitCode::Ok);
    const auto& progress = resumed->bundles[0];
    CHECK(progress.complete);
    REQUIRE(progress.targets.size() == 2);
    for (const auto& t : progress.targets) {
        CHECK(t.record.state == TargetState::Done);
        CHECK_FALSE(t.alreadyPresent);
    }
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 2);
    CHECK(UploaderFixture::slurp(f.outbox() / toHex(id) / "000-00" / "media-0.png") == toString(kImage));
    CHECK(UploaderFixture::slurp(f.outbox() / toHex(id) / "001-00" / "text.txt") == "Second post");
    CHECK(f.receipt(path.string() + ".receipt").ok());
    CHECK_FALSE(f.service->hasPendingWork().value());
    CHECK(UploaderFixture::countEntries(f.home->layout().spool) == 0);

    // The bundle is consumed: publishing the kept file again is a replay, not a second post.
    const auto again = f.publish(path);
    REQUIRE(again.rejection);
    CHECK(again.rejection->code == Errc::Replay);
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 2);
}

TEST_CASE("a crash between publishing and marking done never publishes twice", "[uploader][recovery]")
{
    UploaderFixture f;
    int hits = 0;
    f.options.crashAt = crashOnce(CrashPoint::AfterPublish, &hits);
    f.restart();
    const auto path = f.writeBundle(f.seal(twoTargets(f.ceremony)));
    PublishRequest request;
    request.bundlePath = path;
    CHECK(f.service->publish(request).code() == Errc::Cancelled);
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    const fs::path first = f.outbox() / toHex(id) / "000-00";
    REQUIRE(fs::is_directory(first)); // published, but the ledger still says claimed
    const auto inode = inodeOf(first / "post.json");
    auto targets = f.home->ledger().targets(id);
    REQUIRE(targets.ok());
    CHECK(targets->at(0).state == TargetState::Claimed);

    f.restart();
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    REQUIRE(resumed->bundles.size() == 1);
    const auto& progress = resumed->bundles[0];
    CHECK(progress.complete);
    CHECK(progress.targets[0].record.state == TargetState::Done);
    CHECK(progress.targets[0].alreadyPresent);       // found, not rewritten
    CHECK_FALSE(progress.targets[1].alreadyPresent); // never started before the crash
    CHECK(inodeOf(first / "post.json") == inode);
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 2);
    CHECK(UploaderFixture::countEntries(f.outbox()) == 1); // no leftover temporary folder
}

TEST_CASE("a crash before the claim commits leaves the bundle publishable", "[uploader][recovery]")
{
    UploaderFixture f;
    int hits = 0;
    f.options.crashAt = crashOnce(CrashPoint::AfterSpoolRename, &hits);
    f.restart();
    const auto path = f.writeBundle(f.seal(twoTargets(f.ceremony)));
    PublishRequest request;
    request.bundlePath = path;
    CHECK(f.service->publish(request).code() == Errc::Cancelled);
    CHECK(UploaderFixture::countEntries(f.home->layout().spool) == 1); // media spooled, bundle unclaimed
    CHECK_FALSE(f.service->hasPendingWork().value());

    f.restart();
    const auto report = f.publish(path);
    REQUIRE_FALSE(report.rejection);
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Ok);
    CHECK(report.progress.targets.size() == 2);
    CHECK(UploaderFixture::countEntries(f.home->layout().spool) == 0);
    CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a crash after the receipt is written completes on resume", "[uploader][recovery]")
{
    UploaderFixture f;
    int hits = 0;
    f.options.crashAt = crashOnce(CrashPoint::AfterReceipt, &hits);
    f.restart();
    const auto path = f.writeBundle(f.seal(twoTargets(f.ceremony)));
    PublishRequest request;
    request.bundlePath = path;
    CHECK(f.service->publish(request).code() == Errc::Cancelled);
    REQUIRE(fs::exists(path.string() + ".receipt"));

    f.restart();
    REQUIRE(f.service->hasPendingWork().value());
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    REQUIRE(resumed->bundles.size() == 1);
    CHECK(resumed->bundles[0].complete);
    auto receipt = f.receipt(path.string() + ".receipt");
    REQUIRE(receipt.ok());
    CHECK(receipt->entries.size() == 2);
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    CHECK(f.home->ledger().bundle(id)->value().state == BundleState::Complete);
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 2);
}

TEST_CASE("a transient publishing error leaves the target claimed until resume", "[uploader][recovery]")
{
    UploaderFixture f;
    FlakyAdapter flaky(f.outbox());
    f.service->setAdapter(domain::Platform::Outbox, &flaky);
    const auto path = f.writeBundle(f.seal(twoTargets(f.ceremony)));
    const auto report = f.publish(path);
    REQUIRE_FALSE(report.rejection);
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Environment);
    CHECK_FALSE(report.progress.complete);
    REQUIRE(report.progress.targets.size() == 2);
    CHECK(report.progress.targets[0].record.state == TargetState::Claimed);
    CHECK(report.progress.targets[0].pendingError.find("disk full") != std::string::npos);
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));
    CHECK(fs::exists(path)); // kept until the bundle is complete
    CHECK(f.service->hasPendingWork().value());

    flaky.broken = false;
    auto resumed = f.service->resume();
    REQUIRE(resumed.ok());
    CHECK(cli::exitCodeOf(*resumed) == cli::ExitCode::Ok);
    REQUIRE(resumed->bundles.size() == 1);
    CHECK(resumed->bundles[0].complete);
    CHECK(flaky.calls == 4);
    CHECK(f.receipt(path.string() + ".receipt").ok());
}

TEST_CASE("a newer policy carried in a bundle is stored and the full chain keeps working", "[uploader][policy]")
{
    UploaderFixture f;
    auto& c = f.ceremony;
    domain::Policy v2 = c.policy;
    v2.version = 2;
    v2.created = Ceremony::kNow - 3600;
    for (auto& rule : v2.channels)
        rule.required = 1; // one approval is now enough
    auto signedV2 = domain::signPolicy(v2, {&c.admin});
    REQUIRE(signedV2.ok());

    auto withV2 = [&](std::vector<const crypto::SigningKey*> approvers) {
        auto m = c.manifest({c.approved(c.post("Policy test"), std::move(approvers))});
        m.policies = {c.signedPolicy, signedV2.value()};
        return m;
    };

    const auto first = f.publish(f.writeBundle(f.seal(withV2({&c.approver1}), 1), "one.postern"));
    REQUIRE_FALSE(first.rejection);
    REQUIRE(first.summary);
    CHECK(first.summary->policyAdvanced);
    CHECK(first.summary->policyVersion == 2);
    auto stored = f.home->ledger().policyText(c.workstation.publicKey(), 2);
    REQUIRE(stored.ok());
    CHECK(stored->value() == signedV2->fileText);
    auto events = f.home->ledger().events(10).value();
    CHECK(std::any_of(events.begin(), events.end(), [](const EventRecord& e) { return e.kind == "policy-advanced"; }));

    // After a restart the next bundle carrying the chain up to v2 is accepted without advancing.
    f.restart();
    const auto second = f.publish(f.writeBundle(f.seal(withV2({&c.approver1}), 2), "two.postern"));
    REQUIRE_FALSE(second.rejection);
    CHECK_FALSE(second.summary->policyAdvanced);
    CHECK(second.summary->policyVersion == 2);

    // A bundle carrying only version 1 is refused by domain::advancePolicy as policy-rollback:
    // the workstation's store is older than what this uploader already trusts.
    auto onlyV1 = c.manifest({c.approved(c.post("Old chain"))});
    const auto third = f.publish(f.writeBundle(f.seal(onlyV1, 3), "three.postern"));
    REQUIRE(third.rejection);
    CHECK(third.rejection->code == Errc::PolicyRollback);
    CHECK(f.receipt(f.dir / "three.postern.receipt")->error == "policy-rollback");
}
