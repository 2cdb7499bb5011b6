// SPDX-License-Identifier: GPL-3.0-or-later
// Mastodon's status HTML as text (MastodonHtml.h): what Mastodon emits, and what a hostile
// instance or author could put in a reply. Each input ends as exactly one text or is refused by
// name. Inputs marked "Mastodon" are shaped as Mastodon's sanitizer writes them
// (app/lib/sanitize_ext/sanitize_config.rb, MASTODON_STRICT; app/lib/text_formatter.rb for links
// and mentions); the status entity example of the documentation has "<p>Hello world</p>"
// (tests/contract/answers/mastodon/statuses-get-200.json).
#include "postern/uploader/platforms/mastodon/MastodonHtml.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::uploader;

namespace {

std::string text(std::string_view html, std::size_t cap = 10000)
{
    auto r = mastodonHtmlToText(html, cap);
    REQUIRE(r.ok());
    return *r;
}

} // namespace

TEST_CASE("Mastodon HTML: what Mastodon emits", "[mastodon][html]")
{
    struct Row
    {
        std::string_view html, expected;
    };
    const Row rows[] = {
        {"<p>Hello world</p>", "Hello world"},
        {"<p>one</p><p>two</p>", "one\n\ntwo"},
        {"<p>line<br />two<br>three</p>", "line\ntwo\nthree"},
        // Mastodon's shortened link: the whole target is written, nothing hidden.
        {"<p>see <a href=\"https://example.com/a/long/path\" rel=\"nofollow noopener noreferrer\" "
         "target=\"_blank\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">example.com/a/lo</span>"
         "<span class=\"invisible\">ng/path</span></a> now</p>",
         "see https://example.com/a/long/path now"},
        // A mention: its text, and where it really points.
        {"<p><span class=\"h-card\" translate=\"no\"><a href=\"https://mastodon.social/@Gargron\" "
         "class=\"u-url mention\">@<span>Gargron</span></a></span> hi</p>",
         "@Gargron (https://mastodon.social/@Gargron) hi"},
        {"<p>a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &apos;f&apos;</p>", "a & b <c> \"d\" 'e' 'f'"},
        {"<p><strong>bold</strong> <em>it</em> <del>gone</del> <code>x</code></p>", "bold it gone x"},
        {"<ul><li>one</li><li>two</li></ul>", "- one\n- two"},
        {"<pre>a\n  b</pre>", "a\n  b"},
        {"<p>  lots   of\n\n space  </p>", "lots of space"},
    };
    for (const auto& row : rows) {
        INFO(row.html);
        CHECK(text(row.html) == row.expected);
    }
}

TEST_CASE("Mastodon HTML: hostile markup stays text", "[mastodon][html]")
{
    struct Row
    {
        std::string_view html, expected;
    };
    const Row rows[] = {
        // A script tag, escaped (as an author typed it) or raw (a hostile instance): text both ways.
        {"<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<script>alert(1)</script>"},
        {"<p><script>alert(1)</script></p>", "<script>alert(1)</script>"},
        {"<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"},
        {"<!-- hidden --><p>shown</p>", "<!-- hidden -->\n\nshown"},
        {"<style>p{display:none}</style>", "<style>p{display:none}</style>"},
        // A link whose text claims another target shows both.
        {"<p><a href=\"https://evil.example/x\">https://bank.example/login</a></p>",
         "https://bank.example/login (https://evil.example/x)"},
        {"<a href=\"javascript:alert(1)\">click</a>", "click (javascript:alert(1))"},
        {"<a href=\"https://e.example/?a=1&amp;b=2\">go</a>", "go (https://e.example/?a=1&b=2)"},
        // Invisible spans hide nothing outside a link.
        {"<p><span class=\"invisible\">secret</span> text</p>", "secret text"},
        // Nested and unclosed links, stray closing tags, unterminated tags.
        {"<a href=\"https://a.example\">x<a href=\"https://b.example\">y</a>",
         "x<a href=\"https://b.example\">y (https://a.example)"},
        {"<a href=\"https://a.example\">open", "open (https://a.example)"},
        {"</a></span></p>text", "</a>\n\ntext"},
        {"<p class=\"x>never closed", "<p class=\"x>never closed"},
        {"a < b > c", "a < b > c"},
        {"<p\n>x</p\n>", "x"},
        // Entities: unknown names stay, non-scalars become U+FFFD, overlong digit runs stay.
        {"&bogus; &amp &#0; &#xD800; &#x110000; &#99999999999;", "&bogus; &amp \uFFFD \uFFFD \uFFFD &#99999999999;"},
        {"&#x41;&#66;&#x1F600;", "AB\U0001F600"},
        // Bidi and zero-width characters pass through as text here; the collect service makes
        // them visible for every platform (TestCollect.cpp).
        {"<p>&#x202E;gnp.exe</p>", "\u202Egnp.exe"},
        {"<p>\xE2\x80\x8Bzero</p>", "\u200Bzero"},
    };
    for (const auto& row : rows) {
        INFO(row.html);
        CHECK(text(row.html) == row.expected);
    }
}

TEST_CASE("Mastodon HTML: caps", "[mastodon][html]")
{
    SECTION("input above the cap is refused by name")
    {
        const std::string big(kMastodonHtmlMax + 1, 'a');
        auto r = mastodonHtmlToText(big, 1000);
        REQUIRE_FALSE(r.ok());
        CHECK(r.code() == Errc::TooLarge);
    }
    SECTION("the output is cut at a character boundary and marked")
    {
        const std::string many = "<p>" + std::string(100, 'x') + "\u00E9\u00E9</p>";
        CHECK(text(many, 10) == "xxxxxxx\u2026");
        CHECK(text("<p>\u00E9\u00E9\u00E9\u00E9</p>", 6) == "\u00E9\u2026");
        CHECK(text("<p>abc</p>", 2).empty());
        CHECK(text("<p>abc</p>", 3) == "abc");
    }
    SECTION("64 KiB of links stays bounded")
    {
        std::string html;
        while (html.size() < kMastodonHtmlMax - 20)
            html += "<a href=\"https://x.example/\">y</a>";
        auto r = mastodonHtmlToText(html, 5000);
        REQUIRE(r.ok());
        CHECK(r->size() <= 5000);
    }
}
