// SPDX-License-Identifier: GPL-3.0-or-later
// The table of platform descriptors, made from POSTERN_PLATFORMS (PlatformList.h): each
// platform's folder under src/domain/platforms defines platforms::<folder>Platform().
#include "postern/domain/PlatformDescriptor.h"
#include "postern/domain/PlatformList.h"
#include "postern/domain/Post.h"

#include <algorithm>
#include <array>
#include <set>

namespace postern::domain {

namespace platforms {
#define POSTERN_PLATFORM_DECLARE(id, folder) const PlatformDescriptor& folder##Platform();
POSTERN_PLATFORMS(POSTERN_PLATFORM_DECLARE)
#undef POSTERN_PLATFORM_DECLARE
} // namespace platforms

namespace {

#define POSTERN_PLATFORM_COUNT(id, folder) +1
constexpr std::size_t kPlatformCount = 0 POSTERN_PLATFORMS(POSTERN_PLATFORM_COUNT);
#undef POSTERN_PLATFORM_COUNT

const std::array<const PlatformDescriptor*, kPlatformCount>& table()
{
    static const std::array<const PlatformDescriptor*, kPlatformCount> kTable{
#define POSTERN_PLATFORM_ENTRY(id, folder) &platforms::folder##Platform(),
        POSTERN_PLATFORMS(POSTERN_PLATFORM_ENTRY)
#undef POSTERN_PLATFORM_ENTRY
    };
    return kTable;
}

bool isLowerName(std::string_view s)
{
    return !s.empty()
           && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool isOptionKey(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

bool isColour(std::string_view s)
{
    return s.size() == 7 && s[0] == '#' && std::all_of(s.begin() + 1, s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

Status checkOption(const OptionSpec& o, const std::string& where)
{
    if (!isOptionKey(o.key))
        return fail(Errc::BadValue, where + " key must be lowercase letters and _");
    if (o.label.empty())
        return fail(Errc::MissingField, where + " has no label");
    if (o.type == OptionType::Choice) {
        if (o.choices.empty())
            return fail(Errc::MissingField, where + " is a choice without choices");
        std::set<std::string_view> values;
        for (const auto& c : o.choices) {
            if (c.value.empty() || c.label.empty() || !values.insert(c.value).second)
                return fail(Errc::BadValue, where + " has an empty, unlabelled or repeated choice");
        }
        if (!o.defaultChoice.empty() && !o.choice(o.defaultChoice))
            return fail(Errc::BadValue, where + " defaults to a value that is not one of its choices");
    } else if (!o.choices.empty() || !o.defaultChoice.empty()) {
        return fail(Errc::BadValue, where + " has choices but is not a choice");
    }
    if (o.type != OptionType::Bool && (o.defaultOn || o.inverted))
        return fail(Errc::BadValue, where + " has a check box default but is not true/false");
    if (o.type != OptionType::Text && o.maxLength != 0)
        return fail(Errc::BadValue, where + " has an input length but is not text");
    if (o.maxLength < 0 || o.maxLength > 500)
        return fail(Errc::BadValue, where + " input length must be 0 to 500");
    return {};
}

Status checkLimits(const PlatformLimits& l, const std::string& where)
{
    if (l.textLimits.empty())
        return fail(Errc::MissingField, where + " has no text limit");
    for (const auto& t : l.textLimits) {
        if (t.max < 1 || t.max > static_cast<std::int64_t>(kMaxTextBytes))
            return fail(Errc::BadValue, where + " text limit must be 1 to 16384");
    }
    if (l.maxMedia < 1 || l.maxMedia > static_cast<int>(kMaxMediaPerPost) || l.mimes.empty() || l.mediaSummary.empty())
        return fail(Errc::BadValue, where + " must take 1 to 35 attachments of named types, with a summary");
    for (const auto& m : l.mimes) {
        if (!mediaMimeAllowed(m))
            return fail(Errc::BadValue, where + " accepts " + m + ", which a post cannot carry");
    }
    if (l.requiresMedia && l.maxVideos < 1)
        return fail(Errc::BadValue, where + " requires a video but takes none");
    return {};
}

} // namespace

const OptionChoice* OptionSpec::choice(std::string_view value) const noexcept
{
    const auto it =
        std::find_if(choices.begin(), choices.end(), [&](const OptionChoice& c) { return c.value == value; });
    return it == choices.end() ? nullptr : &*it;
}

const OptionSpec* PlatformDescriptor::option(std::string_view key) const noexcept
{
    const auto it = std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) { return o.key == key; });
    return it == options.end() ? nullptr : &*it;
}

const PlatformDescriptor& descriptorFor(Platform platform) noexcept
{
    // The enum and the table come from the same list in the same order.
    const auto index = static_cast<std::size_t>(platform);
    return *table()[index < kPlatformCount ? index : 0];
}

std::span<const PlatformDescriptor* const> allPlatforms()
{
    return {table().data(), table().size()};
}

Status checkDescriptor(const PlatformDescriptor& d)
{
    const std::string where = "platform " + std::string(d.name);
    if (!isLowerName(d.name))
        return fail(Errc::BadValue, where + ": the name must be lowercase letters and digits");
    if (d.label.empty() || d.title.empty() || d.textNoun.empty())
        return fail(Errc::MissingField, where + ": label, title and text noun must be set");
    if (!isColour(d.accent))
        return fail(Errc::BadValue, where + ": the accent colour must be #rrggbb in lowercase");
    POSTERN_TRY(checkLimits(d.limits, where + ": limits"));
    std::set<std::string_view> keys;
    for (const auto& o : d.options) {
        const std::string w = where + ": option " + std::string(o.key);
        if (!keys.insert(o.key).second)
            return fail(Errc::DuplicateField, w + " is listed twice");
        POSTERN_TRY(checkOption(o, w));
    }
    if (!d.contentWarningOption.empty()) {
        const OptionSpec* cw = d.option(d.contentWarningOption);
        if (!cw || cw->type != OptionType::Text)
            return fail(Errc::BadValue, where + ": the content warning must be one of its text options");
    }
    if (d.manual && (!d.options.empty() || d.creatorSettings || d.instanceDefinesLimits))
        return fail(Errc::BadValue, where + ": a manual platform has no options and no live limits");
    return {};
}

} // namespace postern::domain
