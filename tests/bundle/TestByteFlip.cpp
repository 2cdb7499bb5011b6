// SPDX-License-Identifier: GPL-3.0-or-later
// Every byte of a small valid bundle flipped in turn: every variant must be rejected and none
// may crash (CI also runs this under AddressSanitizer and UBSan).
#include "Ceremony.h"

#include <catch2/catch.hpp>

#include <map>

using namespace postern;
using postern::test::Ceremony;

TEST_CASE("flipping any byte of a bundle makes it invalid", "[bundle][sweep]")
{
    Ceremony c;
    const auto ref = c.addMedia(Bytes(64, 0x5a), "tiny.png");
    const Bytes good = c.seal(c.manifest({c.approved(c.post("Short post", {ref}))}));
    REQUIRE(c.verify(good).ok());
    INFO("bundle size " << good.size());

    std::map<Errc, std::size_t> histogram;
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (const std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0xff}}) {
            Bytes b = good;
            b[i] ^= mask;
            const auto r = c.verify(b);
            if (r.ok())
                ++accepted;
            else
                ++histogram[r.code()];
        }
    }
    CHECK(accepted == 0);
    // The rejections come from the layer that owns each byte: header fields, key seal, stream.
    CHECK(histogram[Errc::BadHeaderSignature] > 0);
    CHECK(histogram[Errc::ChunkAuthFailed] > 0);
    for (const auto& [code, count] : histogram)
        INFO(std::string(errcName(code)) << ": " << count);
}

TEST_CASE("every truncation length of a bundle is rejected", "[bundle][sweep]")
{
    Ceremony c;
    const Bytes good = c.seal(c.manifest({c.approved(c.post("Short post"))}));
    for (std::size_t len = 0; len < good.size(); ++len) {
        const Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len));
        const auto r = c.verify(cut);
        REQUIRE_FALSE(r.ok());
        CHECK(r.code() == Errc::Truncated);
    }
}
