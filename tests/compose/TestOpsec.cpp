// SPDX-License-Identifier: GPL-3.0-or-later
// OPSEC rules: the defaults catch what they are for and leave ordinary prose alone; bad rules
// and bad rule files are refused with named errors.
#include "postern/compose/OpsecRules.h"

#include <catch2/catch.hpp>

#include <chrono>

using namespace postern;
using namespace postern::compose;

namespace {

std::vector<std::string> matchesOf(std::string_view text, std::string_view ruleId)
{
    auto flags = scanOpsecText(text, defaultOpsecRules());
    REQUIRE(flags.ok());
    std::vector<std::string> out;
    for (const auto& f : *flags) {
        if (f.ruleId == ruleId)
            out.push_back(f.match);
    }
    return out;
}

std::vector<std::string> allMatches(std::string_view text)
{
    auto flags = scanOpsecText(text, defaultOpsecRules());
    REQUIRE(flags.ok());
    std::vector<std::string> out;
    for (const auto& f : *flags)
        out.push_back(f.ruleId + ":" + f.match);
    return out;
}

using V = std::vector<std::string>;

} // namespace

TEST_CASE("default rules validate and round-trip through canonical JSON", "[compose][opsec]")
{
    const auto rules = defaultOpsecRules();
    REQUIRE(validateOpsecRules(rules).ok());
    const Json json = opsecRulesToJson(rules);
    auto back = opsecRulesFromJson(json);
    REQUIRE(back.ok());
    CHECK(*back == rules);
    // The stored form is canonical: parsing it canonically gives the same bytes.
    auto reparsed = parseCanonicalJson(json.serialize(), JsonLimits{});
    REQUIRE(reparsed.ok());
    CHECK(reparsed->serialize() == json.serialize());
}

TEST_CASE("grid references are flagged", "[compose][opsec]")
{
    // MGRS with and without spaces, 4 to 10 figures; UTM zone/band/easting/northing.
    CHECK(matchesOf("Meet at 4QFJ 12345 67890 at dawn", "grid-mgrs") == V{"4QFJ 12345 67890"});
    CHECK(matchesOf("rv 18SUJ2337106519.", "grid-mgrs") == V{"18SUJ2337106519"});
    CHECK(matchesOf("pos 33U VP 1234 5678", "grid-mgrs") == V{"33U VP 1234 5678"});
    CHECK(matchesOf("UTM 33T 500000 4649776 ok", "grid-mgrs") == V{"33T 500000 4649776"});
    // OSGB: 6, 8 and 10 figures.
    CHECK(matchesOf("the barn at TQ 300 800", "grid-osgb") == V{"TQ 300 800"});
    CHECK(matchesOf("SU1234567890 is precise", "grid-osgb") == V{"SU1234567890"});
    CHECK(matchesOf("NN 1665 7126, summit", "grid-osgb") == V{"NN 1665 7126"});
}

TEST_CASE("phone numbers and e-mail addresses are flagged", "[compose][opsec]")
{
    CHECK(matchesOf("call +44 20 7946 0958 now", "phone-intl") == V{"+44 20 7946 0958"});
    CHECK(matchesOf("ring +1 (555) 123-4567.", "phone-intl") == V{"+1 (555) 123-4567"});
    CHECK(matchesOf("or 0044 20 7946 0958", "phone-intl") == V{"0044 20 7946 0958"});
    CHECK(matchesOf("office 020 7946 0958", "phone-national") == V{"020 7946 0958"});
    CHECK(matchesOf("mobile 07700 900123", "phone-national") == V{"07700 900123"});
    CHECK(matchesOf("desk (555) 123-4567", "phone-national") == V{"(555) 123-4567"});
    CHECK(matchesOf("desk 555-123-4567", "phone-national") == V{"555-123-4567"});
    CHECK(matchesOf("tel (01632) 960 001", "phone-national") == V{"(01632) 960 001"});
    CHECK(matchesOf("write to press.office@example.org today", "email") == V{"press.office@example.org"});
    CHECK(matchesOf("a+tag@mail.example.co.uk", "email") == V{"a+tag@mail.example.co.uk"});
}

