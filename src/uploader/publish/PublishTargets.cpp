// SPDX-License-Identifier: GPL-3.0-or-later
// Publishing claimed targets, writing receipts, and resuming after a crash. Every step here
// starts from the ledger (never from the bundle file), so the first run and a resume take
// exactly the same path.
#include "postern/bundle/Receipt.h"
#include "postern/uploader/publish/PublishService.h"
#include "postern/uploader/publish/SpoolCrypto.h"
#include "postern/util/FileIO.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace postern::uploader {

namespace fs = std::filesystem;

bool BundleProgress::anyFailed() const
{
    return std::any_of(targets.begin(),
                       targets.end(),
                       [](const TargetReport& t) { return t.record.state == TargetState::Failed; })
           || std::any_of(orders.begin(), orders.end(), [](const OrderRecord& o) {
                  return o.state == OrderState::Failed;
              });
}

bool BundleProgress::anyPending() const
{
    return std::any_of(targets.begin(), targets.end(), [](const TargetReport& t) { return isPending(t.record.state); })
           || std::any_of(orders.begin(), orders.end(), [](const OrderRecord& o) {
                  return o.state == OrderState::Pending;
              });
}

bool BundleProgress::anyScheduled() const
{
    return std::any_of(targets.begin(), targets.end(), [](const TargetReport& t) { return t.scheduledFor != 0; });
}

bool BundleProgress::anyHeld() const
{
    return std::any_of(targets.begin(), targets.end(), [](const TargetReport& t) { return t.held; });
}

std::int64_t BundleProgress::nextDue() const
{
    std::int64_t next = 0;
    for (const auto& t : targets) {
        if (t.scheduledFor != 0 && (next == 0 || t.scheduledFor < next))
            next = t.scheduledFor;
    }
    return next;
}

bool BundleProgress::needsAttention() const
{
    if (complete)
        return false;
    const bool waitingOnly =
        std::all_of(targets.begin(),
                    targets.end(),
                    [](const TargetReport& t) { return !isPending(t.record.state) || t.scheduledFor != 0; })
        && std::none_of(orders.begin(), orders.end(), [](const OrderRecord& o) {
               return o.state == OrderState::Pending;
           });
    // Every pending target waits for its time: nothing is wrong. No pending target at all but
    // not complete: the receipt could not be written.
    return !waitingOnly || !anyPending();
}

PublishOutcome PublishReport::outcome() const
{
    if (rejection)
        return PublishOutcome::Refused;
    if (progress.needsAttention())
        return PublishOutcome::Unfinished;
    return progress.anyFailed() ? PublishOutcome::SomeFailed : PublishOutcome::Done;
}

PublishOutcome ResumeReport::outcome() const
{
    bool failed = false;
    for (const auto& b : bundles) {
        if (b.needsAttention())
            return PublishOutcome::Unfinished;
        failed = failed || b.anyFailed();
    }
    return failed ? PublishOutcome::SomeFailed : PublishOutcome::Done;
}

Result<bool> PublishService::hasPendingWork()
{
    POSTERN_ASSIGN(due, m_home.ledger().countDue(m_options.clock->now()));
    return due > 0;
}

Result<ResumeReport> PublishService::resume()
{
    return resumeBundles(std::nullopt);
}

Result<ResumeReport> PublishService::resumeBundles(std::optional<bundle::BundleId> except)
{
    if (!m_home.signKey() || !m_options.clock)
        return fail(Errc::Internal, "resume needs the unlocked signing key and a clock");
    ResumeReport report;
    POSTERN_ASSIGN(bundles, m_home.ledger().bundlesInState(BundleState::Publishing));
    for (const auto& b : bundles) {
        if (except && b.id == *except)
            continue;
        spdlog::info("resuming bundle {}", toHex(b.id));
        POSTERN_ASSIGN(progress, processBundle(b));
        report.bundles.push_back(std::move(progress));
    }
    cleanSpool();
    return report;
}

