// SPDX-License-Identifier: GPL-3.0-or-later
// Verification and claiming: everything up to the moment a bundle's targets are in the ledger.
// Publishing the claimed targets, receipts and resume live in PublishTargets.cpp.
#include "postern/uploader/publish/PublishService.h"

#include "postern/bundle/Receipt.h"
#include "postern/uploader/publish/SpoolCrypto.h"
#include "postern/util/FileIO.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

namespace postern::uploader {

namespace fs = std::filesystem;

namespace {

Result<fs::path> absolutePath(const fs::path& p)
{
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    if (ec)
        return fail(Errc::Io, "cannot resolve " + p.string() + ": " + ec.message());
    return abs.lexically_normal();
}

bundle::VerifyEnvironment makeEnvironment(UploaderHome& home, const TrustedSet& trusted)
{
    bundle::VerifyEnvironment env;
    env.uploaderKey = home.boxKey();
    env.findWorkstation = [&trusted](const crypto::PublicKey& key) { return trusted.find(key); };
    env.seen = [&home](const bundle::BundleId& id) { return home.ledger().knowsBundle(id); };
    return env;
}

/**
 * isCopyFailure tells a failure of the carrying or of this host from a verdict about the bundle
 * (docs/bundle-format.md §9, "Signed rejections"). The verifier marks the failures of the copy
 * (Error::ofCopy): a file shorter or longer than its signed header implies, or data after the
 * FINAL chunk. The same codes from inside the authenticated payload (bytes after the manifest's
 * JSON, §9.1) were written by the workstation and earn a signed rejection like any other defect.
 */
bool isCopyFailure(const Error& error)
{
    return error.ofCopy || error.code == Errc::Io || error.code == Errc::NotFound;
}

Status writeNewFile(const fs::path& path, std::string_view text)
{
    if (std::error_code ec; fs::exists(fs::symlink_status(path, ec)))
        return fail(Errc::AlreadyExists,
                    path.string()
                        + " already exists and receipts are never overwritten; write the stored receipt "
                          "elsewhere with `postern-uploader receipt`");
    return writeFileAtomic(path, text, 0644);
}

std::string randomName()
{
    Bytes raw(8);
    crypto::randomBytes(raw);
    return ".tmp-" + toHex(raw);
}

} // namespace

PublishService::PublishService(UploaderHome& home, ServiceOptions options)
    : m_home(home), m_options(std::move(options)), m_outbox(home.outbox())
{
    m_adapters.set(domain::Platform::Outbox, &m_outbox);
}

void PublishService::setAdapters(const AdapterRegistry& adapters)
{
    m_adapters.merge(adapters);
}

void PublishService::setAdapter(domain::Platform platform, PublishAdapter* adapter)
{
    m_adapters.set(platform, adapter);
}

Status PublishService::crash(CrashPoint point) const
{
    if (m_options.crashAt && m_options.crashAt(point))
        return fail(Errc::Cancelled, "simulated crash (test hook)");
    return {};
}

fs::path PublishService::spoolDir(const bundle::BundleId& id) const
{
    return m_home.layout().spool / toHex(id);
}

Result<const crypto::SecureBuffer*> PublishService::atRestKey()
{
    if (!m_atRestKey) {
        if (!m_home.signKey())
            return fail(Errc::Internal, "the at-rest key needs the unlocked signing key");
        POSTERN_ASSIGN(key, deriveAtRestKey(*m_home.signKey()));
        m_atRestKey.emplace(std::move(key));
    }
    return &*m_atRestKey;
}

Result<std::string> PublishService::manifestText(const BundleRecord& record)
{
    if (record.manifestSealed.empty())
        return record.manifest; // claimed before ledger v3, in plaintext
    POSTERN_ASSIGN(key, atRestKey());
    return openManifest(*key, record.id, record.manifestSealed);
}

Status PublishService::checkpoint()
{
    if (m_options.stopRequested && m_options.stopRequested())
        return fail(Errc::Suspended, "the uploader is stopping; the rest is published by the next run");
    POSTERN_ASSIGN(flag, m_home.ledger().suspension());
    if (flag)
        return fail(Errc::Suspended,
                    "publishing is suspended since " + formatUtc(flag->since) + " by " + flag->by
                        + (flag->reason.empty() ? std::string() : " (" + flag->reason + ")"));
    return {};
}

Result<bool> PublishService::answerFromLedger(const fs::path& bundlePath, PublishReport& report)
{
    bundle::FileSource source;
    if (!source.open(bundlePath))
        return false;
    auto header = bundle::readBundleHeader(source, std::numeric_limits<std::uint64_t>::max());
    if (!header)
        return false;
    const std::string idHex = toHex(header->bundleId);
    POSTERN_ASSIGN(accepted, m_home.ledger().bundle(header->bundleId));
    if (accepted) {
        report.previous = std::move(accepted);
        report.rejection = fail(Errc::Replay,
                                "bundle " + idHex + " was already processed on "
                                    + formatUtc(report.previous->receivedAt) + "; a bundle is used once");
        return true;
    }
    POSTERN_ASSIGN(refused, m_home.ledger().refusal(header->bundleId));
    if (refused) {
        report.previousRefusal = std::move(refused);
        report.rejection =
            fail(Errc::Replay,
                 "bundle " + idHex + " was refused on " + formatUtc(report.previousRefusal->refusedAt) + " ("
                     + report.previousRefusal->code + "); this uploader never publishes a bundle it refused");
        return true;
    }
    return false;
}

Result<BundleSummary> PublishService::verify(const fs::path& bundlePath, std::uint64_t maxBundleBytes)
{
    if (!m_home.boxKey() || !m_options.clock)
        return fail(Errc::Internal, "verify needs the unlocked box key and a clock");
    PublishReport known;
    POSTERN_ASSIGN(answered, answerFromLedger(bundlePath, known));
    if (answered)
        return *known.rejection;
    TrustedSet trusted;
    POSTERN_TRY(trusted.load(m_home.ledger()));
    bundle::FileSource source;
    POSTERN_TRY(source.open(bundlePath));
    bundle::VerifyOptions options;
    options.now = m_options.clock->now(); // one captured now for every time check
    options.maxBundleBytes = maxBundleBytes;
    POSTERN_ASSIGN(verified, bundle::verifyBundle(source, makeEnvironment(m_home, trusted), options, nullptr));
    const WorkstationRecord* ws = trusted.record(verified.header.workstation);
    spdlog::info("bundle {} (fingerprint {}) verified (not consumed): workstation {}, sequence {}",
                 toHex(verified.header.bundleId),
                 crypto::fingerprint(verified.header.encode()),
                 domain::keyFingerprint(verified.header.workstation),
                 verified.header.sequence);
    return summarise(verified, ws ? ws->name : std::string());
}

Result<PublishReport> PublishService::publish(const PublishRequest& request)
{
    if (!m_home.boxKey() || !m_home.signKey() || !m_options.clock)
        return fail(Errc::Internal, "publish needs both unlocked keys and a clock");
    PublishReport report;
    POSTERN_ASSIGN(bundlePath, absolutePath(request.bundlePath));
    POSTERN_ASSIGN(receiptPath, absolutePath(request.receiptPath.value_or(fs::path(bundlePath.string() + ".receipt"))));
    if (receiptPath == bundlePath)
        return fail(Errc::InvalidArgument,
                    "the receipt cannot be written over the bundle itself; choose another --receipt");
    POSTERN_ASSIGN(answered, answerFromLedger(bundlePath, report));
    if (answered) {
        spdlog::info("bundle {}", report.rejection->what());
        POSTERN_ASSIGN(resumed, resume()); // older work still gets its pass
        report.resumed = std::move(resumed.bundles);
        return report;
    }
    TrustedSet trusted;
    POSTERN_TRY(trusted.load(m_home.ledger()));
    bundle::FileSource source;
    POSTERN_TRY(source.open(bundlePath));
    bundle::VerifyOptions options;
    options.now = m_options.clock->now();
    options.maxBundleBytes = request.maxBundleBytes;
    // An answer is never written over another: a receipt already at the path belongs to some
    // other bundle (or an earlier uploader), and the operator decides what happens to it.
    if (std::error_code ec; fs::exists(fs::symlink_status(receiptPath, ec)))
        return fail(Errc::AlreadyExists,
                    "a file already exists at " + receiptPath.string()
                        + ", where this bundle's receipt would go; receipts are never overwritten. Move that file "
                          "away, or choose another place with --receipt");
    if (source.size() > request.maxBundleBytes) {
        // This host's own cap: a verdict about this uploader, not about the bundle.
        report.rejection =
            fail(Errc::TooLarge,
                 "the bundle is " + std::to_string(source.size()) + " bytes; this uploader accepts at most "
                     + std::to_string(request.maxBundleBytes) + " (see --max-size)");
        report.localOnly = true;
        spdlog::info("bundle not taken: {}", report.rejection->what());
        return report;
    }

    // Media are spooled, sealed under the at-rest key as they stream out of the verifier,
    // under a temporary name; SealedSpool discards them on any failure.
    POSTERN_ASSIGN(key, atRestKey());
    const fs::path temp = m_home.layout().spool / randomName();
    POSTERN_TRY(ensurePrivateDirectory(temp));
    auto verified = [&]() {
        SealedSpool spool(temp, *key);
        auto v = bundle::verifyBundle(source, makeEnvironment(m_home, trusted), options, &spool);
        if (v)
            spool.keep();
        return v;
    }();
    std::error_code ec;
    if (!verified) {
        fs::remove_all(temp, ec);
        Error error = std::move(verified).error();
        if (!isBundleRejection(error.code))
            return error;
        report.rejection = error;
        if (isCopyFailure(error)) {
            report.localOnly = true;
            spdlog::info("bundle not taken (the copy, not the bundle): {}", error.what());
            return report;
        }
        // info, not warn: the caller reports the rejection to the person; the log keeps the record.
        spdlog::info("bundle rejected: {}", error.what());
        POSTERN_TRY(writeRejectionReceipt(request, receiptPath, trusted, options.now, report));
        POSTERN_ASSIGN(resumed, resume()); // older work still gets its pass
        report.resumed = std::move(resumed.bundles);
        return report;
    }
    const bundle::VerifiedBundle& vb = verified.value();
    const std::string idHex = toHex(vb.header.bundleId);

    // Crash point analysis (docs/uploader.md): the spool folder gets its final name BEFORE the
    // claim commits. A crash in between leaves spool/<id>/ with no ledger row; cleanSpool()
    // removes such folders and the bundle file, still unconsumed, can simply be published
    // again. After the commit, resume always finds the media under spool/<id>/.
    const fs::path finalSpool = spoolDir(vb.header.bundleId);
    fs::remove_all(finalSpool, ec); // verification just proved this id unseen: a leftover of such a crash
    if (std::rename(temp.c_str(), finalSpool.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        fs::remove_all(temp, ec);
        return fail(Errc::Io, "cannot move the verified media to " + finalSpool.string() + ": " + why);
    }
    POSTERN_TRY(fsyncDirectory(m_home.layout().spool));
    POSTERN_TRY(crash(CrashPoint::AfterSpoolRename));

    const bundle::TrustedWorkstation* ws = trusted.find(vb.header.workstation);
    const std::int64_t trustedVersion = ws ? ws->policy.policy.version : 0;
    POSTERN_TRY(claim(vb, bundlePath, receiptPath, options.now, trustedVersion));
    const WorkstationRecord* wsRecord = trusted.record(vb.header.workstation);
    report.summary = summarise(vb, wsRecord ? wsRecord->name : std::string());
    POSTERN_TRY(crash(CrashPoint::AfterClaim));

    // Older interrupted work next, so targets are published in the order they were claimed.
    // It runs after the claim so that a cancel order in this bundle has already stopped the
    // targets it names: nothing waiting is published on the way.
    POSTERN_ASSIGN(resumed, resumeBundles(vb.header.bundleId));
    report.resumed = std::move(resumed.bundles);

    POSTERN_ASSIGN(record, m_home.ledger().bundle(vb.header.bundleId));
    if (!record)
        return fail(Errc::Internal, "bundle " + idHex + " vanished from the ledger after it was claimed");
    POSTERN_ASSIGN(progress, processBundle(*record));
    report.progress = std::move(progress);

    // The bundle file is wiped only once the bundle is complete: until then it is harmless
    // (the ledger already refuses it as a replay) and tells the operator the job is not done.
    if (report.progress.complete && !request.keep) {
        if (auto s = overwriteAndRemove(bundlePath); s) {
            report.bundleRemoved = true;
            POSTERN_TRY(m_home.ledger().addEvent(m_options.clock->now(),
                                                 "bundle-removed",
                                                 idHex,
                                                 "bundle file overwritten and removed"));
        } else {
            report.removeError = s.error().what();
            spdlog::info("bundle {}: cannot wipe the bundle file: {}", idHex, report.removeError);
        }
    }
    return report;
}

Status PublishService::claim(const bundle::VerifiedBundle& vb,
                             const fs::path& bundlePath,
                             const fs::path& receiptPath,
                             std::int64_t now,
                             std::int64_t trustedVersion)
{
    Ledger& ledger = m_home.ledger();
    const std::string idHex = toHex(vb.header.bundleId);
    SqliteTransaction tx(ledger.db());
    POSTERN_TRY(tx.begin());

    BundleRecord b;
    b.id = vb.header.bundleId;
    b.workstation = vb.header.workstation;
    b.sequence = vb.header.sequence;
    b.created = vb.header.created;
    b.expires = vb.header.expires;
    b.receivedAt = now;
    b.policyVersion = vb.policy.policy.version;
    // Sealed at rest: a scheduled post may wait here for days (SpoolCrypto.h).
    POSTERN_ASSIGN(key, atRestKey());
    POSTERN_ASSIGN(sealed, sealManifest(*key, vb.header.bundleId, vb.manifest.serialize()));
    b.manifestSealed = std::move(sealed);
    b.state = BundleState::Publishing;
    b.receiptPath = receiptPath.string();
    b.bundlePath = bundlePath.string();
    if (auto s = ledger.addBundle(b); !s) {
        // The primary key is the replay guard of last resort, should anything race the check.
        if (s.code() == Errc::AlreadyExists)
            return fail(Errc::Replay, "bundle " + idHex + " was already processed; a bundle is used once");
        return s;
    }
    POSTERN_TRY(ledger.raiseHighWater(vb.header.workstation, vb.header.sequence));
    if (vb.policyAdvanced) {
        for (const auto& p : vb.manifest.policies) {
            if (p.policy.version > trustedVersion && p.policy.version <= vb.policy.policy.version)
                POSTERN_TRY(ledger.addPolicy(vb.header.workstation, p.policy.version, p.fileText, now));
        }
        POSTERN_TRY(ledger.addEvent(now,
                                    "policy-advanced",
                                    idHex,
                                    "policy version " + std::to_string(trustedVersion) + " -> "
                                        + std::to_string(vb.policy.policy.version)));
    }
    std::size_t targets = 0;
    for (std::size_t i = 0; i < vb.manifest.posts.size(); ++i) {
        const auto& content = vb.manifest.posts[i].content;
        for (std::size_t j = 0; j < content.channels.size(); ++j) {
            TargetRecord t;
            t.bundleId = vb.header.bundleId;
            t.postIndex = i;
            t.channelIndex = j;
            t.postId = content.postId;
            t.version = content.version;
            t.channel = content.channels[j].channel.str();
            t.state = TargetState::Claimed;
            t.updatedAt = now;
            t.dueAt = content.schedule; // 0, or a time in the past: due at once
            // An order about this post may have arrived first (bundles can be carried out of
            // order): then the target is born cancelled and never reaches a platform.
            POSTERN_ASSIGN(cancelled, cancelledBefore(t.postId, t.channel, content.created));
            if (!cancelled.empty()) {
                t.state = TargetState::Cancelled;
                t.reason = cancelled;
            }
            POSTERN_TRY(ledger.addTarget(t));
            ++targets;
        }
    }
    POSTERN_TRY(claimOrders(vb, now));
    const std::string details = "fingerprint " + crypto::fingerprint(vb.header.encode()) + ", workstation "
                                + domain::keyFingerprint(vb.header.workstation) + " sequence "
                                + std::to_string(vb.header.sequence) + ", " + std::to_string(vb.manifest.posts.size())
                                + " post(s), " + std::to_string(targets) + " target(s) claimed, "
                                + std::to_string(vb.manifest.orders.size()) + " order(s)";
    POSTERN_TRY(ledger.addEvent(now, "bundle-accepted", idHex, details));
    POSTERN_TRY(tx.commit());
    spdlog::info("bundle {} accepted: {}", idHex, details);
    return {};
}

Status PublishService::writeRejectionReceipt(const PublishRequest& request,
                                             const fs::path& receiptPath,
                                             const TrustedSet& trusted,
                                             std::int64_t now,
                                             PublishReport& report)
{
    const Errc code = report.rejection->code;
    // Only a header the trusted workstation really signed earns an answer: anything else may
    // not come from it at all, and signing receipts for arbitrary files helps nobody.
    bundle::FileSource source;
    if (!source.open(request.bundlePath))
        return {};
    auto header = bundle::readBundleHeader(source, std::numeric_limits<std::uint64_t>::max());
    if (!header || !trusted.find(header->workstation) || !header->verifySignature())
        return {};
    if (code == Errc::Replay) {
        // Reached only if another process claimed the id between answerFromLedger and the claim:
        // the first answer stands, and nothing is written over it.
        if (auto previous = m_home.ledger().bundle(header->bundleId); previous && *previous)
            report.previous = **previous;
        return {};
    }
    bundle::Receipt receipt;
    receipt.bundleId = header->bundleId;
    receipt.uploader = m_home.signKey()->publicKey();
    receipt.workstation = header->workstation;
    receipt.processedAt = now;
    receipt.error = std::string(errcName(code));
    const std::string text = bundle::makeReceipt(receipt, *m_home.signKey());
    const std::string idHex = toHex(header->bundleId);

    // A signed rejection is final: recorded (with its exact text) before the file is written,
    // so no crash can leave a rejection receipt in the workstation's hands for a bundle this
    // uploader might still publish from another copy.
    Ledger& ledger = m_home.ledger();
    SqliteTransaction tx(ledger.db());
    POSTERN_TRY(tx.begin());
    RefusalRecord refusal;
    refusal.id = header->bundleId;
    refusal.workstation = header->workstation;
    refusal.sequence = header->sequence;
    refusal.code = receipt.error;
    refusal.reason = report.rejection->message;
    refusal.receiptPath = receiptPath.string();
    refusal.refusedAt = now;
    POSTERN_TRY(ledger.addRefusal(refusal));
    POSTERN_TRY(ledger.storeReceipt(header->bundleId, text, now));
    POSTERN_TRY(ledger.addEvent(now, "bundle-refused", idHex, receipt.error + ": " + report.rejection->message));
    POSTERN_TRY(tx.commit());

    if (auto s = writeNewFile(receiptPath, text); s) {
        report.rejectionReceipt = receiptPath;
        spdlog::info("bundle {}: rejection receipt ({}) written", idHex, errcName(code));
    } else {
        report.rejectionReceiptError = s.error().what();
    }
    return {};
}

} // namespace postern::uploader
