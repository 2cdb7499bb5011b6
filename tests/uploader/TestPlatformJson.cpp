// SPDX-License-Identifier: GPL-3.0-or-later
// The tolerant reader for platform answers (include/postern/uploader/net/PlatformJson.h): every
// RFC 8259 form a platform may send is read, and only the members an adapter reads are checked,
// with errors that name the path and what was found.
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/platforms/mastodon/MastodonApi.h"
#include "postern/uploader/net/PlatformJson.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace postern;
using namespace postern::uploader;

namespace {

// The documented answer of POST /api/v2/media (docs.joinmastodon.org/methods/media/#v2), as
// Mastodon sends it: the meta of every image holds floats.
constexpr std::string_view kMastodonMedia = R"({
  "id": "22348641",
  "type": "image",
  "url": "https://files.mastodon.social/media_attachments/files/022/348/641/original/e96382f26c72a29c.jpeg",
  "preview_url": "https://files.mastodon.social/media_attachments/files/022/348/641/small/e96382f26c72a29c.jpeg",
  "remote_url": null,
  "text_url": "https://mastodon.social/media/4Zj6ewxzzzDi0g8JnZQ",
  "meta": {
    "focus": {"x": -0.42, "y": 0.69},
    "original": {"width": 640, "height": 480, "size": "640x480", "aspect": 1.3333333333333333},
    "small": {"width": 461, "height": 346, "size": "461x346", "aspect": 1.3323699421965318}
  },
  "description": "test uploaded via api, but updated",
  "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}"
})";

} // namespace

TEST_CASE("the platform reader takes fractions, exponents, big integers and nulls", "[uploader][platformjson]")
{
    auto media = PlatformJson::parseObject(kMastodonMedia, "media answer");
    REQUIRE(media);
    CHECK(media->string("id").value() == "22348641");
    const PlatformJson* aspect = media->find("meta")->find("original")->find("aspect");
    REQUIRE(aspect);
    CHECK(aspect->type() == PlatformJson::Type::Number);
    CHECK(aspect->asNumber() == Approx(1.3333333333333333));
    CHECK(aspect->path() == "$.meta.original.aspect");
    CHECK(media->find("meta")->find("focus")->find("x")->asNumber() == Approx(-0.42));
    CHECK(media->find("remote_url") == nullptr); // null reads as absent
    CHECK(media->optionalString("remote_url").value() == std::nullopt);

    auto numbers = PlatformJson::parseObject(
        R"({"exp": 1e3, "neg": -2.5E-7, "big": 1180591620717411303424, "max": 9223372036854775807,
            "min": -9223372036854775808, "over": 9223372036854775808, "id": 7264896578939652354})",
        "numbers");
    REQUIRE(numbers);
    CHECK(numbers->integer("exp", 0, 10000).value() == 1000); // an integral exponent form is an integer
    CHECK(numbers->find("neg")->type() == PlatformJson::Type::Number);
    CHECK(numbers->find("big")->type() == PlatformJson::Type::Number); // 2^70: a double, never an integer
    CHECK(numbers->find("max")->asInt() == std::numeric_limits<std::int64_t>::max());
    CHECK(numbers->find("min")->asInt() == std::numeric_limits<std::int64_t>::min());
    CHECK(numbers->find("over")->type() == PlatformJson::Type::Number);
    CHECK(numbers->find("id")->asInt() == 7264896578939652354); // 64-bit integers stay exact

    auto nulls = PlatformJson::parse(R"([null, {"a": null, "b": [null]}, 1])", "nulls");
    REQUIRE(nulls);
    REQUIRE(nulls->asArray().size() == 3); // null items keep their place
    CHECK(nulls->asArray()[0].type() == PlatformJson::Type::Null);
    CHECK(nulls->asArray()[1].find("a") == nullptr);
    CHECK(nulls->asArray()[1].find("b")->asArray()[0].path() == "$[1].b[0]");

    // Duplicate keys are not an error: QJsonDocument keeps the last one.
    CHECK(PlatformJson::parseObject(R"({"id": "1", "id": "2"})", "dup").value().string("id").value() == "2");
}

TEST_CASE("a member of the wrong type names its path and what was found", "[uploader][platformjson]")
{
    auto doc =
        PlatformJson::parseObject(R"({"id": 22348641, "data": {"list": [{"n": 1.5}], "s": "x"}})", "media answer");
    REQUIRE(doc);
    CHECK(doc->string("id").error().message == R"(media answer: "id" at $.id: expected a string, got a number)");
    CHECK(doc->string("missing").error().message
          == R"(media answer: "missing" at $.missing: expected a string, got nothing)");
    const PlatformJson* item = &doc->find("data")->find("list")->asArray()[0];
    CHECK(item->integer("n", 0, 10).error().message
          == R"(media answer: "n" at $.data.list[0].n: expected an integer from 0 to 10, got 1.5)");
    CHECK(doc->find("data")->integer("s", 0, 1).error().message
          == R"(media answer: "s" at $.data.s: expected an integer, got a string)");
    CHECK(doc->find("data")->object("list").error().message
          == R"(media answer: "list" at $.data.list: expected an object, got an array)");
    auto big = PlatformJson::parseObject(R"({"n": 1180591620717411303424})", "count");
    CHECK(big->integer("n", 0, std::numeric_limits<std::int64_t>::max()).error().message
          == R"(count: "n" at $.n: expected an integer from 0 to 9223372036854775807, got 1.1805916207174113e+21)");
    CHECK(doc->error("a-b", "odd").message == R"(media answer: "a-b" at $["a-b"]: odd)");
}

