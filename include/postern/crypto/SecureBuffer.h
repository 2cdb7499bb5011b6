// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace postern::crypto {

/**
 * SecureBuffer holds secret bytes in libsodium guarded memory (sodium_malloc: guard pages, a
 * canary and mlock), wiped and freed on destruction. Move-only; never copied by accident.
 * Use it for keys and passphrases, not bulk data.
 */
class SecureBuffer
{
public:
    SecureBuffer() = default;
    explicit SecureBuffer(std::size_t size);
    SecureBuffer(ByteView data);
    ~SecureBuffer();
    SecureBuffer(SecureBuffer&& other) noexcept;
    SecureBuffer& operator=(SecureBuffer&& other) noexcept;
    SecureBuffer(const SecureBuffer&) = delete;
    SecureBuffer& operator=(const SecureBuffer&) = delete;

    [[nodiscard]] std::uint8_t* data() noexcept { return m_data; }
    [[nodiscard]] const std::uint8_t* data() const noexcept { return m_data; }
    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] bool empty() const noexcept { return m_size == 0; }
    [[nodiscard]] ByteView view() const noexcept { return {m_data, m_size}; }
    [[nodiscard]] std::span<std::uint8_t> span() noexcept { return {m_data, m_size}; }
    /** resize shrinks the logical size (the tail is wiped); it never grows the allocation. */
    void shrink(std::size_t newSize) noexcept;

private:
    void release() noexcept;
    std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace postern::crypto
