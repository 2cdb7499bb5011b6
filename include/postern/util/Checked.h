// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

namespace postern {

/**
 * Checked integer arithmetic for values that come from outside (a bundle header, a receipt,
 * a profile, the ledger, a platform's answer). Each helper returns nullopt instead of
 * overflowing, so a caller must decide what an out-of-range value means: for a rule of the
 * bundle format it is that rule's failure (docs/bundle-format.md §7, "Integers"). Signed
 * overflow is undefined behaviour in C++ and unsigned wrap-around silently changes the answer;
 * both once let a bundle with created = -2^63 live forever.
 */
template <std::integral T>
[[nodiscard]] constexpr std::optional<T> checkedAdd(T a, T b) noexcept
{
    T r{};
    if (__builtin_add_overflow(a, b, &r))
        return std::nullopt;
    return r;
}

template <std::integral T>
[[nodiscard]] constexpr std::optional<T> checkedSub(T a, T b) noexcept
{
    T r{};
    if (__builtin_sub_overflow(a, b, &r))
        return std::nullopt;
    return r;
}

template <std::integral T>
[[nodiscard]] constexpr std::optional<T> checkedMul(T a, T b) noexcept
{
    T r{};
    if (__builtin_mul_overflow(a, b, &r))
        return std::nullopt;
    return r;
}

/** saturatingAdd clamps at the type's limits: for comparisons such as "created + 60 s grace"
 *  where a saturated bound gives the same verdict as the exact one would. */
template <std::integral T>
[[nodiscard]] constexpr T saturatingAdd(T a, T b) noexcept
{
    T r{};
    if (!__builtin_add_overflow(a, b, &r))
        return r;
    if constexpr (std::is_signed_v<T>)
        return b < 0 ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max();
    else
        return std::numeric_limits<T>::max();
}

/** ceilDiv is ceil(a / b) for b > 0 without the overflow of (a + b - 1) / b. */
template <std::unsigned_integral T>
[[nodiscard]] constexpr T ceilDiv(T a, T b) noexcept
{
    return a / b + (a % b != 0 ? 1 : 0);
}

} // namespace postern
