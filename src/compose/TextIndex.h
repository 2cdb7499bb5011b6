// SPDX-License-Identifier: GPL-3.0-or-later
// Private to postern_compose: UTF-8 text as Qt sees it, with offsets back to the UTF-8 bytes.
#pragma once

#include <QString>

#include <cstdint>
#include <string_view>
#include <vector>

namespace postern::compose {

/** CodePoint is one decoded code point and where its bytes start. */
struct CodePoint
{
    char32_t value = 0;
    std::int64_t begin = 0; ///< UTF-8 offset
    int bytes = 1;          ///< UTF-8 length in the input (1 for an invalid byte)
};

/** decodeUtf8 decodes leniently: every byte that starts no valid sequence becomes U+FFFD. */
[[nodiscard]] std::vector<CodePoint> decodeUtf8(std::string_view utf8);

/** Cluster is one extended grapheme cluster: UTF-16 range and UTF-8 range. */
struct Cluster
{
    int begin16 = 0;
    int end16 = 0;
    std::int64_t begin8 = 0;
    std::int64_t end8 = 0;
};

/**
 * TextIndex holds the text as a QString plus, for each UTF-16 position, the UTF-8 offset it
 * came from, so Qt's boundaries and regular-expression matches map back to the caller's bytes.
 */
class TextIndex
{
public:
    explicit TextIndex(std::string_view utf8);

    [[nodiscard]] const QString& text() const noexcept { return m_text; }
    /** utf8At maps a UTF-16 position (0..size) to its UTF-8 offset. */
    [[nodiscard]] std::int64_t utf8At(qsizetype pos16) const { return m_utf8At[static_cast<std::size_t>(pos16)]; }
    /** clusters splits the text into extended grapheme clusters (QTextBoundaryFinder). */
    [[nodiscard]] std::vector<Cluster> clusters() const;

private:
    QString m_text;
    std::vector<std::int64_t> m_utf8At;
};

} // namespace postern::compose
