// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Post.h"

#include <string>
#include <vector>

namespace postern::domain {

constexpr std::string_view kOrderType = "postern.order";
constexpr std::string_view kOrderDigestContext = "postern/v1/order";
constexpr std::string_view kOrderApprovalContext = "postern/v1/order-approval";
constexpr std::size_t kMaxOrderReasonBytes = 500;

/**
 * OrderAction says what an order asks the uploader to do with a post it was sent earlier.
 * Cancel stops a post that has not been published yet (a scheduled or still pending target);
 * Retract also deletes a post that was published, where the platform's API allows deletion.
 */
enum class OrderAction {
    Cancel,
    Retract
};

[[nodiscard]] std::string_view orderActionName(OrderAction a) noexcept;
[[nodiscard]] Result<OrderAction> parseOrderAction(std::string_view name);

/**
 * OrderContent is one signed instruction about an earlier post (docs/bundle-format.md §4.2).
 * It names the post, never a version: it applies to whatever the uploader holds for that post
 * on the listed channels. It goes through review like a post: approvers sign its digest under
 * their own context, and the same per-channel policy threshold applies, so a single insider
 * can no more delete a post than publish one.
 */
struct OrderContent
{
    std::string orderId; ///< 32 lowercase hex, random
    OrderAction action = OrderAction::Cancel;
    std::string postId;              ///< 32 lowercase hex: the post the order is about
    std::vector<ChannelId> channels; ///< 1..16, sorted, unique: where it applies
    crypto::PublicKey requester{};   ///< a policy user with the author or approver role
    std::int64_t created = 0;
    std::string reason; ///< 1..500 bytes of UTF-8, shown in receipts and logs

    [[nodiscard]] Json toJson() const;
    [[nodiscard]] std::string canonical() const { return toJson().serialize(); }
    /** digest is orderDigest(canonical()). */
    [[nodiscard]] crypto::Digest digest() const;
    [[nodiscard]] static Result<OrderContent> fromJson(const Json& node, const std::string& where);
    /** validate checks every rule fromJson checks, for content built in code. */
    [[nodiscard]] Status validate() const;
};

/** orderDigest is BLAKE2b-256("postern/v1/order" || NUL || canonical order). */
[[nodiscard]] crypto::Digest orderDigest(std::string_view canonicalOrder);

/** approveOrder signs an order digest under the order-approval context. */
[[nodiscard]] Approval approveOrder(const crypto::SigningKey& approver, const crypto::Digest& digest);

/**
 * checkOrderApprovals is checkApprovals for an order: the requester must be a policy user
 * with the author or approver role (unknown-signer, not-authorised), may not approve their
 * own order (self-approval), and every listed channel needs its policy threshold of distinct
 * valid order approvals (the same error codes as posts).
 */
[[nodiscard]] Status checkOrderApprovals(const OrderContent& order,
                                         const crypto::Digest& digest,
                                         const std::vector<Approval>& approvals,
                                         const Policy& policy);

} // namespace postern::domain