TEST_CASE("ordinary prose, times, dates and handles raise no flag", "[compose][opsec]")
{
    const char* clean[] = {
        "The press conference starts at 10:30 on 2024-01-15 in Hall 2.",
        "We raised 1,250,000 EUR in 2023 and 2024; thanks to 12 000 donors.",
        "Follow @press@social.example and @news for updates.",
        "Version 1.2.3 ships on 15/01/2024 at 09:00 UTC, see https://example.org/release.",
        "Route 66 and the A1 are closed between 7 and 9 pm.",
        "Call it 20 20 vision. ISBN 978-3-16-148410-0.",
        "The SO 2020 report, page 12, paragraph 4.",
        "Temperatures of -5 to +3 degrees, 45% humidity.",
    };
    for (const char* text : clean) {
        INFO(text);
        CHECK(allMatches(text).empty());
    }
}

TEST_CASE("code words match whole words, case-insensitively", "[compose][opsec]")
{
    auto rules = defaultOpsecRules();
    for (auto& r : rules) {
        if (r.id == "code-words")
            r.pattern = "Nightjar, blue heron\nOPAL";
    }
    REQUIRE(validateOpsecRules(rules).ok());
    auto flags = scanOpsecText("Operation NIGHTJAR: the Blue Heron group; opals and nightjars are fine. opal.", rules);
    REQUIRE(flags.ok());
    V got;
    for (const auto& f : *flags)
        got.push_back(f.match);
    CHECK(got == V{"NIGHTJAR", "Blue Heron", "opal"});
    // The empty default list matches nothing.
    auto none = scanOpsecText("nightjar", defaultOpsecRules());
    REQUIRE(none.ok());
    CHECK(none->empty());
}

TEST_CASE("flags carry UTF-8 offsets, fields and channels", "[compose][opsec]")
{
    domain::PostContent c;
    c.postId = std::string(32, 'a');
    c.channels.push_back(
        {domain::ChannelId{domain::Platform::X, "press"}, "Caf\u00E9 \u2014 mail a@example.org", Json(Json::Object{})});
    c.media.push_back({{}, 10, "image/png", "p.png", "no contact"});
    c.media.push_back({{}, 10, "image/png", "q.png", "ring 020 7946 0958"});
    auto flags = scanOpsec(c, defaultOpsecRules());
    REQUIRE(flags.ok());
    REQUIRE(flags->size() == 2);
    const auto& mail = (*flags)[0];
    CHECK(mail.ruleId == "email");
    CHECK(mail.channel == "x:press");
    CHECK(mail.field == "text");
    const std::string text = c.channels[0].text;
    CHECK(text.substr(static_cast<std::size_t>(mail.beginUtf8), static_cast<std::size_t>(mail.endUtf8 - mail.beginUtf8))
          == "a@example.org");
    CHECK(mail.beginUtf8 == 15); // "Caf\u00E9" is 5 bytes, the dash 3
    const auto& phone = (*flags)[1];
    CHECK(phone.field == "media[1].alt");
    CHECK(phone.channel.empty());
    CHECK(phone.match == "020 7946 0958");
}

TEST_CASE("disabled rules do not run and flags are capped", "[compose][opsec]")
{
    auto rules = defaultOpsecRules();
    for (auto& r : rules)
        r.enabled = r.id != "email";
    auto none = scanOpsecText("x@example.org", rules);
    REQUIRE(none.ok());
    CHECK(none->empty());
    std::string many;
    for (int i = 0; i < 500; ++i)
        many += "a" + std::to_string(i) + "@example.org ";
    auto capped = scanOpsecText(many, defaultOpsecRules());
    REQUIRE(capped.ok());
    CHECK(capped->size() == kMaxOpsecFlags);
}

