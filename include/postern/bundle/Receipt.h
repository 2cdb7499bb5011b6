// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/domain/Channel.h"
#include "postern/domain/Order.h"
#include "postern/domain/SignedDocument.h"

#include <string>
#include <vector>

namespace postern::bundle {

constexpr std::string_view kReceiptType = "postern.receipt";
constexpr std::size_t kMaxReceiptBytes = 4u << 20;

/** ReceiptState is the outcome for one post on one channel. */
enum class ReceiptState {
    Published,
    Failed,
    Scheduled,
    Rejected,
    Cancelled ///< stopped by a cancel or retract order before it was published
};

[[nodiscard]] std::string_view receiptStateName(ReceiptState s) noexcept;

/** ReceiptEntry reports one (post, version, channel). */
struct ReceiptEntry
{
    std::string postId;
    std::int64_t version = 0;
    domain::ChannelId channel;
    ReceiptState state = ReceiptState::Failed;
    std::string platformId; ///< id the platform gave the post (may be empty)
    std::string url;        ///< public URL, or for outbox the folder it was written to
    std::string reason;     ///< platform's or verifier's reason when failed/rejected
};

/** OrderOutcome is what became of one order on one channel. */
enum class OrderOutcome {
    Cancelled, ///< the post was not published there and now never will be
    Retracted, ///< the post was published and has been deleted from the platform
    Failed     ///< the order could not be carried out; `reason` says why and what to do
};

[[nodiscard]] std::string_view orderOutcomeName(OrderOutcome o) noexcept;

/** OrderResult reports one (order, channel). */
struct OrderResult
{
    std::string orderId;
    domain::OrderAction action = domain::OrderAction::Cancel;
    std::string postId;
    domain::ChannelId channel;
    OrderOutcome outcome = OrderOutcome::Failed;
    std::string reason;
};

/**
 * Receipt is the uploader's signed answer to one bundle, carried back to the workstation.
 * When a bundle is rejected as a whole, `error` names the error code and `entries` is empty.
 */
struct Receipt
{
    BundleId bundleId{};
    crypto::PublicKey uploader{}; ///< uploader's Ed25519 receipt key
    crypto::PublicKey workstation{};
    std::int64_t processedAt = 0;
    std::string error; ///< empty when the bundle was accepted
    std::vector<ReceiptEntry> entries;
    std::vector<OrderResult> orders; ///< serialised only when not empty
};

/** receiptErrorCode is true for the codes a rejection receipt may name (§9.1 "receipt" column):
 *  failures after the header signature verified that are not carrying or host problems. */
[[nodiscard]] bool receiptErrorCode(std::string_view code) noexcept;

/** makeReceipt signs a receipt with the uploader's key; returns the file text. */
[[nodiscard]] std::string makeReceipt(const Receipt& receipt, const crypto::SigningKey& uploaderKey);

/**
 * readReceipt parses a receipt file and checks it is signed by `expectedUploader`
 * (bad-signature otherwise). Strict like every parser of outside data: size cap, canonical
 * JSON, no unknown fields, valid channels and states.
 */
[[nodiscard]] Result<Receipt> readReceipt(std::string_view fileText, const crypto::PublicKey& expectedUploader);

} // namespace postern::bundle
