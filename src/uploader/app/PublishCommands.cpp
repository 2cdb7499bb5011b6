// SPDX-License-Identifier: GPL-3.0-or-later
// verify, publish and resume: unlock the keys, call PublishService, print what it did.
#include "postern/uploader/platforms/PlatformAdapters.h"
#include "postern/uploader/publish/PublishService.h"
#include "postern/util/FileIO.h"

#include "Commands.h"

#include <algorithm>
#include <charconv>
#include <iomanip>
#include <limits>

namespace postern::uploader::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kDefaultMaxBundleBytes = 64ull << 30;

std::optional<std::uint64_t> maxSize(const Context& ctx, bool& ok)
{
    ok = true;
    const auto* text = ctx.args.value("max-size");
    if (!text)
        return kDefaultMaxBundleBytes;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value == 0) {
        printError(ctx, "--max-size needs a positive number of bytes, not \"" + *text + "\"");
        ok = false;
        return std::nullopt;
    }
    return value;
}

void printSummary(const Context& ctx, const BundleSummary& s)
{
    ctx.out() << label("bundle") << toHex(s.id) << "\n"
              << label("fingerprint") << s.fingerprint << "  (compare with the transfer form)\n"
              << label("workstation") << (s.workstationName.empty() ? "?" : s.workstationName) << " ("
              << s.workstationFingerprint << ")\n"
              << label("sequence") << s.sequence << "\n"
              << label("created") << formatUtc(s.created) << "\n"
              << label("expires") << formatUtc(s.expires) << "\n"
              << label("policy") << "version " << s.policyVersion
              << (s.policyAdvanced ? " (newer than the one trusted; it is stored on publish)" : "") << "\n"
              << label("posts") << s.posts.size() << "\n";
    for (std::size_t i = 0; i < s.posts.size(); ++i) {
        const auto& p = s.posts[i];
        std::string channels;
        for (const auto& c : p.channels)
            channels += (channels.empty() ? "" : ", ") + c;
        std::string approvers;
        for (const auto& a : p.approvers)
            approvers += (approvers.empty() ? "" : ", ") + a;
        ctx.out() << "  post " << i << "  " << p.postId << " version " << p.version << ", "
                  << (p.schedule == 0 ? std::string("on arrival") : "scheduled " + formatUtc(p.schedule)) << "\n"
                  << "    channels     " << channels << "\n"
                  << "    approved by  " << approvers << "\n"
                  << "    media        " << p.mediaCount << "\n";
    }
    ctx.out() << label("media") << s.mediaCount << " file(s), " << s.mediaBytes << " bytes\n";
    if (const auto& x = s.xCost; x.posts + x.postsWithUrl > 0)
        ctx.out() << label("X cost") << dollars(x.mills()) << " estimated: " << x.posts << " post(s) at "
                  << dollars(XCost::kPost) << ", " << x.postsWithUrl << " with a link at "
                  << dollars(XCost::kPostWithUrl) << ", " << x.altTexts << " alt text(s) at "
                  << dollars(XCost::kAltText) << " (X's pay-per-request prices; reconciling a lost answer "
                  << "reads posts at " << dollars(XCost::kRead) << " each)\n";
}

void printProgress(const Context& ctx, const BundleProgress& p)
{
    ctx.out() << "targets\n";
    for (const auto& t : p.targets) {
        const auto& r = t.record;
        std::string detail = r.state == TargetState::Failed ? r.reason : r.url;
        if (t.alreadyPresent)
            detail += " (found published by an interrupted run)";
        if (!t.pendingError.empty())
            detail = "not published yet: " + t.pendingError;
        if (t.scheduledFor != 0)
            detail = "scheduled for " + formatUtc(t.scheduledFor) + " (kept sealed until then)";
        if (t.held)
            detail = "held: " + t.pendingError;
        ctx.out() << "  " << OutboxPublisher::folderName(r.postIndex, r.channelIndex) << "  " << std::left
                  << std::setw(32) << r.channel << " " << std::setw(8) << targetStateName(r.state) << " " << detail
                  << "\n";
    }
    if (!p.orders.empty())
        ctx.out() << "orders\n";
    for (const auto& o : p.orders) {
        ctx.out() << "  " << o.action << " " << o.orderId.substr(0, 8) << "  " << std::left << std::setw(32)
                  << o.channel << " " << std::setw(9) << orderStateName(o.state) << " " << o.reason << "\n";
    }
    if (p.complete)
        ctx.out() << label("receipt") << p.receiptPath.string() << "\n";
}

