// SPDX-License-Identifier: GPL-3.0-or-later
// TikTok (Content Posting API, Direct Post): what a post may be, and how the workstation
// shows it.
#include "postern/domain/PlatformDescriptor.h"

namespace postern::domain::platforms {

const PlatformDescriptor& tiktokPlatform()
{
    constexpr std::uint64_t kMB = 1000 * 1000;
    // Caption (post_info.title) at most 2200 UTF-16 runes; one video (MP4, WebM or MOV) of at
    // most 4 GB. Photo posts need PULL_FROM_URL from a verified domain, which an outbox
    // uploader cannot offer, so a TikTok post here is a video. The API takes no alt text.
    static const PlatformDescriptor d{
        .id = Platform::TikTok,
        .name = "tiktok",
        .label = "TikTok",
        .title = "TikTok",
        .accent = "#fe2c55",
        .limits =
            {
                .textLimits = {{CountUnit::Utf16Units, 2200}},
                .maxMedia = 1,
                .maxImages = 0,
                .maxVideos = 1,
                .maxGifs = 0,
                .mimes = {"video/mp4", "video/quicktime", "video/webm"},
                .maxVideoBytes = 4000 * kMB,
                .requiresMedia = true,
                .mediaSummary = "exactly 1 video",
            },
        // post_info. The privacy level has no default and the interaction toggles must be
        // chosen explicitly (content-sharing guidelines), so they are required; the composer
        // starts with interactions off.
        .options =
            {
                {.key = "privacy_level",
                 .type = OptionType::Choice,
                 .required = true,
                 .choices = {{"PUBLIC_TO_EVERYONE", "Everyone"},
                             {"MUTUAL_FOLLOW_FRIENDS", "Friends (mutual followers)"},
                             {"FOLLOWER_OF_CREATOR", "Followers"},
                             {"SELF_ONLY", "Only the account"}},
                 .inComposer = true,
                 .label = "Who can watch"},
                {.key = "disable_comment",
                 .type = OptionType::Bool,
                 .required = true,
                 .defaultOn = true,
                 .inverted = true,
                 .inComposer = true,
                 .label = "Allow comments"},
                {.key = "disable_duet",
                 .type = OptionType::Bool,
                 .required = true,
                 .defaultOn = true,
                 .inverted = true,
                 .inComposer = true,
                 .label = "Allow duets"},
                {.key = "disable_stitch",
                 .type = OptionType::Bool,
                 .required = true,
                 .defaultOn = true,
                 .inverted = true,
                 .inComposer = true,
                 .label = "Allow stitches"},
                {.key = "is_aigc", .type = OptionType::Bool, .label = "Made with AI"},
                {.key = "brand_content_toggle", .type = OptionType::Bool, .label = "Paid partnership"},
                {.key = "brand_organic_toggle",
                 .type = OptionType::Bool,
                 .label = "Promotes the creator's own business"},
            },
        .textNoun = "caption",
        .creatorSettings = true,
        // No delete in the Content Posting API: a retract order asks the operator to do it by hand.
        .canDelete = false,
    };
    return d;
}

} // namespace postern::domain::platforms
