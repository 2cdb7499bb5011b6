// SPDX-License-Identifier: GPL-3.0-or-later
// The platform profile the uploader exports for the workstation (docs/uploader.md,
// "profile export"): live limits where a platform offers them, documented ones elsewhere.
#include "postern/uploader/platforms/ProfileExport.h"

#include "postern/compose/PlatformRules.h"
#include "postern/domain/Post.h"

#include <algorithm>
#include <set>

namespace postern::uploader {

namespace {

/** intIn reads `key` of `object` when it is an integer within [min, max]. */
std::optional<std::int64_t> intIn(const PlatformJson* object, std::string_view key, std::int64_t min, std::int64_t max)
{
    const PlatformJson* v = object ? object->find(key) : nullptr;
    if (!v || !v->isInt() || v->asInt() < min || v->asInt() > max)
        return std::nullopt;
    return v->asInt();
}

constexpr std::int64_t kMaxBytes = std::int64_t{1} << 40;

bool isPrivacyLevel(const std::string& s)
{
    return !s.empty() && s.size() <= 64
           && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

bool empty(const domain::ChannelLimits& l)
{
    return l == domain::ChannelLimits{};
}

} // namespace

domain::ChannelLimits documentedLimits(domain::Platform platform)
{
    domain::ChannelLimits l;
    if (platform == domain::Platform::Outbox)
        return l;
    const compose::PlatformRules& r = compose::rulesFor(platform);
    if (!r.textLimits.empty())
        l.maxCharacters = r.textLimits.front().max;
    l.maxMedia = r.maxMedia;
    if (r.maxImageBytes > 0)
        l.maxImageBytes = static_cast<std::int64_t>(r.maxImageBytes);
    if (r.maxGifBytes > 0)
        l.maxGifBytes = static_cast<std::int64_t>(r.maxGifBytes);
    if (r.maxVideoBytes > 0)
        l.maxVideoBytes = static_cast<std::int64_t>(r.maxVideoBytes);
    std::vector<std::string> mimes = r.mimes;
    std::sort(mimes.begin(), mimes.end());
    l.mimeTypes = std::move(mimes);
    return l;
}

domain::ChannelLimits mastodonLimits(const PlatformJson& configuration)
{
    domain::ChannelLimits l;
    const PlatformJson* statuses = configuration.find("statuses");
    const PlatformJson* media = configuration.find("media_attachments");
    l.maxCharacters = intIn(statuses, "max_characters", 1, 1000000);
    l.maxMedia = intIn(statuses, "max_media_attachments", 0, 100);
    l.charactersReservedPerUrl = intIn(statuses, "characters_reserved_per_url", 0, 10000);
    // Mastodon's image_size_limit covers GIFs too: it takes them as images (and converts them).
    l.maxImageBytes = l.maxGifBytes = intIn(media, "image_size_limit", 1, kMaxBytes);
    l.maxVideoBytes = intIn(media, "video_size_limit", 1, kMaxBytes);
    const PlatformJson* types = media ? media->find("supported_mime_types") : nullptr;
    if (types && types->isArray()) {
        // An instance lists dozens (audio, HEIC, ...); only what a Postern post can carry matters.
        std::set<std::string> kept;
        for (const PlatformJson& t : types->asArray()) {
            if (t.isString() && domain::mediaMimeAllowed(t.asString()))
                kept.insert(t.asString());
        }
        l.mimeTypes = std::vector<std::string>(kept.begin(), kept.end());
    }
    return l;
}

domain::ChannelLimits tiktokLimits(const TikTokCreator& creator)
{
    domain::ChannelLimits l = documentedLimits(domain::Platform::TikTok);
    std::set<std::string> options;
    for (const auto& o : creator.privacyOptions) {
        if (isPrivacyLevel(o))
            options.insert(o);
    }
    l.privacyLevelOptions = std::vector<std::string>(options.begin(), options.end());
    l.commentDisabled = creator.commentDisabled;
    l.duetDisabled = creator.duetDisabled;
    l.stitchDisabled = creator.stitchDisabled;
    if (creator.maxDurationSec > 0 && creator.maxDurationSec <= 7 * 86400)
        l.maxVideoDurationS = creator.maxDurationSec;
    return l;
}

std::map<domain::Platform, LimitFetcher> liveFetchers(MastodonAdapter& mastodon, TikTokAdapter& tiktok)
{
    std::map<domain::Platform, LimitFetcher> fetchers;
    fetchers[domain::Platform::Mastodon] = [&mastodon](const AccountRecord& a) -> Result<domain::ChannelLimits> {
        POSTERN_ASSIGN(config, mastodon.instanceConfiguration(a.channel));
        return mastodonLimits(config);
    };
    fetchers[domain::Platform::TikTok] = [&tiktok](const AccountRecord& a) -> Result<domain::ChannelLimits> {
        POSTERN_ASSIGN(creator, tiktok.creatorInfo(a.channel));
        return tiktokLimits(creator);
    };
    return fetchers;
}

Result<ProfileExport> buildProfile(const std::vector<AccountRecord>& accounts,
                                   const std::map<domain::Platform, LimitFetcher>& fetchers,
                                   std::int64_t now,
                                   std::int64_t lifetimeDays)
{
    if (lifetimeDays < 1 || lifetimeDays > 365)
        return fail(Errc::InvalidArgument, "a platform profile is valid for 1 to 365 days");
    ProfileExport out;
    out.profile.created = now;
    out.profile.expires = now + lifetimeDays * 86400;
    for (const auto& a : accounts) {
        POSTERN_ASSIGN(channel, domain::ChannelId::parse(a.channel));
        if (channel.platform == domain::Platform::Outbox)
            continue;
        bundle::ProfileChannel c;
        c.channel = channel;
        c.fetchedAt = now;
        const auto fetcher = fetchers.find(channel.platform);
        if (fetcher != fetchers.end()) {
            auto live = fetcher->second(a);
            if (live && !empty(*live)) {
                c.fetched = true;
                c.limits = std::move(*live);
                out.profile.channels.push_back(std::move(c));
                continue;
            }
            if (!live) {
                ++out.fetchFailures;
                out.notes.push_back(a.channel + ": could not fetch live limits (" + live.error().what()
                                    + "); the documented limits are written instead");
            } else {
                out.notes.push_back(a.channel + ": the platform reported no limits; the documented ones are written");
            }
        } else {
            out.notes.push_back(a.channel + ": " + std::string(domain::platformName(channel.platform))
                                + " limits are not fetched live; the documented limits are written");
        }
        c.limits = documentedLimits(channel.platform);
        out.profile.channels.push_back(std::move(c));
    }
    return out;
}

} // namespace postern::uploader
