// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Post.h"
#include "postern/util/Json.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace postern::compose {

/** OpsecKind: a regular expression (PCRE2 syntax via QRegularExpression) or a code-word list. */
enum class OpsecKind {
    Regex,
    Words
};

/** Caps on an admin's rule list: it is outside data (a file, the store) and runs on every post. */
constexpr std::size_t kMaxOpsecRules = 64;
constexpr std::size_t kMaxOpsecIdBytes = 64;
constexpr std::size_t kMaxOpsecNameBytes = 100;
constexpr std::size_t kMaxOpsecRegexBytes = 1000;
constexpr std::size_t kMaxOpsecWordsBytes = 16u << 10;
constexpr std::size_t kMaxOpsecRulesJsonBytes = 256u << 10;
constexpr std::size_t kMaxOpsecFlags = 200;
constexpr std::size_t kMaxOpsecScanBytes = 64u << 10;

/**
 * OpsecRule is one configurable review flag. `id` is 1..64 of [a-z0-9-]; for Words, `pattern`
 * is a comma- or newline-separated list of code words or phrases matched whole-word and
 * case-insensitively (an empty list matches nothing).
 */
struct OpsecRule
{
    std::string id;
    std::string name;
    OpsecKind kind = OpsecKind::Regex;
    std::string pattern;
    bool enabled = true;

    friend bool operator==(const OpsecRule&, const OpsecRule&) = default;
};

/**
 * defaultOpsecRules: MGRS/UTM grid references, OSGB grid references (6 to 10 figures),
 * international phone numbers, national phone numbers, e-mail addresses and an empty
 * code-word list (docs/compose.md, "OPSEC rules").
 */
[[nodiscard]] std::vector<OpsecRule> defaultOpsecRules();

/**
 * validateOpsecRule checks one rule: id and name (bad-value, too-large), pattern size
 * (too-large), that a regex compiles (syntax, with QRegularExpression's message and offset),
 * does not match the empty string and has no nested unbounded quantifier such as "(a+)+"
 * (bad-value: it could take exponential time).
 */
[[nodiscard]] Status validateOpsecRule(const OpsecRule& rule);

/** validateOpsecRules checks every rule plus the list caps and unique ids (duplicate-field). */
[[nodiscard]] Status validateOpsecRules(const std::vector<OpsecRule>& rules);

/**
 * opsecRulesToJson is the canonical form stored and exported:
 * {"rules":[{"enabled":true,"id":"email","kind":"regex","name":"...","pattern":"..."}],"version":1}
 */
[[nodiscard]] Json opsecRulesToJson(const std::vector<OpsecRule>& rules);

/**
 * opsecRulesFromJson reads that form strictly: no unknown or missing fields, version 1, kinds
 * "regex" or "words", at most kMaxOpsecRules rules, each validated as above.
 */
[[nodiscard]] Result<std::vector<OpsecRule>> opsecRulesFromJson(const Json& node);

/** parseOpsecRulesText parses a rules file an admin wrote (ordinary JSON, size-capped). */
[[nodiscard]] Result<std::vector<OpsecRule>> parseOpsecRulesText(std::string_view text);

/** OpsecFlag is one match of a rule in a post: a reviewer's prompt, not a block. */
struct OpsecFlag
{
    std::string ruleId;
    std::string ruleName;
    std::string channel; ///< "x:press" for text; empty for alt text (media is shared)
    std::string field;   ///< "text" or "media[1].alt"
    std::string match;   ///< the matched text (at most 200 bytes)
    std::int64_t beginUtf8 = 0;
    std::int64_t endUtf8 = 0;
};

/**
 * scanOpsec runs every enabled rule over every channel text and alt text. At most
 * kMaxOpsecFlags flags are returned (later ones are dropped). Errors: the rules are invalid
 * (as validateOpsecRules), or a rule ran out of its matching budget on this post
 * (too-large: the admin should simplify the rule).
 */
[[nodiscard]] Result<std::vector<OpsecFlag>> scanOpsec(const domain::PostContent& content,
                                                       const std::vector<OpsecRule>& rules);

/** scanOpsecText scans one text (used by the composer as the author types). */
[[nodiscard]] Result<std::vector<OpsecFlag>> scanOpsecText(std::string_view text, const std::vector<OpsecRule>& rules);

} // namespace postern::compose
