// SPDX-License-Identifier: GPL-3.0-or-later
// Extreme integers in a correctly signed header (issue: an independent implementation got a
// never-expiring bundle accepted through signed overflow in `expires - created`). Every header
// here is signed by the trusted workstation key, so only the arithmetic rules can refuse it.
#include "Ceremony.h"

#include "postern/util/Checked.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace postern;
using namespace postern::bundle;
using postern::test::Ceremony;

namespace {
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kUMax = std::numeric_limits<std::uint64_t>::max();

Errc sealWith(Ceremony& c, std::int64_t created, std::int64_t expires, std::int64_t now = Ceremony::kNow + 60)
{
    Ceremony::SealOptions o;
    o.created = created;
    o.expires = expires;
    return c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), o), now).code();
}

/** forge writes created/expires into a valid bundle's header and signs it again with the
 *  workstation key: the writer itself refuses such values, an attacker's writer does not. */
Errc forge(Ceremony& c, std::int64_t created, std::int64_t expires, std::int64_t now)
{
    Bytes b = c.validBundle();
    auto h = BundleHeader::decode(b).value();
    h.created = created;
    h.expires = expires;
    h.signature = c.workstation.sign(kHeaderContext, h.encodeSigned());
    const Bytes hb = h.encode();
    std::copy(hb.begin(), hb.end(), b.begin());
    return c.verify(b, now).code();
}
} // namespace

TEST_CASE("checked helpers refuse overflow instead of wrapping", "[checked]")
{
    CHECK_FALSE(checkedSub<std::int64_t>(kMax, kMin).has_value());
    CHECK_FALSE(checkedSub<std::int64_t>(kMax, -1).has_value());
    CHECK(checkedSub<std::int64_t>(10, 3) == 7);
    CHECK_FALSE(checkedAdd<std::uint64_t>(kUMax, 1).has_value());
    CHECK_FALSE(checkedMul<std::uint64_t>(kUMax / 2 + 1, 2).has_value());
    CHECK(saturatingAdd<std::int64_t>(kMax, 60) == kMax);
    CHECK(saturatingAdd<std::int64_t>(kMin, -1) == kMin);
    CHECK(saturatingAdd<std::uint64_t>(kUMax - 1, 5) == kUMax);
    CHECK(ceilDiv<std::uint64_t>(kUMax, kChunkBytes) == kUMax / kChunkBytes + 1);
    CHECK(ceilDiv<std::uint64_t>(0, 7) == 0);
}

TEST_CASE("a lifetime that overflows 64 bits is lifetime-exceeds-policy", "[attack][integers]")
{
    Ceremony c;
    // Both found from outside: -2^63 .. 2^63-1, and -2^63 .. now + 1 h.
    CHECK(sealWith(c, kMin, kMax) == Errc::LifetimeExceedsPolicy);
    CHECK(sealWith(c, kMin, Ceremony::kNow + 3600) == Errc::LifetimeExceedsPolicy);
    CHECK(sealWith(c, kMin + 1, Ceremony::kNow + 3600) == Errc::LifetimeExceedsPolicy);
    // Negative and zero lifetimes, and 30 days + 1 s.
    CHECK(forge(c, Ceremony::kNow, Ceremony::kNow, Ceremony::kNow - 1) == Errc::LifetimeExceedsPolicy);
    CHECK(forge(c, Ceremony::kNow, Ceremony::kNow - 1, Ceremony::kNow - 2) == Errc::LifetimeExceedsPolicy);
    CHECK(forge(c, kMin, kMax, Ceremony::kNow) == Errc::LifetimeExceedsPolicy);
    CHECK(sealWith(c, Ceremony::kNow, Ceremony::kNow + 30 * 86400 + 1) == Errc::LifetimeExceedsPolicy);
    // created far in the future and expires at the end of time: future-dated first.
    CHECK(sealWith(c, kMax - 10, kMax) == Errc::FutureDated);
    // expires in the past: expired, whatever created says.
    CHECK(sealWith(c, kMin, kMin + 1) == Errc::Expired);
    // The header's own arithmetic says "does not fit" rather than wrapping.
    BundleHeader h;
    h.created = kMin;
    h.expires = kMax;
    CHECK_FALSE(h.lifetime().has_value());
}

TEST_CASE("the per-channel lifetime rule holds on its own", "[attack][integers]")
{
    Ceremony c; // the policy allows 86400 s per channel
    CHECK(sealWith(c, Ceremony::kNow, Ceremony::kNow + 86400) == Errc::Ok);
    CHECK(sealWith(c, Ceremony::kNow, Ceremony::kNow + 86401) == Errc::LifetimeExceedsPolicy);
}

TEST_CASE("sequence numbers at the ends of 64 bits stay in their window", "[attack][integers]")
{
    Ceremony c;
    c.trusted.highWater = 200000;
    Ceremony::SealOptions o;
    // 2^64 - 50 000 + 100 000 once wrapped to 50 000 and was called a rollback.
    o.sequence = kUMax - 50000;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), o)).code() == Errc::SequenceJump);
    o.sequence = kUMax;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), o)).code() == Errc::SequenceJump);
    c.trusted.highWater = kUMax - 5; // a high-water mark at the very end cannot wrap the jump bound
    o.sequence = kUMax;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), o)).ok());
    o.sequence = 0;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"))}), o)).code() == Errc::SequenceRollback);
}

TEST_CASE("payload_bytes near 2^64 neither wraps the chunk count nor the file size", "[attack][integers]")
{
    BundleHeader h;
    h.payloadBytes = kUMax;
    CHECK(h.chunkCount() == kUMax / kChunkBytes + 1);
    CHECK(h.fileBytes() == kUMax);
    Ceremony c;
    Bytes b = c.validBundle();
    auto header = BundleHeader::decode(b).value();
    header.payloadBytes = kUMax;
    header.signature = c.workstation.sign(kHeaderContext, header.encodeSigned());
    const Bytes hb = header.encode();
    std::copy(hb.begin(), hb.end(), b.begin());
    CHECK(c.verify(b).code() == Errc::Truncated);
}

TEST_CASE("a schedule or order time at the end of 64 bits does not overflow its grace", "[attack][integers]")
{
    Ceremony c;
    auto content = c.post("x");
    content.schedule = kMax; // far future: allowed, it waits
    CHECK(c.verify(c.seal(c.manifest({c.approved(content)}))).ok());
    Ceremony c2;
    auto early = c2.post("x");
    early.schedule = 1; // before the bundle was made
    CHECK(c2.verify(c2.seal(c2.manifest({c2.approved(early)}))).code() == Errc::ScheduleInPast);
}
