// SPDX-License-Identifier: GPL-3.0-or-later
// Plain text for what comes back from the platforms (docs/bundle-format.md §8.2.1). Every row of
// the hostile table has exactly one expected output; the expected bytes are written out by hand
// from the spec, not computed.
#include "postern/util/PlainText.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using namespace postern;

namespace {

struct Row
{
    const char* what;
    std::string input;
    std::string expected;
};

const std::string kFffd = "\xEF\xBF\xBD";

// clang-format off
const Row kHostile[] = {
    {"HTML stays literal characters", "<script>alert(1)</script><a href=\"x\">y</a>&amp;", "<script>alert(1)</script><a href=\"x\">y</a>&amp;"},
    {"ordinary non-ASCII is untouched", "Gr\xC3\xBC\xC3\x9F" "e \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", "Gr\xC3\xBC\xC3\x9F" "e \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"},
    {"CRLF and CR become LF", "a\r\nb\rc\n", "a\nb\nc\n"},
    {"TAB becomes a space", "a\tb", "a b"},
    {"C0 controls and an ANSI escape are made visible", std::string("\x00\x07\x1B[31mred", 10), "[U+0000][U+0007][U+001B][31mred"},
    {"DEL", "a\x7F", "a[U+007F]"},
    {"C1 controls NEL and CSI", "\xC2\x85\xC2\x9B", "[U+0085][U+009B]"},
    {"a lone invalid byte", "a\xFF" "b", "a" + kFffd + "b"},
    {"a cut three-byte sequence is one U+FFFD", "a\xE2\x82", "a" + kFffd},
    {"an overlong slash", "\xC0\xAF", kFffd + kFffd},
    {"an encoded surrogate", "\xED\xA0\x80", kFffd + kFffd + kFffd},
    {"above U+10FFFF", "\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},
    {"a bad continuation keeps the next character", "\xE2(\xA1", kFffd + "(" + kFffd},
    {"right-to-left override", "invoice\xE2\x80\xAE" "fdp.exe", "invoice[U+202E]fdp.exe"},
    {"left-to-right embedding and pop", "\xE2\x80\xAA" "x\xE2\x80\xAC", "[U+202A]x[U+202C]"},
    {"bidi isolates", "\xE2\x81\xA6" "x\xE2\x81\xA9", "[U+2066]x[U+2069]"},
    {"left-to-right and right-to-left marks", "\xE2\x80\x8E\xE2\x80\x8F", "[U+200E][U+200F]"},
    {"arabic letter mark", "\xD8\x9C", "[U+061C]"},
    {"zero-width space inside a word", "pass\xE2\x80\x8Bword", "pass[U+200B]word"},
    {"zero-width non-joiner", "a\xE2\x80\x8C" "b", "a[U+200C]b"},
    {"byte order mark", "\xEF\xBB\xBFhi", "[U+FEFF]hi"},
    {"soft hyphen", "ad\xC2\xAD" "min", "ad[U+00AD]min"},
    {"word joiner", "a\xE2\x81\xA0" "b", "a[U+2060]b"},
    {"line and paragraph separators", "a\xE2\x80\xA8" "b\xE2\x80\xA9", "a[U+2028]b[U+2029]"},
    {"hangul filler (an invisible name)", "\xE3\x85\xA4", "[U+3164]"},
    {"ZWJ inside a word is visible", "ab\xE2\x80\x8D" "c", "ab[U+200D]c"},
    {"ZWJ at the start is visible", "\xE2\x80\x8Dx", "[U+200D]x"},
    {"a family emoji keeps its joiners", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"},
    {"heart with emoji presentation", "\xE2\x9D\xA4\xEF\xB8\x8F", "\xE2\x9D\xA4\xEF\xB8\x8F"},
    {"heart on fire: ZWJ after U+FE0F", "\xE2\x9D\xA4\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x94\xA5", "\xE2\x9D\xA4\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x94\xA5"},
    {"a selector at the start", "\xEF\xB8\x8Fx", "[U+FE0F]x"},
    {"a second selector in a row", "a\xEF\xB8\x8F\xEF\xB8\x8F", "a\xEF\xB8\x8F[U+FE0F]"},
    {"a double ZWJ after an emoji", "\xF0\x9F\x98\x80\xE2\x80\x8D\xE2\x80\x8D", "\xF0\x9F\x98\x80\xE2\x80\x8D[U+200D]"},
    {"variation selector smuggling", "a\xEF\xB8\x81\xF3\xA0\x84\x80", "a[U+FE01][U+E0100]"},
    {"tag characters", "\xF3\xA0\x81\x81\xF3\xA0\x81\xBF", "[U+E0041][U+E007F]"},
    {"noncharacters", "\xEF\xBF\xBF\xF0\x9F\xBF\xBE\xEF\xB7\x90", "[U+FFFF][U+1FFFE][U+FDD0]"},
    {"interlinear annotation", "\xEF\xBF\xB9" "a\xEF\xBF\xBB", "[U+FFF9]a[U+FFFB]"},
    {"a literal escape stays literal", "[U+202E]", "[U+202E]"},
    {"an empty string", "", ""},
};
// clang-format on

} // namespace

TEST_CASE("hostile texts each become exactly one plain text", "[plaintext]")
{
    for (const auto& row : kHostile) {
        INFO(row.what);
        const std::string out = makePlainText(row.input, 8192);
        CHECK(out == row.expected);
        CHECK(isPlainText(out));
        CHECK(makePlainText(out, 8192) == out); // idempotent
        CHECK(isPlainText(row.input) == (row.input == row.expected));
    }
}

TEST_CASE("long text is cut on a unit boundary with a visible mark", "[plaintext]")
{
    const std::string mark = std::string(kTruncationMark);
    REQUIRE(mark.size() == 14);
    // 100 KB of text into 8 KiB.
    const std::string big(100 * 1024, 'a');
    CHECK(makePlainText(big, 8192) == std::string(8178, 'a') + mark);
    // A three-byte character is never split: 7 × "€" is 21 bytes; 20 leave room for 2 and the mark.
    std::string euros;
    for (int i = 0; i < 7; ++i)
        euros += "\xE2\x82\xAC";
    CHECK(makePlainText(euros, 20) == "\xE2\x82\xAC\xE2\x82\xAC" + mark);
    CHECK(makePlainText(euros.substr(0, 18), 20) == euros.substr(0, 18)); // fits: unchanged
    CHECK(makePlainText(euros, 21) == euros);                             // exactly fits
    // An escape is one unit: three overrides (24 bytes) into 20 leave only the mark.
    CHECK(makePlainText("\xE2\x80\xAE\xE2\x80\xAE\xE2\x80\xAE", 20) == mark);
    CHECK(makePlainText("\xE2\x80\xAE\xE2\x80\xAE", 30) == "[U+202E][U+202E]");
    // Below the mark's size there is no room for it.
    CHECK(makePlainText("abcdef", 4) == "abcd");
    CHECK(makePlainText("ab\xE2\x82\xAC", 4) == "ab");
    // A cut text is plain, so the reader accepts what the uploader cut.
    CHECK(isPlainText(makePlainText(big, 8192)));
}

TEST_CASE("plain lines carry no line break", "[plaintext]")
{
    CHECK(makePlainLine("a\nb\r\nc\rd", 100) == "a b c d");
    CHECK(makePlainLine("Name\xE2\x80\xAE", 100) == "Name[U+202E]");
    CHECK(isPlainLine("one line"));
    CHECK_FALSE(isPlainLine("two\nlines"));
    CHECK(isPlainText("two\nlines"));
    CHECK_FALSE(isPlainText("cr\r"));
    CHECK_FALSE(isPlainText("tab\t"));
}

TEST_CASE("any bytes become bounded plain text", "[plaintext]")
{
    // Random bytes biased towards the interesting ones; fixed seed, so the run is repeatable.
    std::mt19937 rng(20261207);
    const unsigned char pool[] = {0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0x80, 0x85, 0xBF, 0xC0, 0xC2, 0xE2,
                                  0x80, 0x8D, 0xAE, 0xED, 0xEF, 0xB8, 0x8F, 0xF0, 0xF3, 0xF4, 0x9F, 0xFF};
    for (int round = 0; round < 5000; ++round) {
        std::string s;
        const auto n = rng() % 64;
        for (unsigned i = 0; i < n; ++i)
            s.push_back(static_cast<char>(rng() % 3 == 0 ? 'a' + rng() % 26 : pool[rng() % sizeof pool]));
        const std::size_t cap = rng() % 80;
        const std::string out = makePlainText(s, cap);
        INFO("round " << round);
        REQUIRE(out.size() <= cap);
        REQUIRE(isPlainText(out));
        REQUIRE(makePlainText(out, cap) == out);
        const std::string line = makePlainLine(s, cap);
        REQUIRE(line.find('\n') == std::string::npos);
        REQUIRE(isPlainLine(line));
    }
}
