// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/Crypto.h"

#include "postern/crypto/SecretStream.h"

#include <sodium.h>

#include <cstring>

namespace postern::crypto {

static_assert(sizeof(crypto_generichash_state) <= 384, "Blake2b256 state buffer too small");

namespace {

Bytes hexKat(std::string_view hex)
{
    auto r = fromHex(hex);
    return r.ok() ? std::move(r).value() : Bytes{};
}

// RFC 8032 §7.1, TEST 1: empty message.
Status selfTestEd25519()
{
    const Bytes seed = hexKat("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    const Bytes pub = hexKat("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const Bytes sig = hexKat("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                             "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    unsigned char out[crypto_sign_BYTES];
    crypto_sign_seed_keypair(pk, sk, seed.data());
    crypto_sign_detached(out, nullptr, nullptr, 0, sk);
    sodium_memzero(sk, sizeof sk);
    if (std::memcmp(pk, pub.data(), sizeof pk) != 0 || std::memcmp(out, sig.data(), sizeof out) != 0
        || crypto_sign_verify_detached(sig.data(), nullptr, 0, pub.data()) != 0)
        return fail(Errc::SelfTestFailed, "Ed25519 known-answer test (RFC 8032 §7.1 test 1) failed");
    return {};
}

// RFC 7748 §6.1: Alice and Bob derive the same shared secret.
Status selfTestX25519()
{
    const Bytes alice = hexKat("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const Bytes bobPub = hexKat("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const Bytes shared = hexKat("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    unsigned char out[crypto_scalarmult_BYTES];
    if (crypto_scalarmult(out, alice.data(), bobPub.data()) != 0 || std::memcmp(out, shared.data(), sizeof out) != 0)
        return fail(Errc::SelfTestFailed, "X25519 known-answer test (RFC 7748 §6.1) failed");
    return {};
}

// RFC 7693 Appendix A: BLAKE2b-512("abc").
Status selfTestBlake2b()
{
    const Bytes expected = hexKat("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                                  "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    unsigned char out[64];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>("abc"), 3, nullptr, 0);
    if (std::memcmp(out, expected.data(), sizeof out) != 0)
        return fail(Errc::SelfTestFailed, "BLAKE2b known-answer test (RFC 7693 Appendix A) failed");
    return {};
}

// No published vector exists for secretstream (its nonces are random), so check a round trip
// and that a flipped bit is refused.
Status selfTestSecretStream()
{
    SecureBuffer key(kStreamKeyBytes);
    crypto_secretstream_xchacha20poly1305_keygen(key.data());
    StreamEncryptor enc;
    auto header = enc.init(key);
    if (!header)
        return fail(Errc::SelfTestFailed, "secretstream self-test: init failed");
    const Bytes plain = toBytes("postern self-test");
    Bytes cipher(plain.size() + kStreamOverhead);
    if (!enc.push(plain, {}, true, cipher))
        return fail(Errc::SelfTestFailed, "secretstream self-test: push failed");
    StreamDecryptor dec;
    Bytes out(plain.size());
    bool final = false;
    if (!dec.init(key, header.value()) || !dec.pull(cipher, {}, out, final) || !final || out != plain)
        return fail(Errc::SelfTestFailed, "secretstream self-test: round trip failed");
    cipher[3] ^= 1;
    StreamDecryptor dec2;
    if (!dec2.init(key, header.value()) || dec2.pull(cipher, {}, out, final).ok())
        return fail(Errc::SelfTestFailed, "secretstream self-test: tampering was not detected");
    return {};
}

} // namespace

Status initCrypto()
{
    if (sodium_init() < 0)
        return fail(Errc::CryptoInit, "libsodium could not be initialised");
    POSTERN_TRY(selfTestEd25519());
    POSTERN_TRY(selfTestX25519());
    POSTERN_TRY(selfTestBlake2b());
    POSTERN_TRY(selfTestSecretStream());
    return {};
}

bool equalConstantTime(ByteView a, ByteView b) noexcept
{
    if (a.size() != b.size())
        return false;
    if (a.empty())
        return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Digest blake2b256(ByteView data)
{
    Digest out{};
    crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
    return out;
}

Digest blake2b256(std::string_view context, ByteView data)
{
    Blake2b256 h;
    h.update(asBytes(context));
    const std::uint8_t nul = 0;
    h.update({&nul, 1});
    h.update(data);
    return h.finish();
}

Blake2b256::Blake2b256()
{
    crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(m_state.data()), nullptr, 0, kDigestBytes);
}

void Blake2b256::update(ByteView data)
{
    crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(m_state.data()), data.data(), data.size());
}

Digest Blake2b256::finish()
{
    Digest out{};
    crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(m_state.data()), out.data(), out.size());
    return out;
}

void randomBytes(std::span<std::uint8_t> out)
{
    randombytes_buf(out.data(), out.size());
}

Bytes signedMessage(std::string_view context, ByteView message)
{
    Bytes m;
    m.reserve(context.size() + 1 + message.size());
    m.insert(m.end(), context.begin(), context.end());
    m.push_back(0);
    m.insert(m.end(), message.begin(), message.end());
    return m;
}

bool verifySignature(const PublicKey& key, std::string_view context, ByteView message, const Signature& signature)
{
    const Bytes m = signedMessage(context, message);
    return crypto_sign_verify_detached(signature.data(), m.data(), m.size(), key.data()) == 0;
}

bool isValidEd25519PublicKey(const PublicKey& key) noexcept
{
    return crypto_core_ed25519_is_valid_point(key.data()) == 1;
}

std::string fingerprint(ByteView data)
{
    const Digest d = blake2b256("postern/v1/fingerprint", data);
    const std::string b32 = toBase32(ByteView(d.data(), 20));
    std::string out;
    for (std::size_t i = 0; i < b32.size(); ++i) {
        if (i && i % 4 == 0)
            out.push_back('-');
        out.push_back(b32[i]);
    }
    return out;
}

Result<PublicKey> toKey(ByteView bytes)
{
    if (bytes.size() != kPublicKeyBytes)
        return fail(Errc::BadEncoding, "a public key must be 32 bytes");
    PublicKey k{};
    std::memcpy(k.data(), bytes.data(), k.size());
    return k;
}

Result<PublicKey> keyFromHex(std::string_view hex)
{
    POSTERN_ASSIGN(raw, fromHex(hex, kPublicKeyBytes));
    return toKey(raw);
}

Result<Signature> signatureFromHex(std::string_view hex)
{
    POSTERN_ASSIGN(raw, fromHex(hex, kSignatureBytes));
    Signature s{};
    std::memcpy(s.data(), raw.data(), s.size());
    return s;
}

} // namespace postern::crypto
