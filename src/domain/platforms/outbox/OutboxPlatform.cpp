// SPDX-License-Identifier: GPL-3.0-or-later
// Outbox: the uploader leaves each post in a folder for a person to post by hand, for
// platforms Postern cannot reach itself. No account, no options, and no limits but the post
// format's own.
#include "postern/domain/PlatformDescriptor.h"
#include "postern/domain/Post.h"

namespace postern::domain::platforms {

const PlatformDescriptor& outboxPlatform()
{
    // Only the post format's own caps apply (domain/Post.h: 16 KiB text, 4 KiB alt, 35
    // attachments of up to 4 GiB).
    constexpr auto kMaxMedia = static_cast<int>(kMaxMediaPerPost);
    static const PlatformDescriptor d{
        .id = Platform::Outbox,
        .name = "outbox",
        .label = "Outbox",
        .title = "Outbox (a folder for manual posting)",
        .accent = "#5b6770",
        .limits =
            {
                .textLimits = {{CountUnit::Utf8Bytes, static_cast<std::int64_t>(kMaxTextBytes)}},
                .maxMedia = kMaxMedia,
                .maxImages = kMaxMedia,
                .maxVideos = kMaxMedia,
                .maxGifs = kMaxMedia,
                .mixImagesAndVideo = true,
                .mimes = allowedMediaTypes(),
                .maxImageBytes = kMaxMediaBytes,
                .maxGifBytes = kMaxMediaBytes,
                .maxVideoBytes = kMaxMediaBytes,
                .altLimit = PlatformLimits::TextLimit{CountUnit::Utf8Bytes, static_cast<std::int64_t>(kMaxAltBytes)},
                .mediaSummary = "up to 35 files of any supported type",
            },
        // The uploader deletes its own folders (OutboxPublisher::canRetract).
        .canDelete = true,
        .manual = true,
    };
    return d;
}

} // namespace postern::domain::platforms