Result<BundleProgress> PublishService::processBundle(const BundleRecord& record)
{
    Ledger& ledger = m_home.ledger();
    BundleProgress progress;
    progress.id = record.id;
    progress.receiptPath = record.receiptPath;
    // The ledger's manifest passed verification when it was stored; parsing it again only
    // rebuilds the structures (it is local data now, written by this program).
    POSTERN_ASSIGN(text, manifestText(record));
    POSTERN_ASSIGN(manifest, bundle::parseManifest(text));
    POSTERN_ASSIGN(policyText, ledger.policyText(record.workstation, record.policyVersion));
    if (!policyText)
        return fail(Errc::Internal,
                    "policy version " + std::to_string(record.policyVersion) + " of bundle " + toHex(record.id)
                        + " is missing from the ledger");
    POSTERN_ASSIGN(policy, domain::readPolicyFile(*policyText));
    POSTERN_ASSIGN(targets, ledger.targets(record.id));
    const std::int64_t now = m_options.clock->now();
    for (const auto& t : targets) {
        TargetReport report;
        report.record = t;
        if (isPending(t.state)) {
            if (t.dueAt > now) {
                report.scheduledFor = t.dueAt; // stays claimed, sealed at rest, until then
            } else if (auto held = checkpoint(); !held) {
                // Checked before every target: a suspend landing from another process stops
                // the run here, with everything not yet attempted still pending.
                if (held.code() != Errc::Suspended)
                    return std::move(held).error();
                report.held = true;
                report.pendingError = held.error().message;
            } else {
                report.attempted = true;
                POSTERN_TRY(publishTarget(record, manifest, policy.policy, report));
            }
        }
        progress.targets.push_back(std::move(report));
    }
    POSTERN_TRY(processOrders(record, progress));
    if (progress.anyPending())
        return progress; // no receipt until every target has its answer; resume retries
    if (auto s = finishBundle(record, progress); !s) {
        if (s.code() == Errc::Cancelled)
            return std::move(s).error();
        progress.receiptError = s.error().what();
        spdlog::info("bundle {}: {}", toHex(record.id), progress.receiptError);
    }
    return progress;
}

Result<TargetContent> PublishService::targetContent(const BundleRecord& record,
                                                    const bundle::Manifest& manifest,
                                                    const domain::Policy& policy,
                                                    const TargetRecord& t,
                                                    std::vector<bundle::MediaEntry>& entries) const
{
    if (t.postIndex >= manifest.posts.size() || t.channelIndex >= manifest.posts[t.postIndex].content.channels.size())
        return fail(Errc::Internal,
                    "target " + OutboxPublisher::folderName(t.postIndex, t.channelIndex)
                        + " does not exist in the stored manifest of bundle " + toHex(record.id));
    const bundle::ManifestPost& post = manifest.posts[t.postIndex];
    const domain::ChannelPost& cp = post.content.channels[t.channelIndex];
    TargetContent c;
    c.bundleId = record.id;
    c.postIndex = t.postIndex;
    c.channelIndex = t.channelIndex;
    c.postId = post.content.postId;
    c.version = post.content.version;
    c.channel = cp.channel;
    c.text = cp.text;
    c.options = cp.options;
    c.schedule = post.content.schedule;
    c.approvers = approverNames(post, policy);
    c.bundleCreated = record.created;
    c.idempotencyKey = t.idempotencyKey;
    c.mayExist = t.state == TargetState::Sent || t.state == TargetState::Unknown;
    // The sent step: durable before the adapter's non-repeatable request (docs/uploader.md).
    c.markSent = [this, t](const std::string& key) -> Status {
        Ledger& ledger = m_home.ledger();
        const std::int64_t now = m_options.clock->now();
        SqliteTransaction tx(ledger.db());
        POSTERN_TRY(tx.begin());
        POSTERN_TRY(ledger.markSent(t, key, now));
        POSTERN_TRY(ledger.addEvent(now,
                                    "target-sent",
                                    toHex(t.bundleId),
                                    OutboxPublisher::folderName(t.postIndex, t.channelIndex) + " " + t.channel + " key "
                                        + key));
        POSTERN_TRY(tx.commit());
        return crash(CrashPoint::AfterSent);
    };
    // DirectorySpool chose the spool names (media-<index in the media table>); asking it for
    // the path keeps one definition. Nothing is written through this spool object.
    const bundle::DirectorySpool spool(spoolDir(record.id));
    for (const auto& m : post.content.media) {
        const auto it = std::find_if(manifest.media.begin(), manifest.media.end(), [&](const bundle::MediaEntry& e) {
            return e.hash == m.hash;
        });
        if (it == manifest.media.end())
            return fail(Errc::Internal, "a media file of post " + c.postId + " is missing from the media table");
        const auto index = static_cast<std::size_t>(it - manifest.media.begin());
        c.media.push_back({spool.pathFor(index), m.mime, m.alt, m.size});
        entries.push_back(*it);
    }
    return c;
}

