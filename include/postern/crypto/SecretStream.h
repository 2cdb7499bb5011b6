// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/SecureBuffer.h"
#include "postern/util/Result.h"

#include <array>

namespace postern::crypto {

constexpr std::size_t kStreamKeyBytes = 32;
constexpr std::size_t kStreamHeaderBytes = 24;
constexpr std::size_t kStreamOverhead = 17; // 16-byte MAC + 1 encrypted tag byte

/** StreamEncryptor wraps crypto_secretstream_xchacha20poly1305 push. */
class StreamEncryptor
{
public:
    /** init starts a stream under `key` (32 bytes) and returns the 24-byte stream header. */
    [[nodiscard]] Result<std::array<std::uint8_t, kStreamHeaderBytes>> init(const SecureBuffer& key);
    /** push encrypts one message into `out` (plain.size() + 17 bytes); `final` sets TAG_FINAL. */
    [[nodiscard]] Status push(ByteView plain, ByteView ad, bool final, std::span<std::uint8_t> out);

private:
    alignas(16) std::array<std::uint8_t, 64> m_state{};
    bool m_ready = false;
};

/** StreamDecryptor wraps crypto_secretstream_xchacha20poly1305 pull. */
class StreamDecryptor
{
public:
    [[nodiscard]] Status init(const SecureBuffer& key, ByteView header);
    /**
     * pull authenticates and decrypts one message into `out` (cipher.size() - 17 bytes) and
     * reports whether it carried TAG_FINAL. Any other tag than MESSAGE or FINAL is refused.
     */
    [[nodiscard]] Status pull(ByteView cipher, ByteView ad, std::span<std::uint8_t> out, bool& final);

private:
    alignas(16) std::array<std::uint8_t, 64> m_state{};
    bool m_ready = false;
};

} // namespace postern::crypto
