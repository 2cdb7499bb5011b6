// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/OrderRepository.h"
#include "postern/store/PostRecords.h"
#include "postern/util/Result.h"

#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/**
 * ExportRepository records what left the workstation and what came back: export sequence
 * numbers, exports with the exact versions they carried, receipts and per-channel results.
 *
 * The export protocol is: reserveSequence() (committed on its own), write and fsync the bundle,
 * then recordExport(). A crash after the reservation burns a number, which the uploader accepts
 * as a gap; a number is never handed out twice, which the uploader would reject as a replay.
 */
class ExportRepository
{
public:
    /** ExportRepository is created by WorkstationStore; it borrows the store's connection. */
    explicit ExportRepository(StoreConnection& connection) : m_connection(connection) {}

    /**
     * reserveSequence returns the next export sequence number and durably advances the
     * counter. It must be its own transaction, so inside WorkstationStore::transaction it
     * fails with invalid-state: the caller's rollback would otherwise hand the number out again.
     */
    [[nodiscard]] Result<std::int64_t> reserveSequence();

    /**
     * recordExport stores the export and its items and moves every item from approved to
     * exported, and every order from approved to exported in this bundle, all in one
     * transaction: on any error nothing is written. Errors (orders: not-approved,
     * already-exported as for posts):
     * already-exported (a version was exported before; the message names the bundle),
     * not-approved (a post is not approved), approval-wrong-version (not the current version),
     * invalid-state (sequence not reserved), already-exists (sequence or bundle id used),
     * not-authorised (the creator is not an enabled operator), invalid-argument.
     */
    [[nodiscard]] Result<ExportRecord> recordExport(const NewExport& exportRecord);

    /** byBundleId returns one export with its items; not-found otherwise. */
    [[nodiscard]] Result<ExportRecord> byBundleId(std::string_view bundleId);

    /** list returns exports newest first, with their items. */
    [[nodiscard]] Result<std::vector<ExportRecord>> list(std::int64_t offset, std::int64_t limit);

    /**
     * importReceipt stores a verified receipt and its results and moves each post it reports
     * on: to failed if any channel failed (the reasons become the post's last reason), to
     * published if every channel it reports is published, otherwise (scheduled) it stays
     * exported; a post with a cancelled channel is settled as an order's post is (below).
     * Importing the same bundle id again is already-exists with nothing changed.
     * Errors: not-found (the bundle was not exported from here), invalid-argument (a result
     * names a version the bundle did not carry, or is malformed).
     *
     * Orders (schema v4): `orderResults` are the receipt's per-(order, channel) results; each
     * must name an order the bundle carried and one of its channels (invalid-argument). Each
     * carried order becomes done, partly_failed or failed (all of them failed when `rejected`,
     * the uploader's whole-bundle error, is set); cancelled and retracted channels become the
     * post's results there, and the post turns cancelled or retracted once every channel of
     * its exported version is. A result already cancelled or retracted is never overwritten.
     */
    [[nodiscard]] Status importReceipt(std::string_view bundleId,
                                       std::string_view text,
                                       const std::vector<PostResult>& results,
                                       std::int64_t at,
                                       const std::vector<OrderResultRecord>& orderResults = {},
                                       std::string_view rejected = {});

    /** receipt returns an imported receipt; not-found otherwise. */
    [[nodiscard]] Result<ReceiptRecord> receipt(std::string_view bundleId);

    /** results lists the per-channel results of every version of a post. */
    [[nodiscard]] Result<std::vector<PostResult>> results(std::string_view postId);

private:
    [[nodiscard]] Result<std::vector<ExportItem>> itemsOf(std::int64_t exportId);
    StoreConnection& m_connection;
};

} // namespace postern::store
