// SPDX-License-Identifier: GPL-3.0-or-later
// The platform descriptors: one per platform, well formed, found by name and by enum, and
// holding exactly the limits, options and behaviours the scattered tables and switches held
// before they were gathered (the old values are written out below with their sources).
#include "postern/domain/PlatformDescriptor.h"
#include "postern/domain/Post.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <set>

using namespace postern;
using namespace postern::domain;

namespace {

constexpr std::uint64_t kMB = 1000 * 1000;
constexpr std::uint64_t kMiB = 1024 * 1024;

const std::vector<std::string>
    kAllTypes{"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime", "video/webm"};

/** Limits as src/compose/PlatformRules.cpp had them before the descriptors. */
struct OldLimits
{
    Platform platform;
    std::vector<PlatformLimits::TextLimit> text;
    int maxMedia, maxImages, maxVideos, maxGifs;
    bool mix, gifIsImage;
    std::vector<std::string> mimes;
    std::uint64_t imageBytes, gifBytes, videoBytes;
    std::optional<PlatformLimits::TextLimit> alt;
    bool requiresMedia;
    std::string summary;
};

const OldLimits kOld[] = {
    // Outbox: the post format's own caps (Post.h: 16 KiB text, 4 KiB alt, 35 files of 4 GiB).
    {Platform::Outbox,
     {{CountUnit::Utf8Bytes, 16384}},
     35,
     35,
     35,
     35,
     true,
     false,
     kAllTypes,
     4ull << 30,
     4ull << 30,
     4ull << 30,
     PlatformLimits::TextLimit{CountUnit::Utf8Bytes, 4096},
     false,
     "up to 35 files of any supported type"},
    // Bluesky: app.bsky.feed.post maxGraphemes 300, maxLength 3000; embed.images 4, blob 1 MB;
    // alt 1000 graphemes; a GIF is an image blob. The old table also took one 50 MB MP4; the
    // adapter cannot publish video, so since issue 12 the descriptor takes none.
    {Platform::Bluesky,
     {{CountUnit::Graphemes, 300}, {CountUnit::Utf8Bytes, 3000}},
     4,
     4,
     0,
     4,
     false,
     true,
     {"image/jpeg", "image/png", "image/webp", "image/gif"},
     1 * kMB,
     1 * kMB,
     0,
     PlatformLimits::TextLimit{CountUnit::Graphemes, 1000},
     false,
     "4 images (no video)"},
    // Mastodon defaults: max_characters 500, 4 attachments, 1 video or 1 GIF or 4 images;
    // image_size_limit 16 MiB, video_size_limit 103809024; description_limit 1500 code points.
    {Platform::Mastodon,
     {{CountUnit::MastodonChars, 500}},
     4,
     4,
     1,
     1,
     false,
     false,
     kAllTypes,
     16 * kMiB,
     16 * kMiB,
     103809024,
     PlatformLimits::TextLimit{CountUnit::CodePoints, 1500},
     false,
     "4 images, or 1 GIF, or 1 video"},
    // TikTok Direct Post: title 2200 UTF-16 runes; one video (MP4, MOV, WebM) up to 4 GB; no alt.
    {Platform::TikTok,
     {{CountUnit::Utf16Units, 2200}},
     1,
     0,
     1,
     0,
     false,
     false,
     {"video/mp4", "video/quicktime", "video/webm"},
     0,
     0,
     4000 * kMB,
     std::nullopt,
     true,
     "exactly 1 video"},
    // X: twitter-text v3 280 weighted; 4 photos or 1 GIF or 1 video; 5 MB / 15 MB / 512 MB;
    // JPG, PNG, GIF, WEBP, MP4, MOV; alt 1000 characters.
    {Platform::X,
     {{CountUnit::XWeighted, 280}},
     4,
     4,
     1,
     1,
     false,
     false,
     {"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime"},
     5 * kMB,
     15 * kMB,
     512 * kMB,
     PlatformLimits::TextLimit{CountUnit::CodePoints, 1000},
     false,
     "4 photos, or 1 GIF, or 1 video"},
};

/** Option tables as src/domain/Post.cpp had them: key, true/false?, required, allowed values. */
struct OldOption
{
    std::string_view key;
    bool isBool;
    bool required;
    std::vector<std::string_view> allowed;
};

std::vector<OldOption> oldOptions(Platform p)
{
    switch (p) {
    case Platform::Outbox:
        return {};
    case Platform::Bluesky:
        return {{"lang", false, false, {}}};
    case Platform::Mastodon:
        return {{"language", false, false, {}},
                {"sensitive", true, false, {}},
                {"spoiler_text", false, false, {}},
                {"visibility", false, true, {"public", "unlisted", "private", "direct"}}};
    case Platform::TikTok:
        return {{"brand_content_toggle", true, false, {}},
                {"brand_organic_toggle", true, false, {}},
                {"disable_comment", true, true, {}},
                {"disable_duet", true, true, {}},
                {"disable_stitch", true, true, {}},
                {"is_aigc", true, false, {}},
                {"privacy_level",
                 false,
                 true,
                 {"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"}}};
    case Platform::X:
        return {{"reply_settings", false, false, {"following", "mentionedUsers", "subscribers", "verified"}}};
    }
    return {};
}

} // namespace

