// SPDX-License-Identifier: GPL-3.0-or-later
// One test per bad-input class of shared/reference/security-anchors.md §8 that applies to the
// bundle container and its trust checks. Each starts from a valid bundle, breaks one thing,
// and asserts the named error (docs/bundle-format.md §9 lists them).
#include "Ceremony.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::bundle;
using postern::test::Ceremony;

namespace {
Bytes bigBundle(Ceremony& c)
{
    Bytes big(3 * kChunkBytes);
    crypto::randomBytes(big);
    const auto ref = c.addMedia(big, "clip.mp4", "video/mp4", "");
    return c.seal(c.manifest({c.approved(c.post("Video", {ref}))}));
}
constexpr std::size_t kFullChunk = kChunkBytes + crypto::kStreamOverhead;
} // namespace

TEST_CASE("§8.1 bundle signed by an unknown workstation key", "[attack]")
{
    Ceremony c;
    const auto rogue = crypto::SigningKey::generate();
    Ceremony::SealOptions o;
    o.signer = &rogue;
    const Bytes b = c.seal(c.manifest({c.approved(c.post("x"))}), o);
    CHECK(c.verify(b).code() == Errc::UnknownWorkstation);
}

TEST_CASE("§8.1 header signature that does not verify", "[attack]")
{
    Ceremony c;
    Bytes b = c.validBundle();
    b[kHeaderSignedBytes + 5] ^= 0x20; // inside the signature
    CHECK(c.verify(b).code() == Errc::BadHeaderSignature);
}

TEST_CASE("§8.15 bundle sealed for another uploader", "[attack]")
{
    Ceremony c;
    Ceremony::SealOptions o;
    o.recipient = crypto::BoxKey::generate().publicKey();
    const Bytes b = c.seal(c.manifest({c.approved(c.post("x"))}), o);
    CHECK(c.verify(b).code() == Errc::WrongRecipient);
}

TEST_CASE("§8.10 expired bundle, checked against one captured now", "[attack]")
{
    Ceremony c;
    const Bytes b = c.validBundle(); // expires kNow + 3600
    CHECK(c.verify(b, Ceremony::kNow + 3600).code() == Errc::Expired);
    CHECK(c.verify(b, Ceremony::kNow + 3599).ok());
}

TEST_CASE("§8.14 future-dated bundle beyond the clock-skew allowance", "[attack]")
{
    Ceremony c;
    const Bytes b = c.validBundle(); // created kNow
    CHECK(c.verify(b, Ceremony::kNow - 301).code() == Errc::FutureDated);
    CHECK(c.verify(b, Ceremony::kNow - 299).ok());
}

TEST_CASE("§8.14 lifetime longer than the channel's policy maximum", "[attack]")
{
    Ceremony c;
    Ceremony::SealOptions o;
    o.expires = Ceremony::kNow + 86400 + 1; // policy allows 86400 s
    const Bytes b = c.seal(c.manifest({c.approved(c.post("x"))}), o);
    CHECK(c.verify(b).code() == Errc::LifetimeExceedsPolicy);
    Ceremony::SealOptions huge;
    huge.expires = Ceremony::kNow + 31 * 86400;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), huge)).code() == Errc::LifetimeExceedsPolicy);
}

TEST_CASE("§8.11 replay of a consumed bundle id", "[attack]")
{
    Ceremony c;
    const Bytes b = c.validBundle();
    REQUIRE(c.verify(b).ok());
    c.seen.insert(deriveBundleId(c.workstation.publicKey(), 1));
    CHECK(c.verify(b).code() == Errc::Replay);
}

TEST_CASE("§8.12/§8.13 sequence rollback and fast-forward are bounded", "[attack]")
{
    Ceremony c;
    c.trusted.highWater = 500000;
    Ceremony::SealOptions old;
    old.sequence = 1;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), old)).code() == Errc::SequenceRollback);
    Ceremony::SealOptions jump;
    jump.sequence = 500000 + 100001;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), jump)).code() == Errc::SequenceJump);
    Ceremony::SealOptions late; // carried out of order but inside the window: accepted
    late.sequence = 499990;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), late)).ok());
}

