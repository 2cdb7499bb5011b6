// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace postern::domain {

/**
 * ChannelLimits is what the uploader learnt about one account's live limits (a Mastodon
 * instance's configuration, a TikTok creator's settings). It lives in the domain layer
 * because two siblings use it: bundle (the signed platform profile that carries it across
 * the gap) and compose (which tightens its built-in rules with it). Every field is optional:
 * an absent field means "the platform said nothing; keep the built-in rule".
 */
struct ChannelLimits
{
    std::optional<std::int64_t> maxCharacters;
    std::optional<std::int64_t> maxMedia;
    std::optional<std::int64_t> maxImageBytes;
    std::optional<std::int64_t> maxVideoBytes;
    std::optional<std::int64_t> maxGifBytes;
    std::optional<std::vector<std::string>> mimeTypes; ///< accepted MIME types, sorted
    std::optional<std::int64_t> maxVideoDurationS;     ///< informational: the workstation cannot measure duration
    std::optional<std::vector<std::string>> privacyLevelOptions; ///< TikTok creator_info, sorted
    bool commentDisabled = false;                                ///< TikTok: the creator turned comments off
    bool duetDisabled = false;
    bool stitchDisabled = false;
    std::optional<std::int64_t> charactersReservedPerUrl; ///< Mastodon; informational (the counter uses 23)

    friend bool operator==(const ChannelLimits&, const ChannelLimits&) = default;
};

} // namespace postern::domain
