// SPDX-License-Identifier: GPL-3.0-or-later
// `postern-uploader report`: read back every post published in the window, store what was read
// in the ledger and write the signed monitoring report (docs/uploader.md, "report";
// docs/bundle-format.md §8.2) for the workstation to import.
#include "postern/bundle/Report.h"
#include "postern/uploader/platforms/PlatformAdapters.h"
#include "postern/uploader/publish/OutboxPublisher.h"
#include "postern/uploader/publish/ReportCollector.h"
#include "postern/util/Checked.h"
#include "postern/util/FileIO.h"
#include "postern/util/PlainText.h"

#include "Commands.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

namespace postern::uploader::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kDefaultWindowDays = 30;
constexpr std::int64_t kMaxWindowDays = 3650;

using Key = std::tuple<std::string, std::size_t, std::size_t>; // bundle hex, post, channel

Key keyOf(const TargetKey& k)
{
    return {toHex(k.bundleId), k.postIndex, k.channelIndex};
}

std::string countText(const std::optional<std::int64_t>& v, std::string_view name)
{
    return v ? std::to_string(*v) + " " + std::string(name) : std::string();
}

/** describeCounts is "3 likes, 2 reposts, 1 replies" for the printout. */
std::string describeCounts(const CountsRecord& c)
{
    std::string out;
    for (const auto& part : {countText(c.likes, "likes"),
                             countText(c.reposts, "reposts"),
                             countText(c.replies, "replies"),
                             countText(c.quotes, "quotes"),
                             countText(c.views, "views")}) {
        if (!part.empty())
            out += (out.empty() ? "" : ", ") + part;
    }
    return out.empty() ? "no counts" : out;
}

/** pickWorkstation is the workstation the report is for: --workstation FP, or the only one trusted. */
std::optional<WorkstationRecord>
pickWorkstation(const Context& ctx, const std::vector<WorkstationRecord>& trusted, ExitCode& code)
{
    const auto* wanted = ctx.args.value("workstation");
    for (const auto& w : trusted) {
        if (wanted ? w.fingerprint == *wanted : trusted.size() == 1)
            return w;
    }
    if (wanted) {
        printError(ctx, "no trusted workstation has the fingerprint " + std::string(*wanted), "see `status`");
        code = ExitCode::NotReady;
    } else if (trusted.empty()) {
        printError(ctx, "no workstation is trusted yet", "run `postern-uploader trust FILE` first");
        code = ExitCode::NotReady;
    } else {
        printError(ctx,
                   "this uploader trusts " + std::to_string(trusted.size()) + " workstations; a report is for one",
                   "name it with --workstation FINGERPRINT (see `status`)");
        code = ExitCode::Usage;
    }
    return std::nullopt;
}

} // namespace

