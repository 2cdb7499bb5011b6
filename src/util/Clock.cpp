// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

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

bool parseUtc(std::string_view text, std::int64_t& seconds)
{
    // Strict: digits at fixed positions, 'T' separator and a trailing 'Z'. No local times, so
    // an air-gapped clock in another zone cannot silently shift a schedule.
    auto digits = [&](std::size_t pos, std::size_t n, int& out) {
        if (pos + n > text.size())
            return false;
        out = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return false;
            out = out * 10 + (text[i] - '0');
        }
        return true;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    std::size_t end = 16;
    if (!digits(0, 4, y) || text.size() < 17 || text[4] != '-' || !digits(5, 2, mo) || text[7] != '-'
        || !digits(8, 2, d) || text[10] != 'T' || !digits(11, 2, h) || text[13] != ':' || !digits(14, 2, mi))
        return false;
    if (text.size() > 17 && text[16] == ':') {
        if (!digits(17, 2, s))
            return false;
        end = 19;
    }
    if (text.size() != end + 1 || text[end] != 'Z')
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
        return false;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    const std::time_t t = timegm(&tm);
    std::tm check{};
    gmtime_r(&t, &check);
    if (check.tm_mday != d || check.tm_mon != mo - 1)
        return false; // 31 February and friends
    seconds = static_cast<std::int64_t>(t);
    return true;
}

} // namespace postern
