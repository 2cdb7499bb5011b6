// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/PlatformProfile.h"
#include "postern/uploader/ledger/LedgerRecords.h"
#include "postern/uploader/platforms/mastodon/MastodonAdapter.h"
#include "postern/uploader/net/PlatformJson.h"
#include "postern/uploader/platforms/tiktok/TikTokAdapter.h"
#include "postern/uploader/platforms/tiktok/TikTokApi.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace postern::uploader {

/**
 * documentedLimits is what the workstation's composer assumes for a platform (its built-in
 * rules, docs/compose.md), written as profile limits: used for platforms whose limits are
 * fixed (Bluesky, X) and when a live fetch is not possible. Outbox: empty.
 */
[[nodiscard]] domain::ChannelLimits documentedLimits(domain::Platform platform);

/**
 * mastodonLimits maps a Mastodon instance's `configuration` object (GET /api/v2/instance) to
 * profile limits: statuses.max_characters, max_media_attachments and
 * characters_reserved_per_url; media_attachments.supported_mime_types (only the types
 * Postern carries), image_size_limit (images and GIFs) and video_size_limit. A member that
 * is missing, of the wrong type or out of the profile's range is left out (the built-in rule
 * then applies), so a strange instance cannot make the export fail.
 */
[[nodiscard]] domain::ChannelLimits mastodonLimits(const PlatformJson& configuration);

/** tiktokLimits maps a creator_info answer: privacy options, disabled interactions, maximum duration. */
[[nodiscard]] domain::ChannelLimits tiktokLimits(const TikTokCreator& creator);

/** LimitFetcher asks the platform for one account's live limits. */
using LimitFetcher = std::function<Result<domain::ChannelLimits>(const AccountRecord&)>;

/**
 * liveFetchers are the fetchers `profile export` uses: Mastodon's instance configuration
 * (mastodonLimits) and TikTok's creator_info (tiktokLimits). Both adapters must outlive them.
 */
[[nodiscard]] std::map<domain::Platform, LimitFetcher> liveFetchers(MastodonAdapter& mastodon, TikTokAdapter& tiktok);

/** ProfileExport is a built profile plus one line per channel that was not fetched live. */
struct ProfileExport
{
    bundle::PlatformProfile profile;
    std::vector<std::string> notes;
    std::size_t fetchFailures = 0; ///< fetches that were tried and failed (their channel got documented limits)
};

/**
 * buildProfile makes the profile of every account: through `fetchers` for its platform when
 * there is one (fetched: true), else the documented limits (fetched: false, with a note). A
 * failed fetch falls back the same way and is counted. Outbox accounts are skipped. Expires
 * `lifetimeDays` after `now` (1..365; invalid-argument otherwise).
 */
[[nodiscard]] Result<ProfileExport> buildProfile(const std::vector<AccountRecord>& accounts,
                                                 const std::map<domain::Platform, LimitFetcher>& fetchers,
                                                 std::int64_t now,
                                                 std::int64_t lifetimeDays = bundle::kDefaultProfileLifetimeDays);

} // namespace postern::uploader
