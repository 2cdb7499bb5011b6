// SPDX-License-Identifier: GPL-3.0-or-later
// The composer's limit checks: every channel's platform rules against the draft.
#include "postern/compose/DraftCheck.h"

#include "postern/compose/PlatformRules.h"

#include <algorithm>

namespace postern::compose {

namespace {

std::string num(std::int64_t n)
{
    return std::to_string(n);
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many)
{
    return num(n) + " " + std::string(n == 1 ? one : many);
}

std::string unitHint(CountUnit unit)
{
    switch (unit) {
    case CountUnit::XWeighted:
        return " (URLs count as 23, emoji and CJK characters as 2)";
    case CountUnit::MastodonChars:
        return " (URLs count as 23; a content warning counts too)";
    case CountUnit::Utf16Units:
        return " (most emoji count as 2)";
    default:
        return "";
    }
}

std::string textMessage(const PlatformRules& rules,
                        std::string_view what,
                        const CounterValue& c,
                        std::string_view how = "shorten it")
{
    const std::int64_t over = c.used - c.max;
    return rules.displayName + ": " + std::string(what) + " is " + num(c.used) + " of " + num(c.max) + " "
           + std::string(countUnitName(c.unit)) + "; " + std::string(how) + " by " + num(over) + unitHint(c.unit) + ".";
}

/** optionField finds the option key an error from domain::validateOptions(…, "options") is about. */
std::string optionField(const std::string& message)
{
    for (const std::string_view marker : {"option \"", "options."}) {
        const auto at = message.find(marker);
        if (at == std::string::npos)
            continue;
        const auto begin = at + marker.size();
        auto end = begin;
        while (end < message.size() && message[end] != '"' && message[end] != ' ')
            ++end;
        if (end > begin)
            return "options." + message.substr(begin, end - begin);
    }
    return "options";
}

std::string kindNoun(MediaKind k, std::int64_t n)
{
    switch (k) {
    case MediaKind::Image:
        return n == 1 ? "image" : "images";
    case MediaKind::Gif:
        return n == 1 ? "GIF" : "GIFs";
    case MediaKind::Video:
        return n == 1 ? "video" : "videos";
    }
    return "files";
}

void checkText(const PlatformRules& rules, const CheckChannel& ch, std::vector<Violation>& out)
{
    const domain::PlatformDescriptor& platform = domain::descriptorFor(rules.platform);
    std::int64_t reserved = 0;
    if (const Json* cw = ch.options.isObject() && !platform.contentWarningOption.empty()
                             ? ch.options.find(platform.contentWarningOption)
                             : nullptr;
        cw && cw->type() == Json::Type::String)
        reserved = graphemeCount(cw->asString());
    for (const auto& limit : rules.textLimits) {
        const std::int64_t extra = limit.unit == CountUnit::MastodonChars ? reserved : 0;
        const Measure m = measureText(limit.unit, ch.text, limit.max - extra);
        const CounterValue c{limit.unit, m.used + extra, limit.max};
        if (!c.over())
            continue;
        out.push_back({ch.channel.str(), "text", textMessage(rules, platform.textNoun, c), m.crossOffset});
    }
}

void checkMedia(const PlatformRules& rules,
                const std::string& channel,
                const std::vector<CheckMedia>& media,
                std::vector<Violation>& out)
{
    const std::string& p = rules.displayName;
    std::int64_t counts[3] = {0, 0, 0};
    for (std::size_t i = 0; i < media.size(); ++i) {
        const CheckMedia& m = media[i];
        const std::string field = "media[" + std::to_string(i) + "]";
        if (!rules.acceptsMime(m.mime)) {
            std::string list;
            for (const auto& t : rules.mimes)
                list += (list.empty() ? "" : ", ") + t;
            out.push_back({channel,
                           field,
                           p + ": " + m.name + " is " + m.mime + ", which " + p + " does not take (it takes " + list
                               + "); remove it or post it to other channels only.",
                           -1});
            continue;
        }
        MediaKind kind = mediaKindOf(m.mime);
        if (kind == MediaKind::Gif && rules.gifCountsAsImage)
            kind = MediaKind::Image;
        ++counts[static_cast<int>(kind)];
        const std::uint64_t cap =
            mediaKindOf(m.mime) == MediaKind::Video
                ? rules.maxVideoBytes
                : (mediaKindOf(m.mime) == MediaKind::Gif ? rules.maxGifBytes : rules.maxImageBytes);
        if (m.size > cap)
            out.push_back({channel,
                           field,
                           p + ": " + m.name + " is " + formatBytes(m.size) + "; " + p + " takes "
                               + kindNoun(mediaKindOf(m.mime), 2) + " up to " + formatBytes(cap)
                               + ". Make it smaller or remove it.",
                           -1});
        if (rules.altLimit) {
            const Measure a = measureText(rules.altLimit->unit, m.alt, rules.altLimit->max);
            const CounterValue c{rules.altLimit->unit, a.used, rules.altLimit->max};
            if (c.over())
                out.push_back({channel, field + ".alt", textMessage(rules, "alt text of " + m.name, c), a.crossOffset});
        }
    }
    const std::int64_t total = counts[0] + counts[1] + counts[2];
    if (total > rules.maxMedia)
        out.push_back({channel,
                       "media",
                       p + ": " + plural(total, "attachment", "attachments") + "; " + p + " takes " + rules.mediaSummary
                           + ". Remove " + num(total - rules.maxMedia) + ".",
                       -1});
    const int kinds = (counts[0] > 0) + (counts[1] > 0) + (counts[2] > 0);
    if (!rules.mixImagesAndVideo && kinds > 1) {
        out.push_back({channel,
                       "media",
                       p + ": images, GIFs and videos cannot be mixed in one post; " + p + " takes "
                           + rules.mediaSummary + ". Post the others separately.",
                       -1});
    } else {
        const int maxes[3] = {rules.maxImages, rules.maxGifs, rules.maxVideos};
        for (int k = 0; k < 3; ++k) {
            const auto kind = static_cast<MediaKind>(k);
            if (counts[k] > maxes[k] && total <= rules.maxMedia)
                out.push_back({channel,
                               "media",
                               p + ": " + num(counts[k]) + " " + kindNoun(kind, counts[k]) + "; " + p + " takes "
                                   + rules.mediaSummary + ". Remove " + num(counts[k] - maxes[k]) + ".",
                               -1});
        }
    }
    if (rules.requiresMedia && counts[static_cast<int>(MediaKind::Video)] == 0)
        out.push_back({channel,
                       "media",
                       p + ": a " + p + " post is a video; attach " + rules.mediaSummary + " or remove the channel.",
                       -1});
}

/**
 * checkCreatorSettings holds a post to what the creator's account allows, as the uploader's
 * profile reported it (TikTok's creator_info): the platform refuses anything else at publish
 * time. Platforms whose descriptor has creatorSettings use TikTok's option keys for them.
 */
void checkCreatorSettings(const PlatformRules& rules,
                          const CheckChannel& ch,
                          const domain::ChannelLimits& limits,
                          std::vector<Violation>& out)
{
    if (!domain::descriptorFor(ch.channel.platform).creatorSettings || !ch.options.isObject())
        return;
    const std::string channel = ch.channel.str();
    const Json* privacy = ch.options.find("privacy_level");
    if (limits.privacyLevelOptions && privacy && privacy->type() == Json::Type::String) {
        const auto& allowed = *limits.privacyLevelOptions;
        if (std::find(allowed.begin(), allowed.end(), privacy->asString()) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed)
                list += (list.empty() ? "" : ", ") + a;
            out.push_back({channel,
                           "options.privacy_level",
                           rules.displayName + ": this account may not post with privacy level " + privacy->asString()
                               + " (the uploader's platform profile allows "
                               + (list.empty() ? std::string("none") : list) + "); choose one of those.",
                           -1});
        }
    }
    struct Toggle
    {
        std::string_view key;
        bool creatorDisabled;
        std::string_view noun;
    };
    const Toggle toggles[] = {{"disable_comment", limits.commentDisabled, "comments"},
                              {"disable_duet", limits.duetDisabled, "duets"},
                              {"disable_stitch", limits.stitchDisabled, "stitches"}};
    for (const auto& t : toggles) {
        const Json* v = ch.options.find(t.key);
        if (!t.creatorDisabled || !v || v->type() != Json::Type::Bool || v->asBool())
            continue;
        out.push_back({channel,
                       "options." + std::string(t.key),
                       rules.displayName + ": the creator turned " + std::string(t.noun)
                           + " off for this account, so this post cannot allow them; set " + std::string(t.key)
                           + " to true.",
                       -1});
    }
}

} // namespace

