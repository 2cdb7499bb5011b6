// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExitCode.h"
#include "Format.h"
#include "UploaderFixture.h"

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {

const Bytes kImage = toBytes("\x89PNG\r\n\x1a\n the bytes of a small test image");

struct OnePost
{
    bundle::Manifest manifest;
    domain::PostContent content;
};

OnePost onePost(Ceremony& c, std::vector<domain::ChannelId> channels = {Ceremony::outbox()})
{
    const auto ref = c.addMedia(kImage, "Desk photo (final).png", "image/png", "Two people at a desk");
    OnePost p;
    p.content = c.post("Hello from the press office", {ref}, std::move(channels));
    p.manifest = c.manifest({c.approved(p.content)});
    return p;
}

/** ledgerIsEmpty: no bundle, no target, and no event beyond init and trust. */
void requireNoTrace(UploaderFixture& f)
{
    auto& ledger = f.home->ledger();
    // Results are kept in locals: a range-for over `temporary.value()` would dangle.
    const auto bundles = ledger.bundleCounts();
    const auto targets = ledger.targetCounts();
    const auto events = ledger.events(100);
    REQUIRE((bundles.ok() && targets.ok() && events.ok()));
    for (const auto& [state, n] : *bundles)
        CHECK(n == 0);
    for (const auto& [state, n] : *targets)
        CHECK(n == 0);
    // A signed rejection is recorded (and so may leave its "bundle-refused" event): it is
    // the uploader's promise never to publish that bundle. Nothing else may be left.
    for (const auto& e : *events)
        CHECK((e.kind == "init" || e.kind == "trust" || e.kind == "bundle-refused"));
    CHECK_FALSE(ledger.workstation(f.ceremony.workstation.publicKey()).value().value_or(WorkstationRecord{}).highWater);
    CHECK(UploaderFixture::countEntries(f.outbox()) == 0);
    CHECK(UploaderFixture::countEntries(f.home->layout().spool) == 0);
}

} // namespace

TEST_CASE("verify checks everything and consumes nothing", "[uploader][verify]")
{
    UploaderFixture f;
    const auto post = onePost(f.ceremony, {Ceremony::outbox(), Ceremony::bluesky()});
    const Bytes sealed = f.seal(post.manifest, 7);
    const auto path = f.writeBundle(sealed);
    // The fingerprint the export dialog shows, over the 296 header bytes, read back here.
    const std::string fingerprint = crypto::fingerprint(ByteView(sealed.data(), bundle::kHeaderBytes));

    for (int i = 0; i < 2; ++i) {
        auto summary = f.service->verify(path, 1u << 30);
        REQUIRE(summary.ok());
        CHECK(summary->fingerprint == fingerprint);
        CHECK(summary->fingerprint.size() == 39); // eight groups of four, dashed
        CHECK(summary->sequence == 7);
        CHECK(summary->id == bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 7));
        CHECK(summary->workstationName == "Press office workstation");
        CHECK(summary->workstationFingerprint == domain::keyFingerprint(f.ceremony.workstation.publicKey()));
        CHECK(summary->created == Ceremony::kNow);
        CHECK(summary->expires == Ceremony::kNow + 3600);
        REQUIRE(summary->posts.size() == 1);
        CHECK(summary->posts[0].postId == post.content.postId);
        CHECK(summary->posts[0].channels.size() == 2);
        CHECK(summary->posts[0].approvers == std::vector<std::string>{"approver1", "approver2"});
        CHECK(summary->mediaCount == 1);
        CHECK(summary->mediaBytes == kImage.size());
    }
    CHECK_FALSE(f.home->ledger().hasBundle(bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 7)).value());
    CHECK(fs::exists(path));
    requireNoTrace(f);

    // A size cap below the bundle is a named rejection.
    CHECK(f.service->verify(path, 100).code() == Errc::TooLarge);
}

