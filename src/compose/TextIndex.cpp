// SPDX-License-Identifier: GPL-3.0-or-later
#include "TextIndex.h"

#include <QTextBoundaryFinder>

namespace postern::compose {

std::vector<CodePoint> decodeUtf8(std::string_view utf8)
{
    std::vector<CodePoint> out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto b0 = static_cast<unsigned char>(utf8[i]);
        int len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if (b0 < 0x80) {
            len = 1;
            cp = b0;
        } else if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
            cp = b0 & 0x1Fu;
            min = 0x80;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            cp = b0 & 0x0Fu;
            min = 0x800;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            cp = b0 & 0x07u;
            min = 0x10000;
        }
        bool valid = len > 0 && i + static_cast<std::size_t>(len) <= utf8.size();
        for (int k = 1; valid && k < len; ++k) {
            const auto b = static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]);
            if ((b & 0xC0u) != 0x80u)
                valid = false;
            else
                cp = (cp << 6) | (b & 0x3Fu);
        }
        // Overlong forms, surrogates and values above U+10FFFF are invalid like stray bytes.
        if (valid && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
            valid = false;
        if (!valid) {
            cp = 0xFFFD;
            len = 1;
        }
        out.push_back({cp, static_cast<std::int64_t>(i), len});
        i += static_cast<std::size_t>(len);
    }
    return out;
}

TextIndex::TextIndex(std::string_view utf8)
{
    const auto cps = decodeUtf8(utf8);
    m_text.reserve(static_cast<qsizetype>(cps.size()));
    m_utf8At.reserve(cps.size() + 1);
    for (const auto& cp : cps) {
        if (cp.value >= 0x10000) {
            m_text.append(QChar(QChar::highSurrogate(cp.value)));
            m_text.append(QChar(QChar::lowSurrogate(cp.value)));
            m_utf8At.push_back(cp.begin);
            m_utf8At.push_back(cp.begin);
        } else {
            m_text.append(QChar(static_cast<char16_t>(cp.value)));
            m_utf8At.push_back(cp.begin);
        }
    }
    m_utf8At.push_back(static_cast<std::int64_t>(utf8.size()));
}

std::vector<Cluster> TextIndex::clusters() const
{
    std::vector<Cluster> out;
    if (m_text.isEmpty())
        return out;
    QTextBoundaryFinder finder(QTextBoundaryFinder::Grapheme, m_text);
    qsizetype prev = 0;
    while (true) {
        const qsizetype next = finder.toNextBoundary();
        if (next <= prev)
            break;
        out.push_back({static_cast<int>(prev), static_cast<int>(next), utf8At(prev), utf8At(next)});
        prev = next;
    }
    return out;
}

} // namespace postern::compose
