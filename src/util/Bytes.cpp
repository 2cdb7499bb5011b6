// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Bytes.h"

namespace postern {

ByteView asBytes(std::string_view text) noexcept
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Bytes toBytes(std::string_view text)
{
    return {text.begin(), text.end()};
}

std::string toString(ByteView bytes)
{
    return {bytes.begin(), bytes.end()};
}

std::string toHex(ByteView bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0f]);
    }
    return out;
}

namespace {
int hexValue(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}
} // namespace

Result<Bytes> fromHex(std::string_view hex, std::size_t expectedSize)
{
    if (hex.size() % 2 != 0)
        return fail(Errc::BadEncoding, "hex string has an odd number of digits");
    if (expectedSize != 0 && hex.size() != expectedSize * 2)
        return fail(Errc::BadEncoding,
                    "hex string must encode " + std::to_string(expectedSize) + " bytes, got "
                        + std::to_string(hex.size() / 2));
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hexValue(hex[i]);
        const int lo = hexValue(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return fail(Errc::BadEncoding, "hex string must use lowercase digits 0-9a-f only");
        out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
    }
    return out;
}

std::string toBase32(ByteView bytes)
{
    // Crockford's alphabet leaves out I, L, O and U so a fingerprint read aloud is unambiguous.
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kAlphabet[(buffer >> (bits - 5)) & 0x1f]);
            bits -= 5;
        }
    }
    if (bits > 0)
        out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
    return out;
}

void putU64(Bytes& out, std::uint64_t value)
{
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint64_t getU64(ByteView in) noexcept
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8 && i < in.size(); ++i)
        v = (v << 8) | in[i];
    return v;
}

bool isValidUtf8(std::string_view text) noexcept
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

} // namespace postern
