// SPDX-License-Identifier: GPL-3.0-or-later
// Private to the store: order row access, and the order steps that commit inside
// ExportRepository's export and receipt transactions (OrderResults.cpp).
#pragma once

#include "postern/store/OrderRepository.h"
#include "postern/util/Sqlite.h"

#include <string>
#include <string_view>
#include <vector>

namespace postern::store {

/** loadOrder reads one order; not-found names the id. */
[[nodiscard]] Result<OrderRecord> loadOrder(SqliteDatabase& db, std::string_view orderId);

/** setOrderState writes state, last_reason, updated_at and (when not 0) decided_by. */
[[nodiscard]] Status setOrderState(SqliteDatabase& db,
                                   std::string_view orderId,
                                   OrderState to,
                                   std::string_view reason,
                                   std::int64_t decidedBy,
                                   std::int64_t at);

/** checkOrdersExportable refuses (not-approved, already-exported) unless every order is approved. */
[[nodiscard]] Status checkOrdersExportable(SqliteDatabase& db, const std::vector<std::string>& orderIds);

/** markOrdersExported moves approved orders to exported in `bundleId`; the caller checked them. */
[[nodiscard]] Status markOrdersExported(SqliteDatabase& db,
                                        const std::vector<std::string>& orderIds,
                                        std::string_view bundleId,
                                        std::int64_t at);

/** ordersOfBundle lists the ids of the orders a bundle carried, sorted. */
[[nodiscard]] Result<std::vector<std::string>> ordersOfBundle(SqliteDatabase& db, std::string_view bundleId);

/**
 * applyOrderResults stores a receipt's order results (each must name an order the bundle
 * carried and one of its channels: invalid-argument), writes cancelled and retracted channels
 * into the post's results, and settles every order the bundle carried: done, partly_failed or
 * failed (a channel the receipt does not mention counts as failed). `rejected` is the
 * uploader's error when it refused the whole bundle: then every channel failed with it.
 */
[[nodiscard]] Status applyOrderResults(SqliteDatabase& db,
                                       std::string_view bundleId,
                                       const std::vector<OrderResultRecord>& results,
                                       std::string_view rejected,
                                       std::int64_t at);

/**
 * settlePost recomputes the state of an exported, published, failed, cancelled or retracted
 * post from its exported version's channel results, once an order or a cancelled receipt entry
 * changed them: every channel cancelled or retracted -> cancelled (none deleted) or retracted;
 * otherwise failed if one failed, published if every channel is done and one is published, and
 * exported while some channel is still scheduled or unreported. A post edited since (its
 * current version was never exported) is left alone.
 */
[[nodiscard]] Status settlePost(SqliteDatabase& db, std::string_view postId, std::int64_t at);

} // namespace postern::store
