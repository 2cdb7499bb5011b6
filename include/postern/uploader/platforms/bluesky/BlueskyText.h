// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postern::uploader {

/** FacetKind is the kind of rich-text span Bluesky needs a facet for. */
enum class FacetKind {
    Link,    ///< app.bsky.richtext.facet#link, value = the URI
    Tag,     ///< app.bsky.richtext.facet#tag, value = the tag without '#'
    Mention, ///< app.bsky.richtext.facet#mention, value = the handle without '@' (resolved later)
};

/** FacetSpan is one detected span; offsets are UTF-8 byte offsets into the text, end exclusive. */
struct FacetSpan
{
    FacetKind kind = FacetKind::Link;
    std::size_t byteStart = 0;
    std::size_t byteEnd = 0;
    std::string value;
};

/**
 * detectFacets finds links (http:// and https://), hashtags (#tag) and mentions
 * (@handle.with.dots) in post text, the way Bluesky's own clients do: a hashtag or mention
 * starts at the beginning or after whitespace or '('; trailing punctuation (.,;:!?'")
 * and an unmatched ')' are not part of a link or tag; a tag is at most 64 bytes and not all
 * digits. Spans never overlap. The server does not detect links itself: no facet, no link.
 */
[[nodiscard]] std::vector<FacetSpan> detectFacets(std::string_view text);

/**
 * recordKeyFor derives the Bluesky record key (a TID) of one target deterministically, so that
 * a retry or a resume after a crash always chooses the same key and can ask whether it exists:
 *
 *   microseconds = created * 1,000,000 + postIndex * 64 + channelIndex
 *   clock id     = first 10 bits of BLAKE2b-256("postern-bluesky-rkey-v1" || bundle id)
 *   TID          = base32-sortable(microseconds << 10 | clock id), 13 characters
 *
 * `created` is the bundle's creation time (seconds), so keys sort like the posts and stay
 * near the real time; the clock id separates bundles created in the same second. Needs
 * postIndex < 15625 and channelIndex < 64 (bad-value otherwise).
 * TID format: https://atproto.com/specs/tid
 */
[[nodiscard]] Result<std::string>
recordKeyFor(const bundle::BundleId& bundleId, std::int64_t created, std::size_t postIndex, std::size_t channelIndex);

/** isValidTid checks the TID syntax: 13 base32-sortable characters, first one 2-7 or a-j. */
[[nodiscard]] bool isValidTid(std::string_view tid) noexcept;

} // namespace postern::uploader