std::size_t countState(const BundleProgress& p, TargetState state)
{
    std::size_t n = 0;
    for (const auto& t : p.targets)
        n += t.record.state == state ? 1 : 0;
    return n;
}

/** reportProblems prints the stderr lines for a bundle that is not cleanly finished. */
void reportProblems(const Context& ctx, const BundleProgress& p)
{
    std::size_t scheduled = 0;
    std::size_t held = 0;
    for (const auto& t : p.targets) {
        scheduled += t.scheduledFor != 0 ? 1 : 0;
        held += t.held ? 1 : 0;
    }
    const std::size_t pending = countState(p, TargetState::Claimed) + countState(p, TargetState::Sent)
                                + countState(p, TargetState::Unknown) - scheduled - held;
    const auto waitingOrders =
        static_cast<std::size_t>(std::count_if(p.orders.begin(), p.orders.end(), [](const OrderRecord& o) {
            return o.state == OrderState::Pending;
        }));
    if (waitingOrders > 0)
        printError(ctx,
                   std::to_string(waitingOrders) + " order(s) of bundle " + toHex(p.id)
                       + " are not carried out yet (see \"orders\" above); no receipt was written",
                   "fix what is shown, then run `postern-uploader resume`");
    if (held > 0)
        printError(ctx,
                   std::to_string(held) + " target(s) of bundle " + toHex(p.id)
                       + " were not published because publishing is suspended (or the uploader is stopping); "
                         "they stay pending",
                   "run `postern-uploader resume` when publishing may go on");
    if (pending > 0) {
        printError(ctx,
                   std::to_string(pending) + " target(s) of bundle " + toHex(p.id)
                       + " could not be published yet; no receipt was written",
                   "fix the problem shown above, then run `postern-uploader resume`");
    } else if (held > 0) {
        return;
    } else if (scheduled > 0) {
        ctx.out() << scheduled << " target(s) of bundle " << toHex(p.id) << " wait for their scheduled time (next "
                  << formatUtc(p.nextDue()) << "); the receipt is written when all are published\n";
    } else if (!p.receiptError.empty()) {
        printError(ctx, p.receiptError);
    } else if (p.anyFailed()) {
        printError(ctx,
                   std::to_string(countState(p, TargetState::Failed)) + " of " + std::to_string(p.targets.size())
                       + " target(s) of bundle " + toHex(p.id) + " failed",
                   "the receipt tells the workstation why; take it back there");
    }
}

} // namespace

void printResumed(const Context& ctx, const std::vector<BundleProgress>& bundles)
{
    for (const auto& b : bundles) {
        const bool attempted =
            std::any_of(b.targets.begin(), b.targets.end(), [](const TargetReport& t) { return t.attempted; });
        if (!attempted && !b.complete && !b.needsAttention())
            continue; // only waiting for its schedule: `status` lists it
        ctx.out() << "resumed bundle " << toHex(b.id) << "\n";
        printProgress(ctx, b);
        reportProblems(ctx, b);
    }
}