TEST_CASE("the platform reader refuses what is not JSON, with the parser's reason", "[uploader][platformjson]")
{
    CHECK(PlatformJson::parse("", "answer").error().message == "answer: the answer is empty, not JSON");
    CHECK(PlatformJson::parse("<html>", "answer")
              .error()
              .message.rfind("answer: the answer is not JSON: illegal value at byte ", 0)
          == 0);
    CHECK(PlatformJson::parse(R"({"a":1} x)", "answer").error().message
          == "answer: the answer is not JSON: garbage at the end of the document at byte 8");
    CHECK(PlatformJson::parse("{\"a\":\"\xff\"}", "answer").error().message.find("invalid UTF8") != std::string::npos);
    CHECK(PlatformJson::parseObject("[1]", "answer").error().message
          == "answer: the value at $: expected an object, got an array");

    // The size cap is checked before anything is parsed.
    PlatformLimits small;
    small.maxBytes = 10;
    CHECK(PlatformJson::parse(R"({"a":"01234567"})", "answer", small).error().message
          == "answer: the answer is 16 bytes, more than the 10 read from a platform");

    // Deep nesting is taken up to the cap and refused, naming where, beyond it.
    const auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    CHECK(PlatformJson::parse(nested(kAnswerLimits.maxDepth), "answer"));
    CHECK(PlatformJson::parse(nested(kAnswerLimits.maxDepth + 1), "answer")
              .error()
              .message.find("nested deeper than 64 levels at $[0][0]")
          != std::string::npos);
    // Beyond Qt's own limit (1024) the parser itself refuses.
    CHECK(PlatformJson::parse(nested(2000), "answer").error().message.find("too deeply nested") != std::string::npos);

    PlatformLimits few;
    few.maxValues = 3;
    CHECK(PlatformJson::parse("[1,2,3]", "answer", few).error().message
          == "answer: the answer holds more than 3 values");
}

TEST_CASE("answerJson passes the real parse error on", "[uploader][platformjson]")
{
    HttpResponse r;
    r.status = 200;
    r.body = R"({"id": "1", "meta": {"aspect": 1.5)";
    CHECK(answerJson(r, "media upload").error().message.rfind("media upload: the answer is not JSON: ", 0) == 0);
    r.body = R"({"id": 17})";
    CHECK(stringField(answerJson(r, "media upload").value(), "id").error().message
          == R"(media upload: "id" at $.id: expected a string, got a number)");
}

TEST_CASE("a Mastodon status with media attachments is read", "[uploader][platformjson][mastodon]")
{
    auto page = PlatformJson::parse(
        std::string(R"([{"id": "103270115826048975", "created_at": "2019-12-08T03:48:33.901Z", "reblog": null,
             "spoiler_text": "", "media_attachments": [)")
            + std::string(kMastodonMedia) + "]}]",
        "account statuses");
    REQUIRE(page);
    auto status = parseStatus(page->asArray()[0]);
    REQUIRE(status);
    CHECK(status->id == "103270115826048975");
    CHECK(status->mediaCount == 1);
    CHECK_FALSE(status->reblog);
    auto broken = PlatformJson::parse(R"([{"id": 5, "created_at": "2019-12-08T03:48:33.901Z"}])", "account statuses");
    CHECK(parseStatus(broken->asArray()[0]).error().message
          == R"(account statuses: "id" at $[0].id: expected a string, got a number)");
}

TEST_CASE("toCanonical keeps integers and strings and refuses floats", "[uploader][platformjson]")
{
    auto blob = PlatformJson::parseObject(
        R"({"$type": "blob", "ref": {"$link": "bafkrei"}, "mimeType": "image/png", "size": 1234, "x": null})",
        "blob");
    REQUIRE(blob);
    CHECK(blob->toCanonical().value().serialize()
          == R"({"$type":"blob","mimeType":"image/png","ref":{"$link":"bafkrei"},"size":1234})");
    auto odd = PlatformJson::parseObject(R"({"a": [1, 2.5]})", "blob");
    CHECK(odd->toCanonical().error().message
          == "blob: the value at $.a[1]: the number 2.5 cannot be passed on exactly");
}
