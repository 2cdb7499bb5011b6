// SPDX-License-Identifier: GPL-3.0-or-later
// The limit checks per platform, table-driven from the platform rules: for every platform and
// every limit in allPlatformRules(), exactly at the limit passes and one over fails with that
// limit named. A new platform or limit is covered by adding it to the table.
#include "postern/compose/DraftCheck.h"
#include "postern/compose/PlatformRules.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::compose;

namespace {

std::string repeat(std::string_view s, std::int64_t n)
{
    std::string out;
    for (std::int64_t i = 0; i < n; ++i)
        out += s;
    return out;
}

/** oneGraphemeOfBytes builds exactly n UTF-8 bytes that form a single grapheme cluster. */
std::string oneGraphemeOfBytes(std::int64_t n)
{
    // A base letter followed by combining acute accents (U+0301, 2 bytes each) stays one cluster.
    std::string out = n % 2 == 0 ? "\u00E9" : "a";
    return out + repeat("\u0301", (n - static_cast<std::int64_t>(out.size())) / 2);
}

/** textOf builds text measuring exactly n in `unit` without breaking the platform's other limits. */
std::string textOf(CountUnit unit, std::int64_t n)
{
    if (unit == CountUnit::Utf8Bytes)
        return oneGraphemeOfBytes(n);
    return repeat("a", n); // ASCII letters weigh 1 in every other unit
}

/** validOptions sets every required option of the platform: its default, else a choice or false. */
Json validOptions(domain::Platform p)
{
    Json o(Json::Object{});
    for (const auto& spec : domain::descriptorFor(p).options) {
        if (!spec.required)
            continue;
        if (spec.type == domain::OptionType::Bool)
            o.set(std::string(spec.key), false);
        else if (spec.type == domain::OptionType::Choice)
            o.set(std::string(spec.key),
                  std::string(spec.defaultChoice.empty() ? spec.choices.back().value : spec.defaultChoice));
        else
            o.set(std::string(spec.key), "x");
    }
    return o;
}

DraftCheckInput draftFor(const PlatformRules& r, std::string text)
{
    DraftCheckInput in;
    in.channels.push_back({domain::ChannelId{r.platform, "press"}, std::move(text), validOptions(r.platform)});
    if (r.requiresMedia)
        in.media.push_back({"video/mp4", 1000, "", "clip.mp4"});
    return in;
}

std::string firstMime(const PlatformRules& r, MediaKind kind)
{
    for (const auto& m : r.mimes) {
        if (mediaKindOf(m) == kind)
            return m;
    }
    return {};
}

std::string describe(const std::vector<Violation>& vs)
{
    std::string out;
    for (const auto& v : vs)
        out += v.channel + " " + v.field + ": " + v.message + "\n";
    return out;
}

} // namespace

TEST_CASE("every platform has rules, in Platform order", "[compose][limits]")
{
    const auto all = allPlatformRules();
    REQUIRE(all.size() == domain::allPlatforms().size());
    for (const auto& r : all) {
        CHECK(&rulesFor(r.platform) == &r);
        CHECK_FALSE(r.textLimits.empty());
        CHECK_FALSE(r.mimes.empty());
        for (const auto& m : r.mimes)
            CHECK(domain::mediaMimeAllowed(m));
        CHECK(r.maxMedia >= 1);
    }
}

TEST_CASE("text limits per platform: at the limit passes, one over fails naming the limit", "[compose][limits]")
{
    for (const auto& r : allPlatformRules()) {
        for (const auto& limit : r.textLimits) {
            INFO(r.displayName << " " << countUnitName(limit.unit) << " " << limit.max);
            const auto at = checkDraft(draftFor(r, textOf(limit.unit, limit.max)));
            CHECK(describe(at).empty());
            const auto over = checkDraft(draftFor(r, textOf(limit.unit, limit.max + 1)));
            REQUIRE(over.size() == 1);
            CHECK(over[0].channel == domain::ChannelId{r.platform, "press"}.str());
            CHECK(over[0].field == "text");
            CHECK_THAT(over[0].message, Catch::StartsWith(r.displayName + ": "));
            CHECK_THAT(over[0].message,
                       Catch::Contains(std::to_string(limit.max + 1) + " of " + std::to_string(limit.max) + " "
                                       + std::string(countUnitName(limit.unit))));
            CHECK_THAT(over[0].message, Catch::Contains("by 1"));
            CHECK(over[0].offsetUtf8 >= 0);
            CHECK(over[0].offsetUtf8 < static_cast<std::int64_t>(textOf(limit.unit, limit.max + 1).size()));
        }
    }
}

