// SPDX-License-Identifier: GPL-3.0-or-later
// Seals VALID bundles (correct signatures, stream and manifest) whose header integers come
// from the fuzz input, biased to the extremes, and checks the verifier never accepts a bundle
// whose lifetime is not in (0, 30 days] (docs/bundle-format.md §9 step 7). Overflow in the
// header arithmetic shows up as a UBSan report; a wrong acceptance aborts.
#include "../vectors/VectorKit.h"

#include "postern/bundle/BundleVerifier.h"

#include <cstdlib>
#include <cstring>

using namespace postern;
using namespace postern::vectors;

namespace {

struct Input
{
    const std::uint8_t* data;
    std::size_t size;

    std::uint64_t raw()
    {
        std::uint64_t v = 0;
        const std::size_t n = std::min<std::size_t>(8, size);
        std::memcpy(&v, data, n);
        data += n;
        size -= n;
        return v;
    }
    /** pick returns an extreme or near-now value most of the time, raw bytes otherwise. */
    std::int64_t pick()
    {
        static constexpr std::int64_t kDay = 86400;
        static constexpr std::int64_t kPool[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX, INT64_MAX - 1,
                                                 kNow - 300, kNow - 301, kNow + 300, kNow + 301, kNow,
                                                 kNow + 3600, kNow - 60, kNow + 30 * kDay, kNow + 30 * kDay + 1};
        if (size == 0)
            return kNow;
        const std::uint8_t sel = *data++;
        --size;
        if (sel < 224)
            return kPool[sel % std::size(kPool)];
        return static_cast<std::int64_t>(raw());
    }
};

struct Setup
{
    bool ready = crypto::initCrypto().ok() || (std::abort(), false);
    Kit kit;
    std::string manifest = kit.manifest({kit.approved(kit.post("fuzz-header"))}).serialize();
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static Setup s;
    Input in{data, size};
    RawBundle b;
    b.signer = &s.kit.workstation;
    b.recipient = s.kit.uploaderBox.publicKey();
    b.manifest = s.manifest;
    b.created = in.pick();
    b.expires = in.pick();
    b.sequence = static_cast<std::uint64_t>(in.pick());
    if (size > 0 && (data[0] & 1))
        b.payloadBytes = static_cast<std::uint64_t>(in.pick());
    const Bytes bundleBytes = sealRaw(b);

    bundle::TrustedWorkstation trusted;
    trusted.policy = s.kit.v1;
    trusted.knownPolicy = [&](std::int64_t v) -> std::optional<std::string> {
        return v == 1 ? std::optional<std::string>(s.kit.v1.fileText) : std::nullopt;
    };
    bundle::VerifyEnvironment env;
    env.uploaderKey = &s.kit.uploaderBox;
    env.findWorkstation = [&](const crypto::PublicKey& k) -> const bundle::TrustedWorkstation* {
        return crypto::equalConstantTime(k, s.kit.workstation.publicKey()) ? &trusted : nullptr;
    };
    env.seen = [](const bundle::BundleId&) -> Result<bool> { return false; };
    bundle::VerifyOptions opt;
    opt.now = kNow;
    bundle::MemorySource src(bundleBytes);
    const auto r = bundle::verifyBundle(src, env, opt, nullptr);
    if (r.ok()) {
        // Exact arithmetic in 128 bits: accepted means 0 < expires - created <= 30 days.
        const __int128 lifetime = static_cast<__int128>(b.expires) - static_cast<__int128>(b.created);
        if (lifetime <= 0 || lifetime > 30 * 86400)
            std::abort();
    }
    return 0;
}
