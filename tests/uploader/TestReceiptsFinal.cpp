// SPDX-License-Identifier: GPL-3.0-or-later
// A receipt never lies and is never replaced (issue "A receipt never lies"): each case below
// was reproduced with the real binaries before the fix. A bundle id the ledger knows is
// answered from the ledger before any other check; a signed rejection is final; a failure of
// the copy or of this host earns no signed answer and leaves the bundle eligible.
#include "postern/uploader/publish/WatchService.h"

#include "ExitCode.h"
#include "UploaderFixture.h"

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {

bundle::Manifest textPost(Ceremony& c, const std::string& text, std::int64_t schedule = 0)
{
    auto content = c.post(text);
    content.schedule = schedule;
    return c.manifest({c.approved(content)});
}

PublishReport publishWith(UploaderFixture& f, const fs::path& path, std::uint64_t maxBytes, bool keep = true)
{
    PublishRequest request;
    request.bundlePath = path;
    request.keep = keep;
    request.maxBundleBytes = maxBytes;
    auto report = f.service->publish(request);
    REQUIRE(report.ok());
    return std::move(report).value();
}

std::size_t published(UploaderFixture& f, const bundle::BundleId& id)
{
    return UploaderFixture::countEntries(f.outbox() / toHex(id));
}

} // namespace

TEST_CASE("a published bundle's receipt survives a later expired or too-large copy", "[uploader][receipt][final]")
{
    UploaderFixture f;
    const auto path = f.writeBundle(f.seal(textPost(f.ceremony, "Once only")));
    const auto first = f.publish(path, true);
    REQUIRE(first.progress.complete);
    const auto id = first.summary->id;
    const std::string receipt = UploaderFixture::slurp(first.progress.receiptPath);

    SECTION("after expiry: answered as a replay, not as expired")
    {
        f.clock.set(Ceremony::kNow + 3600 + 65);
        const auto again = publishWith(f, path, 64ull << 30);
        REQUIRE(again.rejection);
        CHECK(again.rejection->code == Errc::Replay);
        CHECK(cli::exitCodeOf(again) == cli::ExitCode::Replay);
        CHECK(again.previous);
    }
    SECTION("with a size cap below the bundle: still a replay")
    {
        const auto again = publishWith(f, path, 100);
        REQUIRE(again.rejection);
        CHECK(again.rejection->code == Errc::Replay);
    }
    SECTION("verify answers from the ledger first too")
    {
        f.clock.set(Ceremony::kNow + 3600 + 65);
        CHECK(f.service->verify(path, 100).code() == Errc::Replay);
    }
    CHECK(UploaderFixture::slurp(first.progress.receiptPath) == receipt);
    CHECK(f.receipt(first.progress.receiptPath)->error.empty());
    CHECK(published(f, id) == 1);
    // The ledger holds the same bytes, for `postern-uploader receipt`.
    CHECK(f.home->ledger().storedReceipt(id).value() == receipt);
}

TEST_CASE("a scheduled bundle kept until it completes is not refused by a second run", "[uploader][receipt][final]")
{
    UploaderFixture f;
    const auto path = f.writeBundle(f.seal(textPost(f.ceremony, "Later", Ceremony::kNow + 7200)));
    const auto first = f.publish(path, false);
    REQUIRE_FALSE(first.rejection);
    REQUIRE_FALSE(first.progress.complete);
    REQUIRE(fs::exists(path));               // kept until its post is published
    f.clock.set(Ceremony::kNow + 3600 + 65); // the bundle has expired meanwhile
    const auto again = publishWith(f, path, 64ull << 30, false);
    REQUIRE(again.rejection);
    CHECK(again.rejection->code == Errc::Replay);
    CHECK_FALSE(fs::exists(path.string() + ".receipt")); // no "expired" answer was written
    f.clock.set(Ceremony::kNow + 7200);
    const auto due = f.service->resume();
    REQUIRE(due.ok());
    auto receipt = f.receipt(path.string() + ".receipt");
    REQUIRE(receipt.ok());
    CHECK(receipt->error.empty());
    REQUIRE(receipt->entries.size() == 1);
    CHECK(receipt->entries[0].state == bundle::ReceiptState::Published);
}