TEST_CASE("every platform has one well-formed descriptor, in Platform order", "[platform]")
{
    const auto all = allPlatforms();
    REQUIRE_FALSE(all.empty());
    std::set<std::string_view> names;
    std::set<std::string_view> labels;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const PlatformDescriptor& d = *all[i];
        INFO(d.name);
        CHECK(d.id == static_cast<Platform>(i));
        CHECK(&descriptorFor(d.id) == &d);
        const Status s = checkDescriptor(d);
        CHECK(s.ok());
        if (!s)
            FAIL(s.error().message);
        CHECK(names.insert(d.name).second);
        CHECK(labels.insert(d.label).second);
        CHECK(platformName(d.id) == d.name);
        REQUIRE(parsePlatform(d.name).ok());
        CHECK(parsePlatform(d.name).value() == d.id);
        CHECK(ChannelId::parse(std::string(d.name) + ":press")->platform == d.id);
    }
    CHECK(std::count_if(all.begin(), all.end(), [](const auto* d) { return d->manual; }) == 1);
    // The error for an unknown name lists every platform, in Platform order.
    std::string known;
    for (std::size_t i = 0; i < all.size(); ++i)
        known += (i == 0 ? "" : (i + 1 == all.size() ? " and " : ", ")) + std::string(all[i]->name);
    CHECK(parsePlatform("myspace").error().message == "unknown platform \"myspace\"; platforms are " + known);
    CHECK_THAT(known, Catch::StartsWith("outbox, bluesky, mastodon, tiktok")); // appended after these
}

TEST_CASE("checkDescriptor refuses what a descriptor must not say", "[platform]")
{
    PlatformDescriptor d = descriptorFor(Platform::Mastodon);
    REQUIRE(checkDescriptor(d).ok());
    auto broken = [&](auto change) {
        PlatformDescriptor copy = d;
        change(copy);
        return !checkDescriptor(copy).ok();
    };
    CHECK(broken([](PlatformDescriptor& c) { c.name = "Mastodon"; }));
    CHECK(broken([](PlatformDescriptor& c) { c.accent = "blue"; }));
    CHECK(broken([](PlatformDescriptor& c) { c.options.push_back(c.options.front()); }));
    CHECK(broken([](PlatformDescriptor& c) { c.options.front().defaultChoice = "everyone"; }));
    CHECK(broken([](PlatformDescriptor& c) { c.options.front().choices.clear(); }));
    CHECK(broken([](PlatformDescriptor& c) { c.options[1].choices = {{"a", "A"}}; })); // text with choices
    CHECK(broken([](PlatformDescriptor& c) { c.options[1].inverted = true; }));
    CHECK(broken([](PlatformDescriptor& c) { c.options[1].label = {}; }));
    CHECK(broken([](PlatformDescriptor& c) { c.contentWarningOption = "visibility"; }));
    CHECK(broken([](PlatformDescriptor& c) { c.limits.textLimits.clear(); }));
    CHECK(broken([](PlatformDescriptor& c) { c.limits.mimes.push_back("audio/mpeg"); }));
    CHECK(broken([](PlatformDescriptor& c) { c.manual = true; }));
}

TEST_CASE("descriptor limits equal the platform rules they replaced", "[platform]")
{
    REQUIRE(allPlatforms().size() >= std::size(kOld));
    for (const auto& old : kOld) {
        const PlatformLimits& l = descriptorFor(old.platform).limits;
        INFO(platformName(old.platform));
        REQUIRE(l.textLimits.size() == old.text.size());
        for (std::size_t i = 0; i < old.text.size(); ++i) {
            CHECK(l.textLimits[i].unit == old.text[i].unit);
            CHECK(l.textLimits[i].max == old.text[i].max);
        }
        CHECK(l.maxMedia == old.maxMedia);
        CHECK(l.maxImages == old.maxImages);
        CHECK(l.maxVideos == old.maxVideos);
        CHECK(l.maxGifs == old.maxGifs);
        CHECK(l.mixImagesAndVideo == old.mix);
        CHECK(l.gifCountsAsImage == old.gifIsImage);
        CHECK(l.mimes == old.mimes);
        CHECK(l.maxImageBytes == old.imageBytes);
        CHECK(l.maxGifBytes == old.gifBytes);
        CHECK(l.maxVideoBytes == old.videoBytes);
        REQUIRE(l.altLimit.has_value() == old.alt.has_value());
        if (old.alt) {
            CHECK(l.altLimit->unit == old.alt->unit);
            CHECK(l.altLimit->max == old.alt->max);
        }
        CHECK(l.requiresMedia == old.requiresMedia);
        CHECK(l.mediaSummary == old.summary);
    }
}