TEST_CASE("media count limits per kind and platform", "[compose][limits]")
{
    for (const auto& r : allPlatformRules()) {
        struct Kind
        {
            MediaKind kind;
            int max;
        };
        std::vector<Kind> kinds{{MediaKind::Image, r.maxImages}, {MediaKind::Video, r.maxVideos}};
        if (!r.gifCountsAsImage)
            kinds.push_back({MediaKind::Gif, r.maxGifs});
        for (const auto& k : kinds) {
            const std::string mime = firstMime(r, k.kind);
            if (k.max == 0 || mime.empty())
                continue;
            INFO(r.displayName << " " << mime << " x" << k.max);
            auto in = draftFor(r, "text");
            in.media.clear();
            for (int i = 0; i < k.max; ++i)
                in.media.push_back({mime, 100, "", "f" + std::to_string(i)});
            CHECK(describe(checkDraft(in)).empty());
            in.media.push_back({mime, 100, "", "extra"});
            const auto over = checkDraft(in);
            REQUIRE(over.size() == 1);
            CHECK(over[0].field == "media");
            CHECK_THAT(over[0].message, Catch::Contains(r.mediaSummary));
            CHECK_THAT(over[0].message, Catch::Contains("Remove 1"));
        }
    }
}

TEST_CASE("media size limits per kind and platform", "[compose][limits]")
{
    for (const auto& r : allPlatformRules()) {
        const std::pair<MediaKind, std::uint64_t> caps[] = {{MediaKind::Image, r.maxImageBytes},
                                                            {MediaKind::Gif, r.maxGifBytes},
                                                            {MediaKind::Video, r.maxVideoBytes}};
        for (const auto& [kind, cap] : caps) {
            const std::string mime = firstMime(r, kind);
            if (mime.empty())
                continue;
            INFO(r.displayName << " " << mime << " " << cap);
            auto in = draftFor(r, "text");
            in.media = {{mime, cap, "", "file"}};
            CHECK(describe(checkDraft(in)).empty());
            in.media = {{mime, cap + 1, "", "file"}};
            const auto over = checkDraft(in);
            REQUIRE(over.size() == 1);
            CHECK(over[0].field == "media[0]");
            CHECK_THAT(over[0].message, Catch::Contains("up to " + formatBytes(cap)));
        }
    }
}

TEST_CASE("alt text limits per platform", "[compose][limits]")
{
    for (const auto& r : allPlatformRules()) {
        if (!r.altLimit)
            continue;
        INFO(r.displayName << " alt " << r.altLimit->max);
        auto in = draftFor(r, "text");
        in.media = {{r.mimes.front(), 100, repeat("a", r.altLimit->max), "photo.png"}};
        CHECK(describe(checkDraft(in)).empty());
        in.media[0].alt = repeat("a", r.altLimit->max + 1);
        const auto over = checkDraft(in);
        REQUIRE(over.size() == 1);
        CHECK(over[0].field == "media[0].alt");
        CHECK_THAT(over[0].message, Catch::Contains("alt text of photo.png"));
        CHECK(over[0].offsetUtf8 == r.altLimit->max);
    }
}

TEST_CASE("MIME types a platform does not take are named per attachment", "[compose][limits]")
{
    const std::string all[] =
        {"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime", "video/webm"};
    for (const auto& r : allPlatformRules()) {
        for (const auto& mime : all) {
            if (r.acceptsMime(mime))
                continue;
            INFO(r.displayName << " " << mime);
            auto in = draftFor(r, "text");
            in.media.insert(in.media.begin(), {mime, 100, "", "odd.file"});
            const auto v = checkDraft(in);
            REQUIRE_FALSE(v.empty());
            CHECK(v[0].field == "media[0]");
            CHECK_THAT(v[0].message, Catch::Contains(mime) && Catch::Contains("odd.file"));
        }
    }
}

TEST_CASE("mixing and required media", "[compose][limits]")
{
    for (const auto& r : allPlatformRules()) {
        const std::string image = firstMime(r, MediaKind::Image);
        const std::string video = firstMime(r, MediaKind::Video);
        if (image.empty() || video.empty())
            continue;
        INFO(r.displayName);
        auto in = draftFor(r, "text");
        in.media = {{image, 100, "", "a.png"}, {video, 100, "", "b.mp4"}};
        const auto v = checkDraft(in);
        if (r.mixImagesAndVideo) {
            CHECK(v.empty());
        } else {
            REQUIRE(v.size() == 1);
            CHECK_THAT(v[0].message, Catch::Contains("cannot be mixed"));
        }
    }
    const auto& tiktok = rulesFor(domain::Platform::TikTok);
    REQUIRE(tiktok.requiresMedia);
    auto in = draftFor(tiktok, "caption");
    in.media.clear();
    const auto v = checkDraft(in);
    REQUIRE(v.size() == 1);
    CHECK(v[0].field == "media");
    CHECK_THAT(v[0].message, Catch::Contains("TikTok post is a video"));
}

