// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Channel.h"

#include "postern/util/Bytes.h"

namespace postern::domain {

namespace {
constexpr std::pair<Platform, std::string_view> kPlatforms[] = {{Platform::Outbox, "outbox"},
                                                                {Platform::Bluesky, "bluesky"},
                                                                {Platform::Mastodon, "mastodon"},
                                                                {Platform::TikTok, "tiktok"},
                                                                {Platform::X, "x"}};
} // namespace

std::string_view platformName(Platform p) noexcept
{
    for (const auto& [platform, name] : kPlatforms) {
        if (platform == p)
            return name;
    }
    return "unknown";
}

Result<Platform> parsePlatform(std::string_view name)
{
    for (const auto& [platform, n] : kPlatforms) {
        if (n == name)
            return platform;
    }
    return fail(Errc::BadValue,
                "unknown platform \"" + std::string(name)
                    + "\"; platforms are outbox, bluesky, mastodon, tiktok and x");
}

std::string ChannelId::str() const
{
    return std::string(platformName(platform)) + ":" + account;
}

Status ChannelId::validateAccount(std::string_view account)
{
    if (account.empty() || account.size() > 128)
        return fail(Errc::BadValue, "account names must be 1 to 128 bytes");
    if (!isValidUtf8(account))
        return fail(Errc::BadEncoding, "account name is not valid UTF-8");
    for (char c : account) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '/' || c == '\\')
            return fail(Errc::BadValue,
                        "account name \"" + std::string(account)
                            + "\" contains a space, slash, backslash or control character");
    }
    return {};
}

Result<ChannelId> ChannelId::parse(std::string_view text)
{
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return fail(Errc::BadValue,
                    "channel \"" + std::string(text)
                        + "\" must be written platform:account, e.g. bluesky:press.example.org");
    ChannelId id;
    POSTERN_ASSIGN(platform, parsePlatform(text.substr(0, colon)));
    id.platform = platform;
    id.account = std::string(text.substr(colon + 1));
    POSTERN_TRY(validateAccount(id.account));
    return id;
}

} // namespace postern::domain
