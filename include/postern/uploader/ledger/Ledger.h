// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/ledger/LedgerRecords.h"
#include "postern/util/Sqlite.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace postern::uploader {

/**
 * Ledger is the uploader's durable memory (ledger.db): trusted workstations and every policy
 * version accepted from them, every accepted bundle (its id is the replay guard that survives
 * restarts), the state of every publishing target, and the uploader's own event log.
 *
 * The database uses SqliteDatabase's settings (WAL, synchronous=FULL), so a committed row is
 * on disk before the call returns. Multi-row changes that must happen together (claiming a
 * bundle) run inside a SqliteTransaction the caller opens on db().
 */
class Ledger
{
public:
    /**
     * open opens the ledger file (creating it only with `create`), checks it with SQLite's
     * quick_check (damaged: reported, never rebuilt) and applies the numbered migrations.
     */
    [[nodiscard]] Status open(const std::filesystem::path& path, bool create = false);
    void close() noexcept { m_db.close(); }
    [[nodiscard]] bool isOpen() const noexcept { return m_db.isOpen(); }
    [[nodiscard]] SqliteDatabase& db() noexcept { return m_db; }

    // -- config ----------------------------------------------------------------------------
    /** config returns the value stored for `key`, or nullopt. */
    [[nodiscard]] Result<std::optional<std::string>> config(std::string_view key);
    [[nodiscard]] Status setConfig(std::string_view key, std::string_view value);

    // -- workstations and policies -----------------------------------------------------------
    [[nodiscard]] Result<std::vector<WorkstationRecord>> workstations();
    [[nodiscard]] Result<std::optional<WorkstationRecord>> workstation(const crypto::PublicKey& key);
    [[nodiscard]] Status addWorkstation(const WorkstationRecord& record);
    /** raiseHighWater sets the sequence high-water mark to max(current, sequence). */
    [[nodiscard]] Status raiseHighWater(const crypto::PublicKey& key, std::uint64_t sequence);
    /** policies returns every stored policy file text of a workstation as (version, text), ascending. */
    [[nodiscard]] Result<std::vector<std::pair<std::int64_t, std::string>>> policies(const crypto::PublicKey& key);
    [[nodiscard]] Result<std::optional<std::string>> policyText(const crypto::PublicKey& key, std::int64_t version);
    /** addPolicy stores one policy version; storing the same version twice is already-exists. */
    [[nodiscard]] Status
    addPolicy(const crypto::PublicKey& key, std::int64_t version, std::string_view text, std::int64_t at);

    // -- bundles -------------------------------------------------------------------------------
    /** hasBundle is the replay check: true once a bundle id was accepted, forever. */
    [[nodiscard]] Result<bool> hasBundle(const bundle::BundleId& id);
    [[nodiscard]] Status addBundle(const BundleRecord& record);
    [[nodiscard]] Result<std::optional<BundleRecord>> bundle(const bundle::BundleId& id);
    /** bundlesInState returns bundles in `state`, oldest first (resume order). */
    [[nodiscard]] Result<std::vector<BundleRecord>> bundlesInState(BundleState state);
    /** recentBundles returns the newest `limit` bundles, newest first (manifest left empty). */
    [[nodiscard]] Result<std::vector<BundleRecord>> recentBundles(std::size_t limit);
    /** completeBundle marks a bundle complete once its receipt is on disk. */
    [[nodiscard]] Status completeBundle(const bundle::BundleId& id, std::string_view receiptPath, std::int64_t at);

    // -- refusals and stored receipts (LedgerRefusals.cpp) ----------------------------------------
    /** addRefusal records a signed rejection; already-exists if the bundle id is known. */
    [[nodiscard]] Status addRefusal(const RefusalRecord& record);
    [[nodiscard]] Result<std::optional<RefusalRecord>> refusal(const bundle::BundleId& id);
    /** knowsBundle is the replay guard: accepted or refused, a bundle id is answered once. */
    [[nodiscard]] Result<bool> knowsBundle(const bundle::BundleId& id);
    /**
     * storeReceipt keeps the exact text of a bundle's receipt. The first text stored for an id
     * is the answer: storing again changes nothing (already-exists), so a resumed run writes
     * the same bytes rather than a second, different receipt.
     */
    [[nodiscard]] Status storeReceipt(const bundle::BundleId& id, std::string_view text, std::int64_t at);
    [[nodiscard]] Result<std::optional<std::string>> storedReceipt(const bundle::BundleId& id);

