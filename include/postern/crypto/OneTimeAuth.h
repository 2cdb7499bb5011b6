// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/SecureBuffer.h"
#include "postern/util/Result.h"

#include <array>

namespace postern::crypto {

constexpr std::size_t kOneTimeAuthKeyBytes = 32;
constexpr std::size_t kOneTimeAuthTagBytes = 16;
using AuthTag = std::array<std::uint8_t, kOneTimeAuthTagBytes>;

/**
 * OneTimeAuth is Poly1305 (libsodium crypto_onetimeauth) in streaming form. It is a keyed
 * check, not a hash: it only means something under a fresh random key that never leaves
 * memory, and its tag must stay secret too. Then a changed message of L bytes matches the tag
 * with probability at most 8 * ceil(L / 16) / 2^106 (RFC 8439 §4; 2^-74 for 8 GiB), and it
 * runs several times faster than BLAKE2b, so the sealing path can authenticate every byte it
 * writes without becoming hash-bound (docs/performance.md).
 */
class OneTimeAuth
{
public:
    OneTimeAuth() = default;
    ~OneTimeAuth();
    OneTimeAuth(const OneTimeAuth&) = delete;
    OneTimeAuth& operator=(const OneTimeAuth&) = delete;

    /** init starts under `key` (kOneTimeAuthKeyBytes). */
    [[nodiscard]] Status init(const SecureBuffer& key);
    void update(ByteView data);
    /** finish returns the tag; it fails if init was not called. */
    [[nodiscard]] Result<AuthTag> finish();

private:
    alignas(16) std::array<std::uint8_t, 256> m_state{};
    bool m_ready = false;
};

} // namespace postern::crypto
