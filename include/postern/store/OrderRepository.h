// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/PostRecords.h"
#include "postern/util/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/**
 * kOrderDigestContext and kOrderApprovalContext must equal domain::kOrderDigestContext and
 * domain::kOrderApprovalContext: the store recomputes the digest and checks every approval
 * signature itself, so no order whose bytes and digest disagree, and no unsigned approval, is
 * ever stored (the store does not link the domain layer).
 */
constexpr std::string_view kOrderDigestContext = "postern/v1/order";
constexpr std::string_view kOrderApprovalContext = "postern/v1/order-approval";
/** kMaxOrderContentBytes bounds one order's canonical JSON (a real one is under 2 KiB). */
constexpr std::size_t kMaxOrderContentBytes = 16u << 10;

/**
 * OrderState is where a cancel or retract order is (docs/store.md, "Orders"):
 * pending -> approved -> exported -> done | partly_failed | failed, with declined (an approver
 * said no) and withdrawn (the requester took it back) as ends before export.
 */
enum class OrderState {
    Pending,
    Approved,
    Declined,
    Withdrawn,
    Exported,
    Done,         ///< the receipt reports every channel cancelled or retracted
    PartlyFailed, ///< some channels were carried out, others failed
    Failed        ///< no channel was carried out (or the uploader rejected the bundle)
};

/** orderStateName returns the column spelling: "pending", ..., "partly_failed", "failed". */
[[nodiscard]] std::string_view orderStateName(OrderState state) noexcept;
/** parseOrderState maps a column spelling back; anything else is bad-value. */
[[nodiscard]] Result<OrderState> parseOrderState(std::string_view name);
/** isOpenOrder: pending, approved or exported without a receipt yet. */
[[nodiscard]] bool isOpenOrder(OrderState state) noexcept;

/** OrderOutcome is what a receipt says became of an order on one channel. */
enum class OrderOutcome {
    Cancelled,
    Retracted,
    Failed
};

[[nodiscard]] std::string_view orderOutcomeName(OrderOutcome outcome) noexcept;

/** NewOrder is an order as the workflow built and serialised it with the domain layer. */
struct NewOrder
{
    std::string orderId;               ///< 32 lowercase hex
    std::string postId;                ///< 32 lowercase hex, an exported post
    std::string action;                ///< "cancel" | "retract"
    std::string content;               ///< canonical JSON of domain::OrderContent, as signed
    crypto::Digest digest{};           ///< BLAKE2b-256(kOrderDigestContext, content)
    std::vector<std::string> channels; ///< each "platform:account"
    std::string reason;
    std::int64_t requestedBy = 0; ///< user id
    std::int64_t createdAt = 0;
};

/** OrderRecord is one row of orders. */
struct OrderRecord
{
    std::string id;
    std::string postId;
    std::string action;
    std::string content;
    crypto::Digest digest{};
    std::string channels; ///< comma-joined, as PostRecord::channels
    std::string reason;
    std::int64_t requestedBy = 0;
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    OrderState state = OrderState::Pending;
    std::string bundleId;       ///< the bundle that carried it; empty before export
    std::int64_t decidedBy = 0; ///< who declined or withdrew it; 0 otherwise
    std::string lastReason;     ///< the decline reason, or what the receipt said went wrong
};

/** OrderApprovalRecord is one approver's signature over an order's digest. */
struct OrderApprovalRecord
{
    std::string orderId;
    std::int64_t userId = 0;
    crypto::Digest digest{};
    crypto::Signature signature{};
    std::int64_t createdAt = 0;
};

/** OrderResultRecord is one (order, channel) outcome from a receipt. */
struct OrderResultRecord
{
    std::string orderId;
    std::string channel;
    OrderOutcome outcome = OrderOutcome::Failed;
    std::string reason;
    std::string bundleId;       ///< the receipt's bundle; filled in by the store
    std::int64_t updatedAt = 0; ///< filled in by the store
};

/** OrderFilter selects orders, newest first; empty fields do not filter. */
struct OrderFilter
{
    std::string postId;
    std::optional<OrderState> state;
    std::int64_t limit = 100; ///< 1..10000
    std::int64_t offset = 0;
};

/**
 * OrderRepository stores cancel and retract orders, their approvals and, through
 * ExportRepository's receipt import, their results. Like posts, an order's bytes never change
 * once written, so an approval can never cover an order its approver did not see. Export and
 * receipt transitions live in ExportRepository, because they commit with the export and
 * receipt rows.
 */
class OrderRepository
{
public:
    /** OrderRepository is created by WorkstationStore; it borrows the store's connection. */
    explicit OrderRepository(StoreConnection& connection) : m_connection(connection) {}

    /**
     * create stores a pending order. Checked: ids, action, channels and text are well formed
     * and the digest is the content's (invalid-argument); the requester is an enabled author or
     * approver (not-authorised); the post exists (not-found) and has left in a bundle
     * (invalid-state); no open order of the post already covers one of the channels
     * (invalid-state, naming it); the order id is new (already-exists).
     */
    [[nodiscard]] Result<OrderRecord> create(const NewOrder& order);

    /** get returns one order; not-found otherwise. */
    [[nodiscard]] Result<OrderRecord> get(std::string_view orderId);

    /** list returns orders matching `filter`, newest first (ties on id). */
    [[nodiscard]] Result<std::vector<OrderRecord>> list(const OrderFilter& filter);

    /**
     * addApproval stores an approval. Checked: the order is pending (invalid-state), the user is
     * an enabled approver (not-authorised) other than the requester (self-approval), the digest
     * is the order's (approval-wrong-version), the signature verifies under
     * kOrderApprovalContext (bad-approval-signature), no second approval by the same user
     * (already-exists). Whether there are enough is the policy's question (markApproved).
     */
    [[nodiscard]] Status addApproval(const OrderApprovalRecord& approval);

    /** approvals lists an order's approvals, oldest first. */
    [[nodiscard]] Result<std::vector<OrderApprovalRecord>> approvals(std::string_view orderId);

    /**
     * setApproved moves a pending order to approved (it needs at least one approval:
     * not-approved), or with `approved` false an approved order back to pending (the policy
     * changed under it). Anything else is invalid-state.
     */
    [[nodiscard]] Status setApproved(std::string_view orderId, bool approved, std::int64_t at);

    /**
     * decline ends a pending or approved order with `reason` (required), by an enabled approver
     * who did not request it (not-authorised, self-approval); otherwise invalid-state.
     */
    [[nodiscard]] Status
    decline(std::string_view orderId, std::int64_t userId, std::string_view reason, std::int64_t at);

    /**
     * withdraw ends a pending or approved order at its requester's wish (not-authorised for
     * anyone else). An exported order has left the workstation: invalid-state.
     */
    [[nodiscard]] Status withdraw(std::string_view orderId, std::int64_t userId, std::int64_t at);

    /** results lists an order's per-channel results, by channel. */
    [[nodiscard]] Result<std::vector<OrderResultRecord>> results(std::string_view orderId);

    /** lastExport is the newest version of a post that left in a bundle, or nullopt if none did. */
    [[nodiscard]] Result<std::optional<ExportItem>> lastExport(std::string_view postId);

private:
    StoreConnection& m_connection;
};

} // namespace postern::store
