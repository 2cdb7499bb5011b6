// SPDX-License-Identifier: GPL-3.0-or-later
// Known-answer tests for the per-platform counters. Sources:
//  [TT] twitter-text conformance/validate.yml (WeightedTweetsWithDiscountedEmojiCounterTest),
//       config/v3.json; the cases are quoted by name.
//  [MA] Mastodon app/validators/status_length_validator.rb (URL 23, mention domain not counted).
//  [BS] atproto lexicons/app/bsky/feed/post.json (300 graphemes, 3000 bytes).
//  [UC] Unicode: code points and UTF-16 lengths follow from the definitions.
#include "postern/compose/TextCounter.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::compose;

namespace {
std::string repeat(std::string_view s, int n)
{
    std::string out;
    for (int i = 0; i < n; ++i)
        out += s;
    return out;
}
} // namespace

TEST_CASE("X weighted length follows twitter-text v3", "[compose][count]")
{
    CHECK(xWeightedLength("") == 0);
    CHECK(xWeightedLength("hello") == 5);
    // [TT] "Count a mix of single byte single word, and double word unicode characters":
    // H, cat face, U+263A and the ZWJ family = 1 + 2 + 2 + 2.
    CHECK(xWeightedLength("H\U0001F431\u263A\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466") == 7);
    // One ZWJ family sequence alone is 2, however many code points it has.
    CHECK(xWeightedLength("\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466") == 2);
    // Flags (two regional indicators), skin tones, keycaps: one emoji each.
    CHECK(xWeightedLength("\U0001F1FA\U0001F1E6") == 2);
    CHECK(xWeightedLength("\U0001F44D\U0001F3FD") == 2);
    CHECK(xWeightedLength("1\uFE0F\u20E3") == 2);
    // [TT] "'Á' is normalized into 1 char": A + combining acute is NFC'd to one code point.
    CHECK(xWeightedLength("A\u0301") == 1);
    // [TT] "שּׁ is normalized into 3 chars": U+FB2C is a composition exclusion, so NFC gives
    // three code points, each in the weight-1 range.
    CHECK(xWeightedLength("\uFB2C") == 3);
    // CJK counts 2 per character (outside every weight-1 range).
    CHECK(xWeightedLength("\u65E5\u672C\u8A9E") == 6);
    // [TT] ranges: U+2000..U+200D and U+2010..U+201F weigh 1 (general punctuation).
    CHECK(xWeightedLength("\u2014\u201C\u201D") == 3);
    CHECK(xWeightedLength("\u2030") == 2); // per mille, just outside the ranges
    // [TT] transformedURLLength 23: a URL of any length counts 23, with or without a scheme.
    CHECK(xWeightedLength("https://example.com/a/very/long/path/that/goes/on/and/on?q=1") == 23);
    CHECK(xWeightedLength("see example.com now") == 4 + 23 + 4);
    CHECK(xWeightedLength("see http://t.co/x.") == 4 + 23 + 1);
    // An e-mail address is not a URL: counted character by character.
    CHECK(xWeightedLength("a@example.com") == 13);
}

TEST_CASE("X limit: 280 ASCII pass, the 281st is where it breaks", "[compose][count]")
{
    const std::string text = repeat("a", 281);
    const Measure m = measureText(CountUnit::XWeighted, text, 280);
    CHECK(m.used == 281);
    CHECK(m.crossOffset == 280);
    // 140 CJK characters are exactly 280; a 141st crosses at its byte offset.
    const std::string cjk = repeat("\u4E00", 141);
    const Measure c = measureText(CountUnit::XWeighted, cjk, 280);
    CHECK(c.used == 282);
    CHECK(c.crossOffset == 140 * 3);
}

TEST_CASE("Mastodon counts graphemes, URLs as 23 and only the local part of mentions", "[compose][count]")
{
    CHECK(mastodonLength("hello") == 5);
    // [MA] a URL counts 23 whatever its length; a bare domain is plain text on Mastodon.
    CHECK(mastodonLength("https://example.org/" + repeat("x", 100)) == 23);
    CHECK(mastodonLength("example.org") == 11);
    // [MA] "@press@social.example" counts as "@press".
    CHECK(mastodonLength("hi @press@social.example") == 3 + 6);
    CHECK(mastodonLength("@press") == 6);
    // Graphemes: a ZWJ family or an e + combining acute is one.
    CHECK(mastodonLength("\U0001F468\u200D\U0001F469\u200D\U0001F467") == 1);
    CHECK(mastodonLength("e\u0301") == 1);
}

