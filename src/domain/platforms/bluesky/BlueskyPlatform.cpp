// SPDX-License-Identifier: GPL-3.0-or-later
// Bluesky (AT Protocol): what a post may be, and how the workstation shows it.
#include "postern/domain/PlatformDescriptor.h"

namespace postern::domain::platforms {

const PlatformDescriptor& blueskyPlatform()
{
    constexpr std::uint64_t kMB = 1000 * 1000;
    // app.bsky.feed.post text maxGraphemes 300, maxLength 3000 (UTF-8 bytes); embed.images max
    // 4, blob maxSize 1,000,000 (the posts guide still checks 1 MB although the newest lexicon
    // says 2 MB). Alt: image alt has no lexicon cap, 1000 used as for video alt. A GIF goes up
    // as an image blob (it is not animated), so it counts as an image.
    // No video: Bluesky takes one MP4 (app.bsky.embed.video) through its separate video service
    // (app.bsky.video.uploadVideo), which the reference PDS the adapter is tested against does
    // not run, so BlueskyAdapter publishes images only. Whatever an approver signs must reach
    // the platform, so a Bluesky post with a video is refused here, at drafting, not failed
    // after approval (issue 12). Add video here and in the adapter together.
    static const PlatformDescriptor d{
        .id = Platform::Bluesky,
        .name = "bluesky",
        .label = "Bluesky",
        .title = "Bluesky",
        .accent = "#1185fe",
        .limits =
            {
                .textLimits = {{CountUnit::Graphemes, 300}, {CountUnit::Utf8Bytes, 3000}},
                .maxMedia = 4,
                .maxImages = 4,
                .maxVideos = 0,
                .maxGifs = 4,
                .gifCountsAsImage = true,
                .mimes = {"image/jpeg", "image/png", "image/webp", "image/gif"},
                .maxImageBytes = 1 * kMB,
                .maxGifBytes = 1 * kMB,
                .maxVideoBytes = 0,
                .altLimit = PlatformLimits::TextLimit{CountUnit::Graphemes, 1000},
                .mediaSummary = "4 images (no video)",
            },
        .options =
            {
                // app.bsky.feed.post langs (one BCP 47 tag here).
                {.key = "lang", .type = OptionType::Text, .label = "Language", .help = "BCP 47 language tag, e.g. en"},
            },
        .canDelete = true, // com.atproto.repo.deleteRecord
    };
    return d;
}

} // namespace postern::domain::platforms
