// SPDX-License-Identifier: GPL-3.0-or-later
// Mastodon: what a post may be, and how the workstation shows it. Every instance sets its own
// limits; these are Mastodon's defaults until a platform profile brings the instance's.
#include "postern/domain/PlatformDescriptor.h"
#include "postern/domain/Post.h"

namespace postern::domain::platforms {

const PlatformDescriptor& mastodonPlatform()
{
    constexpr std::uint64_t kMiB = 1024 * 1024;
    // Defaults: statuses.max_characters 500, URLs 23, max_media_attachments 4, "1 video or 1
    // GIF, or up to 4 images; no mixing"; image_size_limit 16 MiB, video_size_limit 99 MiB
    // (103809024); description_limit 1500 (MediaAttachment::MAX_DESCRIPTION_LENGTH, a Rails
    // length: code points).
    static const PlatformDescriptor d{
        .id = Platform::Mastodon,
        .name = "mastodon",
        .label = "Mastodon",
        .title = "Mastodon",
        .accent = "#6364ff",
        .limits =
            {
                .textLimits = {{CountUnit::MastodonChars, 500}},
                .maxMedia = 4,
                .maxImages = 4,
                .maxVideos = 1,
                .maxGifs = 1,
                .mimes = allowedMediaTypes(),
                .maxImageBytes = 16 * kMiB,
                .maxGifBytes = 16 * kMiB,
                .maxVideoBytes = 103809024,
                .altLimit = PlatformLimits::TextLimit{CountUnit::CodePoints, 1500},
                .mediaSummary = "4 images, or 1 GIF, or 1 video",
            },
        // POST /api/v1/statuses parameters.
        .options =
            {
                {.key = "visibility",
                 .type = OptionType::Choice,
                 .required = true,
                 .choices = {{"public", "Public"},
                             {"unlisted", "Unlisted (quiet public)"},
                             {"private", "Followers only"},
                             {"direct", "Mentioned people only"}},
                 .defaultChoice = "public",
                 .inComposer = true,
                 .label = "Visibility"},
                {.key = "spoiler_text",
                 .type = OptionType::Text,
                 .inComposer = true,
                 .label = "Content warning",
                 .help = "optional: shown before the text"},
                {.key = "language",
                 .type = OptionType::Text,
                 .inComposer = true,
                 .label = "Language",
                 .help = "optional ISO 639 code, e.g. en",
                 .maxLength = 8},
                {.key = "sensitive", .type = OptionType::Bool, .label = "Media is sensitive"},
            },
        .contentWarningOption = "spoiler_text",
        .instanceDefinesLimits = true,
        .canDelete = true, // DELETE /api/v1/statuses/:id
    };
    return d;
}

} // namespace postern::domain::platforms
