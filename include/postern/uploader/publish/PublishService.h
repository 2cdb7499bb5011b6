// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/publish/AdapterRegistry.h"
#include "postern/uploader/publish/BundleSummary.h"
#include "postern/uploader/publish/OutboxPublisher.h"
#include "postern/uploader/publish/Outcome.h"
#include "postern/uploader/publish/SpoolCrypto.h"
#include "postern/uploader/publish/UploaderHome.h"
#include "postern/uploader/publish/WorkstationTrust.h"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>

namespace postern::uploader {

/**
 * CrashPoint names the places where a crash leaves distinct durable states; tests stop the
 * service there (ServiceOptions::crashAt) and check that `resume` finishes the job exactly once.
 */
enum class CrashPoint {
    AfterSpoolRename, ///< media are in spool/<id>/ but the ledger has not accepted the bundle
    AfterClaim,       ///< bundle and targets committed as claimed; nothing published
    AfterPublish,     ///< a target was published (outbox folder renamed) but not yet marked done
    AfterReceipt,     ///< the receipt is written but the bundle is not yet marked complete
    AfterSent,        ///< network adapters: `sent` and its key are recorded, the request not yet made
    AfterResponse,    ///< network adapters: the platform answered, the answer is not yet recorded
};

/** ServiceOptions configure a PublishService; the clock is injectable for tests. */
struct ServiceOptions
{
    const Clock* clock = nullptr; ///< required
    /** crashAt is a test hook: returning true makes the service stop at that point as if killed. */
    std::function<bool(CrashPoint)> crashAt;
    /**
     * stopRequested is polled before every target and at every adapter checkpoint (the watch
     * loop sets it on SIGTERM/SIGINT): once true, nothing new is started and the pass returns
     * with the remaining targets pending in the ledger.
     */
    std::function<bool()> stopRequested;
};

/** TargetReport is one target after a publishing pass. */
struct TargetReport
{
    TargetRecord record;
    bool alreadyPresent = false;   ///< found published by an interrupted earlier run
    std::string pendingError;      ///< set when the attempt failed transiently; the target stays pending
    std::int64_t scheduledFor = 0; ///< not attempted: the post is scheduled for this time (seconds since 1970)
    bool held = false;             ///< not attempted: publishing is suspended or the service is stopping
    bool attempted = false;        ///< this pass handed the target to its adapter
};

/** BundleProgress is one bundle after a publishing pass. */
struct BundleProgress
{
    bundle::BundleId id{};
    std::vector<TargetReport> targets;
    std::vector<OrderRecord> orders; ///< the bundle's cancel and retract orders, per channel
    std::filesystem::path receiptPath;
    bool complete = false;    ///< every target resolved and the receipt written
    std::string receiptError; ///< the receipt could not be written (resume retries)

    /** anyFailed: a target or an order failed. */
    [[nodiscard]] bool anyFailed() const;
    /** anyPending: a target or an order has no final answer yet. */
    [[nodiscard]] bool anyPending() const;
    /** anyScheduled: some target waits for its scheduled time. */
    [[nodiscard]] bool anyScheduled() const;
    /** anyHeld: some due target was not attempted because publishing is suspended or stopping. */
    [[nodiscard]] bool anyHeld() const;
    /** nextDue is the earliest scheduled time of a waiting target (0 if none waits). */
    [[nodiscard]] std::int64_t nextDue() const;
    /**
     * needsAttention: the bundle is not complete for a reason other than waiting for a
     * schedule (a target failed transiently or was held, or the receipt could not be written).
     */
    [[nodiscard]] bool needsAttention() const;
};

/** PublishRequest is one `publish BUNDLE` invocation. */
struct PublishRequest
{
    std::filesystem::path bundlePath;
    bool keep = false;                                ///< keep the bundle file after publishing
    std::optional<std::filesystem::path> receiptPath; ///< default: <bundle path>.receipt
    std::uint64_t maxBundleBytes = 64ull << 30;
};

/** PublishReport is everything `publish` did. */
struct PublishReport
{
    std::vector<BundleProgress> resumed;          ///< older interrupted bundles finished first
    std::optional<Error> rejection;               ///< verification failed: nothing was published
    std::optional<BundleRecord> previous;         ///< on replay: when the bundle was processed before
    std::optional<RefusalRecord> previousRefusal; ///< on replay of a bundle refused before
    /**
     * localOnly: the failure belongs to the copy or to this host (too large for --max-size,
     * truncated or still growing, bytes after the end, I/O), not to the bundle. No signed
     * receipt was written and nothing was recorded: a complete copy can still be published.
     */
    bool localOnly = false;
    std::filesystem::path rejectionReceipt; ///< written when the workstation signature was valid
    std::string rejectionReceiptError;
    std::optional<BundleSummary> summary; ///< the accepted bundle
    BundleProgress progress;              ///< its targets and receipt
    bool bundleRemoved = false;
    std::string removeError; ///< the bundle file could not be wiped

    /**
     * outcome: a rejection is Refused; a target pending for any reason but its schedule (an
     * error, suspension), or no receipt written when one was due, is Unfinished; a failed
     * target or order is SomeFailed; else Done (waiting for a scheduled time is no failure).
     */
    [[nodiscard]] PublishOutcome outcome() const;
};

/** ResumeReport is everything `resume` did. */
struct ResumeReport
{
    std::vector<BundleProgress> bundles;
    /** outcome: Unfinished if any bundle needs attention, else SomeFailed if any failed, else Done. */
    [[nodiscard]] PublishOutcome outcome() const;
};

/**
 * PublishService runs the uploader's work on an open UploaderHome: verifying a bundle
 * without consuming it, publishing it exactly once, and resuming after a crash. The CLI only
 * parses arguments, unlocks keys and prints what this returns.
 *
 * Errors returned as Error are problems of this host (not initialised, keys locked, I/O);
 * verdicts about a bundle are reported inside PublishReport::rejection.
 */
class PublishService
{
public:
    PublishService(UploaderHome& home, ServiceOptions options);

