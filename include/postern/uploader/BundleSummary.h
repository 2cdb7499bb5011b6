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
};

/** summarise builds the summary; approver names come from the policy the bundle was checked under. */
[[nodiscard]] BundleSummary summarise(const bundle::VerifiedBundle& verified, std::string workstationName);

/** approverNames maps a post's approvals to policy user names, sorted; unknown keys by fingerprint. */
[[nodiscard]] std::vector<std::string> approverNames(const bundle::ManifestPost& post, const domain::Policy& policy);

} // namespace postern::uploader
