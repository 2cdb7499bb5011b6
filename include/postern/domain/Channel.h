// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <string>
#include <string_view>

namespace postern::domain {

/** Platform is a publishing target type. Outbox writes folders for manual posting. */
enum class Platform {
    Outbox,
    Bluesky,
    Mastodon,
    TikTok,
    X
};

[[nodiscard]] std::string_view platformName(Platform p) noexcept;
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