    /**
     * answerFromLedger is step 0 of verification (docs/bundle-format.md §9): a bundle id the
     * ledger knows, accepted or refused, is answered from the ledger before any other check,
     * so no later verdict (expired, too large) can replace the receipt already given. Fills
     * report.rejection (replay) and previous/previousRefusal; false when the id is new or the
     * file has no readable header (the full verification then says why).
     */
    [[nodiscard]] Result<bool> answerFromLedger(const std::filesystem::path& bundlePath, PublishReport& report);

    /**
     * verify runs every check of capability 7 with one captured now, spooling nothing and
     * writing nothing: the same bundle can be verified any number of times. Needs the box key.
     */
    [[nodiscard]] Result<BundleSummary> verify(const std::filesystem::path& bundlePath, std::uint64_t maxBundleBytes);

    /** publish resumes older work, then verifies, claims and publishes one bundle. Needs both keys. */
    [[nodiscard]] Result<PublishReport> publish(const PublishRequest& request);

    /**
     * resume publishes every pending target whose time has come (scheduled ones wait), unless
     * publishing is suspended, and writes the receipts that are due. Needs the sign key. It
     * does not lift a suspension: the `resume` command does that first.
     */
    [[nodiscard]] Result<ResumeReport> resume();

    /** hasPendingWork reports whether resume has anything to do now (so it can skip the passphrase). */
    [[nodiscard]] Result<bool> hasPendingWork();

    /**
     * checkpoint is what adapters get as TargetContent::checkpoint: suspended (with who, when
     * and why) once the ledger's suspension flag is set or the service is asked to stop; ok
     * otherwise. It reads the flag from the database, so a `suspend` run by another process is
     * seen at the next call.
     */
    [[nodiscard]] Status checkpoint();

    /**
     * setAdapters installs every adapter of a registry (the command line's PlatformAdapters);
     * the outbox stays unless the registry has one. The adapters must outlive the service's use.
     */
    void setAdapters(const AdapterRegistry& adapters);
    /** setAdapter sets the adapter for one platform (tests); nullptr removes it. */
    void setAdapter(domain::Platform platform, PublishAdapter* adapter);

private:
    [[nodiscard]] Status crash(CrashPoint point) const;
    /** resumeBundles is resume() without the bundle `except` (publish processes it last). */
    [[nodiscard]] Result<ResumeReport> resumeBundles(std::optional<bundle::BundleId> except);
    [[nodiscard]] Result<BundleProgress> processBundle(const BundleRecord& record);
    [[nodiscard]] Status publishTarget(const BundleRecord& record,
                                       const bundle::Manifest& manifest,
                                       const domain::Policy& policy,
                                       TargetReport& target);
    [[nodiscard]] Result<TargetContent> targetContent(const BundleRecord& record,
                                                      const bundle::Manifest& manifest,
                                                      const domain::Policy& policy,
                                                      const TargetRecord& target,
                                                      std::vector<bundle::MediaEntry>& entries) const;
    /** atRestKey derives (once) the key that seals manifests and spool media (SpoolCrypto.h). */
    [[nodiscard]] Result<const crypto::SecureBuffer*> atRestKey();
    /** manifestText opens the ledger's manifest copy (sealed since ledger v3). */
    [[nodiscard]] Result<std::string> manifestText(const BundleRecord& record);
    [[nodiscard]] Status openMedia(const BundleRecord& record,
                                   const std::vector<bundle::MediaEntry>& entries,
                                   TargetContent& content,
                                   PlainMediaDir& plain);
    [[nodiscard]] Status finishBundle(const BundleRecord& record, BundleProgress& progress);
    [[nodiscard]] Status claim(const bundle::VerifiedBundle& verified,
                               const std::filesystem::path& bundlePath,
                               const std::filesystem::path& receiptPath,
                               std::int64_t now,
                               std::int64_t trustedVersion);
    // -- cancel and retract orders (PublishOrders.cpp) ------------------------------------------
    /** claimOrders records a verified bundle's orders and applies what needs no network
     *  (cancelling waiting targets) inside the claim transaction. */
    [[nodiscard]] Status claimOrders(const bundle::VerifiedBundle& verified, std::int64_t now);
    /** cancelledBefore: the reason a newly arriving target is born cancelled, or "": an order
     *  about it arrived first and was made after this version of the post was (`versionCreated`). */
    [[nodiscard]] Result<std::string>
    cancelledBefore(std::string_view postId, std::string_view channel, std::int64_t versionCreated);
    /** applyOrder decides one pending order; with `network`, retracts published posts. */
    [[nodiscard]] Status applyOrder(OrderRecord& order, bool network, std::int64_t now);
    /** processOrders settles a bundle's pending orders (after older bundles had their pass). */
    [[nodiscard]] Status processOrders(const BundleRecord& record, BundleProgress& progress);

    [[nodiscard]] Status writeRejectionReceipt(const PublishRequest& request,
                                               const std::filesystem::path& receiptPath,
                                               const TrustedSet& trusted,
                                               std::int64_t now,
                                               PublishReport& report);
    void cleanSpool();
    [[nodiscard]] std::filesystem::path spoolDir(const bundle::BundleId& id) const;

    UploaderHome& m_home;
    ServiceOptions m_options;
    OutboxPublisher m_outbox;
    AdapterRegistry m_adapters; ///< the outbox, then whatever setAdapters installed
    std::optional<crypto::SecureBuffer> m_atRestKey;
};

} // namespace postern::uploader