TEST_CASE("a local size cap refuses nothing for good", "[uploader][receipt][final]")
{
    UploaderFixture f;
    const auto path = f.writeBundle(f.seal(textPost(f.ceremony, "Big")));
    const auto capped = publishWith(f, path, 1000);
    REQUIRE(capped.rejection);
    CHECK(capped.rejection->code == Errc::TooLarge);
    CHECK(capped.localOnly);
    CHECK(capped.rejectionReceipt.empty());
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    CHECK_FALSE(f.home->ledger().knowsBundle(id).value());
    const auto later = publishWith(f, path, 100000);
    REQUIRE_FALSE(later.rejection);
    CHECK(later.progress.complete);
    CHECK(published(f, id) == 1);
}

TEST_CASE("an incomplete or padded copy earns no receipt; the intact copy publishes once", "[uploader][receipt][final]")
{
    UploaderFixture f;
    const Bytes bundle = f.seal(textPost(f.ceremony, "Carried twice"));
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    Bytes padded = bundle;
    padded.push_back(0);
    const auto bad = f.writeBundle(padded, "padded.postern");
    const auto short_ = f.writeBundle(Bytes(bundle.begin(), bundle.end() - 10), "short.postern");
    for (const auto& p : {bad, short_}) {
        const auto r = publishWith(f, p, 64ull << 30);
        REQUIRE(r.rejection);
        CHECK((r.rejection->code == Errc::TrailingData || r.rejection->code == Errc::Truncated));
        CHECK(r.localOnly);
        CHECK(cli::exitCodeOf(r) == cli::ExitCode::Rejected);
        CHECK_FALSE(fs::exists(p.string() + ".receipt"));
    }
    CHECK_FALSE(f.home->ledger().knowsBundle(id).value());
    const auto good = publishWith(f, f.writeBundle(bundle, "good.postern"), 64ull << 30);
    REQUIRE_FALSE(good.rejection);
    CHECK(published(f, id) == 1);
    // The bad copies are now answered as what they are: copies of a processed bundle.
    CHECK(publishWith(f, bad, 64ull << 30).rejection->code == Errc::Replay);
}

TEST_CASE("a signed rejection is final: a later good-looking copy is never published", "[uploader][receipt][final]")
{
    UploaderFixture f;
    const auto path = f.writeBundle(f.seal(textPost(f.ceremony, "Refused")));
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    f.clock.set(Ceremony::kNow + 3600); // expired
    const auto refused = publishWith(f, path, 64ull << 30);
    REQUIRE(refused.rejection);
    CHECK(refused.rejection->code == Errc::Expired);
    CHECK_FALSE(refused.localOnly);
    REQUIRE_FALSE(refused.rejectionReceipt.empty());
    const std::string answer = UploaderFixture::slurp(refused.rejectionReceipt);
    auto stored = f.home->ledger().refusal(id);
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    CHECK((*stored)->code == "expired");
    CHECK(f.home->ledger().storedReceipt(id).value() == answer);

    f.clock.set(Ceremony::kNow + 60); // a clock that says the bundle is fresh again
    for (int restart = 0; restart < 2; ++restart) {
        if (restart == 1)
            f.restart();
        const auto again = publishWith(f, path, 64ull << 30);
        REQUIRE(again.rejection);
        CHECK(again.rejection->code == Errc::Replay);
        CHECK(again.previousRefusal);
        CHECK(UploaderFixture::slurp(refused.rejectionReceipt) == answer);
    }
    CHECK(published(f, id) == 0);
    CHECK(f.service->verify(path, 64ull << 30).code() == Errc::Replay);
}

TEST_CASE("a file at the receipt's path is never overwritten", "[uploader][receipt][final]")
{
    UploaderFixture f;
    const auto path = f.writeBundle(f.seal(textPost(f.ceremony, "Blocked")));
    const fs::path receipt = path.string() + ".receipt";
    REQUIRE(writeFileAtomic(receipt, "somebody else's file\n", 0644).ok());
    PublishRequest request;
    request.bundlePath = path;
    auto blocked = f.service->publish(request);
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.code() == Errc::AlreadyExists);
    CHECK(UploaderFixture::slurp(receipt) == "somebody else's file\n");
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    CHECK_FALSE(f.home->ledger().knowsBundle(id).value());
    fs::remove(receipt);
    const auto report = f.publish(path);
    CHECK(report.progress.complete);
}

