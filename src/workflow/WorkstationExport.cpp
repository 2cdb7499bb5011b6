// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: sealing approved posts into a bundle and importing the uploader's receipt.
#include "postern/bundle/BundleVerifier.h"
#include "postern/bundle/ReadBack.h"
#include "postern/workflow/Workstation.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace postern::workflow {

namespace {

namespace fs = std::filesystem;

Error cancelled()
{
    return fail(Errc::Cancelled, "export cancelled; no bundle was left on the drive and nothing was marked exported");
}

bool cancelRequested(const bundle::SealProgress& progress)
{
    return progress.cancel && progress.cancel->load(std::memory_order_relaxed);
}

/** removeBundle deletes a bundle that must not be carried across, durably. */
void removeBundle(const fs::path& out)
{
    std::error_code ec;
    if (fs::remove(out, ec))
        (void)fsyncDirectory(out.parent_path());
}

} // namespace

Result<ExportResult> Workstation::exportBundle(const UnlockedUser& operatorUser,
                                               const std::vector<std::string>& postIds,
                                               const std::vector<std::string>& orderIds,
                                               const std::filesystem::path& out,
                                               std::int64_t lifetime,
                                               const bundle::SealProgress& progress)
{
    POSTERN_TRY(requireRole(operatorUser, domain::Role::Operator, "export bundles"));
    if (cancelRequested(progress))
        return cancelled(); // before anything is reserved: nothing at all is consumed
    if (postIds.empty() && orderIds.empty())
        return fail(Errc::InvalidArgument, "choose at least one approved post or order to export");
    auto uploader = m_store->trust().activeUploader();
    if (!uploader && uploader.code() == Errc::NoUploader)
        return fail(Errc::NoUploader, "no uploader is trusted yet; an admin must run `postern-cli uploader trust`");
    if (!uploader)
        return std::move(uploader).error(); // a damaged store says so, not "no uploader"
    std::error_code ec;
    if (std::filesystem::exists(out, ec))
        return fail(Errc::AlreadyExists, out.string() + " already exists; choose a new file name");
    if (lifetime < domain::kMinLifetime || lifetime > domain::kMaxLifetime)
        return fail(Errc::InvalidArgument, "the bundle lifetime must be between one minute and 30 days");

    const std::int64_t now = m_clock.now();
    bundle::Manifest manifest;
    POSTERN_ASSIGN(policyRecords, m_store->trust().policies());
    for (const auto& p : policyRecords) {
        POSTERN_ASSIGN(sp, domain::readPolicyFile(p.text));
        manifest.policies.push_back(std::move(sp));
    }
    // The chain the bundle carries ends with the policy in force: check against that one.
    const domain::SignedPolicy& policy = manifest.policies.back();
    std::vector<store::ExportItem> items;
    for (const auto& id : postIds) {
        POSTERN_ASSIGN(record, m_store->posts().get(id));
        if (record.state == store::PostState::Exported || record.state == store::PostState::Published)
            return fail(Errc::AlreadyExported,
                        "post " + record.id + " was already exported; a version is exported once");
        if (record.state != store::PostState::Approved)
            return fail(Errc::NotApproved, "post " + record.id + " is not approved yet");
        POSTERN_ASSIGN(current, currentVersion(record));
        const domain::PostContent& content = current.content;
        POSTERN_ASSIGN(approvals, approvalsOf(record, content, policy.policy));
        // The same check the uploader makes: if the policy changed since approval, stop here.
        POSTERN_TRY(domain::checkApprovals(content, current.digest, approvals, policy.policy));
        for (const auto& c : content.channels) {
            const auto* rule = policy.policy.rule(c.channel);
            if (rule && lifetime > rule->maxLifetime)
                return fail(Errc::LifetimeExceedsPolicy,
                            "the policy allows bundles for " + c.channel.str() + " to live at most "
                                + std::to_string(rule->maxLifetime) + " seconds; choose a shorter --lifetime");
        }
        if (content.schedule != 0 && content.schedule < now)
            return fail(Errc::ScheduleInPast,
                        "post " + record.id + " was scheduled for " + formatUtc(content.schedule)
                            + ", which has passed; edit it to reschedule (it needs new approvals)");
        bundle::ManifestPost mp;
        mp.digest = current.digest;
        mp.content = std::move(current.content);
        mp.approvals = std::move(approvals);
        manifest.posts.push_back(std::move(mp));
        items.push_back({record.id, record.currentVersion});
    }
    // Cancel and retract orders: the same policy gate as posts (WorkstationOrders.cpp).
    POSTERN_ASSIGN(orders, manifestOrders(orderIds, postIds, policy.policy, lifetime));
    manifest.orders = std::move(orders);
    manifest.buildMediaTable();

    POSTERN_ASSIGN(ws, workstationKey(operatorUser));
    // The sequence is committed before the bundle exists, so a crash can burn a number but
    // never reuse one (the uploader tolerates gaps).
    POSTERN_ASSIGN(sequence, m_store->exports().reserveSequence());
    bundle::SealRequest req;
    req.workstation = &ws;
    req.recipient = uploader->boxKey;
    req.sequence = static_cast<std::uint64_t>(sequence);
    req.created = now;
    req.expires = now + lifetime;
    req.manifest = &manifest;
    req.mediaPath = [this](const crypto::Digest& hash) { return m_store->media().pathFor(toHex(hash)); };
    // From here a failure or a cancel burns `sequence` (the uploader accepts the gap) and
    // changes nothing else: sealBundle leaves no file, and a bundle that was written is
    // removed before returning.
    POSTERN_ASSIGN(sealed, bundle::sealBundle(req, out, progress));
    if (progress.onPhase)
        progress.onPhase(bundle::SealPhase::ReadingBack);
    if (auto s = bundle::readBackBundle(out, sealed, ws.publicKey(), uploader->boxKey, progress); !s) {
        removeBundle(out);
        return std::move(s).error();
    }
    if (cancelRequested(progress)) { // the last chance: once recorded, the export stands
        removeBundle(out);
        return cancelled();
    }
    const std::string bundleId = toHex(sealed.header.bundleId);
    const auto status = m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->exports().recordExport({sequence,
                                                     bundleId,
                                                     std::filesystem::absolute(out).string(),
                                                     sealed.fingerprint,
                                                     now,
                                                     operatorUser.record.id,
                                                     items,
                                                     orderIds}));
        POSTERN_TRY(m_store->audit().append(operatorUser.key,
                                            "export",
                                            bundleId,
                                            std::to_string(items.size()) + " post(s), "
                                                + std::to_string(orderIds.size()) + " order(s), fingerprint "
                                                + sealed.fingerprint,
                                            now));
        return {};
    });
    if (!status) {
        removeBundle(out); // nothing is marked exported, so nothing may be left to carry
        return status.error();
    }
    spdlog::info("exported bundle {} ({} posts, {} orders, sequence {})",
                 bundleId,
                 items.size(),
                 orderIds.size(),
                 sequence);
    ExportResult r;
    r.bundleId = bundleId;
    r.sequence = static_cast<std::uint64_t>(sequence);
    r.fingerprint = sealed.fingerprint;
    r.fileBytes = sealed.fileBytes;
    for (const auto& i : items)
        r.postIds.push_back(i.postId);
    r.orderIds = orderIds;
    return r;
}