TEST_CASE("bundle id that does not derive from the sequence", "[attack]")
{
    Ceremony c;
    Bytes b = c.validBundle();
    auto h = BundleHeader::decode(b).value();
    h.bundleId[0] ^= 1;
    h.signature = c.workstation.sign(kHeaderContext, h.encodeSigned()); // even when re-signed
    const Bytes hb = h.encode();
    std::copy(hb.begin(), hb.end(), b.begin());
    CHECK(c.verify(b).code() == Errc::BadBundleId);
}

TEST_CASE("§8.17 truncated payload, at a chunk boundary and mid-chunk", "[attack]")
{
    Ceremony c;
    const Bytes b = bigBundle(c);
    Bytes atBoundary(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(kHeaderBytes + 2 * kFullChunk));
    CHECK(c.verify(atBoundary).code() == Errc::Truncated);
    Bytes midChunk(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(kHeaderBytes + kFullChunk + 100));
    CHECK(c.verify(midChunk).code() == Errc::Truncated);
    Bytes headerOnly(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(kHeaderBytes));
    CHECK(c.verify(headerOnly).code() == Errc::Truncated);
    Bytes partHeader(b.begin(), b.begin() + 100);
    CHECK(c.verify(partHeader).code() == Errc::Truncated);
}

TEST_CASE("§8.17 data after the final chunk", "[attack]")
{
    Ceremony c;
    Bytes b = c.validBundle();
    b.push_back(0);
    CHECK(c.verify(b).code() == Errc::TrailingData);
    Bytes twice = c.validBundle();
    const Bytes again = twice;
    twice.insert(twice.end(), again.begin() + kHeaderBytes, again.end()); // a second stream
    CHECK(c.verify(twice).code() == Errc::TrailingData);
}

TEST_CASE("§8.17 reordered and duplicated chunks", "[attack]")
{
    Ceremony c;
    const Bytes b = bigBundle(c);
    Bytes swapped = b;
    const auto first = swapped.begin() + static_cast<std::ptrdiff_t>(kHeaderBytes);
    std::swap_ranges(first, first + kFullChunk, first + kFullChunk);
    CHECK(c.verify(swapped).code() == Errc::ChunkAuthFailed);
    Bytes duplicated = b;
    const auto original = b.begin() + static_cast<std::ptrdiff_t>(kHeaderBytes);
    std::copy(original,
              original + kFullChunk,
              duplicated.begin() + static_cast<std::ptrdiff_t>(kHeaderBytes + kFullChunk));
    REQUIRE(duplicated != b);
    CHECK(c.verify(duplicated).code() == Errc::ChunkAuthFailed);
}

TEST_CASE("§8.17 bad authentication tag in a later chunk", "[attack]")
{
    Ceremony c;
    Bytes b = bigBundle(c);
    b[kHeaderBytes + 2 * kFullChunk - 1] ^= 0x01; // last MAC byte of chunk 2
    CHECK(c.verify(b).code() == Errc::ChunkAuthFailed);
}

TEST_CASE("§8.19 sealed file key that does not open", "[attack]")
{
    Ceremony c;
    Bytes b = c.validBundle();
    auto h = BundleHeader::decode(b).value();
    std::fill(h.sealedKey.begin(), h.sealedKey.begin() + 32, 0); // all-zero (low-order) share
    h.signature = c.workstation.sign(kHeaderContext, h.encodeSigned());
    const Bytes hb = h.encode();
    std::copy(hb.begin(), hb.end(), b.begin());
    CHECK(c.verify(b).code() == Errc::BadKeySeal);
}

