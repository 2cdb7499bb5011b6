// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Crypto.h"
#include "postern/crypto/SecureBuffer.h"
#include "postern/util/Result.h"

#include <string>

namespace postern::crypto {

/** KeyKind says what a key file holds. */
enum class KeyKind {
    Ed25519,
    X25519
};

/**
 * KdfParams are the Argon2id (v1.3) cost parameters stored in every key file. The presets
 * are libsodium's: interactive (2 passes, 64 MiB), moderate (3, 256 MiB, the default) and
 * sensitive (4, 1 GiB). Files asking for less than interactive or more than sensitive are
 * refused, so a hostile file cannot make unlocking either weak or a memory bomb.
 */
struct KdfParams
{
    std::uint64_t opsLimit;
    std::size_t memLimit;

    [[nodiscard]] static KdfParams interactive();
    [[nodiscard]] static KdfParams moderate();
    [[nodiscard]] static KdfParams sensitive();
    /** byName maps "interactive" | "moderate" | "sensitive" to a preset. */
    [[nodiscard]] static Result<KdfParams> byName(std::string_view name);
};

/**
 * sealKeyFile encrypts a secret (Ed25519 seed or X25519 secret, 32 bytes) under a passphrase:
 * key = Argon2id(passphrase, random 16-byte salt), box = XSalsa20-Poly1305 secretbox with a
 * random 24-byte nonce. The result is canonical JSON (docs/bundle-format.md §7) to be written
 * with mode 0600.
 */
[[nodiscard]] Result<std::string> sealKeyFile(KeyKind kind,
                                              const SecureBuffer& secret,
                                              const PublicKey& publicKey,
                                              const SecureBuffer& passphrase,
                                              const KdfParams& params,
                                              std::string_view label);

/** OpenedKey is the decrypted secret plus the public key it was checked against. */
struct OpenedKey
{
    SecureBuffer secret;
    PublicKey publicKey{};
    std::string label;
};

/**
 * openKeyFile decrypts a key file. Errors: bad-key-file (malformed, wrong kind, parameters out
 * of range, secret does not match the recorded public key), wrong-passphrase.
 */
[[nodiscard]] Result<OpenedKey> openKeyFile(std::string_view text, KeyKind expected, const SecureBuffer& passphrase);

/** keyFilePublicKey reads the public key of a key file without the passphrase. */
[[nodiscard]] Result<PublicKey> keyFilePublicKey(std::string_view text);

} // namespace postern::crypto
