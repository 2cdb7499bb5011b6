// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/PlatformDescriptor.h"
#include "postern/util/Json.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postern::compose {

/** CountUnit is how a platform measures text; platform descriptors name it (PlatformDescriptor.h). */
using CountUnit = domain::CountUnit;

/** countUnitName is the noun for messages: "weighted characters", "graphemes", "bytes", ... */
[[nodiscard]] std::string_view countUnitName(CountUnit unit) noexcept;

/** kUrlWeight is what a URL counts on X (t.co length) and on Mastodon (characters_reserved_per_url). */
constexpr std::int64_t kUrlWeight = 23;

/** UrlRange is a URL found in UTF-8 text, as byte offsets [begin, end). */
struct UrlRange
{
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

/**
 * findUrls is the pragmatic URL matcher used for counting (docs/compose.md, "URLs"):
 *  - always: "http://" or "https://" (any case), not preceded by a letter or digit, followed by
 *    a host containing a dot; the URL runs to the next whitespace or character from U+2000 up
 *    (punctuation, CJK, emoji), and trailing . , : ; ! ? ' " and unbalanced ) ] } are dropped;
 *  - with `bareDomains` (X only, as twitter-text does): host names without a scheme whose last
 *    label is a common generic TLD (com, org, net, ...), or a two-letter country TLD when a
 *    path follows ("example.co.uk/x"); not preceded by a letter, digit, "@", ".", "-", "_" or
 *    "/" (so e-mail addresses and handles are not URLs), with an optional :port, path, query.
 */
[[nodiscard]] std::vector<UrlRange> findUrls(std::string_view utf8, bool bareDomains);

/** xWeightedLength counts like twitter-text v3 (config/v3.json): the X 280 limit applies to it. */
[[nodiscard]] std::int64_t xWeightedLength(std::string_view utf8);
/** mastodonLength counts like Mastodon's StatusLengthValidator (500 by default). */
[[nodiscard]] std::int64_t mastodonLength(std::string_view utf8);
/** graphemeCount counts extended grapheme clusters (QTextBoundaryFinder, Grapheme mode). */
[[nodiscard]] std::int64_t graphemeCount(std::string_view utf8);
[[nodiscard]] std::int64_t utf8Bytes(std::string_view utf8) noexcept;
[[nodiscard]] std::int64_t utf16Units(std::string_view utf8);
[[nodiscard]] std::int64_t codePointCount(std::string_view utf8);

/** Measure is a count plus where it first passed a maximum. */
struct Measure
{
    std::int64_t used = 0;
    /** UTF-8 offset of the first character that takes the count above `max`; -1 if it never does. */
    std::int64_t crossOffset = -1;
};

/**
 * measureText counts `utf8` in `unit` and finds where it first exceeds `max`. Invalid UTF-8
 * bytes count as one U+FFFD each (the domain layer refuses such text before it is stored).
 */
[[nodiscard]] Measure measureText(CountUnit unit, std::string_view utf8, std::int64_t max);

/** CounterValue is one live counter of the composer: "291 / 280 weighted". */
struct CounterValue
{
    CountUnit unit = CountUnit::Graphemes;
    std::int64_t used = 0;
    std::int64_t max = 0;

    [[nodiscard]] bool over() const noexcept { return used > max; }
};

/**
 * countText returns one counter per text limit of `platform` (Bluesky has two). `options` are
 * the channel's options: Mastodon counts `spoiler_text` into the same limit.
 */
[[nodiscard]] std::vector<CounterValue>
countText(domain::Platform platform, std::string_view text, const Json& options = Json(Json::Object{}));

} // namespace postern::compose
