// SPDX-License-Identifier: GPL-3.0-or-later
// Bluesky (AT Protocol): what a post may be, and how the workstation shows it.
#include "postern/domain/PlatformDescriptor.h"

namespace postern::domain::platforms {

const PlatformDescriptor& blueskyPlatform()
{
    constexpr std::uint64_t kMB = 1000 * 1000;
    // app.bsky.feed.post text maxGraphemes 300, maxLength 3000 (UTF-8 bytes); embed.images max
    // 4, blob maxSize 1,000,000 (the posts guide still checks 1 MB although the newest lexicon
    // says 2 MB); embed.video accepts video/mp4 only, one per post. Video size: the stored
    // lexicon says 50 MB, the tutorial 100 MB, newer docs 300 MB: 50 MB here. Alt: video alt
    // maxGraphemes 1000; image alt has no lexicon cap, 1000 used as for video. A GIF goes up
    // as an image blob (it is not animated), so it counts as an image.
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
                .maxVideos = 1,
                .maxGifs = 4,
                .gifCountsAsImage = true,
                .mimes = {"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4"},
                .maxImageBytes = 1 * kMB,
                .maxGifBytes = 1 * kMB,
                .maxVideoBytes = 50 * kMB,
                .altLimit = PlatformLimits::TextLimit{CountUnit::Graphemes, 1000},
                .mediaSummary = "4 images, or 1 MP4 video",
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
