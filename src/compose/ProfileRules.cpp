// SPDX-License-Identifier: GPL-3.0-or-later
// Built-in platform rules adjusted by a signed platform profile (docs/compose.md, "Platform
// profiles"). The built-in table is the strictest reading of the platforms' documentation;
// the profile is what the uploader saw live. A profile may only tighten, except where the
// built-in value is a stand-in for a per-instance setting (Mastodon: the descriptor's
// instanceDefinesLimits), where it replaces it.
#include "postern/compose/PlatformRules.h"
#include "postern/domain/Post.h"

#include <algorithm>

namespace postern::compose {

namespace {

template <typename T>
T tighten(T current, std::int64_t value)
{
    return std::min(current, static_cast<T>(std::max<std::int64_t>(value, 0)));
}

std::uint64_t sizeCap(std::uint64_t current, std::int64_t value, bool authority)
{
    const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(value, 0));
    // Even an authority cannot lift a size over the post format's own cap.
    return authority ? std::min<std::uint64_t>(v, domain::kMaxMediaBytes) : std::min(current, v);
}

std::string countOf(int n, std::string_view one, std::string_view many)
{
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

/** summary re-words "4 images, or 1 GIF, or 1 video" after the counts changed. */
std::string summary(const PlatformRules& r)
{
    std::vector<std::string> parts;
    if (r.maxImages > 0)
        parts.push_back(countOf(r.maxImages, "image", "images"));
    if (r.maxGifs > 0 && !r.gifCountsAsImage)
        parts.push_back(countOf(r.maxGifs, "GIF", "GIFs"));
    if (r.maxVideos > 0)
        parts.push_back(countOf(r.maxVideos, "video", "videos"));
    if (parts.empty())
        return "no attachments";
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i == 0 ? "" : (r.mixImagesAndVideo ? ", " : ", or ")) + parts[i];
    if (r.mixImagesAndVideo)
        out += " (" + countOf(r.maxMedia, "file", "files") + " in all)";
    return out;
}

} // namespace

PlatformRules applyProfile(const PlatformRules& base, const domain::ChannelLimits& limits)
{
    PlatformRules r = base;
    const bool instance = domain::descriptorFor(base.platform).instanceDefinesLimits;
    if (limits.maxCharacters && !r.textLimits.empty()) {
        // The first text limit is the one people see (graphemes, weighted characters, UTF-16
        // units); Bluesky's byte cap stays as it is.
        auto& main = r.textLimits.front();
        main.max = instance ? *limits.maxCharacters : tighten(main.max, *limits.maxCharacters);
    }
    if (limits.maxMedia) {
        const int v = static_cast<int>(std::clamp<std::int64_t>(*limits.maxMedia, 0, domain::kMaxMediaPerPost));
        if (instance) {
            // max_media_attachments is the instance's image count; a video or GIF stays alone.
            r.maxMedia = r.maxImages = v;
        } else {
            r.maxMedia = tighten(r.maxMedia, v);
            r.maxImages = tighten(r.maxImages, v);
        }
        r.maxVideos = tighten(r.maxVideos, v);
        r.maxGifs = tighten(r.maxGifs, v);
    }
    if (limits.maxImageBytes)
        r.maxImageBytes = sizeCap(r.maxImageBytes, *limits.maxImageBytes, instance);
    if (limits.maxGifBytes)
        r.maxGifBytes = sizeCap(r.maxGifBytes, *limits.maxGifBytes, instance);
    if (limits.maxVideoBytes)
        r.maxVideoBytes = sizeCap(r.maxVideoBytes, *limits.maxVideoBytes, instance);
    if (limits.mimeTypes) {
        // Narrower only, for every platform: the built-in list is what Postern can carry there.
        std::vector<std::string> kept;
        for (const auto& m : r.mimes) {
            if (std::find(limits.mimeTypes->begin(), limits.mimeTypes->end(), m) != limits.mimeTypes->end())
                kept.push_back(m);
        }
        r.mimes = std::move(kept);
    }
    if (r.maxMedia != base.maxMedia || r.maxImages != base.maxImages || r.maxGifs != base.maxGifs
        || r.maxVideos != base.maxVideos)
        r.mediaSummary = summary(r);
    return r;
}

} // namespace postern::compose