Status PublishService::publishTarget(const BundleRecord& record,
                                     const bundle::Manifest& manifest,
                                     const domain::Policy& policy,
                                     TargetReport& report)
{
    const TargetRecord& t = report.record;
    POSTERN_ASSIGN(channel, domain::ChannelId::parse(t.channel));
    TargetOutcome outcome;
    PublishAdapter* adapter = m_adapters.find(channel.platform);
    if (!adapter) {
        outcome.state = TargetState::Failed;
        outcome.reason = "no publishing adapter for " + std::string(domain::platformName(channel.platform))
                         + " yet; the post was not published";
    } else {
        std::vector<bundle::MediaEntry> entries;
        POSTERN_ASSIGN(content, targetContent(record, manifest, policy, t, entries));
        bool sentStep = false; // AfterResponse exists only for adapters that used the sent step
        content.markSent = [&sentStep, &report, inner = content.markSent](const std::string& key) -> Status {
            sentStep = true;
            POSTERN_TRY(inner(key));
            // The report shows what the ledger now holds: a publish that stops after this
            // step prints `sent`, as the next resume does, not a stale `claimed`.
            report.record.state = TargetState::Sent;
            report.record.idempotencyKey = key;
            return {};
        };
        content.checkpoint = [this]() { return checkpoint(); };
        // Sealed media are opened into a private folder for this one call and wiped when it
        // returns, whatever the outcome: adapters read TargetMedia::spoolPath as plain files.
        PlainMediaDir plain;
        if (auto s = openMedia(record, entries, content, plain); !s) {
            report.pendingError = s.error().what();
            spdlog::warn("bundle {} target {}: {}",
                         toHex(record.id),
                         OutboxPublisher::folderName(t.postIndex, t.channelIndex),
                         report.pendingError);
            return {};
        }
        auto published = adapter->publish(content);
        plain.wipe();
        if (!published && published.code() == Errc::Cancelled)
            return std::move(published).error(); // the test hook "killed" us inside the adapter
        if (!published) {
            // Not published, safe to retry: the target stays pending for resume (which, for a
            // target already sent, asks the platform before anything else).
            report.pendingError = published.error().what();
            report.held = published.code() == Errc::Suspended; // stopped at an adapter checkpoint
            spdlog::info("bundle {} target {}: not published yet: {}",
                         toHex(record.id),
                         OutboxPublisher::folderName(t.postIndex, t.channelIndex),
                         report.pendingError);
            return {};
        }
        outcome = std::move(published).value();
        if (sentStep)
            POSTERN_TRY(crash(CrashPoint::AfterResponse));
    }
    POSTERN_TRY(crash(CrashPoint::AfterPublish));

    if (outcome.state == TargetState::Unknown) {
        const std::int64_t now = m_options.clock->now();
        Ledger& ledger = m_home.ledger();
        SqliteTransaction tx(ledger.db());
        POSTERN_TRY(tx.begin());
        POSTERN_TRY(ledger.markUnknown(t, outcome.reason, now));
        POSTERN_TRY(ledger.addEvent(now,
                                    "target-unknown",
                                    toHex(record.id),
                                    OutboxPublisher::folderName(t.postIndex, t.channelIndex) + " " + t.channel + ": "
                                        + outcome.reason));
        POSTERN_TRY(tx.commit());
        report.record.state = TargetState::Unknown;
        report.record.reason = outcome.reason;
        report.pendingError = outcome.reason;
        return {};
    }
    if (outcome.state != TargetState::Done && outcome.state != TargetState::Failed)
        return fail(Errc::Internal,
                    "an adapter answered with the state " + std::string(targetStateName(outcome.state)));

    TargetRecord resolved = t;
    resolved.state = outcome.state;
    resolved.platformId = outcome.platformId;
    resolved.url = outcome.url;
    resolved.reason = outcome.reason;
    resolved.updatedAt = m_options.clock->now();
    const std::string where = OutboxPublisher::folderName(t.postIndex, t.channelIndex) + " " + t.channel;
    const std::string details =
        outcome.state == TargetState::Done
            ? where + (outcome.alreadyPresent ? " found published: " : " published: ") + outcome.url
            : where + " failed: " + outcome.reason;
    Ledger& ledger = m_home.ledger();
    SqliteTransaction tx(ledger.db());
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(ledger.resolveTarget(resolved));
    POSTERN_TRY(ledger.addEvent(resolved.updatedAt,
                                outcome.state == TargetState::Done ? "target-done" : "target-failed",
                                toHex(record.id),
                                details));
    POSTERN_TRY(tx.commit());
    spdlog::info("bundle {} target {}", toHex(record.id), details);
    report.record = std::move(resolved);
    report.alreadyPresent = outcome.alreadyPresent;
    return {};
}

