// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/SecureBuffer.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace postern::crypto {

namespace {

// sodium_malloc needs the page size that sodium_init records; before it, libsodium 1.0.18
// aborts (sodium_misuse). Parsers that keep a secret (credentials files, token answers) run
// in programs that never call initCrypto, such as the fuzz targets, so the buffer makes sure
// itself. sodium_init is idempotent and thread-safe; a failure leaves sodium_malloc to fail.
void ensureSodium() noexcept
{
    static const bool ready = sodium_init() >= 0;
    (void)ready;
}

} // namespace

SecureBuffer::SecureBuffer(std::size_t size)
{
    if (size == 0)
        return;
    ensureSodium();
    m_data = static_cast<std::uint8_t*>(sodium_malloc(size));
    if (!m_data)
        throw std::bad_alloc(); // guarded pages exhausted: nothing sensible to do but stop
    m_size = size;
    sodium_memzero(m_data, size);
}

SecureBuffer::SecureBuffer(ByteView data) : SecureBuffer(data.size())
{
    if (!data.empty())
        std::memcpy(m_data, data.data(), data.size());
}

SecureBuffer::~SecureBuffer()
{
    release();
}

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept : m_data(other.m_data), m_size(other.m_size)
{
    other.m_data = nullptr;
    other.m_size = 0;
}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept
{
    if (this != &other) {
        release();
        m_data = other.m_data;
        m_size = other.m_size;
        other.m_data = nullptr;
        other.m_size = 0;
    }
    return *this;
}

void SecureBuffer::shrink(std::size_t newSize) noexcept
{
    if (newSize >= m_size)
        return;
    sodium_memzero(m_data + newSize, m_size - newSize);
    m_size = newSize;
}

void SecureBuffer::release() noexcept
{
    if (m_data)
        sodium_free(m_data); // sodium_free wipes before unmapping
    m_data = nullptr;
    m_size = 0;
}

} // namespace postern::crypto
