// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Channel.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace postern::uploader {

/**
 * What an adapter reads back about a post it published (monitoring, docs/uploader.md
 * "report"). Everything in here came from a platform and is hostile: adapters turn the
 * platform's markup into text (Mastodon's HTML), and the collect service then makes every
 * string plain text and caps it before anything is stored or signed. Adapters never pass on
 * the platform's document, only these fields.
 */

/** CollectTarget is one published target to read back. */
struct CollectTarget
{
    domain::ChannelId channel;
    std::string platformId; ///< what the adapter recorded when it published (Mastodon: the status id)
    std::string url;        ///< the public URL, for messages
    /**
     * sinceReplyId is the newest reply id seen by an earlier run ("" = none): an adapter whose
     * platform can list only newer replies asks for those; one that cannot returns every reply
     * it sees and the ledger drops the ones it has.
     */
    std::string sinceReplyId;
};

/** CollectedCounts are the reaction counts read at one time; nullopt: the platform does not give it. */
struct CollectedCounts
{
    std::optional<std::int64_t> likes;   ///< likes, favourites
    std::optional<std::int64_t> reposts; ///< reposts, boosts, reblogs
    std::optional<std::int64_t> replies;
    std::optional<std::int64_t> quotes;
    std::optional<std::int64_t> views;
    std::int64_t readAt = 0; ///< seconds since 1970, the uploader's clock when the answer arrived
};

/** CollectedReply is one reply to the post (or to another reply in its thread). */
struct CollectedReply
{
    std::string platformId;   ///< the reply's id on the platform
    std::string url;          ///< its public page, shown as text, never a link
    std::string authorHandle; ///< e.g. "someone@example.social"
    std::string authorName;   ///< the display name
    std::string text;         ///< already text (not markup); made plain text by the collect service
    std::int64_t createdAt = 0;
    std::string inReplyTo; ///< the platform id of the post or reply it answers
};

/** Collection is what one collect() call read for one target. */
struct Collection
{
    std::optional<CollectedCounts> counts; ///< nullopt: this platform gives no counts
    std::vector<CollectedReply> replies;   ///< oldest first
    /** note says what the platform does not give ("no quote or view counts"), for the report. */
    std::string note;
};

/**
 * CollectAbility is what an adapter can read back, told before anything is sent. A platform
 * that gives nothing (the outbox; TikTok's API has no comments) says why in `note`, which
 * goes into the report for that target.
 */
struct CollectAbility
{
    bool counts = false;
    bool replies = false;
    std::string note;

    [[nodiscard]] bool any() const noexcept { return counts || replies; }
};

} // namespace postern::uploader