ExitCode runReport(const Context& ctx)
{
    const auto* out = ctx.args.value("out");
    if (!ctx.args.positionals.empty() || !out) {
        printError(ctx, "usage: postern-uploader report --out FILE [--window DAYS] [--workstation FINGERPRINT]");
        return ExitCode::Usage;
    }
    std::int64_t days = kDefaultWindowDays;
    if (const auto* w = ctx.args.value("window")) {
        const auto [end, ec] = std::from_chars(w->data(), w->data() + w->size(), days);
        if (ec != std::errc() || end != w->data() + w->size() || days < 1 || days > kMaxWindowDays) {
            printError(ctx,
                       "--window must be a whole number of days from 1 to " + std::to_string(kMaxWindowDays),
                       "the default is 30");
            return ExitCode::Usage;
        }
    }
    if (std::error_code ec; fs::exists(fs::symlink_status(*out, ec))) {
        printError(ctx,
                   std::string(*out) + " already exists; a report is never written over a file",
                   "choose a new file name");
        return ExitCode::Environment;
    }
    UploaderHome home;
    if (auto code = openHome(ctx, home, true))
        return *code;
    auto trusted = home.ledger().workstations();
    if (!trusted)
        return failWith(ctx, trusted.error());
    ExitCode pickCode = ExitCode::Ok;
    const auto ws = pickWorkstation(ctx, *trusted, pickCode);
    if (!ws)
        return pickCode;
    if (auto code = unlockKeys(ctx, home, false, true))
        return *code;

    // Read back: every platform's adapter, and the outbox, which says it has nothing to read.
    const PlatformAdapters adapters(home, *ctx.clock);
    OutboxPublisher outbox(home.outbox());
    AdapterRegistry registry;
    registry.merge(adapters.registry());
    registry.set(domain::Platform::Outbox, &outbox);
    ReportCollector collector(home.ledger(), registry, *ctx.clock);
    auto read = collector.collect(days * 86400);
    if (!read)
        return failWith(ctx, read.error());
    auto replies = home.ledger().unreportedReplies(ws->key);
    if (!replies)
        return failWith(ctx, replies.error());
    auto last = home.ledger().lastReportSequence(ws->key);
    if (!last)
        return failWith(ctx, last.error());

    bundle::MonitorReport report;
    report.workstation = ws->key;
    report.follows = *last;
    report.sequence = checkedAdd<std::uint64_t>(*last, 1).value_or(0);
    report.collectedAt = ctx.clock->now();
    std::map<Key, std::size_t> index; // target -> position in report.targets
    std::vector<const CollectedTarget*> shown;
    for (const CollectedTarget& c : *read) {
        if (c.monitored.workstation != ws->key || report.targets.size() >= bundle::kMaxReportTargets)
            continue;
        const TargetRecord& t = c.monitored.target;
        auto channel = domain::ChannelId::parse(t.channel);
        if (!channel)
            continue; // the ledger only ever holds channels of a verified policy
        bundle::ReportTarget rt;
        rt.postId = t.postId;
        rt.version = t.version;
        rt.channel = *channel;
        rt.platformId = makePlainLine(t.platformId, bundle::kMaxReportIdBytes);
        rt.url = makePlainLine(t.url, bundle::kMaxReportUrlBytes);
        if (c.counts)
            rt.counts = bundle::ReportCounts{c.counts->likes,
                                             c.counts->reposts,
                                             c.counts->replies,
                                             c.counts->quotes,
                                             c.counts->views,
                                             std::min(c.counts->readAt, report.collectedAt)};
        rt.note = c.note;
        index.emplace(keyOf(TargetKey{t.bundleId, t.postIndex, t.channelIndex}), report.targets.size());
        report.targets.push_back(std::move(rt));
        shown.push_back(&c);
    }
    // Replies: the oldest first, within the caps; what does not fit waits for the next report.
    std::vector<ReplyRecord> heldBack;
    std::map<std::size_t, std::size_t> held; // target position -> replies held back
    std::size_t total = 0;
    for (const ReplyRecord& r : *replies) {
        const auto it = index.find(keyOf(r.target));
        if (it == index.end()) {
            heldBack.push_back(r); // its post is outside this run's window: kept for a later report
            continue;
        }
        auto& list = report.targets[it->second].replies;
        if (list.size() >= bundle::kMaxRepliesPerTarget || total >= bundle::kMaxRepliesPerReport) {
            heldBack.push_back(r);
            ++held[it->second];
            continue;
        }
        list.push_back({r.platformId, r.url, r.authorHandle, r.authorName, r.text, r.createdAt, r.inReplyTo});
        ++total;
    }
    for (const auto& [at, n] : held) {
        auto& note = report.targets[at].note;
        note = makePlainText(note + (note.empty() ? "" : "; ") + std::to_string(n)
                                 + " replies held back for the next report (report caps)",
                             bundle::kMaxReportNoteBytes);
    }
    auto text = bundle::makeReport(report, *home.signKey());
    if (!text)
        return failWith(ctx, text.error());

    // The sequence is taken and the replies marked in the transaction that is committed only once
    // the file is on disk: a failure on either side takes nothing and writes nothing.
    SqliteTransaction tx(home.ledger().db());
    if (auto s = tx.begin(); !s)
        return failWith(ctx, s.error());
    if (auto s =
            home.ledger()
                .recordReport(ws->key, report.sequence, *text, *out, report.collectedAt, heldBack, ctx.clock->now());
        !s)
        return failWith(ctx, s.error());
    if (std::error_code ec; fs::exists(fs::symlink_status(*out, ec))) {
        printError(ctx, std::string(*out) + " appeared while the report was made; it is not written over");
        return ExitCode::Environment;
    }
    if (auto s = writeFileAtomic(*out, *text, 0644); !s)
        return failWith(ctx, s.error());
    if (auto s = tx.commit(); !s) {
        std::error_code ec;
        fs::remove(*out, ec); // the ledger did not take this sequence: the file must not exist
        return failWith(ctx, s.error());
    }

    for (std::size_t i = 0; i < shown.size(); ++i) {
        const CollectedTarget& c = *shown[i];
        const auto& rt = report.targets[i];
        ctx.out() << c.monitored.target.channel << "  " << rt.url << "\n";
        ctx.out() << "    " << (c.counts ? describeCounts(*c.counts) : std::string("counts not read")) << "; "
                  << rt.replies.size() << " new replies in this report\n";
        if (!rt.note.empty())
            ctx.out() << "    note: " << rt.note << "\n";
    }
    ctx.out() << label("report") << *out << "\n"
              << label("sequence") << report.sequence << " for workstation " << ws->name << " (" << ws->fingerprint
              << ")\n"
              << label("collected") << formatUtc(report.collectedAt) << ", window " << days << " days, "
              << report.targets.size() << " targets, " << total << " new replies";
    if (!heldBack.empty())
        ctx.out() << ", " << heldBack.size() << " held for the next report";
    ctx.out() << "\n";
    return ExitCode::Ok;
}

} // namespace postern::uploader::cli
