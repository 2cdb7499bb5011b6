// SPDX-License-Identifier: GPL-3.0-or-later
// What each platform accepts in one post. Sources per value are cited inline; the full table
// with links is docs/compose.md, "Platform limits". Where sources disagree the stricter value
// wins: refusing here is cheap, a refusal by the platform after the bundle crossed the gap is not.
#include "postern/compose/PlatformRules.h"

#include "postern/domain/Post.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace postern::compose {

namespace {

using domain::Platform;

constexpr std::uint64_t kMB = 1000 * 1000;
constexpr std::uint64_t kMiB = 1024 * 1024;

std::array<PlatformRules, 5> makeRules()
{
    const std::vector<std::string>
        allMimes{"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime", "video/webm"};
    std::array<PlatformRules, 5> r;

    // Outbox: files written for manual posting. Only the post format's own caps apply
    // (domain/Post.h: 16 KiB text, 4 KiB alt, 35 attachments of up to 4 GiB).
    PlatformRules& outbox = r[0];
    outbox.platform = Platform::Outbox;
    outbox.displayName = "Outbox";
    outbox.textLimits = {{CountUnit::Utf8Bytes, static_cast<std::int64_t>(domain::kMaxTextBytes)}};
    outbox.maxMedia = outbox.maxImages = outbox.maxVideos = outbox.maxGifs = static_cast<int>(domain::kMaxMediaPerPost);
    outbox.mixImagesAndVideo = true;
    outbox.mimes = allMimes;
    outbox.maxImageBytes = outbox.maxGifBytes = outbox.maxVideoBytes = domain::kMaxMediaBytes;
    outbox.altLimit = PlatformRules::TextLimit{CountUnit::Utf8Bytes, static_cast<std::int64_t>(domain::kMaxAltBytes)};
    outbox.mediaSummary = "up to 35 files of any supported type";

    // Bluesky: app.bsky.feed.post text maxGraphemes 300, maxLength 3000 (UTF-8 bytes);
    // embed.images max 4, blob maxSize 1,000,000 (the posts guide still checks 1 MB although
    // the newest lexicon says 2 MB); embed.video accepts video/mp4 only, one per post. Video
    // size: the stored lexicon says 50 MB, the tutorial 100 MB, newer docs 300 MB: 50 MB here.
    // Alt: video alt maxGraphemes 1000; image alt has no lexicon cap, 1000 used as for video.
    // A GIF goes up as an image blob (it is not animated), so it counts as an image.
    PlatformRules& bsky = r[1];
    bsky.platform = Platform::Bluesky;
    bsky.displayName = "Bluesky";
    bsky.textLimits = {{CountUnit::Graphemes, 300}, {CountUnit::Utf8Bytes, 3000}};
    bsky.maxMedia = 4;
    bsky.maxImages = 4;
    bsky.maxVideos = 1;
    bsky.maxGifs = 4;
    bsky.gifCountsAsImage = true;
    bsky.mimes = {"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4"};
    bsky.maxImageBytes = bsky.maxGifBytes = 1 * kMB;
    bsky.maxVideoBytes = 50 * kMB;
    bsky.altLimit = PlatformRules::TextLimit{CountUnit::Graphemes, 1000};
    bsky.mediaSummary = "4 images, or 1 MP4 video";

    // Mastodon defaults (per instance in reality): statuses.max_characters 500, URLs 23,
    // max_media_attachments 4, "1 video or 1 GIF, or up to 4 images; no mixing";
    // image_size_limit 16 MiB, video_size_limit 99 MiB (103809024); description_limit 1500
    // (MediaAttachment::MAX_DESCRIPTION_LENGTH, a Rails length: code points).
    PlatformRules& masto = r[2];
    masto.platform = Platform::Mastodon;
    masto.displayName = "Mastodon";
    masto.textLimits = {{CountUnit::MastodonChars, 500}};
    masto.maxMedia = 4;
    masto.maxImages = 4;
    masto.maxVideos = 1;
    masto.maxGifs = 1;
    masto.mimes = allMimes;
    masto.maxImageBytes = masto.maxGifBytes = 16 * kMiB;
    masto.maxVideoBytes = 103809024;
    masto.altLimit = PlatformRules::TextLimit{CountUnit::CodePoints, 1500};
    masto.mediaSummary = "4 images, or 1 GIF, or 1 video";

    // TikTok Direct Post: caption (post_info.title) at most 2200 UTF-16 runes; one video
    // (MP4, WebM or MOV) of at most 4 GB. Photo posts need PULL_FROM_URL from a verified
    // domain, which an outbox uploader cannot offer, so a TikTok post here is a video. The
    // API takes no alt text.
    PlatformRules& tiktok = r[3];
    tiktok.platform = Platform::TikTok;
    tiktok.displayName = "TikTok";
    tiktok.textLimits = {{CountUnit::Utf16Units, 2200}};
    tiktok.maxMedia = 1;
    tiktok.maxImages = 0;
    tiktok.maxVideos = 1;
    tiktok.maxGifs = 0;
    tiktok.mimes = {"video/mp4", "video/quicktime", "video/webm"};
    tiktok.maxVideoBytes = 4000 * kMB;
    tiktok.requiresMedia = true;
    tiktok.mediaSummary = "exactly 1 video";

    // X: twitter-text v3, maxWeightedTweetLength 280 (standard accounts; Premium is longer
    // but per account). Media: "4 photos or 1 GIF or 1 video"; image 5 MB, GIF 15 MB, video
    // 512 MB; JPG/PNG/GIF/WEBP and MP4/MOV; alt text 1000 characters (POST /2/media/metadata).
    PlatformRules& x = r[4];
    x.platform = Platform::X;
    x.displayName = "X";
    x.textLimits = {{CountUnit::XWeighted, 280}};
    x.maxMedia = 4;
    x.maxImages = 4;
    x.maxVideos = 1;
    x.maxGifs = 1;
    x.mimes = {"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime"};
    x.maxImageBytes = 5 * kMB;
    x.maxGifBytes = 15 * kMB;
    x.maxVideoBytes = 512 * kMB;
    x.altLimit = PlatformRules::TextLimit{CountUnit::CodePoints, 1000};
    x.mediaSummary = "4 photos, or 1 GIF, or 1 video";
    return r;
}

const std::array<PlatformRules, 5>& table()
{
    static const std::array<PlatformRules, 5> kRules = makeRules();
    return kRules;
}

} // namespace