TEST_CASE("descriptor options equal the option tables they replaced", "[platform]")
{
    for (const auto& old : kOld) {
        const PlatformDescriptor& d = descriptorFor(old.platform);
        INFO(d.name);
        const auto table = oldOptions(old.platform);
        CHECK(d.options.size() == table.size());
        for (const auto& o : table) {
            INFO(o.key);
            const OptionSpec* spec = d.option(o.key);
            REQUIRE(spec != nullptr);
            CHECK((spec->type == OptionType::Bool) == o.isBool);
            CHECK(spec->required == o.required);
            std::vector<std::string_view> allowed;
            for (const auto& c : spec->choices)
                allowed.push_back(c.value);
            CHECK(allowed == o.allowed);
            CHECK((spec->type == OptionType::Choice) == !o.allowed.empty());
        }
    }
}

TEST_CASE("descriptors say what the switches said", "[platform]")
{
    // Names and labels (Channel.cpp, PlatformRules.cpp), GUI titles and colours (PlatformPreview.cpp).
    struct Old
    {
        Platform p;
        std::string_view name, label, title, accent;
    };
    const Old names[] = {{Platform::Outbox, "outbox", "Outbox", "Outbox (a folder for manual posting)", "#5b6770"},
                         {Platform::Bluesky, "bluesky", "Bluesky", "Bluesky", "#1185fe"},
                         {Platform::Mastodon, "mastodon", "Mastodon", "Mastodon", "#6364ff"},
                         {Platform::TikTok, "tiktok", "TikTok", "TikTok", "#fe2c55"},
                         {Platform::X, "x", "X", "X", "#0f1419"}};
    for (const auto& o : names) {
        const PlatformDescriptor& d = descriptorFor(o.p);
        CHECK(d.name == o.name);
        CHECK(d.label == o.label);
        CHECK(d.title == o.title);
        CHECK(d.accent == o.accent);
    }
    // DraftCheck: TikTok's text is a caption; Mastodon's spoiler_text counts and shows as a warning.
    // ProfileRules: the Mastodon instance is the authority. PlatformProfile and DraftCheck:
    // creator settings are TikTok's. The uploader deletes everywhere but on TikTok.
    for (const auto& old : kOld) {
        const PlatformDescriptor* d = &descriptorFor(old.platform);
        INFO(d->name);
        CHECK(d->textNoun == (d->id == Platform::TikTok ? "caption" : "text"));
        CHECK(d->contentWarningOption == (d->id == Platform::Mastodon ? "spoiler_text" : ""));
        CHECK(d->instanceDefinesLimits == (d->id == Platform::Mastodon));
        CHECK(d->creatorSettings == (d->id == Platform::TikTok));
        CHECK(d->canDelete == (d->id != Platform::TikTok));
        CHECK(d->manual == (d->id == Platform::Outbox));
    }
}

TEST_CASE("the composer's options and their defaults are the hand-built boxes'", "[platform]")
{
    // ComposeDialog.cpp built these by hand: TikTok's privacy (no default) and three
    // interaction toggles shown as "Allow …" (unticked: the option is true); Mastodon's
    // visibility (public first), content warning and language (at most 8 characters).
    std::vector<std::string_view> shown;
    for (const auto& old : kOld) {
        for (const auto& o : descriptorFor(old.platform).options) {
            if (o.inComposer)
                shown.push_back(o.key);
        }
    }
    CHECK(shown
          == std::vector<std::string_view>{"visibility",
                                           "spoiler_text",
                                           "language",
                                           "privacy_level",
                                           "disable_comment",
                                           "disable_duet",
                                           "disable_stitch"});
    const PlatformDescriptor& tiktok = descriptorFor(Platform::TikTok);
    CHECK(tiktok.option("privacy_level")->defaultChoice.empty());
    for (const char* key : {"disable_comment", "disable_duet", "disable_stitch"}) {
        CHECK(tiktok.option(key)->inverted);
        CHECK(tiktok.option(key)->defaultOn);
    }
    const PlatformDescriptor& mastodon = descriptorFor(Platform::Mastodon);
    CHECK(mastodon.option("visibility")->defaultChoice == "public");
    CHECK(mastodon.option("language")->maxLength == 8);
}
