// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <array>
#include <cstdint>
#include <string_view>

namespace postern::crypto {

constexpr std::size_t kPublicKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 64;
constexpr std::size_t kDigestBytes = 32;
constexpr std::size_t kSeedBytes = 32;

using PublicKey = std::array<std::uint8_t, kPublicKeyBytes>;
using Signature = std::array<std::uint8_t, kSignatureBytes>;
using Digest = std::array<std::uint8_t, kDigestBytes>;

/**
 * initCrypto initialises libsodium and runs known-answer self-tests (Ed25519 RFC 8032 §7.1
 * test 1, X25519 RFC 7748 §6.1, BLAKE2b RFC 7693 Appendix A, XChaCha20-Poly1305 secretstream
 * round trip). Every executable calls it at start and refuses to run if it fails.
 */
[[nodiscard]] Status initCrypto();

/** equalConstantTime compares two byte strings without data-dependent timing (sodium_memcmp). */
[[nodiscard]] bool equalConstantTime(ByteView a, ByteView b) noexcept;

/** blake2b256 hashes `data` with BLAKE2b-256 (unkeyed). */
[[nodiscard]] Digest blake2b256(ByteView data);

/** blake2b256 with a domain-separation context: BLAKE2b-256(context || data). */
[[nodiscard]] Digest blake2b256(std::string_view context, ByteView data);

/** Blake2b256 is the streaming form, used to hash media without holding them in memory. */
class Blake2b256
{
public:
    Blake2b256();
    void update(ByteView data);
    [[nodiscard]] Digest finish();

private:
    alignas(64) std::array<std::uint8_t, 384> m_state{};
};

/** randomBytes fills `out` from the operating system's CSPRNG (randombytes_buf). */
void randomBytes(std::span<std::uint8_t> out);

/**
 * verifySignature checks an Ed25519 signature over `context || message`. Contexts are
 * NUL-terminated ASCII strings such as "postern/v1/approval" (the NUL is added here) so a
 * signature made for one purpose is never valid for another (docs/bundle-format.md §3).
 */
[[nodiscard]] bool
verifySignature(const PublicKey& key, std::string_view context, ByteView message, const Signature& signature);

/** signedMessage builds the exact bytes Postern signs: context, one NUL byte, message. */
[[nodiscard]] Bytes signedMessage(std::string_view context, ByteView message);

/** isValidEd25519PublicKey rejects small-order and non-canonical points. */
[[nodiscard]] bool isValidEd25519PublicKey(const PublicKey& key) noexcept;

/** fingerprint renders BLAKE2b-256("postern/v1/fingerprint" || data)[0..20] as eight groups
 *  of four Crockford base32 characters, e.g. "7K3M-Q9XD-4T2B-...", to be read aloud. */
[[nodiscard]] std::string fingerprint(ByteView data);

/** toKey copies exactly 32 bytes into a PublicKey; fails with bad-encoding otherwise. */
[[nodiscard]] Result<PublicKey> toKey(ByteView bytes);
/** keyFromHex decodes 64 lowercase hex digits into a PublicKey. */
[[nodiscard]] Result<PublicKey> keyFromHex(std::string_view hex);
/** signatureFromHex decodes 128 lowercase hex digits into a Signature. */
[[nodiscard]] Result<Signature> signatureFromHex(std::string_view hex);

} // namespace postern::crypto
