// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/compose/TextCounter.h"
#include "postern/domain/ChannelLimits.h"
#include "postern/domain/PlatformDescriptor.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

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
 * offline: the limits of its descriptor (domain::PlatformLimits, with their cited sources in
 * src/domain/platforms/<name>/), plus the platform and its label for messages. Instance- or
 * account-specific values (Mastodon forks, X Premium) use the defaults unless an imported
 * platform profile says otherwise (applyProfile).
 */
struct PlatformRules : domain::PlatformLimits
{
    domain::Platform platform = domain::Platform::Outbox;
    std::string displayName; ///< "X", "Mastodon", ...: the descriptor's label

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
 * Which platforms are instances is their descriptor's instanceDefinesLimits.
 */
[[nodiscard]] PlatformRules applyProfile(const PlatformRules& base, const domain::ChannelLimits& limits);

/** formatBytes renders a size for messages: "5 MB", "16 MiB", "6.2 MB". */
[[nodiscard]] std::string formatBytes(std::uint64_t bytes);

} // namespace postern::compose
