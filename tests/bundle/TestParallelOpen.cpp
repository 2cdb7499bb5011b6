// SPDX-License-Identifier: GPL-3.0-or-later
// Opening hashes and spools media on both threads (ChunkPipeline::defer). These tests check
// that it gives the same results and the same first error as one thread reading the stream in
// order would (docs/bundle-format.md §9): an earlier failure wins whatever thread finds a
// later one first. No timing is asserted.
#include "Ceremony.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::bundle;
using postern::test::Ceremony;

namespace {

constexpr std::size_t kFullChunk = kChunkBytes + crypto::kStreamOverhead;

/** ManyMedia is a bundle of `posts` posts with `perPost` media of `bytes` each. */
struct ManyMedia
{
    Ceremony c;
    std::vector<domain::MediaRef> refs;
    std::vector<Bytes> originals;
    Manifest manifest;

    ManyMedia(std::size_t posts, std::size_t perPost, std::size_t bytes)
    {
        std::vector<ManifestPost> list;
        for (std::size_t p = 0; p < posts; ++p) {
            std::vector<domain::MediaRef> mine;
            for (std::size_t i = 0; i < perPost; ++i) {
                Bytes b(bytes);
                crypto::randomBytes(b);
                originals.push_back(b);
                mine.push_back(c.addMedia(b, "m" + std::to_string(refs.size()) + ".jpg", "image/jpeg", ""));
                refs.push_back(mine.back());
            }
            list.push_back(c.approved(c.post("Post " + std::to_string(p), mine)));
        }
        manifest = c.manifest(std::move(list));
    }

    /** damage seals with media `index` (in stream order) changed after approval. */
    void damage(std::size_t index)
    {
        Bytes b = originals[index];
        b[b.size() / 2] ^= 1;
        c.media[refs[index].hash] = b;
    }
    void repair(std::size_t index) { c.media[refs[index].hash] = originals[index]; }
};

/** RecordingSpool keeps what it is given, checking the begin/write/finish protocol, and can
 *  fail its first write into one media. */
class RecordingSpool final : public MediaSpool
{
public:
    std::vector<Bytes> files;
    std::size_t finished = 0;
    int protocolErrors = 0;
    std::optional<std::size_t> failWriteIn;

    Status begin(std::size_t index, const MediaEntry&) override
    {
        protocolErrors += index != files.size() || m_open ? 1 : 0;
        files.emplace_back();
        m_open = true;
        return {};
    }
    Status write(ByteView bytes) override
    {
        protocolErrors += m_open ? 0 : 1;
        if (failWriteIn && *failWriteIn + 1 == files.size())
            return fail(Errc::Io, "spool disk full");
        files.back().insert(files.back().end(), bytes.begin(), bytes.end());
        return {};
    }
    Status finish() override
    {
        protocolErrors += m_open ? 0 : 1;
        m_open = false;
        ++finished;
        return {};
    }
    void discard() noexcept override { files.clear(); }

private:
    bool m_open = false;
};

Result<VerifiedBundle> verifyWith(Ceremony& c, ByteView bundle, MediaSpool* spool)
{
    MemorySource src(bundle);
    VerifyOptions opt;
    opt.now = Ceremony::kNow + 60;
    return verifyBundle(src, c.env(), opt, spool);
}

/** ShortSource claims the full size but its data ends early: a file cut while it is read,
 *  after the size check of §9 step 8a. */
class ShortSource final : public ByteSource
{
public:
    ShortSource(ByteView data, std::uint64_t claimed) : m_inner(data), m_claimed(claimed) {}
    Result<std::size_t> read(std::span<std::uint8_t> buf) override { return m_inner.read(buf); }
    std::uint64_t size() const override { return m_claimed; }

private:
    MemorySource m_inner;
    std::uint64_t m_claimed;
};

} // namespace

TEST_CASE("many media open with every byte spooled in order", "[bundle][open]")
{
    ManyMedia mm(10, 4, 300 * 1000); // 12 MB: media cross chunk boundaries
    const Bytes b = mm.c.seal(mm.manifest);
    RecordingSpool spool;
    const auto vb = verifyWith(mm.c, b, &spool);
    REQUIRE(vb.ok());
    CHECK(vb->manifest.media.size() == 40);
    CHECK(spool.protocolErrors == 0);
    CHECK(spool.finished == 40);
    REQUIRE(spool.files.size() == 40);
    for (std::size_t i = 0; i < 40; ++i)
        CHECK(spool.files[i] == mm.originals[i]);
}

