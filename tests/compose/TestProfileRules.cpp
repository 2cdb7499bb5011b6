// SPDX-License-Identifier: GPL-3.0-or-later
// Platform profiles applied to the built-in rules: a profile tightens every platform, and
// replaces Mastodon's per-instance values (docs/compose.md, "Platform profiles").
#include "postern/compose/DraftCheck.h"
#include "postern/compose/PlatformRules.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::compose;

namespace {

const domain::ChannelId kMasto{domain::Platform::Mastodon, "@press@social.example"};
const domain::ChannelId kBsky{domain::Platform::Bluesky, "press.example.org"};
const domain::ChannelId kTikTok{domain::Platform::TikTok, "press"};

Json mastoOptions()
{
    Json o(Json::Object{});
    o.set("visibility", "public");
    return o;
}

Json tiktokOptions(std::string privacy, bool comment, bool duet, bool stitch)
{
    Json o(Json::Object{});
    o.set("privacy_level", std::move(privacy))
        .set("disable_comment", comment)
        .set("disable_duet", duet)
        .set("disable_stitch", stitch);
    return o;
}

std::vector<std::string> fields(const std::vector<Violation>& vs)
{
    std::vector<std::string> out;
    for (const auto& v : vs)
        out.push_back(v.field);
    return out;
}

} // namespace

TEST_CASE("a profile replaces Mastodon's instance values, higher or lower", "[profile]")
{
    const PlatformRules& base = rulesFor(domain::Platform::Mastodon);
    domain::ChannelLimits l;
    l.maxCharacters = 5000;
    l.maxMedia = 8;
    l.maxImageBytes = 32 << 20;
    const PlatformRules r = applyProfile(base, l);
    CHECK(r.textLimits.front().max == 5000);
    CHECK(r.maxMedia == 8);
    CHECK(r.maxImages == 8);
    CHECK(r.maxVideos == 1); // a video still goes alone
    CHECK(r.maxImageBytes == 32u << 20);
    CHECK(r.maxVideoBytes == base.maxVideoBytes); // not in the profile: unchanged
    CHECK(r.mediaSummary == "8 images, or 1 GIF, or 1 video");

    l.maxCharacters = 300;
    CHECK(applyProfile(base, l).textLimits.front().max == 300);
}

TEST_CASE("a profile only tightens the other platforms", "[profile]")
{
    const PlatformRules& base = rulesFor(domain::Platform::Bluesky);
    domain::ChannelLimits l;
    l.maxCharacters = 1000; // higher than 300 graphemes: ignored
    l.maxMedia = 10;        // higher than 4: ignored
    l.maxImageBytes = 5000000;
    l.maxVideoBytes = 10000000; // Bluesky takes no video: a profile cannot add one
    l.mimeTypes = std::vector<std::string>{"image/jpeg", "image/png", "video/mp4", "video/webm"};
    PlatformRules r = applyProfile(base, l);
    CHECK(r.textLimits.front().max == 300);
    CHECK(r.textLimits.back().max == 3000); // Bluesky's byte cap is untouched
    CHECK(r.maxMedia == 4);
    CHECK(r.maxImageBytes == base.maxImageBytes);
    CHECK(r.maxVideos == 0);
    CHECK(r.maxVideoBytes == base.maxVideoBytes);
    // Narrowed to the intersection: videos were never Bluesky types here, WebP and GIF drop out.
    CHECK(r.mimes == std::vector<std::string>{"image/jpeg", "image/png"});
    CHECK(r.mediaSummary == base.mediaSummary);

    l.maxCharacters = 200;
    l.maxMedia = 2;
    r = applyProfile(base, l);
    CHECK(r.textLimits.front().max == 200);
    CHECK(r.maxMedia == 2);
    CHECK(r.maxImages == 2);
    CHECK(r.mediaSummary == "2 images");
}