TEST_CASE("bad rules are refused with named errors", "[compose][opsec]")
{
    auto rule = [](std::string id, std::string pattern, OpsecKind kind = OpsecKind::Regex) {
        return OpsecRule{std::move(id), "A rule", kind, std::move(pattern), true};
    };
    // A regex that does not compile: syntax, with the offset.
    const auto bad = validateOpsecRule(rule("bad", "(unclosed"));
    CHECK(bad.code() == Errc::Syntax);
    CHECK_THAT(bad.error().message, Catch::Contains("offset"));
    // Too long: too-large.
    CHECK(validateOpsecRule(rule("long", std::string(kMaxOpsecRegexBytes + 1, 'a'))).code() == Errc::TooLarge);
    CHECK(validateOpsecRule(rule("words", std::string(kMaxOpsecWordsBytes + 1, 'a'), OpsecKind::Words)).code()
          == Errc::TooLarge);
    // Matches the empty string: bad-value (it would flag everything).
    CHECK(validateOpsecRule(rule("empty-match", "a*")).code() == Errc::BadValue);
    CHECK(validateOpsecRule(rule("empty", "")).code() == Errc::BadValue);
    // Nested unbounded repetition: bad-value (exponential backtracking).
    CHECK(validateOpsecRule(rule("redos", "(a+)+b")).code() == Errc::BadValue);
    CHECK(validateOpsecRule(rule("redos2", "(?:x*y)*z")).code() == Errc::BadValue);
    CHECK(validateOpsecRule(rule("redos3", "(\\w+\\s?)+$")).code() == Errc::BadValue);
    CHECK(validateOpsecRule(rule("bounded", "(?:ab+){1,3}c")).ok());
    CHECK(validateOpsecRule(rule("class", "[(a+)]+x")).ok());
    // Ids and names.
    CHECK(validateOpsecRule(rule("Upper", "x")).code() == Errc::BadValue);
    CHECK(validateOpsecRule(rule("", "x")).code() == Errc::BadValue);
    CHECK(validateOpsecRule(rule(std::string(65, 'a'), "x")).code() == Errc::BadValue);
    CHECK(validateOpsecRule(OpsecRule{"ok", std::string(101, 'n'), OpsecKind::Regex, "x", true}).code()
          == Errc::BadValue);
    CHECK(validateOpsecRule(OpsecRule{"ok", "tab\tname", OpsecKind::Regex, "x", true}).code() == Errc::BadValue);
    // Lists: duplicates and too many.
    CHECK(validateOpsecRules({rule("a", "x"), rule("a", "y")}).code() == Errc::DuplicateField);
    std::vector<OpsecRule> lots;
    for (std::size_t i = 0; i <= kMaxOpsecRules; ++i)
        lots.push_back(rule("r" + std::to_string(i), "x"));
    CHECK(validateOpsecRules(lots).code() == Errc::TooLarge);
    // scan refuses invalid rules instead of skipping them.
    CHECK(scanOpsecText("text", {rule("bad", "(")}).code() == Errc::Syntax);
}

TEST_CASE("a slow pattern on hostile input still finishes quickly", "[compose][opsec]")
{
    // Not nested, so validation accepts it, but quadratic on a long run without a match.
    const OpsecRule slow{"slow", "Slow", OpsecKind::Regex, "\\d+\\d+\\d+x", true};
    REQUIRE(validateOpsecRule(slow).ok());
    const auto start = std::chrono::steady_clock::now();
    auto r = scanOpsecText(std::string(kMaxOpsecScanBytes * 2, '1'), {slow});
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    // Either it finished with no match or it ran out of its budget; never hangs.
    CHECK((r.ok() ? r->empty() : r.code() == Errc::TooLarge));
    CHECK(ms < 20000);
}

TEST_CASE("rule files are parsed strictly", "[compose][opsec]")
{
    const std::string good =
        R"({"version": 1, "rules": [{"id": "cw", "name": "Code words", "kind": "words", "pattern": "opal", "enabled": true}]})";
    auto ok = parseOpsecRulesText(good);
    REQUIRE(ok.ok());
    REQUIRE(ok->size() == 1);
    CHECK((*ok)[0].kind == OpsecKind::Words);
    // Each broken file states the error it must produce.
    const std::pair<std::string, Errc> broken[] = {
        {R"({"version": 2, "rules": []})", Errc::UnsupportedVersion},
        {R"({"rules": []})", Errc::MissingField},
        {R"({"version": 1, "rules": [], "extra": 1})", Errc::UnknownField},
        {R"({"version": 1, "rules": [{"id": "a", "name": "A", "kind": "glob", "pattern": "x", "enabled": true}]})",
         Errc::BadValue},
        {R"({"version": 1, "rules": [{"id": "a", "name": "A", "kind": "regex", "pattern": "x"}]})", Errc::MissingField},
        {R"({"version": 1, "rules": [{"id": "a", "name": "A", "kind": "regex", "pattern": "x", "enabled": "yes"}]})",
         Errc::WrongType},
        {R"({"version": 1, "rules": [{"id": "a", "name": "A", "kind": "regex", "pattern": "[", "enabled": true}]})",
         Errc::Syntax},
        {R"({"version": 1, "rules": [1]})", Errc::WrongType},
        {R"({"version": 1, "version": 1, "rules": []})", Errc::DuplicateField},
        {R"([])", Errc::WrongType},
        {R"({"version": 1, "rules": []} trailing)", Errc::TrailingData},
    };
    for (const auto& [text, code] : broken) {
        INFO(text);
        CHECK(parseOpsecRulesText(text).code() == code);
    }
    CHECK(parseOpsecRulesText(std::string(kMaxOpsecRulesJsonBytes + 1, ' ')).code() == Errc::TooLarge);
}
