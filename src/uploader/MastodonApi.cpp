// SPDX-License-Identifier: GPL-3.0-or-later
// Parsers and rules of the Mastodon REST API (platform-apis.md section 2): timestamps,
// rate-limit headers, the error entity, Status entities and the status length.
#include "postern/uploader/MastodonApi.h"

#include "postern/crypto/Crypto.h"
#include "postern/uploader/AdapterSupport.h"

#include <QString>
#include <QTextBoundaryFinder>

namespace postern::uploader {

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

bool isAsciiWord(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool startsWithNoCase(std::string_view s, std::size_t pos, std::string_view prefix)
{
    if (pos + prefix.size() > s.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[pos + i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i])
            return false;
    }
    return true;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::int64_t graphemes(std::string_view utf8)
{
    const QString text = QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size()));
    if (text.isEmpty())
        return 0;
    QTextBoundaryFinder finder(QTextBoundaryFinder::Grapheme, text);
    std::int64_t n = 0;
    while (finder.toNextBoundary() != -1)
        ++n;
    return n;
}

} // namespace

std::string mastodonIdempotencyKey(const bundle::BundleId& bundleId,
                                   std::size_t postIndex,
                                   std::size_t channelIndex,
                                   std::string_view channel)
{
    Bytes input(bundleId.begin(), bundleId.end());
    putU64(input, postIndex);
    putU64(input, channelIndex);
    input.insert(input.end(), channel.begin(), channel.end());
    const crypto::Digest h = crypto::blake2b256("postern-mastodon-idempotency-v1", input);
    return std::string(kMastodonKeyPrefix) + toHex(ByteView(h.data(), 16));
}

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

std::optional<std::chrono::milliseconds>
mastodonRateLimitWait(const HttpResponse& r, std::int64_t now, std::chrono::seconds fallback)
{
    if (r.status != 429)
        return std::nullopt;
    const std::string* reset = r.header("x-ratelimit-reset");
    const auto at = reset ? parseIso8601(*reset, true) : std::nullopt;
    if (!at)
        return std::chrono::milliseconds(fallback);
    return platformWaitUntil(*at, now); // checked: 1 s .. ten years
}

std::string mastodonErrorText(std::string_view body)
{
    auto doc = PlatformJson::parseObject(body, "error answer", kAnswerLimits);
    if (!doc)
        return {};
    std::string out;
    if (const PlatformJson* e = doc->find("error"); e && e->isString())
        out = e->asString().substr(0, 300);
    if (const PlatformJson* e = doc->find("error_description"); e && e->isString() && !e->asString().empty())
        out += (out.empty() ? "" : " (") + e->asString().substr(0, 300) + (out.empty() ? "" : ")");
    return out;
}

std::string describeAnswer(const HttpResponse& r)
{
    const std::string e = mastodonErrorText(r.body);
    return "HTTP " + std::to_string(r.status) + (e.empty() ? std::string() : ": " + e);
}

std::int64_t mastodonTextLength(std::string_view s, std::int64_t urlWeight)
{
    std::string countable;
    countable.reserve(s.size());
    std::int64_t urls = 0;
    for (std::size_t i = 0; i < s.size();) {
        const bool boundary = i == 0 || !isAsciiWord(s[i - 1]);
        if (boundary && (startsWithNoCase(s, i, "http://") || startsWithNoCase(s, i, "https://"))) {
            // Up to the next space: at least what Mastodon takes as the URL, so min(weight,
            // its own length) never counts more than Mastodon does.
            std::size_t end = i;
            while (end < s.size() && !isSpace(s[end]))
                ++end;
            urls += std::min(urlWeight, graphemes(s.substr(i, end - i)));
            i = end;
            continue;
        }
        if (s[i] == '@' && (i == 0 || (!isAsciiWord(s[i - 1]) && s[i - 1] != '/' && s[i - 1] != '@'))) {
            std::size_t user = i + 1;
            while (user < s.size() && (isAsciiWord(s[user]) || s[user] == '.' || s[user] == '-'))
                ++user;
            std::size_t domain = user + 1;
            if (user > i + 1 && user < s.size() && s[user] == '@') {
                while (domain < s.size() && (isAsciiWord(s[domain]) || s[domain] == '.' || s[domain] == '-'))
                    ++domain;
                if (domain > user + 1) {
                    countable.append(s.substr(i, user - i)); // "@user"; the "@domain" does not count
                    i = domain;
                    continue;
                }
            }
        }
        countable.push_back(s[i]);
        ++i;
    }
    return graphemes(countable) + urls;
}

std::string_view stripRuby(std::string_view text) noexcept
{
    auto ws = [](char c) { return c == '\0' || isSpace(c); };
    while (!text.empty() && ws(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && ws(text.back()))
        text.remove_suffix(1);
    return text;
}

Result<MastodonStatus> parseStatus(const PlatformJson& status)
{
    POSTERN_TRY(status.expect(PlatformJson::Type::Object));
    MastodonStatus out;
    POSTERN_ASSIGN(id, stringField(status, "id"));
    if (id.size() > 64)
        return status.error("id", "expected a status id of at most 64 bytes, got " + std::to_string(id.size()));
    for (char c : id) {
        if (!isAsciiWord(c) || c == '_')
            return status.error("id", "expected an alphanumeric status id, got \"" + id.substr(0, 64) + "\"");
    }
    out.id = std::move(id);
    POSTERN_ASSIGN(created, stringField(status, "created_at"));
    const auto at = parseIso8601(created);
    if (!at)
        return status.error("created_at", "expected an ISO 8601 time, got \"" + created.substr(0, 64) + "\"");
    out.createdAt = *at;
    for (const char* key : {"url", "uri"}) {
        if (const PlatformJson* u = status.find(key); out.url.empty() && u && u->isString())
            out.url = u->asString().substr(0, 2048);
    }
    POSTERN_ASSIGN(cw, status.optionalString("spoiler_text"));
    out.spoilerText = cw.value_or(std::string());
    // Only the count is read: each attachment's meta (floats, nulls) is none of our business.
    POSTERN_ASSIGN(media, status.optionalArray("media_attachments"));
    out.mediaCount = media ? media->asArray().size() : 0;
    const PlatformJson* reblog = status.find("reblog"); // null (absent here) for an original post
    out.reblog = reblog != nullptr;
    return out;
}

} // namespace postern::uploader
