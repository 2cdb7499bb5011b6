// SPDX-License-Identifier: GPL-3.0-or-later
// Per-platform text counting (docs/compose.md, "Counting"). Every count is a sum of weighted
// segments that start at known UTF-8 offsets, so the same walk yields the total and the first
// character past a limit, which the composer highlights.
#include "postern/compose/TextCounter.h"

#include "postern/compose/PlatformRules.h"

#include "TextIndex.h"

#include <QList>

#include <algorithm>
#include <cstdint>

namespace postern::compose {

namespace {

struct Segment
{
    std::int64_t begin = 0; ///< UTF-8 offset
    std::int64_t weight = 0;
};

Measure sum(const std::vector<Segment>& segments, std::int64_t max)
{
    Measure m;
    for (const auto& s : segments) {
        m.used += s.weight;
        if (m.crossOffset < 0 && m.used > max)
            m.crossOffset = s.begin;
    }
    return m;
}

// twitter-text config v3: these ranges weigh 100 (= 1 at scale 100), everything else 200.
int xWeight(char32_t cp)
{
    if (cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247))
        return 1;
    return 2;
}

// Code points that make a multi-code-point cluster an emoji sequence. twitter-text matches
// emoji with a generated regex; for counting only whether a cluster is one emoji matters, and
// every emoji sequence contains one of these (pictographs, dingbats, regional indicators,
// VS16, ZWJ, the keycap mark, skin tones, tag characters).
bool isEmojiPart(char32_t cp)
{
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2300 && cp <= 0x23FF)
           || (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0xFE0F || cp == 0x200D || cp == 0x20E3
           || (cp >= 0xE0020 && cp <= 0xE007F);
}

std::vector<char32_t> codePointsOf(const QString& s)
{
    std::vector<char32_t> out;
    const QList<uint> ucs4 = s.toUcs4();
    for (const uint cp : ucs4)
        out.push_back(static_cast<char32_t>(cp));
    return out;
}

bool inRanges(const std::vector<UrlRange>& ranges, std::int64_t offset)
{
    for (const auto& r : ranges) {
        if (offset >= r.begin && offset < r.end)
            return true;
    }
    return false;
}

std::vector<Segment> xSegments(std::string_view utf8)
{
    const auto urls = findUrls(utf8, true);
    std::vector<Segment> out;
    for (const auto& u : urls)
        out.push_back({u.begin, kUrlWeight});
    const TextIndex index(utf8);
    for (const auto& c : index.clusters()) {
        if (inRanges(urls, c.begin8))
            continue;
        QString cluster = index.text().mid(c.begin16, c.end16 - c.begin16);
        // NFC per cluster equals NFC of the whole text (composition never crosses a grapheme
        // boundary) and keeps offsets in the author's own text.
        bool ascii = true;
        for (const QChar ch : cluster)
            ascii = ascii && ch.unicode() < 0x80;
        if (!ascii)
            cluster = cluster.normalized(QString::NormalizationForm_C);
        const auto cps = codePointsOf(cluster);
        bool emoji = false;
        if (cps.size() > 1) {
            for (const char32_t cp : cps)
                emoji = emoji || isEmojiPart(cp);
        }
        std::int64_t weight = 0;
        if (emoji) {
            weight = 2; // any emoji sequence (ZWJ, skin tone, flag, keycap) counts as one: 2
        } else {
            for (const char32_t cp : cps)
                weight += xWeight(cp);
        }
        out.push_back({c.begin8, weight});
    }
    std::sort(out.begin(), out.end(), [](const Segment& a, const Segment& b) { return a.begin < b.begin; });
    return out;
}

bool isWordByte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

/** mentionDomains finds the "@domain" tails of "@user@domain" mentions, which Mastodon does not count. */
std::vector<UrlRange> mentionDomains(std::string_view s)
{
    std::vector<UrlRange> out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '@')
            continue;
        if (i > 0 && (isWordByte(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '/'))
            continue;
        std::size_t p = i + 1;
        while (p < s.size() && isWordByte(static_cast<unsigned char>(s[p])) && static_cast<unsigned char>(s[p]) < 0x80)
            ++p;
        if (p == i + 1 || p >= s.size() || s[p] != '@')
            continue;
        const std::size_t at = p++;
        while (p < s.size() && (isWordByte(static_cast<unsigned char>(s[p])) || s[p] == '.' || s[p] == '-'))
            ++p;
        while (p > at + 1 && (s[p - 1] == '.' || s[p - 1] == '-'))
            --p;
        if (p > at + 1) {
            out.push_back({static_cast<std::int64_t>(at), static_cast<std::int64_t>(p)});
            i = p - 1;
        }
    }
    return out;
}