TEST_CASE("§8.20/§8.21 wrong magic and unsupported version", "[attack]")
{
    Ceremony c;
    Bytes b = c.validBundle();
    Bytes v2 = b;
    v2[15] = '2';
    CHECK(c.verify(v2).code() == Errc::UnsupportedVersion);
    Bytes junk = b;
    junk[0] = 'p';
    CHECK(c.verify(junk).code() == Errc::BadMagic);
    CHECK(c.verify(Bytes{}).code() == Errc::Truncated);
    CHECK(c.verify(toBytes("garbage\n")).code() == Errc::BadMagic); // short and unrelated
}

TEST_CASE("§8.23 oversized input is refused before anything is read", "[attack]")
{
    Ceremony c;
    const Bytes b = c.validBundle();
    MemorySource src(b);
    VerifyOptions opt;
    opt.now = Ceremony::kNow;
    opt.maxBundleBytes = b.size() - 1;
    CHECK(verifyBundle(src, c.env(), opt, nullptr).code() == Errc::TooLarge);
}

TEST_CASE("§8.28 media bytes swapped after approval", "[attack]")
{
    Ceremony c;
    const Bytes image(4000, 0x11);
    const auto ref = c.addMedia(image);
    const Manifest m = c.manifest({c.approved(c.post("x", {ref}))});
    c.media[ref.hash] = Bytes(4000, 0x12); // same size, different bytes
    CHECK(c.verify(c.seal(m)).code() == Errc::MediaHashMismatch);
}

TEST_CASE("manifest signed by a key other than the header's", "[attack]")
{
    Ceremony c;
    // Re-sign only the header with the real key over a bundle whose manifest another
    // workstation signed: the manifest signature must fail.
    const auto rogue = crypto::SigningKey::generate();
    Ceremony::SealOptions o;
    o.signer = &rogue;
    Bytes b = c.seal(c.manifest({c.approved(c.post("x"))}), o);
    auto h = BundleHeader::decode(b).value();
    h.workstation = c.workstation.publicKey();
    h.bundleId = deriveBundleId(h.workstation, h.sequence);
    h.signature = c.workstation.sign(kHeaderContext, h.encodeSigned());
    const Bytes hb = h.encode();
    std::copy(hb.begin(), hb.end(), b.begin());
    // The chunk AD binds the header hash, so the stream itself no longer authenticates.
    CHECK(c.verify(b).code() == Errc::ChunkAuthFailed);
}

TEST_CASE("errors keep stream order while decryption and hashing overlap", "[attack][pipeline]")
{
    Ceremony c;
    Bytes first(kChunkBytes + kChunkBytes / 2);
    Bytes second(2 * kChunkBytes);
    crypto::randomBytes(first);
    crypto::randomBytes(second);
    const auto a = c.addMedia(first, "a.mp4", "video/mp4", "");
    const auto b = c.addMedia(second, "b.mp4", "video/mp4", "");
    const Manifest m = c.manifest({c.approved(c.post("Two videos", {a, b}))});
    REQUIRE(c.verify(c.seal(m)).ok());

    // The first video ends in chunk 2 with the wrong hash; chunk 3 is also damaged. Read in
    // order, the hash mismatch comes first, so it is the error reported.
    Bytes swapped = first;
    swapped[10] ^= 1;
    c.media[a.hash] = swapped;
    Bytes both = c.seal(m);
    both[kHeaderBytes + 2 * kFullChunk + 5] ^= 1;
    CHECK(c.verify(both).code() == Errc::MediaHashMismatch);

    // Damage in chunk 1 comes before any hash finishes.
    Bytes early = c.seal(m);
    early[kHeaderBytes + 5] ^= 1;
    CHECK(c.verify(early).code() == Errc::ChunkAuthFailed);

    // A mismatch in the last media, seen only at the end, is still caught.
    c.media[a.hash] = first;
    Bytes lastSwapped = second;
    lastSwapped.back() ^= 1;
    c.media[b.hash] = lastSwapped;
    CHECK(c.verify(c.seal(m)).code() == Errc::MediaHashMismatch);
}
