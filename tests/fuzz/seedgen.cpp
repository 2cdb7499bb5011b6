// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the seed corpora in tests/fuzz/corpus/ from the deterministic fuzz ceremony, so the
// seeds are valid documents that reach deep into each parser. Re-run after a format change:
//   build/fuzz/tests/fuzz/seedgen_corpus tests/fuzz/corpus
#include "postern/bundle/PlatformProfile.h"
#include "postern/bundle/Receipt.h"
#include "postern/bundle/Report.h"
#include "postern/crypto/KeyFile.h"
#include "postern/domain/Identity.h"

#include "FuzzCeremony.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace postern;
namespace fs = std::filesystem;

namespace {
void put(const fs::path& dir, const std::string& name, std::string_view bytes)
{
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: seedgen_corpus CORPUS_DIR\n");
        return 1;
    }
    const fs::path root = argv[1];
    auto& c = fuzz::instance();

    put(root / "fuzz_json", "object", R"({"a":[1,-2,true,false],"b":{"c":"x\"y\\z\n\u0001"},"d":""})");
    put(root / "fuzz_json", "nested", R"([[[{"k":"v"}]],{"":0}])");

    domain::PostContent post;
    post.postId = std::string(32, 'a');
    post.author = c.admin.publicKey();
    post.created = 1798761000;
    domain::ChannelPost cp;
    cp.channel = domain::ChannelId::parse("outbox:press").value();
    cp.text = "Seed post \xe2\x9c\x93";
    post.channels.push_back(cp);
    bundle::Manifest m;
    m.policies = {c.policy};
    bundle::ManifestPost mp;
    mp.content = post;
    mp.digest = post.digest();
    mp.approvals = {domain::approve(c.approver, mp.digest)};
    m.posts = {mp};
    const std::string manifest = m.serialize();
    put(root / "fuzz_manifest", "valid", manifest);
    // A manifest that also carries a retract order about another post (§4.2).
    domain::OrderContent order;
    order.orderId = std::string(32, 'b');
    order.action = domain::OrderAction::Retract;
    order.postId = std::string(32, 'c');
    order.channels = {cp.channel};
    order.requester = c.admin.publicKey();
    order.created = 1798761000;
    order.reason = "Seed retraction";
    bundle::ManifestOrder mo;
    mo.order = order;
    mo.digest = order.digest();
    mo.approvals = {domain::approveOrder(c.approver, mo.digest)};
    bundle::Manifest withOrder = m;
    withOrder.orders = {mo};
    put(root / "fuzz_manifest", "with-order", withOrder.serialize());

    put(root / "fuzz_policy", "policy", c.policy.fileText);
    const auto box = crypto::BoxKey::fromSecret(Bytes(32, 9)).value();
    put(root / "fuzz_policy",
        "uploader-identity",
        domain::makeUploaderIdentity("uploader", box.publicKey(), c.approver));
    put(root / "fuzz_policy",
        "workstation-identity",
        domain::makeWorkstationIdentity("ws", c.workstation, {c.policy.fileText}).value());

    bundle::Receipt r;
    r.bundleId = bundle::deriveBundleId(c.workstation.publicKey(), 1);
    r.workstation = c.workstation.publicKey();
    r.processedAt = 1798761600;
    bundle::ReceiptEntry e;
    e.postId = post.postId;
    e.version = 1;
    e.channel = cp.channel;
    e.state = bundle::ReceiptState::Published;
    e.url = "file:///srv/outbox/x";
    r.entries = {e};
    put(root / "fuzz_receipt", "valid", bundle::makeReceipt(r, c.admin));
    r.orders = {{order.orderId, order.action, order.postId, cp.channel, bundle::OrderOutcome::Retracted, "deleted"}};
    put(root / "fuzz_receipt", "with-order", bundle::makeReceipt(r, c.admin));

    // Platform profile: one channel of each kind of limit, signed by the admin key (which
    // fuzz_profile trusts as the uploader).
    bundle::PlatformProfile profile;
    profile.created = 1798761000;
    profile.expires = profile.created + 30 * 86400;
    bundle::ProfileChannel masto;
    masto.channel = domain::ChannelId::parse("mastodon:@press@social.example").value();
    masto.fetched = true;
    masto.fetchedAt = profile.created;
    masto.limits.maxCharacters = 5000;
    masto.limits.maxMedia = 4;
    masto.limits.maxImageBytes = 16777216;
    masto.limits.maxVideoBytes = 103809024;
    masto.limits.mimeTypes = std::vector<std::string>{"image/jpeg", "image/png", "video/mp4"};
    masto.limits.charactersReservedPerUrl = 23;
    bundle::ProfileChannel tiktok;
    tiktok.channel = domain::ChannelId::parse("tiktok:press").value();
    tiktok.fetched = true;
    tiktok.fetchedAt = profile.created;
    tiktok.limits.maxVideoDurationS = 600;
    tiktok.limits.privacyLevelOptions = std::vector<std::string>{"FOLLOWER_OF_CREATOR", "SELF_ONLY"};
    tiktok.limits.commentDisabled = true;
    profile.channels = {masto, tiktok};
    put(root / "fuzz_profile", "valid", bundle::writeProfile(profile, c.admin).value());

    // Monitoring report: counts, a reply with HTML and an emoji sequence, a target with a note
    // and no counts; signed by the admin key, which fuzz_report trusts as the uploader.
    bundle::MonitorReport report;
    report.workstation = c.workstation.publicKey();
    report.sequence = 2;
    report.follows = 1;
    report.collectedAt = 1798761600;
    bundle::ReportTarget watched;
    watched.postId = post.postId;
    watched.version = 1;
    watched.channel = domain::ChannelId::parse("bluesky:press.example.org").value();
    watched.platformId = "at://did:plc:press/app.bsky.feed.post/3kpost";
    watched.url = "https://bsky.app/profile/press.example.org/post/3kpost";
    bundle::ReportCounts counts;
    counts.likes = 7;
    counts.reposts = 2;
    counts.replies = 1;
    counts.readAt = 1798761500;
    watched.counts = counts;
    bundle::ReportReply answer;
    answer.platformId = "at://did:plc:reader/app.bsky.feed.post/3kr1";
    answer.inReplyTo = watched.platformId;
    answer.authorHandle = "reader.example";
    answer.authorName = "A Reader";
    answer.text = "<b>Nice</b> \xE2\x9D\xA4\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x94\xA5\nsecond line";
    answer.createdAt = 1798760000;
    watched.replies = {answer};
    bundle::ReportTarget quiet = watched;
    quiet.channel = domain::ChannelId::parse("tiktok:press").value();
    quiet.counts.reset();
    quiet.replies.clear();
    quiet.note = "TikTok's API gives no comments";
    report.targets = {watched, quiet};
    put(root / "fuzz_report", "valid", bundle::makeReport(report, c.admin).value());

    crypto::SecureBuffer pass(asBytes("fuzz passphrase"));
    put(root / "fuzz_keyfile",
        "ed25519",
        crypto::sealKeyFile(crypto::KeyKind::Ed25519,
                            c.admin.seed(),
                            c.admin.publicKey(),
                            pass,
                            crypto::KdfParams::interactive(),
                            "seed")
            .value());

    const Bytes sealed = c.sealRaw(manifest);
    if (auto v = c.verify(sealed); !v) {
        std::fprintf(stderr, "seed bundle does not verify: %s\n", v.error().what().c_str());
        return 1;
    }
    std::string whole(1, '\0');
    whole.append(sealed.begin(), sealed.end());
    put(root / "fuzz_bundle", "whole-valid", whole);
    put(root / "fuzz_bundle", "manifest-mode", "\x01" + manifest);
    std::printf("seed corpora written under %s\n", root.c_str());
    return 0;
}
