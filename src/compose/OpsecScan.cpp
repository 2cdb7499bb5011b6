// SPDX-License-Identifier: GPL-3.0-or-later
// Running OPSEC rules over a post's texts and alt texts for the review pane.
#include "postern/compose/OpsecRules.h"
#include "postern/domain/PlatformDescriptor.h"

#include "OpsecRegex.h"
#include "TextIndex.h"

#include <QElapsedTimer>

namespace postern::compose {

namespace {

/**
 * kRuleBudgetMs bounds the time one rule may spend on one post. PCRE2's own match limit
 * (10 million steps per match call, Qt keeps the default) stops a runaway match; this budget
 * stops a rule that is merely slow on every one of a post's texts.
 */
constexpr qint64 kRuleBudgetMs = 1000;

struct CompiledRule
{
    const OpsecRule* rule = nullptr;
    QRegularExpression re;
    qint64 spentMs = 0;
};

Result<std::vector<CompiledRule>> compileAll(const std::vector<OpsecRule>& rules)
{
    POSTERN_TRY(validateOpsecRules(rules));
    std::vector<CompiledRule> out;
    for (const auto& r : rules) {
        if (!r.enabled)
            continue;
        POSTERN_ASSIGN(re, compileRule(r));
        out.push_back({&r, std::move(re), 0});
    }
    return out;
}

/** capText cuts at kMaxOpsecScanBytes, on a code point boundary. */
std::string_view capText(std::string_view text)
{
    if (text.size() <= kMaxOpsecScanBytes)
        return text;
    std::size_t n = kMaxOpsecScanBytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0u) == 0x80u)
        --n;
    return text.substr(0, n);
}

Status scanField(std::string_view text,
                 std::vector<CompiledRule>& rules,
                 const std::string& channel,
                 const std::string& field,
                 std::vector<OpsecFlag>& out)
{
    if (text.empty())
        return {};
    const std::string_view capped = capText(text);
    const TextIndex index(capped);
    for (auto& c : rules) {
        QElapsedTimer timer;
        timer.start();
        auto it = c.re.globalMatch(index.text());
        while (it.hasNext() && out.size() < kMaxOpsecFlags) {
            const auto m = it.next();
            if (m.capturedLength() == 0)
                continue;
            OpsecFlag f;
            f.ruleId = c.rule->id;
            f.ruleName = c.rule->name;
            f.channel = channel;
            f.field = field;
            f.beginUtf8 = index.utf8At(m.capturedStart());
            f.endUtf8 = index.utf8At(m.capturedEnd());
            f.match = std::string(capped.substr(static_cast<std::size_t>(f.beginUtf8),
                                                static_cast<std::size_t>(f.endUtf8 - f.beginUtf8)));
            if (f.match.size() > 200) {
                std::size_t n = 200;
                while (n > 0 && (static_cast<unsigned char>(f.match[n]) & 0xC0u) == 0x80u)
                    --n;
                f.match.resize(n);
            }
            out.push_back(std::move(f));
        }
        c.spentMs += timer.elapsed();
        if (c.spentMs > kRuleBudgetMs)
            return fail(Errc::TooLarge,
                        "OPSEC rule \"" + c.rule->id + "\" took more than " + std::to_string(kRuleBudgetMs)
                            + " ms on this post; an admin should simplify its pattern");
        if (out.size() >= kMaxOpsecFlags)
            break;
    }
    return {};
}

} // namespace

Result<std::vector<OpsecFlag>> scanOpsecText(std::string_view text, const std::vector<OpsecRule>& rules)
{
    POSTERN_ASSIGN(compiled, compileAll(rules));
    std::vector<OpsecFlag> out;
    POSTERN_TRY(scanField(text, compiled, "", "text", out));
    return out;
}

Result<std::vector<OpsecFlag>> scanOpsec(const domain::PostContent& content, const std::vector<OpsecRule>& rules)
{
    POSTERN_ASSIGN(compiled, compileAll(rules));
    std::vector<OpsecFlag> out;
    for (const auto& ch : content.channels)
        POSTERN_TRY(scanField(ch.text, compiled, ch.channel.str(), "text", out));
    for (std::size_t i = 0; i < content.media.size(); ++i)
        POSTERN_TRY(scanField(content.media[i].alt, compiled, "", "media[" + std::to_string(i) + "].alt", out));
    // A content warning (the descriptor's contentWarningOption, Mastodon's spoiler_text) is
    // published text too.
    for (const auto& ch : content.channels) {
        const std::string_view key = domain::descriptorFor(ch.channel.platform).contentWarningOption;
        if (const Json* cw = ch.options.isObject() && !key.empty() ? ch.options.find(key) : nullptr;
            cw && cw->type() == Json::Type::String)
            POSTERN_TRY(scanField(cw->asString(), compiled, ch.channel.str(), "options." + std::string(key), out));
    }
    return out;
}

} // namespace postern::compose
