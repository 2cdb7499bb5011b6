// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/SecretText.h"

#include <sodium.h>

#include <cstring>

namespace postern::crypto {

namespace {

ByteView bytesOf(std::string_view text) noexcept
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

} // namespace

SecretText::SecretText(std::string_view text) : m_buffer(bytesOf(text)) {}

SecretText::SecretText(const SecretText& other) : m_buffer(other.m_buffer.view()) {}

SecretText& SecretText::operator=(const SecretText& other)
{
    if (this != &other)
        m_buffer = SecureBuffer(other.m_buffer.view());
    return *this;
}

SecretText SecretText::take(std::string& text)
{
    SecretText out(text);
    wipeString(text);
    return out;
}

SecretText SecretText::adopt(SecureBuffer&& buffer) noexcept
{
    SecretText out;
    out.m_buffer = std::move(buffer);
    return out;
}

SecretText SecretText::concat(std::initializer_list<std::string_view> parts)
{
    std::size_t total = 0;
    for (const auto part : parts)
        total += part.size();
    SecretText out;
    out.m_buffer = SecureBuffer(total);
    std::size_t at = 0;
    for (const auto part : parts) {
        if (!part.empty())
            std::memcpy(out.m_buffer.data() + at, part.data(), part.size());
        at += part.size();
    }
    return out;
}

void wipeString(std::string& text) noexcept
{
    // The whole capacity: a string that shrank still holds the old tail. resize() to the
    // capacity never reallocates, and makes every byte of it legally writable.
    text.resize(text.capacity());
    if (!text.empty())
        sodium_memzero(text.data(), text.size());
    text.clear();
}

} // namespace postern::crypto
