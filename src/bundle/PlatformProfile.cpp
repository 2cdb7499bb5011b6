// SPDX-License-Identifier: GPL-3.0-or-later
// The signed platform profile (docs/bundle-format.md, "Platform profile"): written by
// `postern-uploader profile export`, read by the workstation. Same envelope as receipts.
#include "postern/bundle/PlatformProfile.h"

#include "postern/domain/PlatformDescriptor.h"
#include "postern/domain/Post.h"
#include "postern/domain/SignedDocument.h"

#include <algorithm>

namespace postern::bundle {

namespace {

constexpr std::int64_t kMaxCharacters = 1000000;
constexpr std::int64_t kMaxMediaCount = 100;
constexpr std::int64_t kMaxBytes = std::int64_t{1} << 40;
constexpr std::int64_t kMaxDuration = 7 * 86400;
constexpr std::int64_t kMaxUrlReserve = 10000;
constexpr std::size_t kMaxMimeTypes = 16;
constexpr std::size_t kMaxPrivacyOptions = 8;
constexpr std::size_t kMaxPrivacyOptionBytes = 64;

struct IntField
{
    std::string_view key;
    std::optional<std::int64_t> domain::ChannelLimits::*member;
    std::int64_t min;
    std::int64_t max;
};

constexpr IntField kIntFields[] = {
    {"characters_reserved_per_url", &domain::ChannelLimits::charactersReservedPerUrl, 0, kMaxUrlReserve},
    {"max_characters", &domain::ChannelLimits::maxCharacters, 1, kMaxCharacters},
    {"max_gif_bytes", &domain::ChannelLimits::maxGifBytes, 1, kMaxBytes},
    {"max_image_bytes", &domain::ChannelLimits::maxImageBytes, 1, kMaxBytes},
    {"max_media", &domain::ChannelLimits::maxMedia, 0, kMaxMediaCount},
    {"max_video_bytes", &domain::ChannelLimits::maxVideoBytes, 1, kMaxBytes},
    {"max_video_duration_s", &domain::ChannelLimits::maxVideoDurationS, 1, kMaxDuration},
};

struct FlagField
{
    std::string_view key;
    bool domain::ChannelLimits::*member;
};

constexpr FlagField kFlagFields[] = {{"comment_disabled", &domain::ChannelLimits::commentDisabled},
                                     {"duet_disabled", &domain::ChannelLimits::duetDisabled},
                                     {"stitch_disabled", &domain::ChannelLimits::stitchDisabled}};

Status validateList(const std::vector<std::string>& list, const std::string& where, bool privacy)
{
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string& s = list[i];
        if (privacy) {
            const bool ok =
                !s.empty() && s.size() <= kMaxPrivacyOptionBytes
                && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
            if (!ok)
                return fail(Errc::BadValue, where + " \"" + s + "\" is not a TikTok privacy level (A-Z and _)");
        } else if (!domain::mediaMimeAllowed(s)) {
            return fail(Errc::BadValue, where + " \"" + s + "\" is not a media type Postern carries");
        }
        if (i > 0 && list[i - 1] == s)
            return fail(Errc::DuplicateField, where + " lists \"" + s + "\" twice");
        if (i > 0 && !(list[i - 1] < s))
            return fail(Errc::NonCanonical, where + " must be sorted");
    }
    return {};
}

/** validateChannel checks one entry's values; the reader and the writer share it. */
Status validateChannel(const ProfileChannel& c, const std::string& where)
{
    const domain::ChannelLimits& l = c.limits;
    for (const auto& f : kIntFields) {
        const auto& v = l.*(f.member);
        if (v && (*v < f.min || *v > f.max))
            return fail(Errc::BadValue,
                        where + ".limits." + std::string(f.key) + " must be between " + std::to_string(f.min) + " and "
                            + std::to_string(f.max));
    }
    if (l.mimeTypes) {
        if (l.mimeTypes->size() > kMaxMimeTypes)
            return fail(Errc::TooLarge, where + ".limits.mime_types has more than 16 items");
        POSTERN_TRY(validateList(*l.mimeTypes, where + ".limits.mime_types", false));
    }
    // Creator settings are TikTok's (creator_info), allowed for platforms whose descriptor says so.
    const bool creator = domain::descriptorFor(c.channel.platform).creatorSettings;
    if (l.privacyLevelOptions) {
        if (!creator)
            return fail(Errc::BadValue, where + ".limits.privacy_level_options is a TikTok setting");
        if (l.privacyLevelOptions->size() > kMaxPrivacyOptions)
            return fail(Errc::TooLarge, where + ".limits.privacy_level_options has more than 8 items");
        POSTERN_TRY(validateList(*l.privacyLevelOptions, where + ".limits.privacy_level_options", true));
    }
    if (!creator && (l.commentDisabled || l.duetDisabled || l.stitchDisabled))
        return fail(Errc::BadValue, where + ".limits: comment, duet and stitch settings are TikTok settings");
    if (c.fetchedAt < 0)
        return fail(Errc::BadValue, where + ".fetched_at must not be negative");
    return {};
}

Status validateProfile(const PlatformProfile& p)
{
    if (p.formatVersion != kProfileFormatVersion)
        return fail(Errc::UnsupportedVersion,
                    "platform profile format " + std::to_string(p.formatVersion)
                        + " is not supported; this workstation reads format 1. Update Postern on both sides.");
    if (p.channels.size() > kMaxProfileChannels)
        return fail(Errc::TooLarge, "a platform profile lists at most 64 channels");
    if (p.created < 0 || p.expires <= p.created)
        return fail(Errc::BadValue, "the platform profile's expiry must come after its creation time");
    for (std::size_t i = 0; i < p.channels.size(); ++i) {
        const std::string where = "profile.channels[" + std::to_string(i) + "]";
        if (i > 0 && p.channels[i - 1].channel == p.channels[i].channel)
            return fail(Errc::DuplicateField, where + ": channel " + p.channels[i].channel.str() + " is listed twice");
        if (i > 0 && !(p.channels[i - 1].channel < p.channels[i].channel))
            return fail(Errc::NonCanonical, where + ": channels must be sorted by id");
        POSTERN_TRY(validateChannel(p.channels[i], where));
    }
    return {};
}

Json listJson(const std::vector<std::string>& list)
{
    Json a(Json::Array{});
    for (const auto& s : list)
        a.push(s);
    return a;
}

Result<std::vector<std::string>> readList(JsonFields& f, std::string_view key, std::size_t maxItems)
{
    POSTERN_ASSIGN(arr, f.array(key, maxItems));
    std::vector<std::string> out;
    for (const Json& item : arr->asArray()) {
        if (item.type() != Json::Type::String)
            return fail(Errc::WrongType, f.where() + "." + std::string(key) + " must hold strings");
        // Length is the list's own rule (a mime type or a privacy level), checked with its
        // content by validateList: an over-long item is bad-value like any other wrong one.
        out.push_back(item.asString());
    }
    return out;
}

Result<domain::ChannelLimits> readLimits(const Json& node, const std::string& where)
{
    JsonFields f(node, where);
    domain::ChannelLimits l;
    for (const auto& fl : kFlagFields) {
        if (!f.has(fl.key))
            continue;
        POSTERN_ASSIGN(v, f.boolean(fl.key));
        // One encoding per value: a flag that is off is left out.
        if (!v)
            return fail(Errc::NonCanonical, where + "." + std::string(fl.key) + " is written only when true");
        l.*(fl.member) = true;
    }
    for (const auto& fi : kIntFields) {
        if (!f.has(fi.key))
            continue;
        POSTERN_ASSIGN(v, f.integer(fi.key, fi.min, fi.max));
        l.*(fi.member) = v;
    }
    if (f.has("mime_types")) {
        POSTERN_ASSIGN(list, readList(f, "mime_types", kMaxMimeTypes));
        l.mimeTypes = std::move(list);
    }
    if (f.has("privacy_level_options")) {
        POSTERN_ASSIGN(list, readList(f, "privacy_level_options", kMaxPrivacyOptions));
        l.privacyLevelOptions = std::move(list);
    }
    POSTERN_TRY(f.finish());
    return l;
}

} // namespace

