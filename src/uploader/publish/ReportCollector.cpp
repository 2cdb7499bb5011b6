// SPDX-License-Identifier: GPL-3.0-or-later
// Reading back published posts (monitoring, issue 15): the window, the adapters' answers made plain
// text with the report's caps, and the ledger's record of counts and replies.
#include "postern/uploader/publish/ReportCollector.h"

#include "postern/bundle/Report.h"
#include "postern/util/Checked.h"
#include "postern/util/PlainText.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace postern::uploader {

namespace {

TargetKey keyOf(const TargetRecord& t)
{
    return TargetKey{t.bundleId, t.postIndex, t.channelIndex};
}

/** plainCount keeps a count the report can carry (0 … 10^15); anything else is dropped, said in the note. */
std::optional<std::int64_t> plainCount(const std::optional<std::int64_t>& v, std::string& note, std::string_view name)
{
    if (!v)
        return std::nullopt;
    if (*v < 0 || *v > bundle::kMaxReportCount) {
        note += (note.empty() ? "" : "; ") + std::string("the platform gave an impossible ") + std::string(name)
                + " count, left out";
        return std::nullopt;
    }
    return v;
}

ReplyRecord plainReply(const CollectedReply& r, const TargetKey& key, std::int64_t now)
{
    ReplyRecord out;
    out.target = key;
    out.platformId = makePlainLine(r.platformId, bundle::kMaxReportIdBytes);
    out.url = makePlainLine(r.url, bundle::kMaxReportUrlBytes);
    out.authorHandle = makePlainLine(r.authorHandle, bundle::kMaxReportHandleBytes);
    out.authorName = makePlainLine(r.authorName, bundle::kMaxReportNameBytes);
    out.text = makePlainText(r.text, bundle::kMaxReportTextBytes);
    out.createdAt = std::max<std::int64_t>(r.createdAt, 0);
    out.inReplyTo = makePlainLine(r.inReplyTo, bundle::kMaxReportIdBytes);
    out.firstSeen = now;
    return out;
}

} // namespace

Result<std::vector<CollectedTarget>> ReportCollector::collect(std::int64_t windowSeconds)
{
    if (windowSeconds <= 0)
        return fail(Errc::InvalidArgument, "the collection window must be at least one second");
    const std::int64_t since = saturatingAdd<std::int64_t>(m_clock.now(), -windowSeconds);
    POSTERN_ASSIGN(targets, m_ledger.monitoredTargets(since));
    std::vector<CollectedTarget> out;
    out.reserve(targets.size());
    for (auto& m : targets) {
        CollectedTarget c;
        c.monitored = std::move(m);
        POSTERN_TRY(collectOne(c));
        out.push_back(std::move(c));
    }
    return out;
}

Status ReportCollector::collectOne(CollectedTarget& out)
{
    const TargetRecord& t = out.monitored.target;
    const TargetKey key = keyOf(t);
    auto channel = domain::ChannelId::parse(t.channel);
    PublishAdapter* adapter = channel ? m_adapters.find(channel->platform) : nullptr;
    std::string note;
    if (!adapter) {
        note = "no adapter for this channel on this uploader";
    } else if (const CollectAbility ability = adapter->collectAbility(); !ability.any()) {
        note = ability.note;
    } else {
        CollectTarget request{*channel, t.platformId, t.url, out.monitored.sinceReply};
        auto read = adapter->collect(request);
        if (!read) {
            note = "not read this time: " + read.error().message;
            spdlog::warn("report: {} {}: {}", t.channel, t.platformId, read.error().message);
        } else {
            out.read = true;
            note = read->note;
            const std::int64_t now = m_clock.now();
            if (read->counts) {
                CountsRecord c;
                c.target = key;
                c.readAt = std::clamp<std::int64_t>(read->counts->readAt, 0, now);
                c.likes = plainCount(read->counts->likes, note, "like");
                c.reposts = plainCount(read->counts->reposts, note, "repost");
                c.replies = plainCount(read->counts->replies, note, "reply");
                c.quotes = plainCount(read->counts->quotes, note, "quote");
                c.views = plainCount(read->counts->views, note, "view");
                POSTERN_TRY(m_ledger.addCounts(c));
                out.counts = c;
            }
            std::string since = out.monitored.sinceReply;
            std::int64_t newest = -1;
            std::size_t unusable = 0;
            for (const CollectedReply& r : read->replies) {
                ReplyRecord reply = plainReply(r, key, now);
                if (reply.platformId.empty() || reply.inReplyTo.empty()) {
                    ++unusable; // the report needs both; the platform gave neither
                    continue;
                }
                ++out.repliesRead;
                POSTERN_ASSIGN(added, m_ledger.addReply(reply));
                out.repliesNew += added ? 1 : 0;
                if (reply.createdAt > newest) {
                    newest = reply.createdAt;
                    since = reply.platformId;
                }
            }
            if (unusable > 0)
                note += (note.empty() ? "" : "; ") + std::to_string(unusable) + " replies without an id left out";
            out.monitored.sinceReply = since;
        }
    }
    out.note = makePlainText(note, bundle::kMaxReportNoteBytes);
    return m_ledger.recordRead(key, m_clock.now(), out.monitored.sinceReply, out.note);
}

} // namespace postern::uploader
