// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

namespace postern {

std::int64_t SystemClock::now() const
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string formatUtc(std::int64_t seconds)
{
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf,
                  sizeof buf,
                  "%04d-%02d-%02dT%02d:%02d:%02dZ",
                  tm.tm_year + 1900,
                  tm.tm_mon + 1,
                  tm.tm_mday,
                  tm.tm_hour,
                  tm.tm_min,
                  tm.tm_sec);
    return buf;
}

namespace {

bool digitsAt(std::string_view s, std::size_t pos, std::size_t n, int& out)
{
    if (pos + n > s.size())
        return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

/** daysFromCivil: days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
std::int64_t daysFromCivil(int y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const int era = y / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

int daysInMonth(int y, int m)
{
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

} // namespace

std::optional<std::int64_t> parseIso8601(std::string_view s, bool ceil)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digitsAt(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digitsAt(s, 5, 2, mo) || s[7] != '-'
        || !digitsAt(s, 8, 2, d) || s[10] != 'T' || !digitsAt(s, 11, 2, h) || s[13] != ':' || !digitsAt(s, 14, 2, mi)
        || s[16] != ':' || !digitsAt(s, 17, 2, sec))
        return std::nullopt;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59)
        return std::nullopt;
    std::size_t pos = 19;
    bool fraction = false;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && pos - start < 10 && s[pos] >= '0' && s[pos] <= '9') {
            fraction = fraction || s[pos] != '0';
            ++pos;
        }
        if (pos == start || pos - start > 9)
            return std::nullopt;
    }
    std::int64_t offset = 0;
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh = 0, om = 0;
        if (!digitsAt(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digitsAt(s, pos + 4, 2, om)
            || oh > 23 || om > 59)
            return std::nullopt;
        offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    const std::int64_t t = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    return t + (ceil && fraction ? 1 : 0);
}

bool parseUtc(std::string_view text, std::int64_t& seconds)
{
    // The strict profile: "...THH:MMZ" (seconds 00) or "...THH:MM:SSZ", nothing else.
    std::optional<std::int64_t> t;
    if (text.size() == 17 && text[16] == 'Z' && text[13] == ':')
        t = parseIso8601(std::string(text.substr(0, 16)) + ":00Z");
    else if (text.size() == 20 && text[19] == 'Z')
        t = parseIso8601(text);
    if (!t)
        return false;
    seconds = *t;
    return true;
}

} // namespace postern