MediaKind mediaKindOf(std::string_view mime) noexcept
{
    if (mime == "image/gif")
        return MediaKind::Gif;
    if (mime.substr(0, 6) == "video/")
        return MediaKind::Video;
    return MediaKind::Image;
}

bool PlatformRules::acceptsMime(std::string_view mime) const
{
    return std::find(mimes.begin(), mimes.end(), mime) != mimes.end();
}

const PlatformRules& rulesFor(domain::Platform platform)
{
    for (const auto& r : table()) {
        if (r.platform == platform)
            return r;
    }
    return table()[0];
}

std::span<const PlatformRules> allPlatformRules()
{
    return {table().data(), table().size()};
}

std::string formatBytes(std::uint64_t bytes)
{
    char buf[48];
    if (bytes >= kMiB && bytes % kMiB == 0 && bytes % kMB != 0) {
        std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(bytes / kMiB));
    } else if (bytes >= 1000 * kMB && bytes % (1000 * kMB) == 0) {
        std::snprintf(buf, sizeof buf, "%llu GB", static_cast<unsigned long long>(bytes / (1000 * kMB)));
    } else if (bytes >= kMB && bytes % kMB == 0) {
        std::snprintf(buf, sizeof buf, "%llu MB", static_cast<unsigned long long>(bytes / kMB));
    } else if (bytes >= kMB) {
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / static_cast<double>(kMB));
    } else if (bytes >= 1000) {
        std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1000.0);
    } else {
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    }
    return buf;
}

} // namespace postern::compose
