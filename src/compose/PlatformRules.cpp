// SPDX-License-Identifier: GPL-3.0-or-later
// What each platform accepts in one post: the limits of the platform descriptors
// (src/domain/platforms/<name>/, where each value's source is cited; the table with links is
// docs/compose.md, "Platform limits"), with the platform and its label for messages.
#include "postern/compose/PlatformRules.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace postern::compose {

namespace {

constexpr std::uint64_t kMB = 1000 * 1000;
constexpr std::uint64_t kMiB = 1024 * 1024;

const std::vector<PlatformRules>& table()
{
    static const std::vector<PlatformRules> kRules = [] {
        std::vector<PlatformRules> rules;
        for (const domain::PlatformDescriptor* d : domain::allPlatforms()) {
            PlatformRules r;
            static_cast<domain::PlatformLimits&>(r) = d->limits;
            r.platform = d->id;
            r.displayName = std::string(d->label);
            rules.push_back(std::move(r));
        }
        return rules;
    }();
    return kRules;
}

} // namespace

MediaKind mediaKindOf(std::string_view mime) noexcept
{
    if (mime == "image/gif")
        return MediaKind::Gif;
    if (mime.substr(0, 6) == "video/")
        return MediaKind::Video;
    return MediaKind::Image;
}

bool PlatformRules::acceptsMime(std::string_view mime) const
{
    return std::find(mimes.begin(), mimes.end(), mime) != mimes.end();
}

const PlatformRules& rulesFor(domain::Platform platform)
{
    // Built in Platform order from allPlatforms(), so the index is the enum's value.
    const auto index = static_cast<std::size_t>(platform);
    return table()[index < table().size() ? index : 0];
}

std::span<const PlatformRules> allPlatformRules()
{
    return {table().data(), table().size()};
}

std::string formatBytes(std::uint64_t bytes)
{
    char buf[48];
    if (bytes >= kMiB && bytes % kMiB == 0 && bytes % kMB != 0) {
        std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(bytes / kMiB));
    } else if (bytes >= 1000 * kMB && bytes % (1000 * kMB) == 0) {
        std::snprintf(buf, sizeof buf, "%llu GB", static_cast<unsigned long long>(bytes / (1000 * kMB)));
    } else if (bytes >= kMB && bytes % kMB == 0) {
        std::snprintf(buf, sizeof buf, "%llu MB", static_cast<unsigned long long>(bytes / kMB));
    } else if (bytes >= kMB) {
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / static_cast<double>(kMB));
    } else if (bytes >= 1000) {
        std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1000.0);
    } else {
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    }
    return buf;
}

} // namespace postern::compose
