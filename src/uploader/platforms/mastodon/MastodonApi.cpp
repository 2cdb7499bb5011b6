// SPDX-License-Identifier: GPL-3.0-or-later
// Parsers and rules of the Mastodon REST API (platform-apis.md section 2): timestamps,
// rate-limit headers, the error entity, Status entities and the status length.
#include "postern/uploader/platforms/mastodon/MastodonApi.h"

#include "postern/crypto/Crypto.h"
#include "postern/uploader/net/AdapterSupport.h"

#include <QString>
#include <QTextBoundaryFinder>

namespace postern::uploader {

namespace {

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
