// SPDX-License-Identifier: GPL-3.0-or-later
// Small parsers and formatters the commands share: durations, counts, aligned fields, schedules,
// terminal-safe text.
#include "Session.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace postern::cli {

Result<std::int64_t> parseDuration(std::string_view text)
{
    std::int64_t unit = 1;
    std::string_view digits = text;
    if (!text.empty()) {
        switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        default:
            break;
        }
        if (!std::isdigit(static_cast<unsigned char>(text.back())))
            digits = text.substr(0, text.size() - 1);
    }
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || n <= 0
        || n > INT64_MAX / 86400 / 1000)
        return fail(Errc::BadValue,
                    "\"" + std::string(text)
                        + "\" is not a duration; write seconds (3600) or a number with s, m, h or d "
                          "(90m, 24h, 7d)");
    return n * unit;
}

std::string formatDuration(std::int64_t seconds)
{
    if (seconds > 0 && seconds % 86400 == 0)
        return std::to_string(seconds / 86400) + "d";
    if (seconds > 0 && seconds % 3600 == 0)
        return std::to_string(seconds / 3600) + "h";
    if (seconds > 0 && seconds % 60 == 0)
        return std::to_string(seconds / 60) + "m";
    return std::to_string(seconds) + "s";
}

Result<std::int64_t> parseCount(std::string_view text, std::int64_t max)
{
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max)
        return fail(Errc::BadValue, "\"" + std::string(text) + "\" is not a number from 1 to " + std::to_string(max));
    return n;
}

std::string field(std::string_view label, std::size_t width)
{
    std::string s(label);
    s.resize(std::max(s.size() + 1, width), ' ');
    return "  " + s;
}

std::string scheduleText(std::int64_t schedule)
{
    return schedule == 0 ? std::string("on arrival") : formatUtc(schedule);
}

std::string printable(std::string_view text, bool keepNewlines)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n' && keepNewlines)
            out += c;
        else if (u < 0x20 || u == 0x7f)
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string truncateChars(std::string_view text, std::size_t maxChars)
{
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
            continue; // a continuation byte belongs to the code point before it
        if (chars == maxChars)
            return std::string(text.substr(0, i)) + "...";
        ++chars;
    }
    return std::string(text);
}

std::string shortId(std::string_view postId)
{
    return std::string(postId.substr(0, 12));
}

} // namespace postern::cli
