// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Crypto.h"
#include "postern/crypto/SecretStream.h"
#include "postern/util/Result.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace postern::bundle {

/** Normative constants of bundle format v1 (docs/bundle-format.md §2). */
constexpr std::string_view kMagic = "POSTERN-BUNDLE/1"; // 16 bytes
constexpr std::string_view kMagicPrefix = "POSTERN-BUNDLE/";
constexpr std::size_t kHeaderSignedBytes = 232;
constexpr std::size_t kHeaderBytes = kHeaderSignedBytes + crypto::kSignatureBytes; // 296
constexpr std::size_t kChunkBytes = 1u << 20;                                      // plaintext bytes per chunk
constexpr std::size_t kSealedKeyBytes = 80;                                        // crypto_box_seal of 32 bytes
constexpr std::size_t kMaxManifestBytes = 16u << 20;
constexpr std::uint64_t kMaxPayloadBytes = 1ull << 40; // format ceiling; uploader caps lower
constexpr std::string_view kHeaderContext = "postern/v1/bundle-header";
constexpr std::string_view kManifestContext = "postern/v1/manifest";
constexpr std::string_view kBundleIdContext = "postern/v1/bundle-id";
constexpr std::string_view kChunkAdContext = "postern/v1/chunk";

using BundleId = std::array<std::uint8_t, 16>;

/** BundleHeader is the cleartext, workstation-signed first 296 bytes of a bundle. */
struct BundleHeader
{
    crypto::PublicKey workstation{}; ///< Ed25519 key that signed the header
    crypto::PublicKey recipient{};   ///< X25519 key of the uploader the bundle is sealed to
    BundleId bundleId{};
    std::uint64_t sequence = 0;
    std::int64_t created = 0;
    std::int64_t expires = 0;
    std::uint64_t payloadBytes = 0; ///< plaintext bytes in the encrypted stream
    std::array<std::uint8_t, kSealedKeyBytes> sealedKey{};
    std::array<std::uint8_t, crypto::kStreamHeaderBytes> streamHeader{};
    crypto::Signature signature{};

    /** encodeSigned returns bytes 0..232: everything the header signature covers. */
    [[nodiscard]] Bytes encodeSigned() const;
    /** encode returns the full 296-byte header. */
    [[nodiscard]] Bytes encode() const;
    /** decode parses 296 bytes: bad-magic or unsupported-version; fields are not yet trusted. */
    [[nodiscard]] static Result<BundleHeader> decode(ByteView bytes);
    /** verifySignature checks the header signature under `workstation`. */
    [[nodiscard]] bool verifySignature() const;
    /** hash is BLAKE2b-256 of the full 296 header bytes: bound into every chunk and the manifest. */
    [[nodiscard]] crypto::Digest hash() const;
    /** chunkCount is the number of stream chunks that payloadBytes implies. */
    [[nodiscard]] std::uint64_t chunkCount() const;
    /** fileBytes is the exact size of a well-formed bundle with this header, or the largest
     *  uint64 when payloadBytes is so large that the size does not fit (no file is that big). */
    [[nodiscard]] std::uint64_t fileBytes() const;
    /** lifetime is expires - created in seconds, or nullopt when the difference does not fit
     *  in 64 bits (created = -2^63 with expires = 2^63 - 1 once lived forever). */
    [[nodiscard]] std::optional<std::int64_t> lifetime() const;
};

/** deriveBundleId is BLAKE2b-256("postern/v1/bundle-id" || workstation || sequence)[0..16]:
 *  the id carries no random bits (no covert channel) and the uploader recomputes it. */
[[nodiscard]] BundleId deriveBundleId(const crypto::PublicKey& workstation, std::uint64_t sequence);

/** chunkAd is the associated data of every chunk: "postern/v1/chunk" || NUL || header hash. */
[[nodiscard]] Bytes chunkAd(const crypto::Digest& headerHash);

} // namespace postern::bundle
