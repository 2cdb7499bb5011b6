// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
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
/** parseUtc reads "YYYY-MM-DDTHH:MM[:SS]Z" (UTC only); returns false on anything else. */
[[nodiscard]] bool parseUtc(std::string_view text, std::int64_t& seconds);

} // namespace postern
