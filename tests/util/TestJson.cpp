// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Json.h"

#include <catch2/catch.hpp>

using namespace postern;

namespace {
Errc canonicalError(std::string_view text)
{
    return parseCanonicalJson(text, JsonLimits{}).code();
}
} // namespace

TEST_CASE("canonical JSON round-trips byte for byte", "[json]")
{
    const std::string doc = R"({"a":[1,-2,true,false],"b":{"c":"x\"y\\z\n\u0001"},"d":""})";
    auto parsed = parseCanonicalJson(doc, JsonLimits{});
    REQUIRE(parsed.ok());
    CHECK(parsed->serialize() == doc);
    const Json* b = parsed->find("b");
    REQUIRE(b != nullptr);
    CHECK(b->rawIn(doc) == R"({"c":"x\"y\\z\n\u0001"})");
    CHECK(b->find("c")->asString() == "x\"y\\z\n\x01");
}

TEST_CASE("builder keeps keys sorted", "[json]")
{
    Json o(Json::Object{});
    o.set("zeta", 1).set("alpha", "a").set("mid", Json::Array{Json(true)});
    CHECK(o.serialize() == R"({"alpha":"a","mid":[true],"zeta":1})");
}

TEST_CASE("non-canonical encodings are rejected with non-canonical", "[json]")
{
    CHECK(canonicalError(R"({"b":1,"a":2})") == Errc::NonCanonical);  // key order
    CHECK(canonicalError(R"({"a": 1})") == Errc::NonCanonical);       // whitespace
    CHECK(canonicalError(R"({"a":"\u0041"})") == Errc::NonCanonical); // needless escape
    CHECK(canonicalError(R"({"a":"\/"})") == Errc::NonCanonical);     // escaped slash
    CHECK(canonicalError(R"({"a":01})") == Errc::NonCanonical);       // leading zero
    CHECK(canonicalError(R"({"a":-0})") == Errc::NonCanonical);       // negative zero
    CHECK(canonicalError(R"({"a":"\u001F"})") == Errc::NonCanonical); // uppercase hex escape
}

TEST_CASE("broken JSON gets the named error", "[json]")
{
    CHECK(canonicalError(R"({"a":1,"a":2})") == Errc::DuplicateField);
    CHECK(canonicalError(R"({"b":1,"a":2,"b":3})") == Errc::DuplicateField);
    CHECK(canonicalError(R"({"a":1}x)") == Errc::TrailingData);
    CHECK(canonicalError(R"({"a":1)") == Errc::Syntax); // §7: a cut document is a syntax error
    CHECK(canonicalError(R"({"a":1.5})") == Errc::Syntax);
    CHECK(canonicalError(R"({"a":1e3})") == Errc::Syntax);
    CHECK(canonicalError(R"({"a":null})") == Errc::Syntax);
    CHECK(canonicalError(R"({"a":99999999999999999999})") == Errc::BadValue);
    CHECK(canonicalError("{\"a\":\"\xff\"}") == Errc::BadEncoding);
    CHECK(canonicalError(R"({"a":"\ud800"})") == Errc::BadEncoding);
    CHECK(canonicalError("{\"a\":\"\x01\"}") == Errc::Syntax); // raw control char
    CHECK(canonicalError("") == Errc::Syntax);
}

TEST_CASE("limits bound depth, size, count and string length", "[json]")
{
    JsonLimits tight;
    tight.maxDepth = 3;
    CHECK(parseCanonicalJson("[[[[1]]]]", tight).code() == Errc::TooLarge);
    tight = JsonLimits{};
    tight.maxBytes = 4;
    CHECK(parseCanonicalJson("[1,2]", tight).code() == Errc::TooLarge);
    tight = JsonLimits{};
    tight.maxValues = 3;
    CHECK(parseCanonicalJson("[1,2,3]", tight).code() == Errc::TooLarge);
    tight = JsonLimits{};
    tight.maxStringBytes = 3;
    CHECK(parseCanonicalJson(R"(["abcd"])", tight).code() == Errc::TooLarge);
}

TEST_CASE("int64 extremes parse exactly", "[json]")
{
    auto lo = parseCanonicalJson("[-9223372036854775808,9223372036854775807]", JsonLimits{});
    REQUIRE(lo.ok());
    CHECK(lo->asArray()[0].asInt() == INT64_MIN);
    CHECK(lo->asArray()[1].asInt() == INT64_MAX);
    CHECK(canonicalError("[9223372036854775808]") == Errc::BadValue);
}

TEST_CASE("lenient parser accepts human formatting but not duplicates", "[json]")
{
    auto ok = parseJson("{ \"b\" : 1,\n \"a\": \"\\u00e9\" }\n", JsonLimits{});
    REQUIRE(ok.ok());
    CHECK(ok->serialize() == "{\"a\":\"\xc3\xa9\",\"b\":1}");
    CHECK(parseJson("{\"a\":1, \"a\":1}", JsonLimits{}).code() == Errc::DuplicateField);
}

TEST_CASE("JsonFields enforces the schema", "[json]")
{
    auto doc = parseCanonicalJson(R"({"extra":1,"flag":true,"n":5,"name":"x"})", JsonLimits{});
    REQUIRE(doc.ok());
    JsonFields f(doc.value(), "doc");
    CHECK(f.string("name", 10).value() == "x");
    CHECK(f.integer("n", 0, 4).code() == Errc::BadValue);
    CHECK(f.boolean("flag").value());
    CHECK(f.string("missing", 10).code() == Errc::MissingField);
    CHECK(f.finish().code() == Errc::UnknownField); // "extra" was never consumed
    JsonFields g(doc.value(), "doc");
    CHECK(g.integer("name", 0, 1).code() == Errc::WrongType);
    CHECK(g.string("name", 0).code() == Errc::TooLarge);
}
