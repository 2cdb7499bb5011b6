// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/PlatformList.h"
#include "postern/util/Result.h"

#include <string>
#include <string_view>

namespace postern::domain {

/**
 * Platform is a publishing target type. Outbox writes folders for manual posting. The values
 * come from POSTERN_PLATFORMS (PlatformList.h); what each platform is lives in its descriptor
 * (PlatformDescriptor.h).
 */
enum class Platform {
#define POSTERN_PLATFORM_ENUM(id, folder) id,
    POSTERN_PLATFORMS(POSTERN_PLATFORM_ENUM)
#undef POSTERN_PLATFORM_ENUM
};

/** platformName is the platform's name in channel ids and files ("mastodon"); "unknown" for no platform. */
[[nodiscard]] std::string_view platformName(Platform p) noexcept;
/** parsePlatform reads a platform name; the error lists the known names. */
[[nodiscard]] Result<Platform> parsePlatform(std::string_view name);

/**
 * ChannelId names one account on one platform, written "platform:account", e.g.
 * "mastodon:@press@social.example". Accounts are 1..128 bytes of printable UTF-8 without
 * spaces, slashes, backslashes or control characters; they are labels, never paths.
 */
struct ChannelId
{
    Platform platform = Platform::Outbox;
    std::string account;

    [[nodiscard]] std::string str() const;
    [[nodiscard]] static Result<ChannelId> parse(std::string_view text);
    [[nodiscard]] static Status validateAccount(std::string_view account);

    friend bool operator==(const ChannelId&, const ChannelId&) = default;
    friend auto operator<=>(const ChannelId& a, const ChannelId& b) { return a.str() <=> b.str(); }
};

} // namespace postern::domain
