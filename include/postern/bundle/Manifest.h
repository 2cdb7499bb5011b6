// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Order.h"
#include "postern/domain/Policy.h"
#include "postern/domain/Post.h"

#include <string>
#include <vector>

namespace postern::bundle {

constexpr std::string_view kManifestType = "postern.manifest";
constexpr std::size_t kMaxPostsPerBundle = 1000;
constexpr std::size_t kMaxOrdersPerBundle = 1000;
constexpr std::size_t kMaxMediaPerBundle = 4000;
constexpr std::size_t kMaxApprovalsPerPost = 32;

/** MediaEntry is one file in the payload, in payload order. */
struct MediaEntry
{
    crypto::Digest hash{};
    std::uint64_t size = 0;
};

/** ManifestPost is one post version with the approvals that authorise it. */
struct ManifestPost
{
    domain::PostContent content;
    crypto::Digest digest{};                 ///< versionDigest of the content's exact bytes
    std::vector<domain::Approval> approvals; ///< sorted by approver key
};

/** ManifestOrder is one cancel or retract order with the approvals that authorise it. */
struct ManifestOrder
{
    domain::OrderContent order;
    crypto::Digest digest{};                 ///< orderDigest of the order's exact bytes
    std::vector<domain::Approval> approvals; ///< sorted by approver key
};

/**
 * Manifest is the signed table of contents inside a bundle (docs/bundle-format.md §4): the
 * policy chain, every post with its approvals, the cancel and retract orders with theirs, and
 * the media table that fixes the order and size of the media bytes that follow it in the
 * payload. A bundle carries at least one post or order.
 */
struct Manifest
{
    std::vector<domain::SignedPolicy> policies;
    std::vector<ManifestPost> posts;
    std::vector<ManifestOrder> orders; ///< serialised only when not empty (§4.2)
    std::vector<MediaEntry> media;

    /** serialize writes canonical JSON; approvals are sorted by key on the way out. */
    [[nodiscard]] std::string serialize() const;
    [[nodiscard]] std::uint64_t mediaBytes() const;
    /** buildMediaTable fills `media` from the posts: unique hashes in first-use order. */
    void buildMediaTable();
};

/**
 * parseManifest strictly parses manifest bytes: canonical JSON (non-canonical,
 * duplicate-field), exact schema (unknown-field, missing-field, wrong-type), limits
 * (too-large), approvals sorted with no key twice (duplicate-approver), unique post ids, a
 * media table that matches the posts exactly (bad-value), safe media names (bad-media-name),
 * unique order ids and no order about a post the same bundle carries (bad-value). Each post's
 * and order's digest is computed over its raw bytes as received.
 */
[[nodiscard]] Result<Manifest> parseManifest(std::string_view bytes);

} // namespace postern::bundle
