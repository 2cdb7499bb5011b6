// SPDX-License-Identifier: GPL-3.0-or-later
// OPSEC rules: the admin's list, its defaults, validation and its canonical JSON form.
// Scanning a post is in OpsecScan.cpp.
#include "postern/compose/OpsecRules.h"

#include "OpsecRegex.h"

#include <cstdint>
#include <set>

namespace postern::compose {

std::vector<OpsecRule> defaultOpsecRules()
{
    // Patterns are PCRE2 (QRegularExpression) with Unicode properties; docs/compose.md explains
    // each and lists what they deliberately leave alone (times, dates, years, prices).
    return {
        {"grid-mgrs",
         "MGRS/UTM grid reference",
         OpsecKind::Regex,
         // MGRS: zone 1-60, latitude band (C-X without I, O), 100 km square (two letters without
         // I, O), then 5+5 down to 2+2 digits (longest first, so a
         // spaced reference is taken whole); or UTM: zone and band, 6-digit easting, 7-digit northing.
         R"((?<![\w/])(?:[1-9]|[1-5]\d|60)[C-HJ-NP-X] ?[A-HJ-NP-Z]{2} ?(?:\d{5} ?\d{5}|\d{4} ?\d{4}|\d{3} ?\d{3}|\d{2} ?\d{2})(?!\w))"
         R"(|(?<![\w/])(?:[1-9]|[1-5]\d|60)[C-HJ-NP-X] \d{6} ?m?E? \d{7} ?m?N?(?!\w))",
         true},
        {"grid-osgb",
         "OSGB grid reference",
         OpsecKind::Regex,
         // Ordnance Survey National Grid: a 500 km letter (H, J, N, O, S, T), a 100 km letter
         // (A-Z without I), then 3+3 to 5+5 digits. 4-figure references are too coarse to flag
         // and too easy to confuse with prose ("SO 2020").
         R"((?<![\w/])[HJNOST][A-HJ-Z] ?(?:\d{5} ?\d{5}|\d{4} ?\d{4}|\d{3} ?\d{3})(?!\w))",
         true},
        {"phone-intl",
         "International phone number",
         OpsecKind::Regex,
         // "+44 20 7946 0958", "+1 (555) 123-4567", "0044 20 7946 0958": a + or 00 prefix,
         // country code, then at least seven more digits in groups.
         R"((?<![\w+])(?:\+|00)[1-9]\d{0,2}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]?\d{2,4}){2,4}(?![\w\-]))",
         true},
        {"phone-national",
         "National phone number",
         OpsecKind::Regex,
         // Trunk-prefixed ("020 7946 0958", "07700 900123", "(01632) 960 001") and North
         // American ("(555) 123-4567", "555-123-4567", "555.123.4567"). Dates (2024-01-15),
         // times and plain numbers have no leading 0 or the wrong grouping.
         R"((?<![\w+\-./])(?:\(0\d{2,5}\) ?\d{3,4}[ \-]?\d{3,4}|0\d{2,4}[ \-]\d{3,4}[ \-]?\d{3,4}|07\d{3} ?\d{6}|\(\d{3}\) ?\d{3}[\-.]\d{4}|\d{3}[\-.]\d{3}[\-.]\d{4})(?![\w\-]))",
         true},
        {"email",
         "E-mail address",
         OpsecKind::Regex,
         // Not after "@", so a fediverse handle "@press@social.example" is no address.
         R"((?<![\w.%+\-@])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+){0,8}\.[A-Za-z]{2,}(?![\w\-]))",
         true},
        {"code-words", "Code words", OpsecKind::Words, "", true},
    };
}

Status validateOpsecRule(const OpsecRule& rule)
{
    if (rule.id.empty() || rule.id.size() > kMaxOpsecIdBytes)
        return fail(Errc::BadValue, "an OPSEC rule id is 1 to 64 characters of a-z, 0-9 and -");
    for (const char c : rule.id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return fail(Errc::BadValue, "OPSEC rule id \"" + rule.id + "\" may contain only a-z, 0-9 and -; rename it");
    }
    const std::string where = "OPSEC rule \"" + rule.id + "\"";
    if (rule.name.empty() || rule.name.size() > kMaxOpsecNameBytes || !isValidUtf8(rule.name))
        return fail(Errc::BadValue, where + " needs a name of 1 to 100 bytes of UTF-8");
    for (const char c : rule.name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return fail(Errc::BadValue, where + " has a control character in its name");
    }
    if (!isValidUtf8(rule.pattern))
        return fail(Errc::BadEncoding, where + " has a pattern that is not valid UTF-8");
    const std::size_t cap = rule.kind == OpsecKind::Regex ? kMaxOpsecRegexBytes : kMaxOpsecWordsBytes;
    if (rule.pattern.size() > cap)
        return fail(Errc::TooLarge,
                    where + " has a pattern of " + std::to_string(rule.pattern.size()) + " bytes; the limit is "
                        + std::to_string(cap) + ". Split it into several rules");
    if (rule.kind == OpsecKind::Words) {
        for (const auto& w : splitCodeWords(rule.pattern)) {
            if (w.size() > 200)
                return fail(Errc::TooLarge, where + " has a code word longer than 200 bytes");
        }
        return {};
    }
    if (rule.pattern.empty())
        return fail(Errc::BadValue, where + " has an empty pattern; give a regular expression or disable the rule");
    if (hasNestedQuantifier(rule.pattern))
        return fail(Errc::BadValue,
                    where
                        + " repeats a group that itself repeats (like \"(a+)+\"), which can take exponential time; "
                          "rewrite it without the nested repetition");
    POSTERN_ASSIGN(re, compileRule(rule));
    if (re.match(QString()).hasMatch())
        return fail(Errc::BadValue,
                    where + " matches empty text, so it would flag every post; make it require at least one character");
    return {};
}

Status validateOpsecRules(const std::vector<OpsecRule>& rules)
{
    if (rules.size() > kMaxOpsecRules)
        return fail(Errc::TooLarge,
                    "there are " + std::to_string(rules.size()) + " OPSEC rules; the limit is "
                        + std::to_string(kMaxOpsecRules) + ". Merge code-word lists or drop unused rules");
    std::set<std::string> ids;
    for (const auto& r : rules) {
        POSTERN_TRY(validateOpsecRule(r));
        if (!ids.insert(r.id).second)
            return fail(Errc::DuplicateField, "two OPSEC rules have the id \"" + r.id + "\"; ids must be unique");
    }
    return {};
}

Json opsecRulesToJson(const std::vector<OpsecRule>& rules)
{
    Json list(Json::Array{});
    for (const auto& r : rules) {
        Json o(Json::Object{});
        o.set("enabled", r.enabled)
            .set("id", r.id)
            .set("kind", r.kind == OpsecKind::Regex ? "regex" : "words")
            .set("name", r.name)
            .set("pattern", r.pattern);
        list.push(std::move(o));
    }
    Json doc(Json::Object{});
    doc.set("rules", std::move(list)).set("version", 1);
    return doc;
}

Result<std::vector<OpsecRule>> opsecRulesFromJson(const Json& node)
{
    if (!node.isObject())
        return fail(Errc::WrongType, "the OPSEC rule list must be a JSON object with \"rules\" and \"version\"");
    JsonFields f(node, "opsec rules");
    POSTERN_ASSIGN(list, f.array("rules", kMaxOpsecRules));
    POSTERN_ASSIGN(version, f.integer("version", 1, INT64_MAX));
    POSTERN_TRY(f.finish());
    if (version != 1)
        return fail(Errc::UnsupportedVersion,
                    "the OPSEC rule list is version " + std::to_string(version)
                        + "; this Postern reads version 1. Export the rules again from this version");
    std::vector<OpsecRule> rules;
    for (std::size_t i = 0; i < list->asArray().size(); ++i) {
        const Json& n = list->asArray()[i];
        const std::string where = "opsec rules.rules[" + std::to_string(i) + "]";
        if (!n.isObject())
            return fail(Errc::WrongType, where + " must be an object");
        JsonFields rf(n, where);
        OpsecRule r;
        POSTERN_ASSIGN(enabled, rf.boolean("enabled"));
        POSTERN_ASSIGN(id, rf.string("id", kMaxOpsecIdBytes));
        POSTERN_ASSIGN(kind, rf.string("kind", 8));
        POSTERN_ASSIGN(name, rf.string("name", kMaxOpsecNameBytes));
        POSTERN_ASSIGN(pattern, rf.string("pattern", kMaxOpsecWordsBytes));
        POSTERN_TRY(rf.finish());
        if (kind != "regex" && kind != "words")
            return fail(Errc::BadValue, where + ".kind must be \"regex\" or \"words\", not \"" + kind + "\"");
        r.enabled = enabled;
        r.id = id;
        r.kind = kind == "regex" ? OpsecKind::Regex : OpsecKind::Words;
        r.name = name;
        r.pattern = pattern;
        rules.push_back(std::move(r));
    }
    POSTERN_TRY(validateOpsecRules(rules));
    return rules;
}

Result<std::vector<OpsecRule>> parseOpsecRulesText(std::string_view text)
{
    JsonLimits limits;
    limits.maxBytes = kMaxOpsecRulesJsonBytes;
    limits.maxDepth = 4;
    limits.maxValues = 1 + 2 + kMaxOpsecRules * 6;
    limits.maxStringBytes = kMaxOpsecWordsBytes;
    POSTERN_ASSIGN(json, parseJson(text, limits));
    return opsecRulesFromJson(json);
}

} // namespace postern::compose
