// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::uploader {

/**
 * TargetState is the durable state of one (post, channel) target (docs/uploader.md, "Target
 * states"):
 *
 *   claimed -> done | failed                      adapters without a sent step (outbox)
 *   claimed -> sent -> done | failed | unknown    network adapters: `sent` (with the
 *                                                 idempotency key) is recorded BEFORE the
 *                                                 request that cannot be repeated blindly
 *   sent | unknown -> (reconcile) -> done | sent  resume asks the platform first
 *
 * claimed, sent and unknown are pending: no receipt is written while any target is pending.
 */
enum class TargetState {
    Claimed,
    Done,
    Failed,
    Sent,      ///< the non-repeatable request may have been sent; key recorded
    Unknown,   ///< sent, but no usable answer came back; reconcile before anything else
    Cancelled, ///< stopped by a cancel or retract order while still claimed (final)
};

/** isPending: claimed, sent or unknown (the target has no final answer yet). */
[[nodiscard]] constexpr bool isPending(TargetState s) noexcept
{
    return s == TargetState::Claimed || s == TargetState::Sent || s == TargetState::Unknown;
}

/** targetStateName returns "claimed", "done", "failed", "sent", "unknown" or "cancelled" (the ledger's spelling). */
[[nodiscard]] std::string_view targetStateName(TargetState state) noexcept;
/** parseTargetState reads a ledger state; anything else is bad-value. */
[[nodiscard]] Result<TargetState> parseTargetState(std::string_view name);

/** BundleState is "publishing" until every target is resolved and the receipt is written. */
enum class BundleState {
    Publishing,
    Complete
};

[[nodiscard]] std::string_view bundleStateName(BundleState state) noexcept;
[[nodiscard]] Result<BundleState> parseBundleState(std::string_view name);

/** WorkstationRecord is one trusted workstation as the ledger stores it. */
struct WorkstationRecord
{
    crypto::PublicKey key{};
    std::string name;
    std::string fingerprint;
    std::int64_t trustedAt = 0;
    std::optional<std::uint64_t> highWater; ///< highest sequence accepted; none before the first bundle
    std::int64_t policyVersion = 0;         ///< newest stored policy version (read, not written)
};

/** BundleRecord is one accepted bundle. Rejected bundles are never recorded. */
struct BundleRecord
{
    bundle::BundleId id{};
    crypto::PublicKey workstation{};
    std::uint64_t sequence = 0;
    std::int64_t created = 0;
    std::int64_t expires = 0;
    std::int64_t receivedAt = 0;
    std::int64_t policyVersion = 0; ///< the policy the approvals were checked against
    std::string manifest;           ///< canonical manifest text, enough to resume publishing
    BundleState state = BundleState::Publishing;
    std::string receiptPath; ///< where the receipt goes (set at claim time)
    std::string bundlePath;  ///< where the bundle file was read from, for people
    std::optional<std::int64_t> completedAt;
    /**
     * manifestSealed (ledger v3) is the manifest sealed at rest (SpoolCrypto.h); when it is set,
     * `manifest` is empty and the bundle's spool media are sealed too. Bundles claimed by an
     * older uploader keep the plaintext `manifest` and plaintext spool files.
     */
    Bytes manifestSealed;
};

/**
 * RefusalRecord is a bundle this uploader refused with a signed rejection receipt (ledger v5).
 * It is final: a later copy of the same bundle id is answered from here and never published.
 */
struct RefusalRecord
{
    bundle::BundleId id{};
    crypto::PublicKey workstation{};
    std::uint64_t sequence = 0;
    std::string code;   ///< the error code the receipt names (docs/bundle-format.md §9)
    std::string reason; ///< what the operator was told
    std::string receiptPath;
    std::int64_t refusedAt = 0;
};

/** TargetRecord is one (post, channel) of an accepted bundle. */
struct TargetRecord
{
    bundle::BundleId bundleId{};
    std::size_t postIndex = 0;    ///< index of the post in the manifest (0-based)
    std::size_t channelIndex = 0; ///< index of the channel within that post (0-based)
    std::string postId;
    std::int64_t version = 0;
    std::string channel; ///< "platform:account"
    TargetState state = TargetState::Claimed;
    std::string platformId;
    std::string url;
    std::string reason;
    std::int64_t updatedAt = 0;
    std::string idempotencyKey; ///< chosen by the adapter, recorded with `sent` (Bluesky: the rkey)
    std::int64_t dueAt = 0;     ///< the post's schedule (seconds since 1970); 0 = on arrival
};

