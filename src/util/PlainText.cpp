// SPDX-License-Identifier: GPL-3.0-or-later
// Plain text for data that crossed the gap from the platforms (docs/bundle-format.md §8.2.1).
// The uploader writes it, the workstation refuses anything else, so both sides run this code.
#include "postern/util/PlainText.h"

#include <cstdint>
#include <cstdio>
#include <limits>

namespace postern {

namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kNone = 0xFFFFFFFF; ///< "no previous code point" (start of text)

struct Decoded
{
    char32_t cp;
    std::size_t length;
};

/** decodeOne reads one code point at `i`; an ill-formed sequence yields U+FFFD for its maximal
 *  subpart (Unicode §3.9, the WHATWG decoder's ranges), so one bad byte never eats a good one. */
Decoded decodeOne(std::string_view s, std::size_t i)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80)
        return {b0, 1};
    std::size_t need = 0;
    char32_t cp = 0;
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        lower = b0 == 0xE0 ? 0xA0 : 0x80; // no overlong forms
        upper = b0 == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        lower = b0 == 0xF0 ? 0x90 : 0x80;
        upper = b0 == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    } else {
        return {kReplacement, 1};
    }
    std::size_t j = i + 1;
    for (std::size_t k = 0; k < need; ++k, ++j) {
        if (j >= s.size())
            return {kReplacement, j - i};
        const auto b = static_cast<unsigned char>(s[j]);
        if (b < lower || b > upper)
            return {kReplacement, j - i};
        cp = (cp << 6) | (b & 0x3F);
        lower = 0x80;
        upper = 0xBF;
    }
    return {cp, j - i};
}

struct Range
{
    char32_t first;
    char32_t last;
};

/** The code points that are always escaped (§8.2.1); ZWJ and U+FE0E/U+FE0F depend on context. */
constexpr Range kEscaped[] = {
    {0x0000, 0x001F},   {0x007F, 0x009F},   {0x00AD, 0x00AD},   {0x034F, 0x034F}, {0x061C, 0x061C}, {0x115F, 0x1160},
    {0x17B4, 0x17B5},   {0x180B, 0x180F},   {0x200B, 0x200C},   {0x200E, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x206F},
    {0x3164, 0x3164},   {0xFDD0, 0xFDEF},   {0xFE00, 0xFE0D},   {0xFEFF, 0xFEFF}, {0xFFA0, 0xFFA0}, {0xFFF9, 0xFFFB},
    {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
};

bool alwaysEscaped(char32_t c)
{
    if ((c & 0xFFFE) == 0xFFFE) // U+xxFFFE and U+xxFFFF are noncharacters in every plane
        return true;
    for (const auto& r : kEscaped) {
        if (c >= r.first && c <= r.last)
            return true;
    }
    return false;
}

constexpr char32_t kZwj = 0x200D;

bool isSelector(char32_t c)
{
    return c == 0xFE0E || c == 0xFE0F;
}

/** ZWJ joins emoji (family, profession and flag sequences); after anything else it only hides
 *  a break inside a word, e.g. to slip a banned word past the reply rules. */
bool emojiBefore(char32_t prev)
{
    return (prev >= 0x2600 && prev <= 0x27BF) || (prev >= 0x1F000 && prev <= 0x1FAFF) || prev == 0xFE0F;
}

void appendUtf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

/** appendEscaped writes `[U+XXXX]`: upper-case hex, at least four digits. */
void appendEscaped(std::string& out, char32_t c)
{
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "[U+%04X]", static_cast<unsigned>(c));
    out.append(buf, static_cast<std::size_t>(n));
}

std::string convert(std::string_view in, std::size_t maxBytes, bool line)
{
    const bool mark = maxBytes >= kTruncationMark.size();
    const std::size_t keepLimit = mark ? maxBytes - kTruncationMark.size() : maxBytes;
    std::string out;
    out.reserve(in.size() < maxBytes ? in.size() : maxBytes);
    std::size_t cut = 0; // end of the last whole unit that leaves room for the mark
    char32_t prev = kNone;
    for (std::size_t i = 0; i < in.size();) {
        Decoded d = decodeOne(in, i);
        i += d.length;
        char32_t c = d.cp;
        if (c == '\r') {
            if (i < in.size() && in[i] == '\n')
                ++i; // CRLF is one unit
            c = '\n';
        }
        if (c == '\t' || (line && c == '\n'))
            c = ' ';
        bool escape = false;
        if (c == kZwj)
            escape = !emojiBefore(prev);
        else if (isSelector(c))
            escape = prev == kNone || prev == kZwj || isSelector(prev);
        else if (c != '\n')
            escape = alwaysEscaped(c);
        if (escape) {
            appendEscaped(out, c);
            prev = ']';
        } else {
            appendUtf8(out, c);
            prev = c;
        }
        if (out.size() > maxBytes) {
            out.resize(cut);
            if (mark)
                out.append(kTruncationMark);
            return out;
        }
        if (out.size() <= keepLimit)
            cut = out.size();
    }
    return out;
}

} // namespace

std::string makePlainText(std::string_view untrusted, std::size_t maxBytes)
{
    return convert(untrusted, maxBytes, false);
}

std::string makePlainLine(std::string_view untrusted, std::size_t maxBytes)
{
    return convert(untrusted, maxBytes, true);
}

bool isPlainText(std::string_view text)
{
    return convert(text, std::numeric_limits<std::size_t>::max(), false) == text;
}

bool isPlainLine(std::string_view text)
{
    return convert(text, std::numeric_limits<std::size_t>::max(), true) == text;
}

} // namespace postern
