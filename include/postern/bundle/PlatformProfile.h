// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Keys.h"
#include "postern/domain/Channel.h"
#include "postern/domain/ChannelLimits.h"
#include "postern/util/Result.h"

#include <string>
#include <string_view>
#include <vector>

namespace postern::bundle {

constexpr std::string_view kProfileType = "postern.platform-profile";
constexpr std::int64_t kProfileFormatVersion = 1;
constexpr std::size_t kMaxProfileBytes = 64u << 10;
constexpr std::size_t kMaxProfileChannels = 64;
constexpr std::int64_t kDefaultProfileLifetimeDays = 30;
/** A profile created more than this far in the future is refused (clocks disagree). */
constexpr std::int64_t kProfileFutureSlack = 86400;

/** ProfileChannel is the live limits of one account the uploader publishes to. */
struct ProfileChannel
{
    domain::ChannelId channel;
    bool fetched = false;       ///< false: the platform's documented fixed limits, not asked live
    std::int64_t fetchedAt = 0; ///< when the limits were read (UTC seconds)
    domain::ChannelLimits limits;
};

/**
 * PlatformProfile is the uploader's signed, dated statement of what each of its accounts
 * accepts, carried to the workstation so the composer validates drafts against the live
 * limits (docs/bundle-format.md, "Platform profile"). Signed with the uploader's Ed25519 key
 * in the same envelope as receipts.
 */
struct PlatformProfile
{
    std::int64_t formatVersion = kProfileFormatVersion;
    crypto::PublicKey uploader{}; ///< set from the signing key by writeProfile
    std::int64_t created = 0;
    std::int64_t expires = 0;
    std::vector<ProfileChannel> channels; ///< sorted by channel id, no channel twice

    /** find returns the channel's entry, or nullptr. */
    [[nodiscard]] const ProfileChannel* find(const domain::ChannelId& channel) const;
    /** expiredAt reports whether the profile no longer applies at `now`. */
    [[nodiscard]] bool expiredAt(std::int64_t now) const noexcept { return now >= expires; }
};

/**
 * writeProfile validates `profile` with the same rules readProfile applies, sorts its
 * channels and returns the signed file text (canonical JSON plus one LF). Errors: too-large
 * (over 64 KiB or 64 channels), duplicate-field (a channel twice), bad-value (a limit out of
 * range, expires not after created, an option that does not belong to the platform).
 */
[[nodiscard]] Result<std::string> writeProfile(const PlatformProfile& profile, const crypto::SigningKey& uploaderKey);

/**
 * readProfile parses a profile and checks it is signed by `uploaderKey`. Strict like every
 * parser of outside data: 64 KiB, canonical JSON, no unknown or duplicate fields, sorted
 * channels and lists, values in range. Errors: bad-signature (another key, or altered),
 * unsupported-version, future-dated (`created` more than a day after `now`), and the parse
 * errors. An expired profile is NOT an error here: the caller decides (expiredAt).
 */
[[nodiscard]] Result<PlatformProfile>
readProfile(std::string_view text, const crypto::PublicKey& uploaderKey, std::int64_t now);

} // namespace postern::bundle
