// SPDX-License-Identifier: GPL-3.0-or-later
// The pragmatic URL matcher behind the X and Mastodon counters (docs/compose.md, "URLs").
// twitter-text's full extractor carries the whole IANA TLD list and IDN rules; a composer only
// needs to agree with it on the URLs people actually paste, and to err towards counting a
// URL (23) rather than its full length, which is what the platforms do.
#include "postern/compose/TextCounter.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace postern::compose {

namespace {

bool isAsciiAlnum(unsigned char c)
{
    return std::isalnum(c) != 0 && c < 0x80;
}

bool isSpace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// A URL stops at whitespace and at any character from U+2000 up (general punctuation, CJK,
// emoji): their UTF-8 lead bytes are E2..F4, or E2 80.. for U+2000.. Latin, Greek and Cyrillic
// letters (C2..DF leads, E0/E1 leads) may appear in paths and stay inside.
bool stopsUrl(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (isSpace(c) || c == '<' || c == '>' || c == '"')
        return true;
    return c >= 0xE2;
}

// Generic TLDs accepted without a scheme (the common part of twitter-text's gTLD list).
constexpr std::array<std::string_view, 28> kGenericTlds = {
    "app", "biz", "blog", "cat",    "club", "com", "coop", "dev",    "edu", "gov", "info", "int",  "io",   "jobs",
    "me",  "mil", "mobi", "museum", "name", "net", "news", "online", "org", "pro", "shop", "site", "tech", "tv"};

bool isGenericTld(std::string_view label)
{
    std::string lower(label);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return std::find(kGenericTlds.begin(), kGenericTlds.end(), lower) != kGenericTlds.end();
}

bool isCountryTld(std::string_view label)
{
    return label.size() == 2 && std::isalpha(static_cast<unsigned char>(label[0]))
           && std::isalpha(static_cast<unsigned char>(label[1]));
}

/** trimEnd drops trailing punctuation and unbalanced closing brackets, as twitter-text does. */
std::size_t trimEnd(std::string_view s, std::size_t begin, std::size_t end)
{
    while (end > begin) {
        const char c = s[end - 1];
        if (c == '.' || c == ',' || c == ':' || c == ';' || c == '!' || c == '?' || c == '\'' || c == '"') {
            --end;
            continue;
        }
        if (c == ')' || c == ']' || c == '}') {
            const char open = c == ')' ? '(' : (c == ']' ? '[' : '{');
            const auto body = s.substr(begin, end - begin);
            if (std::count(body.begin(), body.end(), open) < std::count(body.begin(), body.end(), c)) {
                --end;
                continue;
            }
        }
        break;
    }
    return end;
}

/** hostHasDot: the host part of [from, end) contains an inner dot (so "http://x" is no URL). */
bool hostHasDot(std::string_view s, std::size_t from, std::size_t end)
{
    std::size_t i = from;
    while (i < end && s[i] != '/' && s[i] != '?' && s[i] != '#' && s[i] != ':')
        ++i;
    const auto host = s.substr(from, i - from);
    const auto dot = host.find('.');
    return dot != std::string_view::npos && dot > 0 && host.back() != '.';
}

bool startsWithScheme(std::string_view s, std::size_t i, std::size_t& schemeLen)
{
    auto ieq = [&](std::string_view word) {
        if (i + word.size() > s.size())
            return false;
        for (std::size_t k = 0; k < word.size(); ++k) {
            if (std::tolower(static_cast<unsigned char>(s[i + k])) != word[k])
                return false;
        }
        return true;
    };
    if (ieq("https://")) {
        schemeLen = 8;
        return true;
    }
    if (ieq("http://")) {
        schemeLen = 7;
        return true;
    }
    return false;
}

/** matchBareDomain tries "label.label.tld[:port][/path]" at i; returns the end or 0. */
std::size_t matchBareDomain(std::string_view s, std::size_t i)
{
    std::size_t p = i;
    std::size_t labels = 0;
    std::size_t lastLabel = 0;
    while (true) {
        const std::size_t start = p;
        while (p < s.size() && (isAsciiAlnum(static_cast<unsigned char>(s[p])) || s[p] == '-'))
            ++p;
        if (p == start || s[start] == '-' || s[p - 1] == '-')
            return 0;
        ++labels;
        lastLabel = start;
        if (p + 1 < s.size() && s[p] == '.' && isAsciiAlnum(static_cast<unsigned char>(s[p + 1]))) {
            ++p;
            continue;
        }
        break;
    }
    if (labels < 2)
        return 0;
    // A host glued to more word characters ("example.comx", "a.com_b") is not a URL.
    if (p < s.size() && (s[p] == '_' || s[p] == '@'))
        return 0;
    const auto tld = s.substr(lastLabel, p - lastLabel);
    const bool hasPath = p < s.size() && (s[p] == '/' || s[p] == ':');
    if (!isGenericTld(tld) && !(isCountryTld(tld) && hasPath))
        return 0;
    if (hasPath) {
        while (p < s.size() && !stopsUrl(s, p))
            ++p;
    }
    return p;
}

} // namespace

std::vector<UrlRange> findUrls(std::string_view s, bool bareDomains)
{
    std::vector<UrlRange> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto prev = i == 0 ? static_cast<unsigned char>(' ') : static_cast<unsigned char>(s[i - 1]);
        std::size_t schemeLen = 0;
        if (!isAsciiAlnum(prev) && startsWithScheme(s, i, schemeLen)) {
            std::size_t end = i + schemeLen;
            while (end < s.size() && !stopsUrl(s, end))
                ++end;
            end = trimEnd(s, i + schemeLen, end);
            if (hostHasDot(s, i + schemeLen, end)) {
                out.push_back({static_cast<std::int64_t>(i), static_cast<std::int64_t>(end)});
                i = end;
                continue;
            }
        }
        if (bareDomains && isAsciiAlnum(static_cast<unsigned char>(s[i])) && !isAsciiAlnum(prev) && prev != '@'
            && prev != '.' && prev != '-' && prev != '_' && prev != '/' && prev < 0x80) {
            if (const std::size_t end = matchBareDomain(s, i); end != 0) {
                const std::size_t trimmed = trimEnd(s, i, end);
                out.push_back({static_cast<std::int64_t>(i), static_cast<std::int64_t>(trimmed)});
                i = trimmed;
                continue;
            }
            // Skip the rest of this word so "a.b.example.com" is not retried from "b".
            while (i < s.size() && (isAsciiAlnum(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '-'))
                ++i;
            continue;
        }
        ++i;
    }
    return out;
}

} // namespace postern::compose
