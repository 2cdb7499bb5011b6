// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/BundleFormat.h"

#include "postern/util/Checked.h"

#include <algorithm>
#include <limits>
#include <cstring>

namespace postern::bundle {

namespace {
void putI64(Bytes& out, std::int64_t v)
{
    putU64(out, static_cast<std::uint64_t>(v));
}
template <std::size_t N>
void putArray(Bytes& out, const std::array<std::uint8_t, N>& a)
{
    out.insert(out.end(), a.begin(), a.end());
}
template <std::size_t N>
void getArray(ByteView in, std::size_t offset, std::array<std::uint8_t, N>& a)
{
    std::memcpy(a.data(), in.data() + offset, N);
}
} // namespace

Bytes BundleHeader::encodeSigned() const
{
    Bytes out;
    out.reserve(kHeaderBytes);
    out.insert(out.end(), kMagic.begin(), kMagic.end());
    putArray(out, workstation);
    putArray(out, recipient);
    putArray(out, bundleId);
    putU64(out, sequence);
    putI64(out, created);
    putI64(out, expires);
    putU64(out, payloadBytes);
    putArray(out, sealedKey);
    putArray(out, streamHeader);
    return out;
}

Bytes BundleHeader::encode() const
{
    Bytes out = encodeSigned();
    putArray(out, signature);
    return out;
}

Result<BundleHeader> BundleHeader::decode(ByteView bytes)
{
    // Compare whatever prefix is present first, so a short unrelated file is called what it
    // is (not a bundle) rather than a truncated one.
    const std::string_view head(reinterpret_cast<const char*>(bytes.data()), std::min(bytes.size(), kMagic.size()));
    if (head.substr(0, kMagicPrefix.size()) != kMagicPrefix.substr(0, std::min(head.size(), kMagicPrefix.size())))
        return fail(Errc::BadMagic, "this is not a Postern bundle (wrong magic bytes)");
    if (bytes.size() < kMagic.size())
        return fail(Errc::Truncated, "file is shorter than a bundle header");
    const std::string_view magic = head;
    if (magic != kMagic)
        return fail(Errc::UnsupportedVersion,
                    "bundle format \"" + std::string(magic)
                        + "\" is not supported by this uploader; it reads POSTERN-BUNDLE/1");
    if (bytes.size() < kHeaderBytes)
        return fail(Errc::Truncated, "file is shorter than a bundle header");
    BundleHeader h;
    std::size_t at = kMagic.size();
    getArray(bytes, at, h.workstation);
    at += 32;
    getArray(bytes, at, h.recipient);
    at += 32;
    getArray(bytes, at, h.bundleId);
    at += 16;
    h.sequence = getU64(bytes.subspan(at, 8));
    at += 8;
    h.created = static_cast<std::int64_t>(getU64(bytes.subspan(at, 8)));
    at += 8;
    h.expires = static_cast<std::int64_t>(getU64(bytes.subspan(at, 8)));
    at += 8;
    h.payloadBytes = getU64(bytes.subspan(at, 8));
    at += 8;
    getArray(bytes, at, h.sealedKey);
    at += kSealedKeyBytes;
    getArray(bytes, at, h.streamHeader);
    at += crypto::kStreamHeaderBytes;
    getArray(bytes, at, h.signature);
    return h;
}

bool BundleHeader::verifySignature() const
{
    return crypto::verifySignature(workstation, kHeaderContext, encodeSigned(), signature);
}

crypto::Digest BundleHeader::hash() const
{
    return crypto::blake2b256(encode());
}

std::uint64_t BundleHeader::chunkCount() const
{
    // ceilDiv, not (payload + chunk - 1) / chunk: a hostile payload_bytes near 2^64 wrapped
    // that sum to a handful of chunks.
    return payloadBytes == 0 ? 1 : ceilDiv<std::uint64_t>(payloadBytes, kChunkBytes);
}

std::uint64_t BundleHeader::fileBytes() const
{
    const auto overhead = checkedMul<std::uint64_t>(chunkCount(), crypto::kStreamOverhead);
    const auto withPayload = overhead ? checkedAdd<std::uint64_t>(*overhead, payloadBytes) : std::nullopt;
    const auto total = withPayload ? checkedAdd<std::uint64_t>(*withPayload, kHeaderBytes) : std::nullopt;
    return total.value_or(std::numeric_limits<std::uint64_t>::max());
}

std::optional<std::int64_t> BundleHeader::lifetime() const
{
    return checkedSub(expires, created);
}

BundleId deriveBundleId(const crypto::PublicKey& workstation, std::uint64_t sequence)
{
    Bytes data(workstation.begin(), workstation.end());
    putU64(data, sequence);
    const crypto::Digest d = crypto::blake2b256(kBundleIdContext, data);
    BundleId id{};
    std::memcpy(id.data(), d.data(), id.size());
    return id;
}

Bytes chunkAd(const crypto::Digest& headerHash)
{
    Bytes ad(kChunkAdContext.begin(), kChunkAdContext.end());
    ad.push_back(0);
    ad.insert(ad.end(), headerHash.begin(), headerHash.end());
    return ad;
}

} // namespace postern::bundle