Status PublishService::finishBundle(const BundleRecord& record, BundleProgress& progress)
{
    const crypto::SigningKey& key = *m_home.signKey();
    bundle::Receipt receipt;
    receipt.bundleId = record.id;
    receipt.uploader = key.publicKey();
    receipt.workstation = record.workstation;
    receipt.processedAt = m_options.clock->now();
    for (const auto& t : progress.targets) {
        bundle::ReceiptEntry e;
        e.postId = t.record.postId;
        e.version = t.record.version;
        POSTERN_ASSIGN(channel, domain::ChannelId::parse(t.record.channel));
        e.channel = std::move(channel);
        e.state = t.record.state == TargetState::Done        ? bundle::ReceiptState::Published
                  : t.record.state == TargetState::Cancelled ? bundle::ReceiptState::Cancelled
                                                             : bundle::ReceiptState::Failed;
        e.platformId = t.record.platformId;
        e.url = t.record.url;
        e.reason = t.record.reason;
        receipt.entries.push_back(std::move(e));
    }
    for (const auto& o : progress.orders) {
        bundle::OrderResult r;
        r.orderId = o.orderId;
        POSTERN_ASSIGN(action, domain::parseOrderAction(o.action));
        r.action = action;
        r.postId = o.postId;
        POSTERN_ASSIGN(channel, domain::ChannelId::parse(o.channel));
        r.channel = std::move(channel);
        r.outcome = o.state == OrderState::Retracted   ? bundle::OrderOutcome::Retracted
                    : o.state == OrderState::Cancelled ? bundle::OrderOutcome::Cancelled
                                                       : bundle::OrderOutcome::Failed;
        r.reason = o.reason;
        receipt.orders.push_back(std::move(r));
    }
    // The first receipt text is stored before the file is written and is the answer from then
    // on: a resume after a crash in between writes the same bytes again, never a second,
    // different receipt (ledger v5).
    Ledger& ledger = m_home.ledger();
    POSTERN_ASSIGN(stored, ledger.storedReceipt(record.id));
    if (!stored) {
        stored = bundle::makeReceipt(receipt, key);
        POSTERN_TRY(ledger.storeReceipt(record.id, *stored, receipt.processedAt));
    }
    if (auto s = writeFileAtomic(record.receiptPath, *stored, 0644); !s)
        return fail(s.code(),
                    "cannot write the receipt: " + s.error().message
                        + "; make the folder writable (re-insert the removable media) and run "
                          "`postern-uploader resume`");
    POSTERN_TRY(crash(CrashPoint::AfterReceipt));
    SqliteTransaction tx(ledger.db());
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(ledger.completeBundle(record.id, record.receiptPath, receipt.processedAt));
    POSTERN_TRY(ledger.addEvent(receipt.processedAt,
                                "bundle-complete",
                                toHex(record.id),
                                "receipt written to " + record.receiptPath));
    POSTERN_TRY(tx.commit());
    progress.complete = true;
    spdlog::info("bundle {} complete; receipt written", toHex(record.id));
    std::error_code ec;
    fs::remove_all(spoolDir(record.id), ec); // best effort: cleanSpool retries later
    return {};
}

Status PublishService::openMedia(const BundleRecord& record,
                                 const std::vector<bundle::MediaEntry>& entries,
                                 TargetContent& content,
                                 PlainMediaDir& plain)
{
    if (record.manifestSealed.empty() || content.media.empty())
        return {}; // claimed before ledger v3: the spool holds plaintext
    POSTERN_ASSIGN(key, atRestKey());
    POSTERN_TRY(plain.create(m_home.layout().spool));
    for (std::size_t k = 0; k < content.media.size(); ++k) {
        const fs::path out = plain.path() / ("media-" + std::to_string(k));
        POSTERN_TRY(openSealedMedia(*key, content.media[k].spoolPath, entries[k], out));
        content.media[k].spoolPath = out;
    }
    return {};
}

void PublishService::cleanSpool()
{
    // Runs with the home lock held, so no other process owns anything in spool/.
    std::error_code ec;
    std::vector<fs::path> doomed;
    for (const auto& entry : fs::directory_iterator(m_home.layout().spool, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(PlainMediaDir::kPrefix, 0) == 0) {
            // Decrypted media left by a crash during an upload: overwrite before removing.
            PlainMediaDir::wipeDirectory(entry.path());
            continue;
        }
        if (name.rfind(".tmp-", 0) == 0) {
            doomed.push_back(entry.path());
            continue;
        }
        auto raw = fromHex(name, 16);
        if (!raw) {
            continue; // not ours: leave it for a person to look at
        }
        bundle::BundleId id{};
        std::copy(raw->begin(), raw->end(), id.begin());
        auto record = m_home.ledger().bundle(id);
        if (record && (!*record || (*record)->state == BundleState::Complete))
            doomed.push_back(entry.path());
    }
    for (const auto& p : doomed) {
        fs::remove_all(p, ec);
        if (ec)
            spdlog::warn("cannot remove {} from the spool: {}", p.string(), ec.message());
    }
}

} // namespace postern::uploader
