// SPDX-License-Identifier: GPL-3.0-or-later
// Mastodon's status HTML as text (MastodonHtml.h says what each construct becomes). Written to
// be audited in one reading: one pass over the input, no recursion, no allocation beyond the
// output (at most about twice the capped input: a link's target is written once more).
#include "postern/uploader/platforms/mastodon/MastodonHtml.h"

#include <array>
#include <optional>
#include <vector>

namespace postern::uploader {

namespace {

constexpr std::size_t kMaxAttributes = 16;
constexpr std::size_t kMaxNameLength = 32;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/** decodeEntity reads the entity at s[at] == '&': its text and length, or nullopt (literal '&'). */
std::optional<std::pair<std::string, std::size_t>> decodeEntity(std::string_view s, std::size_t at)
{
    const std::size_t end = s.find(';', at);
    if (end == std::string_view::npos || end - at > 12)
        return std::nullopt;
    const std::string_view body = s.substr(at + 1, end - at - 1);
    const std::size_t length = end - at + 1;
    if (body.size() >= 2 && body[0] == '#') {
        const bool hex = body[1] == 'x' || body[1] == 'X';
        const std::string_view digits = body.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 8)
            return std::nullopt;
        std::uint32_t cp = 0; // at most 8 hex digits: fits, no overflow
        for (char c : digits) {
            int d = -1;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
                d = lower(c) - 'a' + 10;
            if (d < 0)
                return std::nullopt;
            cp = cp * (hex ? 16U : 10U) + static_cast<std::uint32_t>(d);
            if (cp > 0x10FFFF)
                cp = 0x110000; // stays out of range without overflowing
        }
        std::string out;
        const bool scalar = cp != 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
        appendUtf8(out, scalar ? static_cast<char32_t>(cp) : U'\uFFFD');
        return std::make_pair(out, length);
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNamed = {
        {{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\u00A0"}}};
    for (const auto& [name, text] : kNamed) {
        if (body == name)
            return std::make_pair(std::string(text), length);
    }
    return std::nullopt;
}

/** decodeText decodes the entities of an attribute value. */
std::string decodeText(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '&') {
            if (auto e = decodeEntity(s, i)) {
                out += e->first;
                i += e->second;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

struct Tag
{
    std::string name; ///< lower case
    bool closing = false;
    std::vector<std::pair<std::string, std::string>> attributes; ///< names lower case, values decoded
    std::size_t length = 0;                                      ///< source bytes, '<' to '>'

    [[nodiscard]] std::string attribute(std::string_view key) const
    {
        for (const auto& [k, v] : attributes) {
            if (k == key)
                return v;
        }
        return {};
    }
};

/** parseTag reads a well-formed tag at s[at] == '<', or nullopt: then the '<' is text. */
std::optional<Tag> parseTag(std::string_view s, std::size_t at)
{
    Tag tag;
    std::size_t i = at + 1;
    if (i < s.size() && s[i] == '/') {
        tag.closing = true;
        ++i;
    }
    if (i >= s.size() || !isAlpha(s[i]))
        return std::nullopt;
    while (i < s.size() && (isAlpha(s[i]) || (s[i] >= '0' && s[i] <= '9')) && tag.name.size() <= kMaxNameLength)
        tag.name += lower(s[i++]);
    while (true) {
        while (i < s.size() && isSpace(s[i]))
            ++i;
        if (i >= s.size() || s[i] == '<')
            return std::nullopt;
        if (s[i] == '>' || (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '>')) {
            tag.length = (s[i] == '>' ? i + 1 : i + 2) - at;
            return tag;
        }
        std::string name;
        while (i < s.size() && !isSpace(s[i]) && s[i] != '>' && s[i] != '=' && s[i] != '<' && s[i] != '"'
               && s[i] != '\'' && s[i] != '/')
            name += lower(s[i++]);
        if (name.empty() || name.size() > kMaxNameLength || tag.attributes.size() >= kMaxAttributes)
            return std::nullopt;
        std::string value;
        if (i < s.size() && s[i] == '=') {
            ++i;
            if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
                const std::size_t close = s.find(s[i], i + 1);
                if (close == std::string_view::npos)
                    return std::nullopt;
                value = decodeText(s.substr(i + 1, close - i - 1));
                i = close + 1;
            } else {
                const std::size_t start = i;
                while (i < s.size() && !isSpace(s[i]) && s[i] != '>' && s[i] != '<')
                    ++i;
                value = decodeText(s.substr(start, i - start));
            }
        }
        tag.attributes.emplace_back(std::move(name), std::move(value));
    }
}

bool hasClass(const Tag& tag, std::string_view cls)
{
    const std::string classes = tag.attribute("class");
    std::size_t i = 0;
    while (i < classes.size()) {
        while (i < classes.size() && isSpace(classes[i]))
            ++i;
        std::size_t j = i;
        while (j < classes.size() && !isSpace(classes[j]))
            ++j;
        if (std::string_view(classes).substr(i, j - i) == cls)
            return true;
        i = j;
    }
    return false;
}

/** appendText adds text to `buf`, collapsing HTML whitespace into one space unless `keep`. */
void appendText(std::string& buf, std::string_view text, bool keep)
{
    for (char c : text) {
        if (!keep && isSpace(c)) {
            if (!buf.empty() && buf.back() != ' ' && buf.back() != '\n')
                buf += ' ';
        } else {
            buf += c;
        }
    }
}

void trimSpaces(std::string& s)
{
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n'))
        s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && (s[start] == ' ' || s[start] == '\n'))
        ++start;
    s.erase(0, start);
}

enum class SpanKind {
    Plain,
    Invisible,
    Ellipsis
};

/** Converter holds the state of one conversion: the output, the open link and spans. */
class Converter
{
public:
    void text(std::string_view t)
    {
        if (m_link) {
            appendText(m_full, t, false);
            if (!invisible())
                appendText(m_visible, t, false);
            return;
        }
        flushBreak();
        appendText(m_out, t, m_pre > 0);
    }

    /** tag handles a known tag; false: not one of Mastodon's, so its source stays text. */
    bool tag(const Tag& t)
    {
        const std::string& n = t.name;
        if (n == "p" || n == "pre" || n == "blockquote" || n == "ul" || n == "ol") {
            if (m_link)
                return false; // a block inside a link is not something Mastodon emits
            if (n == "pre")
                m_pre = t.closing ? (m_pre > 0 ? m_pre - 1 : 0) : m_pre + 1;
            m_break = 2;
            return true;
        }
        if (n == "br") {
            if (m_link) {
                text(" ");
            } else {
                flushBreak();
                while (!m_out.empty() && m_out.back() == ' ')
                    m_out.pop_back();
                m_out += '\n';
            }
            return true;
        }
        if (n == "li") {
            if (!t.closing && !m_link) {
                m_break = std::max(m_break, 1);
                flushBreak();
                m_out += "- ";
            }
            return !m_link;
        }
        if (n == "a")
            return link(t);
        if (n == "span") {
            if (t.closing) {
                if (!m_spans.empty()) {
                    if (m_spans.back() == SpanKind::Ellipsis && m_link)
                        m_visible += "\u2026";
                    m_spans.pop_back();
                }
            } else {
                m_spans.push_back(hasClass(t, "invisible")  ? SpanKind::Invisible
                                  : hasClass(t, "ellipsis") ? SpanKind::Ellipsis
                                                            : SpanKind::Plain);
            }
            return true;
        }
        static constexpr std::array<std::string_view, 8> kInline = {"b", "strong", "i", "em", "u", "s", "del", "code"};
        for (auto name : kInline) {
            if (n == name)
                return true;
        }
        return false;
    }

    std::string finish()
    {
        if (m_link)
            closeLink();
        trimSpaces(m_out);
        return std::move(m_out);
    }

private:
    bool invisible() const
    {
        for (auto k : m_spans) {
            if (k == SpanKind::Invisible)
                return true;
        }
        return false;
    }

    void flushBreak()
    {
        if (m_break == 0 || m_out.empty()) {
            m_break = 0;
            return;
        }
        while (!m_out.empty() && m_out.back() == ' ')
            m_out.pop_back();
        int have = 0;
        for (auto it = m_out.rbegin(); it != m_out.rend() && *it == '\n'; ++it)
            ++have;
        for (; have < m_break; ++have)
            m_out += '\n';
        m_break = 0;
    }

    bool link(const Tag& t)
    {
        if (t.closing) {
            if (!m_link)
                return false;
            closeLink();
            return true;
        }
        if (m_link)
            return false; // a link inside a link stays text
        m_link = true;
        m_href = t.attribute("href");
        m_visible.clear();
        m_full.clear();
        return true;
    }

    void closeLink()
    {
        m_link = false;
        trimSpaces(m_visible);
        trimSpaces(m_full);
        std::string shown;
        if (m_href.empty())
            shown = m_visible;
        else if (m_full == m_href || m_visible.empty())
            shown = m_href; // the whole target, nothing hidden
        else
            shown = m_visible + " (" + m_href + ")";
        text(shown);
    }

    std::string m_out;
    int m_break = 0; ///< line breaks owed before the next text
    int m_pre = 0;
    bool m_link = false;
    std::string m_href, m_visible, m_full;
    std::vector<SpanKind> m_spans;
};

/** truncateUtf8 cuts `s` to at most `maxBytes` bytes at a character boundary, marking the cut. */
void truncateUtf8(std::string& s, std::size_t maxBytes)
{
    if (s.size() <= maxBytes)
        return;
    const std::string_view mark = "\u2026";
    std::size_t cut = maxBytes > mark.size() ? maxBytes - mark.size() : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    s.resize(cut);
    if (mark.size() <= maxBytes)
        s += mark;
}

} // namespace

Result<std::string> mastodonHtmlToText(std::string_view html, std::size_t maxBytes)
{
    if (html.size() > kMastodonHtmlMax)
        return fail(Errc::TooLarge,
                    "a Mastodon status has " + std::to_string(html.size()) + " bytes of HTML, more than the "
                        + std::to_string(kMastodonHtmlMax) + " this uploader reads");
    Converter c;
    std::size_t i = 0;
    std::size_t textStart = 0;
    const auto flushText = [&](std::size_t end) {
        if (end > textStart)
            c.text(html.substr(textStart, end - textStart));
    };
    while (i < html.size()) {
        if (html[i] == '<') {
            if (auto tag = parseTag(html, i)) {
                flushText(i); // the text before a tag is written before the tag acts
                textStart = i;
                if (c.tag(*tag)) {
                    i += tag->length;
                    textStart = i;
                    continue;
                }
            }
        } else if (html[i] == '&') {
            if (auto e = decodeEntity(html, i)) {
                flushText(i);
                c.text(e->first);
                i += e->second;
                textStart = i;
                continue;
            }
        }
        ++i; // text, including the characters of anything that is not Mastodon's markup
    }
    flushText(html.size());
    std::string out = c.finish();
    truncateUtf8(out, maxBytes);
    return out;
}

} // namespace postern::uploader
