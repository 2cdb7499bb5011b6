// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleVerifier.h"

#include <string>
#include <vector>

namespace postern::uploader {

/** PostSummary describes one post of a verified bundle, without its text. */
struct PostSummary
{
    std::string postId;
    std::int64_t version = 0;
    std::int64_t schedule = 0;          ///< 0 = on arrival
    std::vector<std::string> channels;  ///< "platform:account", manifest order
    std::vector<std::string> approvers; ///< names from the policy, sorted
    std::size_t mediaCount = 0;
};

/**
 * XCost estimates what X bills for a bundle's X posts, per its documented pay-per-request
 * prices (docs.x.com/x-api/getting-started/pricing, checked 2026-12-07): a post $0.015, a post
 * whose text holds a URL $0.200, an alt text (media metadata) $0.005. In mills ($0.001), so
 * no rounding happens before the total. Reconciling reads after a lost answer are extra.
 */
struct XCost
{
    static constexpr std::int64_t kPost = 15;         ///< $0.015
    static constexpr std::int64_t kPostWithUrl = 200; ///< $0.200
    static constexpr std::int64_t kAltText = 5;       ///< $0.005 (POST /2/media/metadata)
    static constexpr std::int64_t kRead = 5;          ///< $0.005 per post read while reconciling

    std::size_t posts = 0;
    std::size_t postsWithUrl = 0;
    std::size_t altTexts = 0;
    [[nodiscard]] std::int64_t mills() const
    {
        return static_cast<std::int64_t>(posts) * kPost + static_cast<std::int64_t>(postsWithUrl) * kPostWithUrl
               + static_cast<std::int64_t>(altTexts) * kAltText;
    }
};

/** BundleSummary is what `verify` and `publish` print about a bundle that passed every check. */
struct BundleSummary
{
    bundle::BundleId id{};
    /** fingerprint of the 296 header bytes, grouped as the workstation's export dialog shows it:
     *  the operator reads it back against the transfer form (docs/export.md). */
    std::string fingerprint;
    std::string workstationName;
    std::string workstationFingerprint;
    std::uint64_t sequence = 0;
    std::int64_t created = 0;
    std::int64_t expires = 0;
    std::int64_t policyVersion = 0;
    bool policyAdvanced = false;
    std::vector<PostSummary> posts;
    std::size_t mediaCount = 0;
    std::uint64_t mediaBytes = 0;
    XCost xCost; ///< what the bundle's X channels will cost (all zero without X)
};

/** summarise builds the summary; approver names come from the policy the bundle was checked under. */
[[nodiscard]] BundleSummary summarise(const bundle::VerifiedBundle& verified, std::string workstationName);

/** approverNames maps a post's approvals to policy user names, sorted; unknown keys by fingerprint. */
[[nodiscard]] std::vector<std::string> approverNames(const bundle::ManifestPost& post, const domain::Policy& policy);

} // namespace postern::uploader
