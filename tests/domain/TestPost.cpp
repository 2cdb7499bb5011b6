// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Post.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::domain;

namespace {
PostContent sample()
{
    PostContent c;
    c.postId = std::string(32, 'c');
    c.author = crypto::SigningKey::generate().publicKey();
    c.created = 1798761600;
    ChannelPost cp;
    cp.channel = ChannelId::parse("mastodon:@press@social.example").value();
    cp.text = "Hello";
    cp.options.set("visibility", "public");
    c.channels.push_back(cp);
    return c;
}
} // namespace

TEST_CASE("every field changes the version digest", "[post]")
{
    const PostContent base = sample();
    REQUIRE(base.validate().ok());
    const auto d = base.digest();
    auto changed = [&](auto mutate) {
        PostContent c = base;
        mutate(c);
        return c.digest() != d;
    };
    CHECK(changed([](PostContent& c) { c.channels[0].text = "Hello!"; }));
    CHECK(changed([](PostContent& c) { c.channels[0].options.set("visibility", "unlisted"); }));
    CHECK(changed([](PostContent& c) { c.schedule = 1798770000; }));
    CHECK(changed([](PostContent& c) { c.version = 2; }));
    CHECK(changed([](PostContent& c) {
        MediaRef m;
        m.hash = crypto::blake2b256(asBytes("x"));
        m.size = 1;
        m.mime = "image/png";
        m.name = "x.png";
        c.media.push_back(m);
    }));
    PostContent alt = base;
    MediaRef m;
    m.hash = crypto::blake2b256(asBytes("x"));
    m.size = 1;
    m.mime = "image/png";
    m.name = "x.png";
    alt.media.push_back(m);
    const auto withMedia = alt.digest();
    alt.media[0].alt = "described";
    CHECK(alt.digest() != withMedia); // alt text is signed too (§8.28)
}

TEST_CASE("content round-trips through canonical JSON", "[post]")
{
    const PostContent c = sample();
    const std::string text = c.canonical();
    auto parsed = parseCanonicalJson(text, JsonLimits{});
    REQUIRE(parsed.ok());
    auto back = PostContent::fromJson(parsed.value(), "post");
    REQUIRE(back.ok());
    CHECK(back->canonical() == text);
    CHECK(versionDigest(text) == c.digest());
}

TEST_CASE("platform options follow each platform's table", "[post]")
{
    const auto where = std::string("opts");
    Json tiktok(Json::Object{});
    CHECK(validateOptions(Platform::TikTok, tiktok, where).code() == Errc::MissingField); // no default privacy
    tiktok.set("privacy_level", "SELF_ONLY")
        .set("disable_comment", true)
        .set("disable_duet", true)
        .set("disable_stitch", true);
    CHECK(validateOptions(Platform::TikTok, tiktok, where).ok());
    tiktok.set("privacy_level", "EVERYONE");
    CHECK(validateOptions(Platform::TikTok, tiktok, where).code() == Errc::BadValue);
    Json mastodon(Json::Object{});
    mastodon.set("visibility", "public").set("sensitive", "yes");
    CHECK(validateOptions(Platform::Mastodon, mastodon, where).code() == Errc::WrongType);
    Json outbox(Json::Object{});
    outbox.set("anything", true);
    CHECK(validateOptions(Platform::Outbox, outbox, where).code() == Errc::UnknownField);
}