namespace {

ExitCode printRejection(const Context& ctx, const PublishReport& r)
{
    const Error& e = *r.rejection;
    if (e.code == Errc::Replay && (r.previous || r.previousRefusal)) {
        const std::string& receipt = r.previous ? r.previous->receiptPath : r.previousRefusal->receiptPath;
        std::error_code ec;
        const bool present = !receipt.empty() && fs::exists(receipt, ec);
        printError(ctx,
                   "bundle rejected: " + e.what(),
                   "its receipt " + (present ? "is " + receipt : "was written to " + receipt + ", which is gone")
                       + "; nothing was written over it. `postern-uploader receipt BUNDLE --out FILE` writes the "
                         "stored receipt again; this copy of the bundle can be deleted");
        return exitCodeOf(r);
    }
    if (r.localOnly) {
        printError(ctx,
                   "bundle not taken: " + e.what(),
                   hintFor(e.code) + (hintFor(e.code).empty() ? "" : "; ")
                       + "nothing was published, no receipt was written and nothing was recorded, so the bundle "
                         "can still be published");
        return exitCodeOf(r);
    }
    printError(ctx, "bundle rejected: " + e.what());
    std::string status = "nothing was published and the bundle file was kept; this uploader will never publish "
                         "this bundle";
    // The hints for truncated and trailing-data speak of an incomplete copy; a refused bundle
    // with those codes has bytes after its manifest's JSON, which no new copy mends.
    std::string hint = e.ofCopy || (e.code != Errc::TrailingData && e.code != Errc::Truncated)
                           ? hintFor(e.code)
                           : std::string("the workstation wrote a malformed manifest; export the posts again");
    if (!r.rejectionReceipt.empty()) {
        status += "; a signed receipt naming the error was written to " + r.rejectionReceipt.string();
        hint += (hint.empty() ? "" : "; ") + std::string("take the receipt back to the workstation");
    }
    printError(ctx, status, hint);
    if (!r.rejectionReceiptError.empty())
        printError(ctx, "the rejection receipt could not be written: " + r.rejectionReceiptError);
    return exitCodeOf(r);
}

/**
 * prepareBundleCommand does what verify and publish share: one BUNDLE argument, the size cap,
 * the home (locked for publish, which writes) and the keys (the receipt key only for publish).
 * Returns an exit code when the command cannot go on.
 */
std::optional<ExitCode> prepareBundleCommand(const Context& ctx,
                                             std::string_view usage,
                                             bool publishing,
                                             UploaderHome& home,
                                             std::uint64_t& limit)
{
    if (ctx.args.positionals.size() != 1) {
        printError(ctx, "usage: postern-uploader " + std::string(usage));
        return ExitCode::Usage;
    }
    bool ok = true;
    const auto cap = maxSize(ctx, ok);
    if (!ok)
        return ExitCode::Usage;
    limit = *cap;
    if (auto code = openHome(ctx, home, publishing))
        return code;
    return unlockKeys(ctx, home, true, publishing);
}

/** printXReads says what reconciling cost on X; nothing when no X listing was read. */
void printXReads(const Context& ctx, const XReads& reads)
{
    if (reads.posts == 0 && reads.users == 0)
        return;
    ctx.out() << label("X reads") << reads.posts << " post(s) and " << reads.users
              << " account lookup(s) read to look for lost answers: " << dollars(reads.mills()) << " (X bills "
              << dollars(XReads::kPost) << " a post, " << dollars(XReads::kUser) << " an account)\n";
}

} // namespace

ExitCode runVerify(const Context& ctx)
{
    UploaderHome home;
    std::uint64_t limit = 0;
    if (auto code = prepareBundleCommand(ctx, "verify BUNDLE [--max-size BYTES]", false, home, limit))
        return *code;
    PublishService service(home, {ctx.clock, {}, {}});
    auto summary = service.verify(ctx.args.positionals[0], limit);
    if (!summary) {
        if (!isBundleRejection(summary.code()))
            return failWith(ctx, summary.error());
        return failWith(ctx, summary.error(), std::nullopt, hintFor(summary.code()));
    }
    printSummary(ctx, *summary);
    ctx.out() << label("result") << "OK: the bundle passed every check; nothing was consumed\n";
    return ExitCode::Ok;
}

ExitCode runPublish(const Context& ctx)
{
    UploaderHome home;
    std::uint64_t limit = 0;
    if (auto code =
            prepareBundleCommand(ctx, "publish BUNDLE [--keep] [--receipt FILE] [--max-size BYTES]", true, home, limit))
        return *code;
    PublishService service(home, {ctx.clock, {}, {}});
    const PlatformAdapters adapters(home, *ctx.clock);
    service.setAdapters(adapters.registry());
    PublishRequest request;
    request.bundlePath = ctx.args.positionals[0];
    request.keep = ctx.args.has("keep");
    if (const auto* receipt = ctx.args.value("receipt"))
        request.receiptPath = fs::path(*receipt);
    request.maxBundleBytes = limit;
    auto report = service.publish(request);
    if (!report)
        return failWith(ctx, report.error());
    const ExitCode code = printPublishReport(ctx, *report, request.keep);
    printXReads(ctx, adapters.xReads());
    return code;
}

