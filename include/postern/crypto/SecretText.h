// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/SecureBuffer.h"

#include <initializer_list>
#include <string>
#include <string_view>

namespace postern::crypto {

/**
 * SecretText is a text secret (a platform token, an app password, an OAuth client secret) in
 * libsodium guarded memory, wiped when it goes. Unlike SecureBuffer it can be copied (each copy
 * is its own guarded allocation), so a struct of credentials stays an ordinary value.
 *
 * Reading it gives a string_view into the guarded memory: build what the secret goes into
 * (a header, a request body) as another SecretText with concat(), not as a std::string.
 */
class SecretText
{
public:
    SecretText() = default;
    explicit SecretText(std::string_view text);
    SecretText(const SecretText& other);
    SecretText& operator=(const SecretText& other);
    SecretText(SecretText&&) noexcept = default;
    SecretText& operator=(SecretText&&) noexcept = default;
    ~SecretText() = default;

    /** take moves a secret out of an ordinary string: the string is wiped and left empty. */
    [[nodiscard]] static SecretText take(std::string& text);
    [[nodiscard]] static SecretText take(std::string&& text) { return take(text); }

    /** adopt takes a guarded buffer already filled with the text. */
    [[nodiscard]] static SecretText adopt(SecureBuffer&& buffer) noexcept;

    /** concat joins plain and secret parts, e.g. concat({"Bearer ", token.view()}), in guarded memory. */
    [[nodiscard]] static SecretText concat(std::initializer_list<std::string_view> parts);

    [[nodiscard]] std::string_view view() const noexcept
    {
        return {reinterpret_cast<const char*>(m_buffer.data()), m_buffer.size()};
    }
    [[nodiscard]] bool empty() const noexcept { return m_buffer.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return m_buffer.size(); }
    [[nodiscard]] bool operator==(std::string_view other) const noexcept { return view() == other; }
    [[nodiscard]] bool operator==(const SecretText& other) const noexcept { return view() == other.view(); }

private:
    SecureBuffer m_buffer;
};

/** wipeString overwrites an ordinary string that held a secret, then empties it. */
void wipeString(std::string& text) noexcept;

} // namespace postern::crypto