Result<ReceiptSummary> Workstation::importReceipt(const UnlockedUser& operatorUser, std::string_view receiptText)
{
    POSTERN_TRY(requireRole(operatorUser, domain::Role::Operator, "import receipts"));
    auto uploader = m_store->trust().activeUploader();
    if (!uploader && uploader.code() == Errc::NoUploader)
        return fail(Errc::NoUploader, "no uploader is trusted, so no receipt can be checked");
    if (!uploader)
        return std::move(uploader).error(); // a damaged store says so, not "no uploader"
    POSTERN_ASSIGN(receipt, bundle::readReceipt(receiptText, uploader->signKey));
    POSTERN_ASSIGN(ws, m_store->workstation());
    if (!crypto::equalConstantTime(receipt.workstation, ws.publicKey))
        return fail(Errc::BadValue, "this receipt answers a bundle from another workstation");
    const std::string bundleId = toHex(receipt.bundleId);
    auto exported = m_store->exports().byBundleId(bundleId);
    if (!exported)
        return fail(Errc::NotFound, "this workstation never exported bundle " + bundleId);

    std::vector<store::PostResult> results;
    if (!receipt.error.empty()) {
        // The uploader refused the whole bundle, and a signed refusal is final (it never
        // publishes that bundle id): every channel of every post is refused, and the author
        // can revise and submit again.
        for (const auto& item : exported->items) {
            POSTERN_ASSIGN(version, m_store->posts().getVersion(item.postId, item.version));
            for (const auto& ch : store::splitChannels(version.channels)) {
                results.push_back({item.postId,
                                   item.version,
                                   ch,
                                   store::PublishOutcome::Failed,
                                   "",
                                   "",
                                   refusalInWords(receipt.error),
                                   0});
            }
        }
    }
    for (const auto& e : receipt.entries) {
        store::PublishOutcome outcome = store::PublishOutcome::Failed;
        if (e.state == bundle::ReceiptState::Published)
            outcome = store::PublishOutcome::Published;
        else if (e.state == bundle::ReceiptState::Scheduled)
            outcome = store::PublishOutcome::Scheduled;
        else if (e.state == bundle::ReceiptState::Cancelled)
            outcome = store::PublishOutcome::Cancelled;
        results.push_back({e.postId, e.version, e.channel.str(), outcome, e.platformId, e.url, e.reason, 0});
    }
    std::vector<store::OrderResultRecord> orderResults;
    for (const auto& o : receipt.orders) {
        store::OrderOutcome outcome = store::OrderOutcome::Failed;
        if (o.outcome == bundle::OrderOutcome::Cancelled)
            outcome = store::OrderOutcome::Cancelled;
        else if (o.outcome == bundle::OrderOutcome::Retracted)
            outcome = store::OrderOutcome::Retracted;
        orderResults.push_back({o.orderId, o.channel.str(), outcome, o.reason, "", 0});
    }
    const std::int64_t now = m_clock.now();
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->exports().importReceipt(bundleId, receiptText, results, now, orderResults, receipt.error));
        POSTERN_TRY(m_store->audit().append(operatorUser.key,
                                            "receipt-import",
                                            bundleId,
                                            receipt.error.empty()
                                                ? std::to_string(receipt.entries.size()) + " result(s), "
                                                      + std::to_string(receipt.orders.size()) + " order result(s)"
                                                : "rejected: " + receipt.error,
                                            now));
        return {};
    }));
    ReceiptSummary s;
    s.bundleId = bundleId;
    s.error = receipt.error;
    s.entries = receipt.entries;
    s.orders = receipt.orders;
    return s;
}

} // namespace postern::workflow