/**
 * OrderState is the durable state of one (order, channel) (docs/uploader.md, "Cancel and
 * retract orders"): pending until it has its answer, then cancelled, retracted or failed.
 */
enum class OrderState {
    Pending,   ///< waits for the post's target to settle, or for the platform to delete it
    Cancelled, ///< nothing was published there and now never will be
    Retracted, ///< it was published and the platform deleted it
    Failed,    ///< could not be carried out; `reason` says why
};

[[nodiscard]] std::string_view orderStateName(OrderState state) noexcept;
[[nodiscard]] Result<OrderState> parseOrderState(std::string_view name);

/** OrderRecord is one channel of one verified order (ledger table `orders`, v4). */
struct OrderRecord
{
    bundle::BundleId bundleId{}; ///< the bundle that carried the order
    std::string orderId;
    std::string channel;
    std::string postId;
    std::string action; ///< "cancel" | "retract"
    /** orderCreated is when the workstation made the order: it covers the versions of the post
     *  made before it, not a version written later. */
    std::int64_t orderCreated = 0;
    OrderState state = OrderState::Pending;
    std::string reason; ///< the outcome, for people and receipts
    std::int64_t updatedAt = 0;
};

/** Suspension is the durable "publish nothing" flag set by `postern-uploader suspend`. */
struct Suspension
{
    std::int64_t since = 0;
    std::string by;     ///< the user who suspended (login name), for people
    std::string reason; ///< free text from --reason; may be empty
};

/** AccountRecord is one platform account as the ledger stores it; `sealed` holds its secrets. */
struct AccountRecord
{
    std::string channel; ///< "platform:account", the channel it publishes
    std::string handle;
    std::string service; ///< base URL of the platform server (Bluesky: the PDS)
    Bytes sealed;        ///< nonce || crypto_secretbox(secrets JSON) under the host key
    std::int64_t addedAt = 0;
    std::int64_t updatedAt = 0;
};

/** EventRecord is one line of the uploader's own log (ledger table `events`). */
struct EventRecord
{
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::string kind;
    std::string bundleId; ///< hex, empty when the event concerns no bundle
    std::string details;
};

// -- monitoring (ledger v6; LedgerMonitor.cpp) ----------------------------------------------------

/** MonitoredTarget is a published target in the collection window, with its collection cursor. */
struct MonitoredTarget
{
    TargetRecord target;             ///< state done; `updatedAt` is when it was published
    crypto::PublicKey workstation{}; ///< of the target's bundle: its reports go to that workstation
    std::int64_t lastReadAt = 0;     ///< 0: never read back
    std::string sinceReply;          ///< the newest reply id seen ("" = none)
    std::string note;                ///< what the platform did not give at the last read
};

/** TargetKey names one target: (bundle, post, channel). */
struct TargetKey
{
    bundle::BundleId bundleId{};
    std::size_t postIndex = 0;
    std::size_t channelIndex = 0;
};

/** CountsRecord is one reading of a target's reaction counts; nullopt: the platform does not give it. */
struct CountsRecord
{
    TargetKey target;
    std::int64_t readAt = 0;
    std::optional<std::int64_t> likes, reposts, replies, quotes, views; ///< each >= 0
};

/** ReplyRecord is one reply as first seen; every string is already plain text and capped. */
struct ReplyRecord
{
    TargetKey target;
    std::string platformId;
    std::string url;
    std::string authorHandle;
    std::string authorName;
    std::string text;
    std::int64_t createdAt = 0;
    std::string inReplyTo;
    std::int64_t firstSeen = 0;
    std::optional<std::uint64_t> reportSequence; ///< the report that first carried it
};

/** StateCounts lists (state name, count) pairs in a fixed order for printing. */
using StateCounts = std::vector<std::pair<std::string, std::int64_t>>;

} // namespace postern::uploader