std::vector<Segment> mastodonSegments(std::string_view utf8)
{
    const auto urls = findUrls(utf8, false);
    const auto domains = mentionDomains(utf8);
    std::vector<Segment> out;
    for (const auto& u : urls)
        out.push_back({u.begin, kUrlWeight});
    const TextIndex index(utf8);
    for (const auto& c : index.clusters()) {
        if (inRanges(urls, c.begin8) || inRanges(domains, c.begin8))
            continue;
        out.push_back({c.begin8, 1});
    }
    std::sort(out.begin(), out.end(), [](const Segment& a, const Segment& b) { return a.begin < b.begin; });
    return out;
}

std::vector<Segment> segmentsOf(CountUnit unit, std::string_view utf8)
{
    std::vector<Segment> out;
    switch (unit) {
    case CountUnit::XWeighted:
        return xSegments(utf8);
    case CountUnit::MastodonChars:
        return mastodonSegments(utf8);
    case CountUnit::Graphemes: {
        const TextIndex index(utf8);
        for (const auto& c : index.clusters())
            out.push_back({c.begin8, 1});
        return out;
    }
    case CountUnit::Utf8Bytes:
        for (const auto& cp : decodeUtf8(utf8))
            out.push_back({cp.begin, cp.bytes});
        return out;
    case CountUnit::Utf16Units:
        for (const auto& cp : decodeUtf8(utf8))
            out.push_back({cp.begin, cp.value >= 0x10000 ? 2 : 1});
        return out;
    case CountUnit::CodePoints:
        for (const auto& cp : decodeUtf8(utf8))
            out.push_back({cp.begin, 1});
        return out;
    }
    return out;
}

} // namespace

std::string_view countUnitName(CountUnit unit) noexcept
{
    switch (unit) {
    case CountUnit::XWeighted:
        return "weighted characters";
    case CountUnit::Graphemes:
        return "characters";
    case CountUnit::Utf8Bytes:
        return "bytes (UTF-8)";
    case CountUnit::Utf16Units:
        return "UTF-16 units";
    case CountUnit::MastodonChars:
        return "characters";
    case CountUnit::CodePoints:
        return "characters";
    }
    return "characters";
}

Measure measureText(CountUnit unit, std::string_view utf8, std::int64_t max)
{
    if (unit == CountUnit::Utf8Bytes && static_cast<std::int64_t>(utf8.size()) <= max)
        return {static_cast<std::int64_t>(utf8.size()), -1};
    return sum(segmentsOf(unit, utf8), max);
}

std::int64_t xWeightedLength(std::string_view utf8)
{
    return measureText(CountUnit::XWeighted, utf8, INT64_MAX).used;
}

std::int64_t mastodonLength(std::string_view utf8)
{
    return measureText(CountUnit::MastodonChars, utf8, INT64_MAX).used;
}

std::int64_t graphemeCount(std::string_view utf8)
{
    return static_cast<std::int64_t>(TextIndex(utf8).clusters().size());
}

std::int64_t utf8Bytes(std::string_view utf8) noexcept
{
    return static_cast<std::int64_t>(utf8.size());
}

std::int64_t utf16Units(std::string_view utf8)
{
    std::int64_t n = 0;
    for (const auto& cp : decodeUtf8(utf8))
        n += cp.value >= 0x10000 ? 2 : 1;
    return n;
}

std::int64_t codePointCount(std::string_view utf8)
{
    return static_cast<std::int64_t>(decodeUtf8(utf8).size());
}

std::vector<CounterValue> countText(domain::Platform platform, std::string_view text, const Json& options)
{
    std::vector<CounterValue> out;
    const std::string_view cwKey = domain::descriptorFor(platform).contentWarningOption;
    for (const auto& limit : rulesFor(platform).textLimits) {
        std::int64_t used = measureText(limit.unit, text, limit.max).used;
        // Mastodon counts the content warning into the same limit (StatusLengthValidator joins
        // spoiler_text and the countable text).
        if (limit.unit == CountUnit::MastodonChars && !cwKey.empty() && options.isObject()) {
            if (const Json* cw = options.find(cwKey); cw && cw->type() == Json::Type::String)
                used += graphemeCount(cw->asString());
        }
        out.push_back({limit.unit, used, limit.max});
    }
    return out;
}

} // namespace postern::compose
