// SPDX-License-Identifier: GPL-3.0-or-later
#include "Ceremony.h"
#include "TempDir.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::bundle;
using postern::test::Ceremony;

TEST_CASE("a valid bundle verifies and yields exactly what was sealed", "[bundle]")
{
    Ceremony c;
    const Bytes image(5000, 0xab);
    const auto ref = c.addMedia(image, "launch.png", "image/png", "Crew at the launch site");
    auto post = c.post("Launch day", {ref}, {Ceremony::outbox(), Ceremony::bluesky()});
    post.channels[1].options.set("lang", "en");
    const Bytes b = c.seal(c.manifest({c.approved(post)}));

    auto v = c.verify(b);
    REQUIRE(v.ok());
    REQUIRE(v->manifest.posts.size() == 1);
    const auto& got = v->manifest.posts[0];
    CHECK(got.content.canonical() == post.canonical());
    CHECK(got.digest == post.digest());
    CHECK(got.approvals.size() == 2);
    CHECK(v->manifest.media.size() == 1);
    CHECK(v->header.sequence == 1);
    CHECK(v->header.bundleId == deriveBundleId(c.workstation.publicKey(), 1));
    CHECK_FALSE(v->policyAdvanced);
    CHECK(b.size() == v->header.fileBytes());
}

TEST_CASE("media reach the spool byte for byte and only on success", "[bundle]")
{
    Ceremony c;
    Bytes big(3 * kChunkBytes + 12345);
    crypto::randomBytes(big);
    const auto ref = c.addMedia(big, "clip.mp4", "video/mp4", "");
    const Bytes b = c.seal(c.manifest({c.approved(c.post("Video", {ref}))}));

    test::TempDir dir;
    {
        DirectorySpool spool(dir.path());
        MemorySource src(b);
        VerifyOptions opt;
        opt.now = Ceremony::kNow;
        auto v = verifyBundle(src, c.env(), opt, &spool);
        REQUIRE(v.ok());
        spool.keep();
        CHECK(readFileCapped(spool.pathFor(0), 1u << 26).value() == toString(big));
    }
    CHECK(std::filesystem::exists(dir / "media-0"));

    // A failure discards whatever was spooled.
    test::TempDir dir2;
    Bytes broken = b;
    broken.resize(broken.size() - 10);
    {
        DirectorySpool spool(dir2.path());
        MemorySource src(broken);
        VerifyOptions opt;
        opt.now = Ceremony::kNow;
        CHECK(verifyBundle(src, c.env(), opt, &spool).code() == Errc::Truncated);
    }
    CHECK(std::filesystem::is_empty(dir2.path()));
}

TEST_CASE("sealing to a file is atomic and cancellable", "[bundle]")
{
    Ceremony c;
    Bytes big(2 * kChunkBytes);
    crypto::randomBytes(big);
    const auto ref = c.addMedia(big, "clip.mp4", "video/mp4", "");
    const Manifest m = c.manifest({c.approved(c.post("Video", {ref}))});
    test::TempDir dir;
    const auto mediaFile = dir / "media.bin";
    REQUIRE(writeFileAtomic(mediaFile, toString(big)).ok());

    SealRequest req;
    req.workstation = &c.workstation;
    req.recipient = c.uploaderBox.publicKey();
    req.sequence = 7;
    req.created = Ceremony::kNow;
    req.expires = Ceremony::kNow + 600;
    req.manifest = &m;
    req.mediaPath = [&](const crypto::Digest&) -> Result<std::filesystem::path> { return mediaFile; };

    std::atomic<bool> cancel{false};
    SealProgress progress;
    progress.cancel = &cancel;
    progress.onProgress = [&](std::uint64_t done, std::uint64_t) {
        if (done >= kChunkBytes)
            cancel = true;
    };
    const auto out = dir / "out.postern";
    CHECK(sealBundle(req, out, progress).code() == Errc::Cancelled);
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1); // only media.bin

    std::uint64_t last = 0;
    SealProgress p2;
    p2.onProgress = [&](std::uint64_t done, std::uint64_t total) {
        CHECK(done > last);
        CHECK(done <= total);
        last = done;
    };
    auto sealed = sealBundle(req, out, p2);
    REQUIRE(sealed.ok());
    CHECK(std::filesystem::file_size(out) == sealed->fileBytes);
    CHECK(sealed->fingerprint.size() == 39);
    FileSource src;
    REQUIRE(src.open(out).ok());
    VerifyOptions opt;
    opt.now = Ceremony::kNow;
    CHECK(verifyBundle(src, c.env(), opt, nullptr).ok());
}

TEST_CASE("a newer policy carried in the bundle is accepted and reported", "[bundle][policy]")
{
    Ceremony c;
    domain::Policy v2 = c.policy;
    v2.version = 2;
    v2.channels[0].required = 1;
    auto sp2 = domain::signPolicy(v2, {&c.admin});
    REQUIRE(sp2.ok());
    Manifest m = c.manifest({c.approved(c.post("One approval is enough now"), {&c.approver1})});
    m.policies.push_back(sp2.value());
    auto v = c.verify(c.seal(m));
    REQUIRE(v.ok());
    CHECK(v->policyAdvanced);
    CHECK(v->policy.policy.version == 2);
}
