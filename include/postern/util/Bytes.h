// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace postern {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/** asBytes views the characters of a string as bytes (no copy). */
[[nodiscard]] ByteView asBytes(std::string_view text) noexcept;
/** toBytes copies a string's characters into a byte vector. */
[[nodiscard]] Bytes toBytes(std::string_view text);
/** toString copies bytes into a std::string. */
[[nodiscard]] std::string toString(ByteView bytes);

/** toHex encodes bytes as lowercase hexadecimal, the only hex form Postern accepts. */
[[nodiscard]] std::string toHex(ByteView bytes);
/**
 * fromHex decodes lowercase hexadecimal of exactly `expectedSize` bytes (0 = any even length).
 * Uppercase, odd length and any other character are rejected as non-canonical.
 */
[[nodiscard]] Result<Bytes> fromHex(std::string_view hex, std::size_t expectedSize = 0);

/** toBase32 encodes bytes in Crockford base32 (no padding), used for spoken fingerprints. */
[[nodiscard]] std::string toBase32(ByteView bytes);

/** putU64 appends a big-endian 64-bit integer. */
void putU64(Bytes& out, std::uint64_t value);
/** getU64 reads a big-endian 64-bit integer from the first 8 bytes of `in`. */
[[nodiscard]] std::uint64_t getU64(ByteView in) noexcept;

/** isValidUtf8 accepts only shortest-form UTF-8 without surrogates (RFC 3629). */
[[nodiscard]] bool isValidUtf8(std::string_view text) noexcept;

} // namespace postern
