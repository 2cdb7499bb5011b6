// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: sealing approved posts into a bundle and importing the uploader's receipt.
#include "postern/bundle/BundleVerifier.h"
#include "postern/workflow/Workstation.h"

#include <spdlog/spdlog.h>

#include <map>

namespace postern::workflow {

namespace {

/**
 * verifyWritten reads the bundle back from the media before anything is marked exported: the
 * header must carry our signature and sequence and the file must be exactly as long as the
 * header says. The payload itself can only be opened by the uploader.
 */
Status verifyWritten(const std::filesystem::path& out, const bundle::SealedBundle& sealed)
{
    bundle::FileSource src;
    POSTERN_TRY(src.open(out));
    POSTERN_ASSIGN(header, bundle::readBundleHeader(src, UINT64_MAX));
    if (!header.verifySignature() || header.encode() != sealed.header.encode()
        || src.size() != sealed.header.fileBytes())
        return fail(Errc::Io,
                    "the bundle read back from " + out.string()
                        + " differs from what was written; the media may be faulty: use another one");
    return {};
}

} // namespace

Result<ExportResult> Workstation::exportBundle(const UnlockedUser& operatorUser,
                                               const std::vector<std::string>& postIds,
                                               const std::filesystem::path& out,
                                               std::int64_t lifetime,
                                               const bundle::SealProgress& progress)
{
    POSTERN_TRY(requireRole(operatorUser, domain::Role::Operator, "export bundles"));
    if (postIds.empty())
        return fail(Errc::InvalidArgument, "choose at least one approved post to export");
    auto uploader = m_store->trust().activeUploader();
    if (!uploader)
        return fail(Errc::NoUploader, "no uploader is trusted yet; an admin must run `postern-cli uploader trust`");
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
        POSTERN_ASSIGN(approvals, approvalsOf(record));
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
    POSTERN_ASSIGN(sealed, bundle::sealBundle(req, out, progress));

    auto removeBundle = [&]() {
        std::error_code rmEc;
        std::filesystem::remove(out, rmEc);
    };
    if (auto s = verifyWritten(out, sealed); !s) {
        removeBundle();
        return std::move(s).error();
    }
    const std::string bundleId = toHex(sealed.header.bundleId);
    const auto status = m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->exports().recordExport({sequence,
                                                     bundleId,
                                                     std::filesystem::absolute(out).string(),
                                                     sealed.fingerprint,
                                                     now,
                                                     operatorUser.record.id,
                                                     items}));
        POSTERN_TRY(
            m_store->audit().append(operatorUser.key,
                                    "export",
                                    bundleId,
                                    std::to_string(items.size()) + " post(s), fingerprint " + sealed.fingerprint,
                                    now));
        return {};
    });
    if (!status) {
        removeBundle(); // nothing is marked exported, so nothing may be left to carry
        return status.error();
    }
    spdlog::info("exported bundle {} ({} posts, sequence {})", bundleId, items.size(), sequence);
    ExportResult r;
    r.bundleId = bundleId;
    r.sequence = static_cast<std::uint64_t>(sequence);
    r.fingerprint = sealed.fingerprint;
    r.fileBytes = sealed.fileBytes;
    for (const auto& i : items)
        r.postIds.push_back(i.postId);
    return r;
}

Result<ReceiptSummary> Workstation::importReceipt(const UnlockedUser& operatorUser, std::string_view receiptText)
{
    POSTERN_TRY(requireRole(operatorUser, domain::Role::Operator, "import receipts"));
    auto uploader = m_store->trust().activeUploader();
    if (!uploader)
        return fail(Errc::NoUploader, "no uploader is trusted, so no receipt can be checked");
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
        // The uploader refused the whole bundle: every channel of every post failed.
        for (const auto& item : exported->items) {
            POSTERN_ASSIGN(version, m_store->posts().getVersion(item.postId, item.version));
            for (const auto& ch : store::splitChannels(version.channels)) {
                results.push_back({item.postId,
                                   item.version,
                                   ch,
                                   store::PublishOutcome::Failed,
                                   "",
                                   "",
                                   "the uploader rejected the bundle: " + receipt.error,
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
        results.push_back({e.postId, e.version, e.channel.str(), outcome, e.platformId, e.url, e.reason, 0});
    }
    const std::int64_t now = m_clock.now();
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->exports().importReceipt(bundleId, receiptText, results, now));
        POSTERN_TRY(m_store->audit().append(operatorUser.key,
                                            "receipt-import",
                                            bundleId,
                                            receipt.error.empty()
                                                ? std::to_string(receipt.entries.size()) + " result(s)"
                                                : "rejected: " + receipt.error,
                                            now));
        return {};
    }));
    ReceiptSummary s;
    s.bundleId = bundleId;
    s.error = receipt.error;
    s.entries = receipt.entries;
    return s;
}

} // namespace postern::workflow
