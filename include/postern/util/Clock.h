// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern {

/** Clock gives Unix time in seconds (UTC); tests substitute FixedClock. */
class Clock
{
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual std::int64_t now() const = 0;
};

/** SystemClock reads the real time. */
class SystemClock final : public Clock
{
public:
    [[nodiscard]] std::int64_t now() const override;
};

/** FixedClock returns whatever time it was last set to. */
class FixedClock final : public Clock
{
public:
    explicit FixedClock(std::int64_t t) : m_now(t) {}
    [[nodiscard]] std::int64_t now() const override { return m_now; }
    void set(std::int64_t t) { m_now = t; }
    void advance(std::int64_t seconds) { m_now += seconds; }

private:
    std::int64_t m_now;
};

/** formatUtc renders Unix seconds as RFC 3339 "YYYY-MM-DDTHH:MM:SSZ". */
[[nodiscard]] std::string formatUtc(std::int64_t seconds);
/**
 * parseIso8601 is Postern's one reader of RFC 3339 times: "YYYY-MM-DDTHH:MM:SS", an optional
 * fraction of 1 to 9 digits, then "Z" or "+HH:MM"/"-HH:MM" (platforms write these: Mastodon's
 * X-RateLimit-Reset is Ruby's iso8601(6), created_at has milliseconds). Returns whole seconds
 * since 1970, rounded up when `ceil` and there is a non-zero fraction; nullopt for anything else
 * (strict: no spaces, no lower-case separators, no dates before 1970 or after 9999).
 */
[[nodiscard]] std::optional<std::int64_t> parseIso8601(std::string_view text, bool ceil = false);
/**
 * parseUtc reads the strict profile Postern's own files and command lines use,
 * "YYYY-MM-DDTHH:MM[:SS]Z": UTC only, no fraction, no offset (through parseIso8601, so an
 * air-gapped clock in another zone cannot silently shift a schedule). False on anything else.
 */
[[nodiscard]] bool parseUtc(std::string_view text, std::int64_t& seconds);

} // namespace postern