std::vector<Violation> checkDraft(const DraftCheckInput& input)
{
    std::vector<Violation> out;
    for (const auto& ch : input.channels) {
        const std::string channel = ch.channel.str();
        const auto live = input.channelLimits.find(channel);
        const PlatformRules rules = live == input.channelLimits.end()
                                        ? rulesFor(ch.channel.platform)
                                        : applyProfile(rulesFor(ch.channel.platform), live->second);
        checkText(rules, ch, out);
        checkMedia(rules, channel, input.media, out);
        if (auto s = domain::validateOptions(ch.channel.platform, ch.options, "options"); !s)
            out.push_back(
                {channel, optionField(s.error().message), rules.displayName + ": " + s.error().message + ".", -1});
        if (live != input.channelLimits.end())
            checkCreatorSettings(rules, ch, live->second, out);
    }
    return out;
}

std::vector<Violation> checkPost(const domain::PostContent& content,
                                 const std::map<std::string, domain::ChannelLimits>& channelLimits)
{
    DraftCheckInput in;
    in.channelLimits = channelLimits;
    for (const auto& c : content.channels)
        in.channels.push_back({c.channel, c.text, c.options});
    for (const auto& m : content.media)
        in.media.push_back({m.mime, m.size, m.alt, m.name});
    return checkDraft(in);
}

std::string summariseViolations(const std::vector<Violation>& violations, std::size_t max)
{
    std::string out;
    for (std::size_t i = 0; i < violations.size() && i < max; ++i) {
        const auto& v = violations[i];
        if (!out.empty())
            out += " ";
        out += (v.channel.empty() ? std::string() : "[" + v.channel + "] ") + v.message;
    }
    if (violations.size() > max)
        out += " (" + std::to_string(violations.size() - max) + " more; run `postern-cli check` to see all)";
    return out;
}

} // namespace postern::compose
