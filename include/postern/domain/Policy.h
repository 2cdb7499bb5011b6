// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Channel.h"
#include "postern/domain/Roles.h"
#include "postern/domain/SignedDocument.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace postern::domain {

constexpr std::string_view kPolicyType = "postern.policy";
constexpr std::size_t kMaxPolicyBytes = 1u << 20;
constexpr std::size_t kMaxPolicyUsers = 256;
constexpr std::size_t kMaxPolicyChannels = 256;
constexpr std::size_t kMaxPolicyChain = 256;
constexpr std::int64_t kMinLifetime = 60;             // one minute
constexpr std::int64_t kMaxLifetime = 30 * 24 * 3600; // thirty days

/** PolicyUser binds a person's name and public key to their roles. */
struct PolicyUser
{
    std::string name;
    crypto::PublicKey key{};
    RoleSet roles = 0;
};

/** ChannelRule is the approval rule for one channel. */
struct ChannelRule
{
    ChannelId channel;
    std::int64_t required = 1;                ///< distinct approvals needed
    std::vector<crypto::PublicKey> approvers; ///< who may approve for this channel
    std::int64_t maxLifetime = 86400;         ///< longest allowed bundle lifetime, seconds
};

/**
 * Policy is the signed root of trust shared by workstation and uploader: the workstation
 * key, every user with roles, and per-channel approval rules. Version 1 is introduced at the
 * key ceremony; version N+1 is valid only if signed by `adminThreshold` distinct admins of
 * version N and by the threshold of its own admins (the TUF root-rotation rule).
 */
struct Policy
{
    std::int64_t version = 1;
    std::int64_t created = 0;
    crypto::PublicKey workstation{};
    std::int64_t adminThreshold = 1;
    std::vector<PolicyUser> users;
    std::vector<ChannelRule> channels;

    [[nodiscard]] const PolicyUser* userByKey(const crypto::PublicKey& key) const;
    [[nodiscard]] const PolicyUser* userByName(std::string_view name) const;
    [[nodiscard]] const ChannelRule* rule(const ChannelId& channel) const;
    [[nodiscard]] std::vector<crypto::PublicKey> admins() const;
    /** longestLifetime is the maximum maxLifetime over all channels (0 with no channels). */
    [[nodiscard]] std::int64_t longestLifetime() const;

    /** toJson builds the canonical body (users sorted by key, channels by id). */
    [[nodiscard]] Json toJson() const;
    /** fromJson validates structure and internal consistency (see docs/bundle-format.md §6). */
    [[nodiscard]] static Result<Policy> fromJson(const Json& body);
};

/** SignedPolicy is a parsed policy with its envelope; `fileText` is canonical JSON + LF. */
struct SignedPolicy
{
    Policy policy;
    SignedDocument document;
    std::string fileText;
    Json envelope; ///< the parsed envelope, so embedding it never re-parses fileText
};

/** parseSignedPolicy parses and validates a policy envelope; it makes no trust decision. */
[[nodiscard]] Result<SignedPolicy> parseSignedPolicy(const Json& node, std::string_view documentText);
/** readPolicyFile parses a policy file (canonical JSON + LF). */
[[nodiscard]] Result<SignedPolicy> readPolicyFile(std::string_view fileText);
/** signPolicy serialises and signs a policy with the given admin keys. */
[[nodiscard]] Result<SignedPolicy> signPolicy(const Policy& policy,
                                              const std::vector<const crypto::SigningKey*>& admins);

/** verifyPolicyRoot checks a version-1 policy is signed by the threshold of its own admins. */
[[nodiscard]] Status verifyPolicyRoot(const SignedPolicy& root);

/**
 * verifyPolicySuccessor checks `next` may replace `trusted`: version exactly one higher
 * (policy-version-skipped / policy-rollback otherwise), the same workstation key, and
 * signatures from the threshold of `trusted`'s admins AND of `next`'s admins
 * (threshold-not-met otherwise).
 */
[[nodiscard]] Status verifyPolicySuccessor(const SignedPolicy& trusted, const SignedPolicy& next);

/**
 * advancePolicy walks `chain` (ascending versions, as carried in a bundle) from `trusted`.
 * Versions at or below the trusted one must be byte-identical to what was accepted before
 * (`known` returns the stored text for a version, or nullopt) — otherwise policy-fork. A
 * chain ending below the trusted version is policy-rollback; a gap is policy-version-skipped.
 * Returns the newest policy, which may be `trusted` itself.
 */
[[nodiscard]] Result<SignedPolicy> advancePolicy(const SignedPolicy& trusted,
                                                 const std::vector<SignedPolicy>& chain,
                                                 const std::function<std::optional<std::string>(std::int64_t)>& known);

} // namespace postern::domain
