// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/ChannelLimits.h"
#include "postern/domain/Post.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace postern::compose {

/**
 * Violation is one broken platform limit: which channel, which field, a sentence for people
 * (which limit, where, what to do) and, for text, where the limit is first crossed.
 */
struct Violation
{
    std::string channel; ///< "x:press"; empty when the whole post is concerned
    std::string field;   ///< "text", "media", "media[2]", "media[2].alt", "options.privacy_level", "options"
    std::string message; ///< e.g. "X: text is 291 of 280 weighted characters; shorten it by 11 (URLs count as 23)."
    std::int64_t offsetUtf8 = -1; ///< first byte over the limit in the field's text, -1 if n/a
};

/** CheckMedia is an attachment as the composer knows it before it is stored. */
struct CheckMedia
{
    std::string mime;
    std::uint64_t size = 0;
    std::string alt;
    std::string name;
};

/** CheckChannel is one target channel with its own text and options. */
struct CheckChannel
{
    domain::ChannelId channel;
    std::string text;
    Json options{Json::Object{}};
};

/** DraftCheckInput is a draft as typed: every channel and the shared attachments. */
struct DraftCheckInput
{
    std::vector<CheckChannel> channels;
    std::vector<CheckMedia> media;
    /** channelLimits: live limits per channel id ("mastodon:@press@social.example") from the
     *  imported platform profile; a channel without an entry uses the built-in rules. */
    std::map<std::string, domain::ChannelLimits> channelLimits;
};

/**
 * checkDraft checks a draft against every channel's platform rules (compose/PlatformRules.h):
 * text limits, attachment count, kinds and mixing, MIME types, sizes, alt text, required media
 * and platform options (domain::validateOptions, e.g. TikTok's privacy level has no default).
 * With `channelLimits` for a channel, its rules are applyProfile'd, and for TikTok the privacy
 * level must be one the creator may use and disabled interactions cannot be turned on.
 * Returns every violation, channels in the given order; empty means the post may be submitted.
 */
[[nodiscard]] std::vector<Violation> checkDraft(const DraftCheckInput& input);

/** checkPost checks a stored post version the same way, with the profile's `channelLimits`. */
[[nodiscard]] std::vector<Violation> checkPost(const domain::PostContent& content,
                                               const std::map<std::string, domain::ChannelLimits>& channelLimits = {});

/** summariseViolations joins the first `max` messages into one paragraph for an Error. */
[[nodiscard]] std::string summariseViolations(const std::vector<Violation>& violations, std::size_t max = 3);

} // namespace postern::compose