TEST_CASE("a Bluesky post with a video is refused at drafting", "[compose][limits]")
{
    // The Bluesky adapter publishes images only (docs/uploader.md, Bluesky step 4): a video an
    // approver signed would fail at the platform, so the workstation refuses it before approval.
    const auto& bluesky = rulesFor(domain::Platform::Bluesky);
    CHECK(bluesky.maxVideos == 0);
    CHECK(firstMime(bluesky, MediaKind::Video).empty());
    auto in = draftFor(bluesky, "Watch the parade");
    in.media = {{"video/mp4", 1000, "The parade", "parade.mp4"}};
    const auto v = checkDraft(in);
    INFO(describe(v));
    REQUIRE(v.size() == 1);
    CHECK(v[0].channel == "bluesky:press");
    CHECK(v[0].field == "media[0]");
    CHECK(v[0].message
          == "Bluesky: parade.mp4 is video/mp4, which Bluesky does not take (it takes image/jpeg, image/png, "
             "image/webp, image/gif); remove it or post it to other channels only.");
    // The same video on a channel that takes video is fine: only the Bluesky channel is refused.
    in.channels.push_back({domain::ChannelId{domain::Platform::Mastodon, "press"},
                           "Watch the parade",
                           validOptions(domain::Platform::Mastodon)});
    const auto both = checkDraft(in);
    REQUIRE(both.size() == 1);
    CHECK(both[0].channel == "bluesky:press");
}

TEST_CASE("violation messages say which limit, where and what to do", "[compose][limits]")
{
    DraftCheckInput in;
    in.channels.push_back(
        {domain::ChannelId{domain::Platform::X, "press"}, std::string(291, 'a'), Json(Json::Object{})});
    const auto v = checkDraft(in);
    REQUIRE(v.size() == 1);
    CHECK(v[0].message
          == "X: text is 291 of 280 weighted characters; shorten it by 11 (URLs count as 23, emoji and CJK "
             "characters as 2).");
    CHECK(v[0].offsetUtf8 == 280);
    // Bluesky breaks both limits at once: both are reported.
    DraftCheckInput b;
    b.channels.push_back(
        {domain::ChannelId{domain::Platform::Bluesky, "press"}, repeat("\U0001F600", 1000), Json(Json::Object{})});
    const auto bv = checkDraft(b);
    REQUIRE(bv.size() == 2);
    CHECK_THAT(bv[0].message, Catch::Contains("1000 of 300 characters"));
    CHECK(bv[0].offsetUtf8 == 300 * 4);
    CHECK_THAT(bv[1].message, Catch::Contains("4000 of 3000 bytes"));
    CHECK(bv[1].offsetUtf8 == 750 * 4);
    CHECK_THAT(summariseViolations(bv), Catch::StartsWith("[bluesky:press] Bluesky: text is 1000"));
}

TEST_CASE("required platform options are violations", "[compose][limits]")
{
    const auto& tiktok = rulesFor(domain::Platform::TikTok);
    auto in = draftFor(tiktok, "caption");
    in.channels[0].options = Json(Json::Object{});
    const auto v = checkDraft(in);
    REQUIRE(v.size() == 1);
    CHECK(v[0].field == "options.disable_comment");
    CHECK_THAT(v[0].message, Catch::Contains("no default"));
    in.channels[0].options = validOptions(domain::Platform::TikTok);
    in.channels[0].options.set("privacy_level", "EVERYONE");
    const auto bad = checkDraft(in);
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].field == "options.privacy_level");
    auto masto = draftFor(rulesFor(domain::Platform::Mastodon), "hi");
    masto.channels[0].options = Json(Json::Object{});
    const auto mv = checkDraft(masto);
    REQUIRE(mv.size() == 1);
    CHECK(mv[0].field == "options.visibility");
}

TEST_CASE("the Mastodon content warning counts against the text limit", "[compose][limits]")
{
    auto in = draftFor(rulesFor(domain::Platform::Mastodon), std::string(495, 'a'));
    in.channels[0].options.set("spoiler_text", "12345");
    CHECK(checkDraft(in).empty());
    in.channels[0].options.set("spoiler_text", "123456");
    const auto v = checkDraft(in);
    REQUIRE(v.size() == 1);
    CHECK_THAT(v[0].message, Catch::Contains("501 of 500"));
    CHECK(v[0].offsetUtf8 == 494);
}

TEST_CASE("checkPost checks stored content the same way", "[compose][limits]")
{
    domain::PostContent c;
    c.postId = std::string(32, 'a');
    c.channels.push_back(
        {domain::ChannelId{domain::Platform::X, "press"}, std::string(281, 'b'), Json(Json::Object{})});
    c.media.push_back({{}, 6'000'000, "image/png", "big.png", ""});
    const auto v = checkPost(c);
    REQUIRE(v.size() == 2);
    CHECK(v[0].field == "text");
    CHECK(v[1].field == "media[0]");
    CHECK_THAT(v[1].message, Catch::Contains("big.png is 6 MB") && Catch::Contains("up to 5 MB"));
}