TEST_CASE("publish writes the outbox folder, a signed receipt, and wipes the bundle", "[uploader][publish]")
{
    UploaderFixture f;
    const auto post = onePost(f.ceremony);
    const auto path = f.writeBundle(f.seal(post.manifest));
    const auto report = f.publish(path);

    REQUIRE_FALSE(report.rejection);
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Ok);
    REQUIRE(report.summary);
    CHECK(report.progress.complete);
    REQUIRE(report.progress.targets.size() == 1);
    const auto& target = report.progress.targets[0].record;
    CHECK(target.state == TargetState::Done);

    // The folder name comes from the uploader's own indexes, never from the bundle's strings
    // (the media's original name here is "Desk photo (final).png").
    const fs::path folder = f.outbox() / toHex(report.summary->id) / "000-00";
    REQUIRE(fs::is_directory(folder));
    CHECK(UploaderFixture::countEntries(folder) == 4);
    CHECK(UploaderFixture::slurp(folder / "text.txt") == "Hello from the press office");
    CHECK(UploaderFixture::slurp(folder / "media-0.png") == toString(kImage));
    CHECK(UploaderFixture::slurp(folder / "media-0.alt.txt") == "Two people at a desk");
    CHECK(target.url == "file://" + folder.string());
    CHECK(UploaderFixture::countEntries(f.outbox()) == 1); // no temporary folder left behind

    const std::string json = UploaderFixture::slurp(folder / "post.json");
    REQUIRE(json.back() == '\n');
    auto parsed = parseCanonicalJson(std::string_view(json).substr(0, json.size() - 1), JsonLimits{});
    REQUIRE(parsed.ok());
    CHECK(parsed->find("post_id")->asString() == post.content.postId);
    CHECK(parsed->find("version")->asInt() == 1);
    CHECK(parsed->find("channel")->asString() == "outbox:press");
    CHECK(parsed->find("text")->asString() == "Hello from the press office");
    CHECK(parsed->find("schedule")->asString().empty());
    CHECK(parsed->find("approvers")->asArray().size() == 2);
    REQUIRE(parsed->find("media")->asArray().size() == 1);
    CHECK(parsed->find("media")->asArray()[0].find("file")->asString() == "media-0.png");
    CHECK(parsed->find("media")->asArray()[0].find("alt")->asString() == "Two people at a desk");

    const fs::path receiptPath = path.string() + ".receipt";
    CHECK(report.progress.receiptPath == receiptPath);
    auto receipt = f.receipt(receiptPath);
    REQUIRE(receipt.ok());
    CHECK(receipt->error.empty());
    CHECK(receipt->bundleId == report.summary->id);
    CHECK(receipt->workstation == f.ceremony.workstation.publicKey());
    REQUIRE(receipt->entries.size() == 1);
    CHECK(receipt->entries[0].state == bundle::ReceiptState::Published);
    CHECK(receipt->entries[0].postId == post.content.postId);
    CHECK(receipt->entries[0].url == "file://" + folder.string());

    CHECK(report.bundleRemoved);
    CHECK_FALSE(fs::exists(path));
    CHECK(UploaderFixture::countEntries(f.home->layout().spool) == 0);
    auto stored = f.home->ledger().bundle(report.summary->id);
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    CHECK((*stored)->state == BundleState::Complete);
    CHECK((*stored)->receiptPath == receiptPath.string());
    CHECK(f.home->ledger().workstation(f.ceremony.workstation.publicKey())->value().highWater == 1u);
}

TEST_CASE("a bundle is used once, also after a restart", "[uploader][publish][replay]")
{
    UploaderFixture f;
    const auto path = f.writeBundle(f.seal(onePost(f.ceremony).manifest));
    const auto first = f.publish(path, true);
    REQUIRE_FALSE(first.rejection);
    CHECK_FALSE(first.bundleRemoved);
    REQUIRE(fs::exists(path)); // --keep
    const std::string receiptBefore = UploaderFixture::slurp(first.progress.receiptPath);

    for (int restart = 0; restart < 2; ++restart) {
        if (restart == 1)
            f.restart();
        const auto again = f.publish(path, true);
        REQUIRE(again.rejection);
        CHECK(again.rejection->code == Errc::Replay);
        CHECK(cli::exitCodeOf(again) == cli::ExitCode::Replay);
        REQUIRE(again.previous);
        CHECK(again.previous->id == first.summary->id);
        CHECK(again.rejectionReceipt.empty());
        // The first answer is not overwritten by a "replay" receipt.
        CHECK(UploaderFixture::slurp(first.progress.receiptPath) == receiptBefore);
        CHECK(f.service->verify(path, 1u << 30).code() == Errc::Replay);
    }
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(first.summary->id)) == 1);
}

TEST_CASE("a bundle from an unknown workstation is rejected and leaves no trace", "[uploader][publish]")
{
    UploaderFixture f;
    Ceremony stranger;
    Ceremony::SealOptions o;
    o.recipient = f.home->boxKey()->publicKey();
    const auto ref = stranger.addMedia(kImage);
    const auto path =
        f.writeBundle(stranger.seal(stranger.manifest({stranger.approved(stranger.post("hi", {ref}))}), o));

    const auto report = f.publish(path);
    REQUIRE(report.rejection);
    CHECK(report.rejection->code == Errc::UnknownWorkstation);
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::NotReady);
    CHECK(report.rejectionReceipt.empty()); // we cannot know this workstation wants an answer
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));
    CHECK(fs::exists(path));
    requireNoTrace(f);
}

TEST_CASE("a tampered bundle is rejected, nothing is published, the file is kept", "[uploader][publish]")
{
    UploaderFixture f;
    Bytes bytes = f.seal(onePost(f.ceremony).manifest);
    bytes[bundle::kHeaderBytes + 100] ^= 0x01;
    const auto path = f.writeBundle(bytes);

    const auto report = f.publish(path);
    REQUIRE(report.rejection);
    CHECK(report.rejection->code == Errc::ChunkAuthFailed);
    CHECK(errcName(report.rejection->code) == "chunk-auth-failed");
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Rejected);
    CHECK(UploaderFixture::slurp(path) == toString(bytes));
    requireNoTrace(f);

    // The header is still the workstation's, so it learns why.
    REQUIRE_FALSE(report.rejectionReceipt.empty());
    auto receipt = f.receipt(report.rejectionReceipt);
    REQUIRE(receipt.ok());
    CHECK(receipt->error == "chunk-auth-failed");
    CHECK(receipt->entries.empty());
}

