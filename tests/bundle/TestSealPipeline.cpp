// SPDX-License-Identifier: GPL-3.0-or-later
// Sealing runs on three threads (read, encrypt, write; src/bundle/ChunkPipeline.h). These
// tests pin what that must not change: media reach the bundle in manifest order across chunk
// boundaries, a media failure found by the reader thread fails the seal and leaves no file,
// and the write check covers exactly the bytes on disk.
#include "postern/crypto/OneTimeAuth.h"

#include "Ceremony.h"
#include "TempDir.h"

#include <catch2/catch.hpp>

#include <map>

using namespace postern;
using namespace postern::bundle;
using postern::test::Ceremony;

namespace {

struct Files
{
    Ceremony c;
    test::TempDir dir;
    std::map<crypto::Digest, std::filesystem::path> paths;
    std::vector<domain::MediaRef> refs;

    /** add writes `size` random bytes as a media file and attaches it. */
    Bytes add(std::size_t size)
    {
        Bytes b(size);
        crypto::randomBytes(b);
        const auto ref = c.addMedia(b, "clip.mp4", "video/mp4", "");
        const auto path = dir / ("m" + std::to_string(refs.size()));
        REQUIRE(writeFileAtomic(path, toString(b)).ok());
        paths[ref.hash] = path;
        refs.push_back(ref);
        return b;
    }

    SealRequest request(const Manifest& m)
    {
        SealRequest req;
        req.workstation = &c.workstation;
        req.recipient = c.uploaderBox.publicKey();
        req.sequence = 3;
        req.created = Ceremony::kNow;
        req.expires = Ceremony::kNow + 600;
        req.manifest = &m;
        req.mediaPath = [this](const crypto::Digest& h) -> Result<std::filesystem::path> { return paths.at(h); };
        return req;
    }
};

} // namespace

TEST_CASE("a sealed file carries many media in order across chunk boundaries", "[bundle][seal]")
{
    Files f;
    // Sizes straddle the 1 MiB chunks: media start and end in the middle of chunks.
    std::vector<Bytes> media;
    for (std::size_t size : {kChunkBytes + 7, std::size_t{1}, 3 * kChunkBytes - 5, std::size_t{4096}})
        media.push_back(f.add(size));
    const Manifest m = f.c.manifest({f.c.approved(f.c.post("Clips", f.refs))});
    const auto out = f.dir / "out.postern";
    auto sealed = sealBundle(f.request(m), out);
    REQUIRE(sealed.ok());

    test::TempDir spoolDir;
    DirectorySpool spool(spoolDir.path());
    FileSource src;
    REQUIRE(src.open(out).ok());
    VerifyOptions opt;
    opt.now = Ceremony::kNow;
    auto v = verifyBundle(src, f.c.env(), opt, &spool);
    REQUIRE(v.ok());
    REQUIRE(v->manifest.media.size() == media.size());
    for (std::size_t i = 0; i < media.size(); ++i)
        CHECK(readFileCapped(spool.pathFor(i), 1u << 26).value() == toString(media[i]));
}

TEST_CASE("a media file that changed after attaching fails the seal and leaves no file", "[bundle][seal]")
{
    Files f;
    (void)f.add(2 * kChunkBytes);
    (void)f.add(kChunkBytes);
    const Manifest m = f.c.manifest({f.c.approved(f.c.post("Clips", f.refs))});
    const auto out = f.dir / "out.postern";

    SECTION("shorter: the reader thread's error comes back, as media-hash-mismatch")
    {
        std::filesystem::resize_file(f.paths.at(f.refs[1].hash), kChunkBytes - 1);
        CHECK(sealBundle(f.request(m), out).code() == Errc::MediaHashMismatch);
    }
    SECTION("gone: the reader cannot open it")
    {
        std::filesystem::remove(f.paths.at(f.refs[1].hash));
        const auto r = sealBundle(f.request(m), out);
        CHECK_FALSE(r.ok());
        CHECK(r.code() != Errc::Internal);
    }
    CHECK_FALSE(std::filesystem::exists(out));
    for (const auto& e : std::filesystem::directory_iterator(f.dir.path()))
        CHECK((e.path().filename() == "m0" || e.path().filename() == "m1")); // no temporary file
}

TEST_CASE("the write check covers exactly the bytes on disk", "[bundle][seal]")
{
    Files f;
    (void)f.add(kChunkBytes + 100);
    const Manifest m = f.c.manifest({f.c.approved(f.c.post("Clip", f.refs))});
    const auto out = f.dir / "out.postern";
    auto sealed = sealBundle(f.request(m), out);
    REQUIRE(sealed.ok());
    REQUIRE(sealed->fileCheckKey);

    const auto tagOf = [&](const std::string& bytes) {
        crypto::OneTimeAuth check;
        REQUIRE(check.init(*sealed->fileCheckKey).ok());
        check.update(asBytes(bytes));
        return check.finish().value();
    };
    std::string onDisk = readFileCapped(out, 1u << 26).value();
    CHECK(onDisk.size() == sealed->fileBytes);
    CHECK(tagOf(onDisk) == sealed->fileCheckTag);
    onDisk[onDisk.size() / 2] ^= 0x20;
    CHECK(tagOf(onDisk) != sealed->fileCheckTag);
    onDisk[onDisk.size() / 2] ^= 0x20;
    onDisk.pop_back();
    CHECK(tagOf(onDisk) != sealed->fileCheckTag);

    // Each seal draws its own key.
    auto again = sealBundle(f.request(m), f.dir / "again.postern");
    REQUIRE(again.ok());
    CHECK(again->fileCheckKey->view().size() == crypto::kOneTimeAuthKeyBytes);
    CHECK_FALSE(crypto::equalConstantTime(again->fileCheckKey->view(), sealed->fileCheckKey->view()));
}