TEST_CASE("the first bad media hash is reported, early or late", "[bundle][open]")
{
    ManyMedia mm(10, 4, 300 * 1000);
    SECTION("early and late: the early one")
    {
        mm.damage(1);
        mm.damage(38);
        const auto r = mm.c.verify(mm.c.seal(mm.manifest));
        REQUIRE(r.code() == Errc::MediaHashMismatch);
        CHECK(r.error().what().find("media 2 of 40") != std::string::npos);
    }
    SECTION("only the last media")
    {
        mm.damage(39);
        const auto r = mm.c.verify(mm.c.seal(mm.manifest));
        REQUIRE(r.code() == Errc::MediaHashMismatch);
        CHECK(r.error().what().find("media 40 of 40") != std::string::npos);
    }
    SECTION("two neighbours in the same chunk: the first")
    {
        mm.damage(20);
        mm.damage(21);
        const auto r = mm.c.verify(mm.c.seal(mm.manifest));
        REQUIRE(r.code() == Errc::MediaHashMismatch);
        CHECK(r.error().what().find("media 21 of 40") != std::string::npos);
    }
}

TEST_CASE("a bad hash before a damaged or missing chunk wins; a damaged chunk before it wins", "[bundle][open]")
{
    ManyMedia mm(10, 4, 300 * 1000); // about 12 chunks; media 2 ends in chunk 1
    mm.damage(1);
    const Bytes b = mm.c.seal(mm.manifest);
    const std::size_t chunks = (b.size() - kHeaderBytes + kFullChunk - 1) / kFullChunk;
    REQUIRE(chunks >= 10);

    Bytes laterTag = b;
    laterTag[kHeaderBytes + 8 * kFullChunk + 3] ^= 1;
    CHECK(mm.c.verify(laterTag).code() == Errc::MediaHashMismatch);

    const ByteView cut(b.data(), kHeaderBytes + 6 * kFullChunk + 10);
    ShortSource shortSrc(cut, b.size());
    VerifyOptions opt;
    opt.now = Ceremony::kNow + 60;
    CHECK(verifyBundle(shortSrc, mm.c.env(), opt, nullptr).code() == Errc::MediaHashMismatch);

    mm.repair(1);
    const Bytes clean = mm.c.seal(mm.manifest);
    ShortSource cleanCut(ByteView(clean.data(), kHeaderBytes + 6 * kFullChunk + 10), clean.size());
    CHECK(verifyBundle(cleanCut, mm.c.env(), opt, nullptr).code() == Errc::Truncated);

    mm.damage(30); // ends in a late chunk
    Bytes earlyTag = mm.c.seal(mm.manifest);
    earlyTag[kHeaderBytes + 2 * kFullChunk + 3] ^= 1;
    CHECK(mm.c.verify(earlyTag).code() == Errc::ChunkAuthFailed);
}

TEST_CASE("a spool failure and a bad hash are reported in stream order", "[bundle][open]")
{
    ManyMedia mm(10, 4, 300 * 1000);
    SECTION("bad hash first")
    {
        mm.damage(3);
        RecordingSpool spool;
        spool.failWriteIn = 25;
        const auto r = verifyWith(mm.c, mm.c.seal(mm.manifest), &spool);
        REQUIRE(r.code() == Errc::MediaHashMismatch);
        CHECK(r.error().what().find("media 4 of 40") != std::string::npos);
        CHECK(spool.files.empty()); // discarded
    }
    SECTION("spool failure first")
    {
        mm.damage(30);
        RecordingSpool spool;
        spool.failWriteIn = 5;
        CHECK(verifyWith(mm.c, mm.c.seal(mm.manifest), &spool).code() == Errc::Io);
        CHECK(spool.protocolErrors == 0);
    }
    SECTION("the last piece of a bad media: its write fails first, as on one thread")
    {
        ManyMedia one(1, 1, 1000);
        one.damage(0);
        RecordingSpool spool;
        spool.failWriteIn = 0;
        CHECK(verifyWith(one.c, one.c.seal(one.manifest), &spool).code() == Errc::Io);
    }
}

TEST_CASE("thousands of tiny media: more tasks than the pipeline queues at once", "[bundle][open]")
{
    // 100 posts x 20 media of 700 bytes: 1.4 MB, about 1500 media in the first chunk, so
    // defer() must run tasks itself to stay within ChunkPipeline::kMaxTasks.
    ManyMedia mm(100, 20, 700);
    const Bytes b = mm.c.seal(mm.manifest);
    RecordingSpool spool;
    const auto vb = verifyWith(mm.c, b, &spool);
    REQUIRE(vb.ok());
    REQUIRE(spool.files.size() == 2000);
    CHECK(spool.protocolErrors == 0);
    CHECK(spool.files[1234] == mm.originals[1234]);

    mm.damage(1500);
    mm.damage(1900);
    const auto r = mm.c.verify(mm.c.seal(mm.manifest));
    REQUIRE(r.code() == Errc::MediaHashMismatch);
    CHECK(r.error().what().find("media 1501 of 2000") != std::string::npos);
}
