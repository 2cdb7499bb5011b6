// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Channel.h"

#include "postern/domain/PlatformDescriptor.h"
#include "postern/util/Bytes.h"

namespace postern::domain {

std::string_view platformName(Platform p) noexcept
{
    for (const PlatformDescriptor* d : allPlatforms()) {
        if (d->id == p)
            return d->name;
    }
    return "unknown";
}

Result<Platform> parsePlatform(std::string_view name)
{
    std::string known;
    const auto all = allPlatforms();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i]->name == name)
            return all[i]->id;
        known += (i == 0 ? "" : (i + 1 == all.size() ? " and " : ", ")) + std::string(all[i]->name);
    }
    return fail(Errc::BadValue, "unknown platform \"" + std::string(name) + "\"; platforms are " + known);
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
