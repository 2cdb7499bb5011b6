// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/Keys.h"

#include <sodium.h>

#include <cstring>

namespace postern::crypto {

SigningKey SigningKey::generate()
{
    SecureBuffer seed(kSeedBytes);
    randombytes_buf(seed.data(), seed.size());
    auto key = fromSeed(seed.view());
    return std::move(key).value(); // a 32-byte seed always yields a key
}

Result<SigningKey> SigningKey::fromSeed(ByteView seed)
{
    if (seed.size() != crypto_sign_SEEDBYTES)
        return fail(Errc::BadKeyFile, "an Ed25519 seed must be 32 bytes");
    SigningKey k;
    k.m_seed = SecureBuffer(seed);
    k.m_secret = SecureBuffer(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(k.m_public.data(), k.m_secret.data(), k.m_seed.data());
    return k;
}

Signature SigningKey::sign(std::string_view context, ByteView message) const
{
    const Bytes m = signedMessage(context, message);
    Signature s{};
    crypto_sign_detached(s.data(), nullptr, m.data(), m.size(), m_secret.data());
    return s;
}

SecureBuffer SigningKey::boxSecret() const
{
    SecureBuffer out(crypto_scalarmult_curve25519_BYTES);
    crypto_sign_ed25519_sk_to_curve25519(out.data(), m_secret.data());
    return out;
}

Result<PublicKey> boxPublicFromSigning(const PublicKey& signingKey)
{
    PublicKey out{};
    if (crypto_sign_ed25519_pk_to_curve25519(out.data(), signingKey.data()) != 0)
        return fail(Errc::BadEncoding, "public key cannot be converted to X25519");
    return out;
}

BoxKey BoxKey::generate()
{
    SecureBuffer secret(crypto_box_SECRETKEYBYTES);
    randombytes_buf(secret.data(), secret.size());
    auto key = fromSecret(secret.view());
    return std::move(key).value();
}

Result<BoxKey> BoxKey::fromSecret(ByteView secret)
{
    if (secret.size() != crypto_box_SECRETKEYBYTES)
        return fail(Errc::BadKeyFile, "an X25519 secret must be 32 bytes");
    BoxKey k;
    k.m_secret = SecureBuffer(secret);
    crypto_scalarmult_base(k.m_public.data(), k.m_secret.data());
    return k;
}

Result<SecureBuffer> BoxKey::openSealed(ByteView sealed) const
{
    return openSealedWith(m_secret, sealed);
}

Result<Bytes> sealTo(const PublicKey& recipient, ByteView plaintext)
{
    Bytes out(plaintext.size() + crypto_box_SEALBYTES);
    if (crypto_box_seal(out.data(), plaintext.data(), plaintext.size(), recipient.data()) != 0)
        return fail(Errc::BadEncoding, "cannot seal to this public key");
    return out;
}

Result<SecureBuffer> openSealedWith(const SecureBuffer& boxSecret, ByteView sealed)
{
    if (sealed.size() < crypto_box_SEALBYTES || boxSecret.size() != crypto_box_SECRETKEYBYTES)
        return fail(Errc::BadKeySeal, "sealed box is too short");
    PublicKey pub{};
    crypto_scalarmult_base(pub.data(), boxSecret.data());
    SecureBuffer out(sealed.size() - crypto_box_SEALBYTES);
    // libsodium rejects an all-zero shared secret (low-order ephemeral share) inside
    // crypto_box_beforenm, so a low-order point fails here like any other forgery.
    if (crypto_box_seal_open(out.data(), sealed.data(), sealed.size(), pub.data(), boxSecret.data()) != 0)
        return fail(Errc::BadKeySeal, "sealed key cannot be opened with this key");
    return out;
}

} // namespace postern::crypto