    // -- targets ---------------------------------------------------------------------------------
    [[nodiscard]] Status addTarget(const TargetRecord& record);
    /** targets returns a bundle's targets ordered by (post, channel). */
    [[nodiscard]] Result<std::vector<TargetRecord>> targets(const bundle::BundleId& id);
    /**
     * resolveTarget moves a target from claimed to done or failed. It changes nothing if the
     * target is no longer claimed (and says so with invalid-state), so an outcome is recorded
     * at most once whatever order a resume runs in.
     */
    [[nodiscard]] Status resolveTarget(const TargetRecord& outcome);
    /**
     * markSent records, before a non-repeatable request, that it may be sent, with the key
     * that lets the platform be asked about it later (claimed | sent | unknown -> sent).
     */
    [[nodiscard]] Status markSent(const TargetRecord& target, std::string_view idempotencyKey, std::int64_t at);
    /** markUnknown records that a sent request got no usable answer (sent -> unknown). */
    [[nodiscard]] Status markUnknown(const TargetRecord& target, std::string_view reason, std::int64_t at);

    // -- restarting a dead attempt (Ledger.cpp) ------------------------------------------------
    /**
     * restartSent returns a target from sent or unknown to claimed and forgets its key, but
     * only while the key is still `deadKey` (invalid-state otherwise, changing nothing). For an
     * adapter whose platform has proved that the attempt recorded under that key can never
     * publish (TikTok: the publish FAILED before its last byte arrived), so the next attempt
     * starts over and records its own key with markSent. One statement: a crash keeps the old
     * key or none. The caller records the event in the same transaction.
     */
    [[nodiscard]] Status
    restartSent(const TargetRecord& target, std::string_view deadKey, std::string_view reason, std::int64_t at);
    /** countPending counts pending targets plus bundles not yet complete: the work left for `resume`. */
    [[nodiscard]] Result<std::int64_t> countPending();

    // -- scheduling and suspension (LedgerSchedule.cpp) -----------------------------------------
    /**
     * countDue counts the work `resume` can do at `now`: pending targets whose due time has
     * come, plus bundles still publishing with no pending target left (their receipt is due).
     */
    [[nodiscard]] Result<std::int64_t> countDue(std::int64_t now);
    /** nextDue is the earliest due time after `now` of a target still waiting, if any. */
    [[nodiscard]] Result<std::optional<std::int64_t>> nextDue(std::int64_t now);
    /** pendingTargets lists every pending target of every bundle, by due time then bundle order. */
    [[nodiscard]] Result<std::vector<TargetRecord>> pendingTargets();
    /** suspension returns the suspension flag, or nullopt when publishing is allowed. */
    [[nodiscard]] Result<std::optional<Suspension>> suspension();
    /** suspend sets the flag; already-exists (changing nothing) if it is already set. */
    [[nodiscard]] Status suspend(const Suspension& suspension);
    /** lift clears the flag and returns what it was (nullopt if publishing was not suspended). */
    [[nodiscard]] Result<std::optional<Suspension>> lift();

    // -- cancel and retract orders (LedgerOrders.cpp) -------------------------------------------
    /** addOrder stores one (order, channel) of an accepted bundle; already-exists if stored. */
    [[nodiscard]] Status addOrder(const OrderRecord& record);
    /** ordersOf returns a bundle's orders ordered by (order id, channel). */
    [[nodiscard]] Result<std::vector<OrderRecord>> ordersOf(const bundle::BundleId& id);
    /** ordersAbout returns every order ever accepted about a post on a channel, oldest first. */
    [[nodiscard]] Result<std::vector<OrderRecord>> ordersAbout(std::string_view postId, std::string_view channel);
    /** resolveOrder moves an order from pending to its final state (invalid-state if it is not pending). */
    [[nodiscard]] Status resolveOrder(const OrderRecord& outcome);
    /** targetsAbout returns every target of a post on a channel across bundles, oldest first. */
    [[nodiscard]] Result<std::vector<TargetRecord>> targetsAbout(std::string_view postId, std::string_view channel);
    /**
     * cancelTarget moves a target from claimed to cancelled. Only claimed: a target that may
     * have been sent (sent, unknown) must be settled by the platform first, so this changes
     * nothing for it and answers invalid-state.
     */
    [[nodiscard]] Status cancelTarget(const TargetRecord& target, std::string_view reason, std::int64_t at);
    /** orderCounts counts (order, channel) rows by state: pending, cancelled, retracted, failed. */
    [[nodiscard]] Result<StateCounts> orderCounts();