TEST_CASE("an expired bundle earns a rejection receipt naming the error", "[uploader][publish]")
{
    UploaderFixture f;
    const auto path = f.writeBundle(f.seal(onePost(f.ceremony).manifest));
    f.clock.set(Ceremony::kNow + 3600);
    const auto report = f.publish(path);
    REQUIRE(report.rejection);
    CHECK(report.rejection->code == Errc::Expired);
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Rejected);
    REQUIRE(report.rejectionReceipt == fs::path(path.string() + ".receipt"));
    auto receipt = f.receipt(report.rejectionReceipt);
    REQUIRE(receipt.ok());
    CHECK(receipt->error == "expired");
    CHECK(receipt->bundleId == bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1));
    CHECK(receipt->processedAt == Ceremony::kNow + 3600);
    CHECK(fs::exists(path));
    requireNoTrace(f);
}

TEST_CASE("a channel without an adapter fails with a reason and the exit class says so", "[uploader][publish]")
{
    UploaderFixture f;
    const auto post = onePost(f.ceremony, {Ceremony::outbox(), Ceremony::bluesky()});
    const auto path = f.writeBundle(f.seal(post.manifest));
    fs::path receiptPath = f.dir / "elsewhere.receipt";
    PublishRequest request;
    request.bundlePath = path;
    request.receiptPath = receiptPath;
    auto result = f.service->publish(request);
    REQUIRE(result.ok());
    const auto& report = result.value();
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::SomeFailed);
    CHECK(report.progress.complete);
    REQUIRE(report.progress.targets.size() == 2);
    // Channels are in manifest order (sorted): bluesky before outbox.
    const auto& bluesky = report.progress.targets[0].record;
    const auto& outbox = report.progress.targets[1].record;
    CHECK(bluesky.channel == "bluesky:press.example.org");
    CHECK(bluesky.state == TargetState::Failed);
    CHECK(bluesky.reason == "no publishing adapter for bluesky yet; the post was not published");
    CHECK(outbox.state == TargetState::Done);
    CHECK(fs::is_directory(f.outbox() / toHex(report.summary->id) / "000-01"));
    CHECK_FALSE(fs::exists(f.outbox() / toHex(report.summary->id) / "000-00"));

    auto receipt = f.receipt(receiptPath);
    REQUIRE(receipt.ok());
    REQUIRE(receipt->entries.size() == 2);
    for (const auto& e : receipt->entries) {
        if (e.channel == Ceremony::bluesky()) {
            CHECK(e.state == bundle::ReceiptState::Failed);
            CHECK(e.reason == bluesky.reason);
        } else {
            CHECK(e.state == bundle::ReceiptState::Published);
        }
    }
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));
    auto counts = f.home->ledger().targetCounts();
    REQUIRE(counts.ok());
    CHECK(counts.value()
          == StateCounts{{"claimed", 0}, {"sent", 0}, {"unknown", 0}, {"done", 1}, {"failed", 1}, {"cancelled", 0}});
}

TEST_CASE("the ledger keeps the uploader's own log of each bundle", "[uploader][publish]")
{
    UploaderFixture f;
    const auto report = f.publish(f.writeBundle(f.seal(onePost(f.ceremony).manifest)));
    auto events = f.home->ledger().events(20);
    REQUIRE(events.ok());
    std::vector<std::string> kinds;
    for (auto it = events->rbegin(); it != events->rend(); ++it)
        kinds.push_back(it->kind);
    CHECK(kinds
          == std::vector<std::string>{"init",
                                      "trust",
                                      "bundle-accepted",
                                      "target-done",
                                      "bundle-complete",
                                      "bundle-removed"});
    for (const auto& e : *events) {
        CHECK(e.details.find("Hello from the press office") == std::string::npos); // never post text
        if (e.kind != "init" && e.kind != "trust")
            CHECK(e.bundleId == toHex(report.summary->id));
    }
}

TEST_CASE("verify estimates what a bundle's X posts will cost", "[uploader][verify][x]")
{
    Ceremony c;
    const auto ref = c.addMedia(kImage, "p.png", "image/png", "Alt text billed as media metadata");
    const auto x1 = domain::ChannelId::parse("x:press").value();
    const auto x2 = domain::ChannelId::parse("x:news").value();
    auto plain = c.post("No link here", {ref}, {x1});
    auto linked = c.post("Read more at https://example.org/report", {}, {x2, Ceremony::outbox()});
    bundle::VerifiedBundle vb;
    vb.manifest = c.manifest({c.approved(plain), c.approved(linked)});
    vb.policy = c.signedPolicy;
    const auto s = summarise(vb, "ws");
    CHECK(s.xCost.posts == 1);
    CHECK(s.xCost.postsWithUrl == 1);
    CHECK(s.xCost.altTexts == 1);
    CHECK(cli::dollars(s.xCost.mills()) == "$0.220"); // 0.015 + 0.200 + 0.005
    CHECK(cli::dollars(5) == "$0.005");
    CHECK(cli::dollars(123456) == "$123.456");
}
