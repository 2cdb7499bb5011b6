// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/compose/TextCounter.h"
#include "postern/domain/Channel.h"
#include "postern/domain/ChannelLimits.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace postern::compose {

/** MediaKind is how platforms group attachments: photos, animated GIFs and videos. */
enum class MediaKind {
    Image,
    Gif,
    Video
};

/** mediaKindOf maps an allowed MIME type to its kind ("image/gif" is Gif, "video/..." Video). */
[[nodiscard]] MediaKind mediaKindOf(std::string_view mime) noexcept;

/**
 * PlatformRules is what one platform accepts in a single post, as the composer checks it
 * offline. Values come from docs/compose.md (which cites the platform sources); where
 * sources disagree the stricter value is used, so a post that passes here is not refused
 * for size by the platform. Instance- or account-specific values (Mastodon forks, X Premium)
 * use the defaults unless an imported platform profile says otherwise (applyProfile).
 */
struct PlatformRules
{
    struct TextLimit
    {
        CountUnit unit = CountUnit::Graphemes;
        std::int64_t max = 0;
    };

    domain::Platform platform = domain::Platform::Outbox;
    std::string displayName;           ///< "X", "Mastodon", ...
    std::vector<TextLimit> textLimits; ///< every one must hold
    int maxMedia = 0;                  ///< attachments in total
    int maxImages = 0;                 ///< JPEG, PNG, WebP (and GIF where gifCountsAsImage)
    int maxVideos = 0;
    int maxGifs = 0;                ///< ignored where gifCountsAsImage
    bool mixImagesAndVideo = false; ///< false: all attachments must be of one kind
    bool gifCountsAsImage = false;  ///< Bluesky: a GIF is a (still) image blob
    std::vector<std::string> mimes; ///< accepted MIME types
    std::uint64_t maxImageBytes = 0;
    std::uint64_t maxGifBytes = 0;
    std::uint64_t maxVideoBytes = 0;
    std::optional<TextLimit> altLimit; ///< nullopt: the platform takes no alt text
    bool requiresMedia = false;        ///< TikTok: a post is a video
    std::string mediaSummary;          ///< for messages: "4 photos, or 1 GIF, or 1 video"

    [[nodiscard]] bool acceptsMime(std::string_view mime) const;
};

/** rulesFor returns the rules of one platform. */
[[nodiscard]] const PlatformRules& rulesFor(domain::Platform platform);

/** allPlatformRules lists every platform's rules, in domain::Platform order. */
[[nodiscard]] std::span<const PlatformRules> allPlatformRules();

/**
 * applyProfile returns `base` adjusted by one channel's live limits from a signed platform
 * profile (docs/compose.md, "Platform profiles"). A profile only tightens: lower text, count
 * and size maxima, a narrower MIME list. Mastodon is the exception for max_characters,
 * max_media and the size caps: the instance is the authority, so its values replace the
 * defaults, higher or lower. Informational fields (video duration, URL reserve) and TikTok's
 * creator settings do not change the rules; checkDraft checks the latter against options.
 */
[[nodiscard]] PlatformRules applyProfile(const PlatformRules& base, const domain::ChannelLimits& limits);

/** formatBytes renders a size for messages: "5 MB", "16 MiB", "6.2 MB". */
[[nodiscard]] std::string formatBytes(std::uint64_t bytes);

} // namespace postern::compose
