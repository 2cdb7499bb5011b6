// SPDX-License-Identifier: GPL-3.0-or-later
// X (API v2): what a post may be, and how the workstation shows it.
#include "postern/domain/PlatformDescriptor.h"

namespace postern::domain::platforms {

const PlatformDescriptor& xPlatform()
{
    constexpr std::uint64_t kMB = 1000 * 1000;
    // twitter-text v3, maxWeightedTweetLength 280 (standard accounts; Premium is longer but per
    // account). Media: "4 photos or 1 GIF or 1 video"; image 5 MB, GIF 15 MB, video 512 MB;
    // JPG/PNG/GIF/WEBP and MP4/MOV; alt text 1000 characters (POST /2/media/metadata).
    static const PlatformDescriptor d{
        .id = Platform::X,
        .name = "x",
        .label = "X",
        .title = "X",
        .accent = "#0f1419",
        .limits =
            {
                .textLimits = {{CountUnit::XWeighted, 280}},
                .maxMedia = 4,
                .maxImages = 4,
                .maxVideos = 1,
                .maxGifs = 1,
                .mimes = {"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime"},
                .maxImageBytes = 5 * kMB,
                .maxGifBytes = 15 * kMB,
                .maxVideoBytes = 512 * kMB,
                .altLimit = PlatformLimits::TextLimit{CountUnit::CodePoints, 1000},
                .mediaSummary = "4 photos, or 1 GIF, or 1 video",
            },
        // POST /2/tweets reply_settings; left out, everyone may reply.
        .options =
            {
                {.key = "reply_settings",
                 .type = OptionType::Choice,
                 .choices = {{"following", "People the account follows"},
                             {"mentionedUsers", "Mentioned people"},
                             {"subscribers", "Subscribers"},
                             {"verified", "Verified accounts"}},
                 .label = "Who can reply"},
            },
        .canDelete = true, // DELETE /2/tweets/:id
    };
    return d;
}

} // namespace postern::domain::platforms