TEST_CASE("watch takes a slow copy once it is complete, with no receipt before", "[uploader][receipt][watch]")
{
    UploaderFixture f;
    const fs::path media = f.dir / "media";
    REQUIRE(ensurePrivateDirectory(media).ok());
    const Bytes bundle = f.seal(textPost(f.ceremony, "Slow stick"));
    const fs::path path = media / "p.postern";
    // head -c HALF full > p.postern; (a pause longer than --settle); the rest appended
    const auto half = static_cast<std::ptrdiff_t>(bundle.size() / 2);
    REQUIRE(writeFileAtomic(path, toString(Bytes(bundle.begin(), bundle.begin() + half)), 0644).ok());
    WatchOptions options;
    options.dir = media;
    options.settle = std::chrono::milliseconds(0);
    WatchService watch(*f.home, *f.service, f.clock, options);
    auto first = watch.runPass();
    REQUIRE(first.ok());
    REQUIRE(first->bundles.size() == 1);
    REQUIRE(first->bundles[0].report);
    CHECK(first->bundles[0].report->localOnly);
    CHECK(first->bundles[0].report->rejection->code == Errc::Truncated);
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));
    REQUIRE(writeFileAtomic(path, toString(bundle), 0644).ok());
    auto second = watch.runPass();
    REQUIRE(second.ok());
    REQUIRE(second->bundles.size() == 1);
    REQUIRE(second->bundles[0].report);
    CHECK(second->bundles[0].report->progress.complete);
    auto receipt = f.receipt(path.string() + ".receipt");
    REQUIRE(receipt.ok());
    CHECK(receipt->error.empty());
}

TEST_CASE("bytes after the manifest's JSON earn a signed rejection; a padded file does not",
          "[uploader][receipt][final]")
{
    // docs/bundle-format.md §9.1, trailing-data: "bundle: no (carrying failure) ... inside a
    // manifest: yes"; conformance vector tests/vectors/json-trailing-bytes (one "x" after the JSON).
    UploaderFixture f;
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    const bundle::Manifest m = textPost(f.ceremony, "Manifest with a tail");
    Ceremony::SealOptions o;
    o.recipient = f.home->boxKey()->publicKey();
    o.rawManifest = m.serialize() + "x";
    const Bytes tailed = f.ceremony.seal(m, o);

    // The same defect file, padded by its carrier: still the copy's failure, no receipt.
    Bytes padded = tailed;
    padded.push_back(0);
    const auto paddedPath = f.writeBundle(padded, "padded.postern");
    const auto local = publishWith(f, paddedPath, 64ull << 30);
    REQUIRE(local.rejection);
    CHECK(local.rejection->code == Errc::TrailingData);
    CHECK(local.localOnly);
    CHECK(local.rejectionReceipt.empty());
    CHECK_FALSE(fs::exists(paddedPath.string() + ".receipt"));
    const auto shortPath = f.writeBundle(Bytes(tailed.begin(), tailed.end() - 1), "short.postern");
    const auto cut = publishWith(f, shortPath, 64ull << 30);
    REQUIRE(cut.rejection);
    CHECK(cut.rejection->code == Errc::Truncated);
    CHECK(cut.localOnly);
    CHECK_FALSE(fs::exists(shortPath.string() + ".receipt"));
    CHECK_FALSE(f.home->ledger().refusal(id).value().has_value());

    const auto path = f.writeBundle(tailed, "tailed.postern");
    const auto refused = publishWith(f, path, 64ull << 30);
    REQUIRE(refused.rejection);
    CHECK(refused.rejection->code == Errc::TrailingData);
    CHECK_FALSE(refused.localOnly);
    CHECK(cli::exitCodeOf(refused) == cli::ExitCode::Rejected);
    REQUIRE_FALSE(refused.rejectionReceipt.empty());
    auto receipt = f.receipt(refused.rejectionReceipt);
    REQUIRE(receipt.ok());
    CHECK(receipt->error == "trailing-data");
    auto stored = f.home->ledger().refusal(id);
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    CHECK((*stored)->code == "trailing-data");
    CHECK(f.home->ledger().storedReceipt(id).value() == UploaderFixture::slurp(refused.rejectionReceipt));
    CHECK(published(f, id) == 0);
}
