// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Crypto.h"
#include "postern/crypto/SecureBuffer.h"

namespace postern::crypto {

/** SigningKey is an Ed25519 key pair whose 32-byte seed lives in guarded memory. */
class SigningKey
{
public:
    [[nodiscard]] static SigningKey generate();
    [[nodiscard]] static Result<SigningKey> fromSeed(ByteView seed);

    [[nodiscard]] const PublicKey& publicKey() const noexcept { return m_public; }
    [[nodiscard]] const SecureBuffer& seed() const noexcept { return m_seed; }
    /** sign returns an Ed25519 signature over `context || NUL || message`. */
    [[nodiscard]] Signature sign(std::string_view context, ByteView message) const;
    /** boxSecret derives the X25519 secret of this key (crypto_sign_ed25519_sk_to_curve25519),
     *  used to open the workstation-key grants sealed to a user. */
    [[nodiscard]] SecureBuffer boxSecret() const;

private:
    SigningKey() = default;
    SecureBuffer m_secret; // libsodium's 64-byte secret key (seed || public)
    SecureBuffer m_seed;
    PublicKey m_public{};
};

/** boxPublicFromSigning converts an Ed25519 public key to its X25519 form. */
[[nodiscard]] Result<PublicKey> boxPublicFromSigning(const PublicKey& signingKey);

/** BoxKey is an X25519 key pair (the uploader's bundle decryption key). */
class BoxKey
{
public:
    [[nodiscard]] static BoxKey generate();
    [[nodiscard]] static Result<BoxKey> fromSecret(ByteView secret);

    [[nodiscard]] const PublicKey& publicKey() const noexcept { return m_public; }
    [[nodiscard]] const SecureBuffer& secret() const noexcept { return m_secret; }
    /** open decrypts a crypto_box_seal message addressed to this key. */
    [[nodiscard]] Result<SecureBuffer> openSealed(ByteView sealed) const;

private:
    BoxKey() = default;
    SecureBuffer m_secret;
    PublicKey m_public{};
};

constexpr std::size_t kSealOverhead = 48;

/** sealTo encrypts `plaintext` anonymously to an X25519 public key (crypto_box_seal). */
[[nodiscard]] Result<Bytes> sealTo(const PublicKey& recipient, ByteView plaintext);

/** openSealedWith opens a sealed box with a raw X25519 secret (e.g. SigningKey::boxSecret). */
[[nodiscard]] Result<SecureBuffer> openSealedWith(const SecureBuffer& boxSecret, ByteView sealed);

} // namespace postern::crypto