TEST_CASE("option errors name the option, the platform and the rule, word for word", "[post]")
{
    // Pinned texts: the per-platform option tables moved into platform descriptors, and the
    // composer, the CLI and bundle checks show these messages unchanged.
    const std::string where = "opts";
    const auto message = [&](Platform p, const Json& o) { return validateOptions(p, o, where).error().message; };
    Json o(Json::Object{});
    o.set("anything", true);
    CHECK(message(Platform::Outbox, o) == "opts has option \"anything\", which outbox does not support");
    CHECK(message(Platform::X, Json(Json::Object{}).set("lang", "en"))
          == "opts has option \"lang\", which x does not support");
    CHECK(message(Platform::Mastodon, Json(Json::Object{}).set("visibility", "public").set("sensitive", "yes"))
          == "opts.sensitive must be true or false");
    CHECK(message(Platform::Mastodon, Json(Json::Object{}).set("visibility", true))
          == "opts.visibility must be a string");
    CHECK(message(Platform::Bluesky, Json(Json::Object{}).set("lang", std::string(501, 'e')))
          == "opts.lang is longer than 500 bytes");
    CHECK(message(Platform::X, Json(Json::Object{}).set("reply_settings", "everyone"))
          == "opts.reply_settings has the unsupported value \"everyone\"");
    CHECK(message(Platform::Mastodon, Json(Json::Object{}))
          == "opts must set mastodon option \"visibility\" (there is no default)");
    // Required options are reported in key order, the order of the post's JSON.
    CHECK(message(Platform::TikTok, Json(Json::Object{}))
          == "opts must set tiktok option \"disable_comment\" (there is no default)");
    CHECK(
        message(Platform::TikTok,
                Json(Json::Object{}).set("disable_comment", true).set("disable_duet", true).set("disable_stitch", true))
        == "opts must set tiktok option \"privacy_level\" (there is no default)");
    CHECK(validateOptions(Platform::Bluesky, Json(Json::Array{}), where).error().message == "opts must be an object");
    // Every value each table allows, and nothing else of the same key.
    for (const char* v : {"public", "unlisted", "private", "direct"})
        CHECK(validateOptions(Platform::Mastodon, Json(Json::Object{}).set("visibility", v), where).ok());
    for (const char* v : {"following", "mentionedUsers", "subscribers", "verified"})
        CHECK(validateOptions(Platform::X, Json(Json::Object{}).set("reply_settings", v), where).ok());
    Json full(Json::Object{});
    full.set("brand_content_toggle", false)
        .set("brand_organic_toggle", false)
        .set("disable_comment", false)
        .set("disable_duet", false)
        .set("disable_stitch", false)
        .set("is_aigc", true);
    for (const char* v : {"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"})
        CHECK(validateOptions(Platform::TikTok, Json(full).set("privacy_level", v), where).ok());
    CHECK(validateOptions(Platform::Mastodon,
                          Json(Json::Object{})
                              .set("visibility", "direct")
                              .set("sensitive", true)
                              .set("spoiler_text", "cw")
                              .set("language", "en"),
                          where)
              .ok());
    CHECK(validateOptions(Platform::Bluesky, Json(Json::Object{}).set("lang", "en"), where).ok());
}

TEST_CASE("unknown platforms are refused with the list of known ones", "[post]")
{
    // Today's five, in this order; a platform added later joins the end of the list, which
    // TestPlatformDescriptor.cpp checks in full.
    CHECK_THAT(parsePlatform("myspace").error().message,
               Catch::StartsWith("unknown platform \"myspace\"; platforms are outbox, bluesky, mastodon, tiktok"));
    for (const char* name : {"outbox", "bluesky", "mastodon", "tiktok", "x"})
        CHECK(platformName(parsePlatform(name).value()) == name);
}

TEST_CASE("channels and media names are labels, never paths", "[post]")
{
    CHECK(ChannelId::parse("bluesky:press.example.org").ok());
    CHECK(ChannelId::parse("bluesky").code() == Errc::BadValue);
    CHECK(ChannelId::parse("myspace:me").code() == Errc::BadValue);
    CHECK(ChannelId::parse("x:a/b").code() == Errc::BadValue);
    CHECK(ChannelId::parse("x:").code() == Errc::BadValue);
    CHECK(ChannelId::parse("x:has space").code() == Errc::BadValue);
    CHECK(validateMediaName("photo 1.jpg").ok());
    CHECK(validateMediaName("résumé.png").ok());
    CHECK(validateMediaName("..").code() == Errc::BadMediaName);
    CHECK(validateMediaName("a\nb").code() == Errc::BadMediaName);
    CHECK(validateMediaName(std::string(256, 'a')).code() == Errc::BadMediaName);
}

TEST_CASE("invalid content is refused", "[post]")
{
    PostContent c = sample();
    c.postId = "XYZ";
    CHECK(c.validate().code() == Errc::BadEncoding); // §7: hex of the wrong length
    c = sample();
    c.postId = std::string(300, 'a'); // the field's code at any length, not too-large
    CHECK(c.validate().code() == Errc::BadEncoding);
    c = sample();
    c.channels.push_back(c.channels[0]);
    CHECK(c.validate().code() == Errc::DuplicateField);
    c = sample();
    c.channels[0].text.clear();
    CHECK(c.validate().code() == Errc::MissingField);
    c = sample();
    c.channels[0].text = std::string(kMaxTextBytes + 1, 'a');
    CHECK(c.validate().code() == Errc::BadValue);
    c = sample();
    c.channels.clear();
    CHECK(c.validate().code() == Errc::MissingField);
}
