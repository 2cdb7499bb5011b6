// SPDX-License-Identifier: GPL-3.0-or-later
// Scheduled posts wait in the ledger, sealed at rest, and are published by the first pass at
// or after their time; the receipt waits for the last of them.
#include "postern/uploader/publish/SpoolCrypto.h"

#include "ExitCode.h"
#include "UploaderFixture.h"

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSecretText = "Embargoed until Monday: SECRET-TEXT-7f3a9c";
constexpr std::string_view kSecretImage = "\x89PNG\r\n\x1a\n SECRET-IMAGE-BYTES-5d1c0b42 of the embargoed photo";
constexpr std::int64_t kWeek = 7 * 86400;

struct Scheduled
{
    bundle::Manifest manifest;
    std::int64_t due = 0;
};

/** scheduledBundle: post 0 scheduled a week ahead (text + image), post 1 on arrival. */
Scheduled scheduledBundle(Ceremony& c)
{
    const auto ref = c.addMedia(toBytes(kSecretImage), "embargo.png", "image/png", "The embargoed photo");
    auto later = c.post(std::string(kSecretText), {ref});
    later.schedule = Ceremony::kNow + kWeek;
    auto now = c.post("Published on arrival");
    return {c.manifest({c.approved(later), c.approved(now)}), later.schedule};
}

/** everyFileUnder lists the regular files under `dir`, recursively. */
std::vector<fs::path> everyFileUnder(const fs::path& dir)
{
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_regular_file())
            out.push_back(it->path());
    }
    return out;
}

/** requireNoPlaintext: none of the files holds the post's text or its image bytes. */
void requireNoPlaintext(const std::vector<fs::path>& files)
{
    for (const auto& p : files) {
        const std::string bytes = UploaderFixture::slurp(p);
        INFO(p.string());
        CHECK(bytes.find(kSecretText) == std::string::npos);
        CHECK(bytes.find("SECRET-IMAGE-BYTES-5d1c0b42") == std::string::npos);
    }
}

} // namespace

TEST_CASE("a scheduled post waits sealed at rest and is published by the first pass after its time",
          "[uploader][schedule]")
{
    UploaderFixture f;
    const auto s = scheduledBundle(f.ceremony);
    const auto path = f.writeBundle(f.seal(s.manifest));
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);

    const auto report = f.publish(path);
    REQUIRE_FALSE(report.rejection);
    REQUIRE(report.progress.targets.size() == 2);
    const auto& waiting = report.progress.targets[0];
    CHECK(waiting.record.state == TargetState::Claimed);
    CHECK(waiting.scheduledFor == s.due);
    CHECK_FALSE(waiting.attempted);
    CHECK(report.progress.targets[1].record.state == TargetState::Done);
    CHECK_FALSE(report.progress.complete);
    CHECK_FALSE(report.progress.needsAttention());
    CHECK(report.progress.nextDue() == s.due);
    CHECK(cli::exitCodeOf(report) == cli::ExitCode::Ok); // waiting for a schedule is not a failure
    // No receipt until every target is answered; the bundle file stays until then.
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));
    CHECK(fs::exists(path));
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 1); // only the on-arrival post

    // At rest: neither the spool nor the ledger (with its WAL) holds the text or the image.
    const auto spoolFiles = everyFileUnder(f.home->layout().spool);
    CHECK(spoolFiles.size() == 1); // the sealed image
    requireNoPlaintext(spoolFiles);
    std::vector<fs::path> ledgerFiles;
    for (const auto& p : everyFileUnder(f.homeDir())) {
        if (p.filename().string().rfind("ledger.db", 0) == 0)
            ledgerFiles.push_back(p);
    }
    CHECK(ledgerFiles.size() >= 1);
    requireNoPlaintext(ledgerFiles);
    auto record = f.home->ledger().bundle(id);
    REQUIRE((record.ok() && record->has_value()));
    CHECK((*record)->manifest.empty());
    CHECK_FALSE((*record)->manifestSealed.empty());

    // A new process (keys unlocked again) one second early: nothing is due, nothing happens.
    f.restart();
    f.clock.set(s.due - 1);
    CHECK_FALSE(f.service->hasPendingWork().value());
    auto early = f.service->resume();
    REQUIRE(early.ok());
    REQUIRE(early->bundles.size() == 1);
    CHECK(early->bundles[0].targets[0].scheduledFor == s.due);
    CHECK(cli::exitCodeOf(*early) == cli::ExitCode::Ok);
    CHECK(UploaderFixture::countEntries(f.outbox() / toHex(id)) == 1);
    auto next = f.home->ledger().nextDue(f.clock.now());
    REQUIRE(next.ok());
    CHECK(next.value() == std::optional<std::int64_t>(s.due));

    // At its time the first pass publishes it, byte for byte, and writes the receipt.
    f.clock.set(s.due);
    CHECK(f.service->hasPendingWork().value());
    auto due = f.service->resume();
    REQUIRE(due.ok());
    REQUIRE(due->bundles.size() == 1);
    CHECK(due->bundles[0].complete);
    CHECK(due->bundles[0].targets[0].record.state == TargetState::Done);
    CHECK(cli::exitCodeOf(*due) == cli::ExitCode::Ok);
    const fs::path folder = f.outbox() / toHex(id) / "000-00";
    CHECK(UploaderFixture::slurp(folder / "text.txt") == kSecretText);
    CHECK(UploaderFixture::slurp(folder / "media-0.png") == kSecretImage);
    auto receipt = f.receipt(path.string() + ".receipt");
    REQUIRE(receipt.ok());
    REQUIRE(receipt->entries.size() == 2);
    for (const auto& e : receipt->entries)
        CHECK(e.state == bundle::ReceiptState::Published);
    // The spool is gone, and no decrypted copy was left behind.
    CHECK(UploaderFixture::countEntries(f.home->layout().spool) == 0);
}