TEST_CASE("Bluesky: 300 of e + combining acute is 300 graphemes but 900 bytes", "[compose][count]")
{
    // [BS] both limits apply; each "é" written as U+0065 U+0301 is one grapheme, 3 bytes.
    const std::string text = repeat("e\u0301", 300);
    CHECK(graphemeCount(text) == 300);
    CHECK(utf8Bytes(text) == 900);
    const auto counters = countText(domain::Platform::Bluesky, text);
    REQUIRE(counters.size() == 2);
    CHECK(counters[0].unit == CountUnit::Graphemes);
    CHECK(counters[0].used == 300);
    CHECK_FALSE(counters[0].over());
    CHECK(counters[1].unit == CountUnit::Utf8Bytes);
    CHECK(counters[1].used == 900);
    // 1000 four-byte emoji: 1000 graphemes (over 300) and 4000 bytes (over 3000).
    const auto emoji = countText(domain::Platform::Bluesky, repeat("\U0001F600", 1000));
    CHECK(emoji[0].used == 1000);
    CHECK(emoji[1].used == 4000);
    CHECK(emoji[1].over());
}

TEST_CASE("UTF-16 units and code points", "[compose][count]")
{
    // [UC] U+1F600 is a surrogate pair; U+00E9 one unit; ASCII one unit.
    CHECK(utf16Units("a\u00E9\U0001F600") == 4);
    CHECK(codePointCount("a\u00E9\U0001F600") == 3);
    CHECK(utf8Bytes("a\u00E9\U0001F600") == 7);
    const auto tiktok = countText(domain::Platform::TikTok, repeat("\U0001F600", 1100));
    REQUIRE(tiktok.size() == 1);
    CHECK(tiktok[0].used == 2200);
    CHECK_FALSE(tiktok[0].over());
}

TEST_CASE("Mastodon counter includes the content warning", "[compose][count]")
{
    Json options(Json::Object{});
    options.set("spoiler_text", "CW: war").set("visibility", "public");
    const auto c = countText(domain::Platform::Mastodon, "hello", options);
    REQUIRE(c.size() == 1);
    CHECK(c[0].used == 5 + 7);
}

TEST_CASE("invalid UTF-8 counts one replacement character per bad byte", "[compose][count]")
{
    CHECK(graphemeCount("a\xff\xfe") == 3);
    CHECK(utf16Units("\xc3") == 1);
    CHECK(codePointCount("\xed\xa0\x80") == 3); // an encoded surrogate is three bad bytes
}

TEST_CASE("URL matcher: what counts as a URL", "[compose][url]")
{
    auto urls = [](std::string_view s, bool bare) {
        std::vector<std::string> out;
        for (const auto& u : findUrls(s, bare))
            out.emplace_back(s.substr(static_cast<std::size_t>(u.begin), static_cast<std::size_t>(u.end - u.begin)));
        return out;
    };
    using V = std::vector<std::string>;
    CHECK(urls("go to https://example.org/a_(b) now", false) == V{"https://example.org/a_(b)"});
    CHECK(urls("(see https://example.org/x)", false) == V{"https://example.org/x"});
    CHECK(urls("HTTPS://EXAMPLE.ORG, then", false) == V{"HTTPS://EXAMPLE.ORG"});
    CHECK(urls("http://localhost is not", false).empty());
    CHECK(urls("xhttps://example.org", false).empty());
    CHECK(urls("https://example.org\u3001next", false) == V{"https://example.org"});
    CHECK(urls("example.com and www.example.org/path?q=1.", true) == V{"example.com", "www.example.org/path?q=1"});
    CHECK(urls("example.com", false).empty());
    // ccTLD without a path is not taken bare (twitter-text does the same); with a path it is.
    CHECK(urls("bbc.co.uk", true).empty());
    CHECK(urls("bbc.co.uk/news", true) == V{"bbc.co.uk/news"});
    CHECK(urls("mail me: press@example.com", true).empty());
    CHECK(urls("@press@social.example", true).empty());
    CHECK(urls("version 1.2.3 or file.txt", true).empty());
}
