// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpsecRegex.h"

#include <algorithm>

namespace postern::compose {

std::vector<std::string> splitCodeWords(std::string_view pattern)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= pattern.size()) {
        std::size_t end = pattern.find_first_of(",\n", start);
        if (end == std::string_view::npos)
            end = pattern.size();
        std::string_view word = pattern.substr(start, end - start);
        while (!word.empty() && (word.front() == ' ' || word.front() == '\t' || word.front() == '\r'))
            word.remove_prefix(1);
        while (!word.empty() && (word.back() == ' ' || word.back() == '\t' || word.back() == '\r'))
            word.remove_suffix(1);
        if (!word.empty())
            out.emplace_back(word);
        start = end + 1;
    }
    return out;
}

namespace {

/** unboundedQuantifierAt: a +, * or {n,} starts at i. */
bool unboundedQuantifierAt(std::string_view p, std::size_t i)
{
    if (i >= p.size())
        return false;
    if (p[i] == '+' || p[i] == '*')
        return true;
    if (p[i] != '{')
        return false;
    const auto close = p.find('}', i);
    if (close == std::string_view::npos)
        return false;
    const auto body = p.substr(i + 1, close - i - 1);
    return !body.empty() && body.back() == ',';
}

} // namespace

bool hasNestedQuantifier(std::string_view p)
{
    // One flag per open group: does it contain an unbounded repeat?
    std::vector<bool> stack{false};
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\') {
            ++i; // the escaped character; a following quantifier is seen on the next pass
            if (unboundedQuantifierAt(p, i + 1))
                stack.back() = true;
            continue;
        }
        if (c == '[') {
            // Skip the class: "]" right after "[" or "[^" is a literal.
            std::size_t j = i + 1;
            if (j < p.size() && p[j] == '^')
                ++j;
            if (j < p.size() && p[j] == ']')
                ++j;
            while (j < p.size() && p[j] != ']') {
                if (p[j] == '\\')
                    ++j;
                ++j;
            }
            i = j;
            if (unboundedQuantifierAt(p, i + 1))
                stack.back() = true;
            continue;
        }
        if (c == '(') {
            stack.push_back(false);
            continue;
        }
        if (c == ')') {
            if (stack.size() < 2)
                continue; // unbalanced: the compiler reports it
            const bool inner = stack.back();
            stack.pop_back();
            if (unboundedQuantifierAt(p, i + 1)) {
                if (inner)
                    return true;
                stack.back() = true;
            } else if (inner) {
                stack.back() = true;
            }
            continue;
        }
        if (unboundedQuantifierAt(p, i + 1) && c != '+' && c != '*' && c != '?' && c != '}')
            stack.back() = true;
    }
    return false;
}

Result<QRegularExpression> compileRule(const OpsecRule& rule)
{
    QString pattern;
    QRegularExpression::PatternOptions options = QRegularExpression::UseUnicodePropertiesOption;
    if (rule.kind == OpsecKind::Words) {
        auto words = splitCodeWords(rule.pattern);
        if (words.empty())
            return QRegularExpression(QStringLiteral("(?!)"));
        // Longest first, so "blue heron" wins over "blue" at the same place.
        std::sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
        QStringList escaped;
        for (const auto& w : words)
            escaped << QRegularExpression::escape(QString::fromStdString(w));
        pattern = QStringLiteral("(?<!\\w)(?:") + escaped.join(QLatin1Char('|')) + QStringLiteral(")(?!\\w)");
        options |= QRegularExpression::CaseInsensitiveOption;
    } else {
        pattern = QString::fromStdString(rule.pattern);
    }
    QRegularExpression re(pattern, options);
    if (!re.isValid())
        return fail(Errc::Syntax,
                    "OPSEC rule \"" + rule.id
                        + "\" is not a valid regular expression: " + re.errorString().toStdString() + " at offset "
                        + std::to_string(re.patternErrorOffset()) + "; fix the pattern");
    re.optimize();
    return re;
}

} // namespace postern::compose