    // -- monitoring (ledger v6, LedgerMonitor.cpp) -------------------------------------------------
    /**
     * monitoredTargets lists the targets to read back: published (done, with a platform id)
     * at or after `publishedSince`, and not deleted by a retract order; oldest first, with the
     * cursor of earlier reads.
     */
    [[nodiscard]] Result<std::vector<MonitoredTarget>> monitoredTargets(std::int64_t publishedSince);
    /** recordRead stores a target's cursor after a read: when, the newest reply id, the note. */
    [[nodiscard]] Status
    recordRead(const TargetKey& target, std::int64_t at, std::string_view sinceReply, std::string_view note);
    /** addCounts appends one reading (a second one at the same second replaces the first). */
    [[nodiscard]] Status addCounts(const CountsRecord& counts);
    /** countsOf returns a target's readings, oldest first. */
    [[nodiscard]] Result<std::vector<CountsRecord>> countsOf(const TargetKey& target);
    /** addReply stores a reply seen for the first time: true; false if it was seen before (unchanged). */
    [[nodiscard]] Result<bool> addReply(const ReplyRecord& reply);
    /**
     * unreportedReplies lists the replies to targets of `workstation`'s bundles that no report
     * carried yet, by target then creation time.
     */
    [[nodiscard]] Result<std::vector<ReplyRecord>> unreportedReplies(const crypto::PublicKey& workstation);
    /** lastReportSequence is the sequence of the newest report written for a workstation (0: none yet). */
    [[nodiscard]] Result<std::uint64_t> lastReportSequence(const crypto::PublicKey& workstation);
    /**
     * recordReport stores a signed report's text under (`workstation`, `sequence`), which must
     * be lastReportSequence() + 1 (invalid-state otherwise), raises the counter and marks every
     * reply to that workstation's targets still unreported and first seen at or before
     * `collectedAt` as carried by it, except those listed in `heldBack` (platform ids a cap kept
     * out, carried next time). Run it in a transaction: a failure part-way must change nothing.
     */
    [[nodiscard]] Status recordReport(const crypto::PublicKey& workstation,
                                      std::uint64_t sequence,
                                      std::string_view text,
                                      std::string_view path,
                                      std::int64_t collectedAt,
                                      const std::vector<ReplyRecord>& heldBack,
                                      std::int64_t at);
    /** storedReport returns the exact text of a workstation's report `sequence`, if written. */
    [[nodiscard]] Result<std::optional<std::string>> storedReport(const crypto::PublicKey& workstation,
                                                                  std::uint64_t sequence);

    // -- counts and events -------------------------------------------------------------------
    [[nodiscard]] Result<StateCounts> bundleCounts();
    [[nodiscard]] Result<StateCounts> targetCounts();
    /** addEvent appends to the uploader's own log. Never pass secrets or post texts. */
    [[nodiscard]] Status
    addEvent(std::int64_t at, std::string_view kind, std::string_view bundleIdHex, std::string_view details);
    /** events returns the newest `limit` events, newest first. */
    [[nodiscard]] Result<std::vector<EventRecord>> events(std::size_t limit);

    // -- platform accounts (secrets sealed by AccountStore) ------------------------------------
    /** addAccount stores a new account; already-exists if the channel has one. */
    [[nodiscard]] Status addAccount(const AccountRecord& record);
    [[nodiscard]] Result<std::optional<AccountRecord>> account(std::string_view channel);
    /** accounts lists every account ordered by channel. */
    [[nodiscard]] Result<std::vector<AccountRecord>> accounts();
    /** updateAccountSecrets replaces the sealed secrets (a refreshed session) in one statement. */
    [[nodiscard]] Status updateAccountSecrets(std::string_view channel, ByteView sealed, std::int64_t at);
    /** removeAccount deletes an account; not-found if there is none. */
    [[nodiscard]] Status removeAccount(std::string_view channel);

private:
    SqliteDatabase m_db;
};

} // namespace postern::uploader