ExitCode runReceipt(const Context& ctx)
{
    const auto* out = ctx.args.value("out");
    if (ctx.args.positionals.size() != 1 || !out) {
        printError(ctx, "usage: postern-uploader receipt BUNDLE|BUNDLE-ID --out FILE");
        return ExitCode::Usage;
    }
    UploaderHome home;
    if (auto code = openHome(ctx, home, false))
        return *code;
    const std::string& which = ctx.args.positionals[0];
    bundle::BundleId id{};
    if (auto raw = fromHex(which, id.size()); raw && which.size() == 2 * id.size()) {
        std::copy(raw->begin(), raw->end(), id.begin());
    } else {
        bundle::FileSource source;
        if (auto s = source.open(which); !s)
            return failWith(ctx, s.error(), std::nullopt, "give a bundle file or its 32-digit bundle id");
        auto header = bundle::readBundleHeader(source, std::numeric_limits<std::uint64_t>::max());
        if (!header)
            return failWith(ctx, header.error());
        id = header->bundleId;
    }
    auto text = home.ledger().storedReceipt(id);
    if (!text)
        return failWith(ctx, text.error());
    if (!*text) {
        printError(ctx,
                   "this uploader holds no receipt for bundle " + toHex(id),
                   "a bundle that is still publishing gets its receipt when it completes (see `status`); one "
                   "answered before receipts were kept in the ledger has its receipt only where it was written");
        return ExitCode::Environment;
    }
    if (std::error_code ec; fs::exists(fs::symlink_status(*out, ec))) {
        printError(ctx,
                   std::string(*out) + " already exists; receipts are never written over a file",
                   "choose a new file name");
        return ExitCode::Environment;
    }
    if (auto s = writeFileAtomic(*out, **text, 0644); !s)
        return failWith(ctx, s.error());
    ctx.out() << label("receipt") << *out << " (the stored receipt of bundle " << toHex(id) << ", unchanged)\n";
    return ExitCode::Ok;
}

ExitCode printPublishReport(const Context& ctx, const PublishReport& report, bool keep)
{
    printResumed(ctx, report.resumed);
    if (report.rejection)
        return printRejection(ctx, report);
    printSummary(ctx, *report.summary);
    printProgress(ctx, report.progress);
    if (report.bundleRemoved)
        ctx.out() << label("bundle file") << "overwritten and removed\n";
    else if (keep)
        ctx.out() << label("bundle file") << "kept (--keep)\n";
    else if (!report.removeError.empty())
        ctx.out() << label("bundle file") << "not wiped (see below)\n";
    else
        ctx.out() << label("bundle file") << "kept until the bundle is complete\n";
    ctx.out() << label("result") << countState(report.progress, TargetState::Done) << " published, "
              << countState(report.progress, TargetState::Failed) << " failed, "
              << (countState(report.progress, TargetState::Claimed) + countState(report.progress, TargetState::Sent)
                  + countState(report.progress, TargetState::Unknown))
              << " waiting\n";
    reportProblems(ctx, report.progress);
    if (!report.removeError.empty())
        printError(ctx,
                   "the bundle was published but its file could not be wiped: " + report.removeError,
                   "delete it by hand");
    return exitCodeOf(report);
}

ExitCode runResume(const Context& ctx)
{
    if (!ctx.args.positionals.empty()) {
        printError(ctx, "usage: postern-uploader resume");
        return ExitCode::Usage;
    }
    // The suspension is lifted first, without the home lock, so `resume` also restarts a
    // running `watch` (which holds the lock and sees the flag gone at its next target).
    bool lifted = false;
    if (auto code = liftSuspension(ctx, lifted))
        return *code;
    UploaderHome home;
    if (auto s = home.open(ctx.home, true); !s) {
        if (s.code() == Errc::InvalidState && lifted) {
            ctx.out() << "another postern-uploader (watch) holds the home; it publishes the pending work at its "
                         "next pass\n";
            return ExitCode::Ok;
        }
        return failWith(ctx, s.error());
    }
    PublishService service(home, {ctx.clock, {}, {}});
    const PlatformAdapters adapters(home, *ctx.clock);
    service.setAdapters(adapters.registry());
    auto pending = service.hasPendingWork();
    if (!pending)
        return failWith(ctx, pending.error());
    if (!*pending) {
        const auto next = home.ledger().nextDue(ctx.clock->now());
        if (next && *next)
            ctx.out() << "nothing is due yet; the next scheduled post is due at " << formatUtc(**next) << "\n";
        else
            ctx.out() << "nothing to resume: every bundle is complete\n";
        return ExitCode::Ok;
    }
    if (auto code = unlockKeys(ctx, home, false, true))
        return *code;
    auto report = service.resume();
    if (!report)
        return failWith(ctx, report.error());
    printResumed(ctx, report->bundles);
    ctx.out() << "resumed " << report->bundles.size() << " bundle(s)\n";
    printXReads(ctx, adapters.xReads());
    return exitCodeOf(*report);
}

} // namespace postern::uploader::cli