TEST_CASE("checkDraft uses the channel's profile limits", "[profile]")
{
    DraftCheckInput in;
    in.channels.push_back({kMasto, std::string(600, 'a'), mastoOptions()});
    in.channels.push_back({kBsky, std::string(250, 'a'), Json(Json::Object{})});
    // Built-in: Mastodon 500 is broken, Bluesky 300 is not.
    auto vs = checkDraft(in);
    REQUIRE(vs.size() == 1);
    CHECK(vs[0].channel == kMasto.str());

    domain::ChannelLimits masto;
    masto.maxCharacters = 1000;
    domain::ChannelLimits bsky;
    bsky.maxCharacters = 200;
    in.channelLimits[kMasto.str()] = masto;
    in.channelLimits[kBsky.str()] = bsky;
    vs = checkDraft(in);
    REQUIRE(vs.size() == 1);
    CHECK(vs[0].channel == kBsky.str());
    CHECK(vs[0].field == "text");
    CHECK(vs[0].message == "Bluesky: text is 250 of 200 characters; shorten it by 50.");
    CHECK(vs[0].offsetUtf8 == 200);

    // A narrower MIME list and a lower size cap, named per attachment.
    masto.mimeTypes = std::vector<std::string>{"image/jpeg"};
    masto.maxImageBytes = 1000;
    in.channelLimits[kMasto.str()] = masto;
    in.channels[0].text = "short";
    in.channels.pop_back();
    in.media = {{"image/png", 10, "", "a.png"}, {"image/jpeg", 2000, "", "b.jpg"}};
    vs = checkDraft(in);
    CHECK(fields(vs) == std::vector<std::string>{"media[0]", "media[1]"});
    CHECK(vs[0].message.find("image/png, which Mastodon does not take (it takes image/jpeg)") != std::string::npos);
    CHECK(vs[1].message
          == "Mastodon: b.jpg is 2.0 kB; Mastodon takes images up to 1.0 kB. Make it smaller or remove it.");
}

TEST_CASE("TikTok creator settings from the profile hold the options", "[profile]")
{
    DraftCheckInput in;
    in.media = {{"video/mp4", 1000, "", "clip.mp4"}};
    in.channels.push_back({kTikTok, "caption", tiktokOptions("PUBLIC_TO_EVERYONE", false, false, false)});
    CHECK(checkDraft(in).empty()); // no profile: any documented value

    domain::ChannelLimits l;
    l.privacyLevelOptions = std::vector<std::string>{"FOLLOWER_OF_CREATOR", "SELF_ONLY"};
    l.duetDisabled = true;
    l.stitchDisabled = true;
    in.channelLimits[kTikTok.str()] = l;
    auto vs = checkDraft(in);
    CHECK(fields(vs)
          == std::vector<std::string>{"options.privacy_level", "options.disable_duet", "options.disable_stitch"});
    CHECK(vs[0].message
          == "TikTok: this account may not post with privacy level PUBLIC_TO_EVERYONE (the uploader's platform "
             "profile allows FOLLOWER_OF_CREATOR, SELF_ONLY); choose one of those.");
    CHECK(vs[1].message
          == "TikTok: the creator turned duets off for this account, so this post cannot allow them; set "
             "disable_duet to true.");

    // Within the creator's settings: clean. Comments were not disabled, so they may stay on.
    in.channels[0].options = tiktokOptions("SELF_ONLY", false, true, true);
    CHECK(checkDraft(in).empty());

    // checkPost carries the limits the same way.
    domain::PostContent post;
    post.postId = std::string(32, 'a');
    post.channels.push_back({kTikTok, "caption", tiktokOptions("PUBLIC_TO_EVERYONE", false, true, true)});
    domain::MediaRef m;
    m.mime = "video/mp4";
    m.size = 1000;
    m.name = "clip.mp4";
    post.media.push_back(m);
    CHECK(checkPost(post).empty());
    CHECK(fields(checkPost(post, in.channelLimits)) == std::vector<std::string>{"options.privacy_level"});
}
