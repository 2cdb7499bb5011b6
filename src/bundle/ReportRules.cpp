// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReportRules.h"

#include "postern/util/Bytes.h"
#include "postern/util/Checked.h"
#include "postern/util/PlainText.h"

#include <cstdint>
#include <tuple>

namespace postern::bundle::reportrules {

namespace {

enum class Form {
    Text, ///< plain text, LF allowed (reply text, note)
    Line  ///< plain text on one line (ids, handles, names, URLs)
};

Status plain(const std::string& value, std::size_t cap, Form form, const std::string& where)
{
    if (value.size() > cap)
        return fail(Errc::TooLarge, where + " is longer than " + std::to_string(cap) + " bytes");
    const bool ok = form == Form::Line ? isPlainLine(value) : isPlainText(value);
    if (!ok)
        return fail(Errc::BadReportText,
                    where + " is not plain text" + (form == Form::Line ? " on one line" : "")
                        + ": it holds a control, bidirectional or invisible character, a CR or a TAB"
                        + (form == Form::Line ? ", or a line break" : "")
                        + ". The uploader writes every text through makePlainText (docs/bundle-format.md §8.2.1).");
    return {};
}

Status count(const std::optional<std::int64_t>& v, const char* name, const std::string& where)
{
    if (v && (*v < 0 || *v > kMaxReportCount))
        return fail(Errc::BadValue, where + ".counts." + name + " must be between 0 and 10^15");
    return {};
}

} // namespace

Status checkNumbering(std::uint64_t sequence, std::uint64_t follows, std::int64_t collectedAt)
{
    constexpr auto kMax = static_cast<std::uint64_t>(INT64_MAX);
    if (sequence < 1 || sequence > kMax)
        return fail(Errc::BadValue, "report.sequence must be between 1 and 2^63 - 1");
    if (follows >= sequence)
        return fail(Errc::BadValue,
                    "report.follows (" + std::to_string(follows) + ") must be below its sequence ("
                        + std::to_string(sequence) + "): a report continues an earlier one");
    if (collectedAt < 0)
        return fail(Errc::BadValue, "report.collected_at must not be negative");
    return {};
}

Status checkTarget(const ReportTarget& t, std::int64_t collectedAt, const std::string& where)
{
    POSTERN_TRY(plain(t.note, kMaxReportNoteBytes, Form::Text, where + ".note"));
    POSTERN_TRY(plain(t.platformId, kMaxReportIdBytes, Form::Line, where + ".platform_id"));
    if (!fromHex(t.postId, 16).ok())
        return fail(Errc::BadEncoding, where + ".post_id must be 32 lowercase hex digits");
    POSTERN_TRY(plain(t.url, kMaxReportUrlBytes, Form::Line, where + ".url"));
    if (t.version < 1)
        return fail(Errc::BadValue, where + ".version must be at least 1");
    if (t.replies.size() > kMaxRepliesPerTarget)
        return fail(Errc::TooLarge,
                    where + ".replies has more than " + std::to_string(kMaxRepliesPerTarget) + " items");
    if (const auto& c = t.counts) {
        POSTERN_TRY(count(c->likes, "likes", where));
        POSTERN_TRY(count(c->quotes, "quotes", where));
        POSTERN_TRY(count(c->replies, "replies", where));
        POSTERN_TRY(count(c->reposts, "reposts", where));
        POSTERN_TRY(count(c->views, "views", where));
        if (c->readAt < 0 || c->readAt > collectedAt)
            return fail(Errc::BadValue,
                        where
                            + ".counts.read_at must be between 0 and the report's collected_at: counts are read "
                              "before the report is made");
    }
    return {};
}

Status checkReply(const ReportReply& r, const std::string& where)
{
    POSTERN_TRY(plain(r.authorHandle, kMaxReportHandleBytes, Form::Line, where + ".author_handle"));
    POSTERN_TRY(plain(r.authorName, kMaxReportNameBytes, Form::Line, where + ".author_name"));
    if (r.createdAt < 0)
        return fail(Errc::BadValue, where + ".created_at must not be negative");
    POSTERN_TRY(plain(r.inReplyTo, kMaxReportIdBytes, Form::Line, where + ".in_reply_to"));
    if (r.inReplyTo.empty())
        return fail(Errc::BadValue, where + ".in_reply_to is empty; every reply answers a post or a reply");
    POSTERN_TRY(plain(r.platformId, kMaxReportIdBytes, Form::Line, where + ".platform_id"));
    if (r.platformId.empty())
        return fail(Errc::BadValue, where + ".platform_id is empty; the workstation keeps a reply by its id");
    POSTERN_TRY(plain(r.text, kMaxReportTextBytes, Form::Text, where + ".text"));
    POSTERN_TRY(plain(r.url, kMaxReportUrlBytes, Form::Line, where + ".url"));
    return {};
}

Status countReplies(std::size_t& total, std::size_t n, const std::string& where)
{
    const auto sum = checkedAdd(total, n);
    if (!sum || *sum > kMaxRepliesPerReport)
        return fail(Errc::TooLarge,
                    where + " takes the report past " + std::to_string(kMaxRepliesPerReport)
                        + " replies; the uploader carries the rest in its next report");
    total = *sum;
    return {};
}

Status checkTargetOrder(const ReportTarget& prev, const ReportTarget& next, const std::string& where)
{
    const auto a = std::tie(prev.postId, prev.version, prev.channel);
    const auto b = std::tie(next.postId, next.version, next.channel);
    if (a < b)
        return {};
    return fail(a == b ? Errc::DuplicateField : Errc::NonCanonical,
                where + " is out of order; targets are sorted by (post_id, version, channel) with none twice");
}

Status checkReplyOrder(const ReportReply& prev, const ReportReply& next, const std::string& where)
{
    if (prev.platformId < next.platformId)
        return {};
    return fail(prev.platformId == next.platformId ? Errc::DuplicateField : Errc::NonCanonical,
                where + " is out of order; replies are sorted by platform_id with none twice");
}

} // namespace postern::bundle::reportrules