TEST_CASE("a damaged sealed spool file is refused and the target stays pending", "[uploader][schedule]")
{
    UploaderFixture f;
    const auto s = scheduledBundle(f.ceremony);
    const auto path = f.writeBundle(f.seal(s.manifest));
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    (void)f.publish(path);

    const fs::path sealed = f.home->layout().spool / toHex(id) / "media-0";
    std::string bytes = UploaderFixture::slurp(sealed);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
    REQUIRE(writeFileAtomic(sealed, bytes, 0600).ok());

    f.clock.set(s.due);
    auto due = f.service->resume();
    REQUIRE(due.ok());
    REQUIRE(due->bundles.size() == 1);
    const auto& t = due->bundles[0].targets[0];
    CHECK(t.record.state == TargetState::Claimed);
    CHECK(t.pendingError.find("chunk-auth-failed") != std::string::npos);
    CHECK(cli::exitCodeOf(*due) == cli::ExitCode::Environment);
    CHECK_FALSE(fs::exists(f.outbox() / toHex(id) / "000-00"));
    CHECK_FALSE(fs::exists(path.string() + ".receipt"));
    // No decrypted leftovers: only the bundle's own spool folder remains.
    CHECK(UploaderFixture::countEntries(f.home->layout().spool) == 1);
}

TEST_CASE("sealed manifests and media open only under their own key and place", "[uploader][schedule]")
{
    UploaderFixture f;
    auto key = deriveAtRestKey(*f.home->signKey());
    REQUIRE(key.ok());
    auto again = deriveAtRestKey(*f.home->signKey());
    REQUIRE(again.ok());
    CHECK(crypto::equalConstantTime(key->view(), again->view())); // deterministic: a restart opens it
    const auto other = crypto::SigningKey::generate();
    auto otherKey = deriveAtRestKey(other);
    REQUIRE(otherKey.ok());

    bundle::BundleId id{};
    id[0] = 1;
    bundle::BundleId id2{};
    id2[0] = 2;
    auto sealed = sealManifest(*key, id, "{\"manifest\":1}");
    REQUIRE(sealed.ok());
    CHECK(openManifest(*key, id, *sealed).value() == "{\"manifest\":1}");
    CHECK(openManifest(*otherKey, id, *sealed).code() == Errc::BadKeyFile); // wrong key
    CHECK(openManifest(*key, id2, *sealed).code() == Errc::BadKeyFile);     // another bundle's row
    CHECK(openManifest(*key, id, ByteView(sealed->data(), 10)).code() == Errc::BadKeyFile);

    // Media: several 64 KiB messages, an exact multiple, and an empty file all round-trip.
    for (const std::size_t size : {std::size_t{0}, std::size_t{65536}, std::size_t{200000}}) {
        Bytes media(size);
        for (std::size_t i = 0; i < size; ++i)
            media[i] = static_cast<std::uint8_t>(i * 7 + 3);
        bundle::MediaEntry entry{crypto::blake2b256(media), size};
        const fs::path dir = f.dir / ("spool-" + std::to_string(size));
        REQUIRE(ensurePrivateDirectory(dir).ok());
        {
            SealedSpool spool(dir, *key);
            REQUIRE(spool.begin(0, entry).ok());
            // Uneven writes, as the verifier's chunking does not match the spool's.
            std::size_t at = 0;
            while (at < size) {
                const std::size_t n = std::min<std::size_t>(size - at, 40000);
                REQUIRE(spool.write(ByteView(media.data() + at, n)).ok());
                at += n;
            }
            REQUIRE(spool.finish().ok());
            spool.keep();
        }
        const fs::path sealedPath = SealedSpool::pathFor(dir, 0);
        const fs::path plain = dir / "plain";
        REQUIRE(openSealedMedia(*key, sealedPath, entry, plain).ok());
        CHECK(toBytes(UploaderFixture::slurp(plain)) == media);
        // Another key, or the media's slot claimed by different bytes, does not open.
        CHECK_FALSE(openSealedMedia(*otherKey, sealedPath, entry, dir / "p2").ok());
        bundle::MediaEntry wrong = entry;
        wrong.hash[0] ^= 1;
        CHECK_FALSE(openSealedMedia(*key, sealedPath, wrong, dir / "p3").ok());
        CHECK_FALSE(fs::exists(dir / "p2"));
        CHECK_FALSE(fs::exists(dir / "p3"));
    }
}