const ProfileChannel* PlatformProfile::find(const domain::ChannelId& channel) const
{
    for (const auto& c : channels) {
        if (c.channel == channel)
            return &c;
    }
    return nullptr;
}

Result<std::string> writeProfile(const PlatformProfile& profile, const crypto::SigningKey& uploaderKey)
{
    PlatformProfile p = profile;
    p.uploader = uploaderKey.publicKey();
    std::sort(p.channels.begin(), p.channels.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
    for (auto& c : p.channels) {
        if (c.limits.mimeTypes)
            std::sort(c.limits.mimeTypes->begin(), c.limits.mimeTypes->end());
        if (c.limits.privacyLevelOptions)
            std::sort(c.limits.privacyLevelOptions->begin(), c.limits.privacyLevelOptions->end());
    }
    POSTERN_TRY(validateProfile(p));
    Json channels(Json::Array{});
    for (const auto& c : p.channels) {
        Json limits(Json::Object{});
        for (const auto& fl : kFlagFields) {
            if (c.limits.*(fl.member))
                limits.set(std::string(fl.key), true);
        }
        for (const auto& fi : kIntFields) {
            if (const auto& v = c.limits.*(fi.member))
                limits.set(std::string(fi.key), *v);
        }
        if (c.limits.mimeTypes)
            limits.set("mime_types", listJson(*c.limits.mimeTypes));
        if (c.limits.privacyLevelOptions)
            limits.set("privacy_level_options", listJson(*c.limits.privacyLevelOptions));
        Json o(Json::Object{});
        o.set("channel", c.channel.str())
            .set("fetched", c.fetched)
            .set("fetched_at", c.fetchedAt)
            .set("limits", std::move(limits))
            .set("platform", std::string(domain::platformName(c.channel.platform)));
        channels.push(std::move(o));
    }
    Json body(Json::Object{});
    body.set("channels", std::move(channels))
        .set("created", p.created)
        .set("expires", p.expires)
        .set("format_version", p.formatVersion)
        .set("type", std::string(kProfileType))
        .set("uploader", toHex(p.uploader));
    std::string text = domain::signedFileText(domain::makeSignedDocument(body, {&uploaderKey}));
    if (text.size() > kMaxProfileBytes)
        return fail(Errc::TooLarge,
                    "the platform profile would be " + std::to_string(text.size())
                        + " bytes; the limit is 64 KiB. Remove accounts from the uploader or shorten their names.");
    return text;
}

Result<PlatformProfile> readProfile(std::string_view text, const crypto::PublicKey& uploaderKey, std::int64_t now)
{
    POSTERN_ASSIGN(doc, domain::readSignedFile(text, kProfileType, kMaxProfileBytes, 1));
    JsonFields f(doc.body, "profile");
    POSTERN_ASSIGN(channels, f.array("channels", kMaxProfileChannels));
    POSTERN_ASSIGN(created, f.integer("created", 0, INT64_MAX));
    POSTERN_ASSIGN(expires, f.integer("expires", 0, INT64_MAX));
    POSTERN_ASSIGN(version, f.integer("format_version", 0, INT64_MAX));
    POSTERN_ASSIGN(type, f.string("type"));
    (void)type;
    POSTERN_ASSIGN(uploaderHex, f.string("uploader"));
    POSTERN_TRY(f.finish());
    POSTERN_ASSIGN(uploader, crypto::keyFromHex(uploaderHex));
    // Signature first: nothing an unknown signer wrote is interpreted any further.
    if (!crypto::equalConstantTime(uploader, uploaderKey) || !doc.signedBy(uploaderKey))
        return fail(Errc::BadSignature,
                    "the platform profile is not signed by the trusted uploader; it may come from another "
                    "uploader or have been altered. Export a fresh one with `postern-uploader profile export`.");
    PlatformProfile p;
    p.formatVersion = version;
    p.uploader = uploader;
    p.created = created;
    p.expires = expires;
    if (version != kProfileFormatVersion)
        return validateProfile(p).error();
    if (now <= INT64_MAX - kProfileFutureSlack && created > now + kProfileFutureSlack)
        return fail(Errc::FutureDated,
                    "the platform profile is dated more than a day in the future; check the clocks of the uploader "
                    "and this workstation, then export it again");
    for (std::size_t i = 0; i < channels->asArray().size(); ++i) {
        const std::string where = "profile.channels[" + std::to_string(i) + "]";
        const Json& n = channels->asArray()[i];
        if (!n.isObject())
            return fail(Errc::WrongType, where + " must be an object");
        JsonFields cf(n, where);
        POSTERN_ASSIGN(channel, cf.string("channel"));
        POSTERN_ASSIGN(fetched, cf.boolean("fetched"));
        POSTERN_ASSIGN(fetchedAt, cf.integer("fetched_at", 0, INT64_MAX));
        POSTERN_ASSIGN(limitsNode, cf.object("limits"));
        POSTERN_ASSIGN(platform, cf.string("platform"));
        POSTERN_TRY(cf.finish());
        ProfileChannel c;
        POSTERN_ASSIGN(id, domain::ChannelId::parse(channel));
        if (domain::platformName(id.platform) != platform)
            return fail(Errc::BadValue, where + ".platform \"" + platform + "\" does not match channel " + channel);
        c.channel = std::move(id);
        c.fetched = fetched;
        c.fetchedAt = fetchedAt;
        POSTERN_ASSIGN(limits, readLimits(*limitsNode, where + ".limits"));
        c.limits = std::move(limits);
        p.channels.push_back(std::move(c));
    }
    POSTERN_TRY(validateProfile(p));
    return p;
}

} // namespace postern::bundle
