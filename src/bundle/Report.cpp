// SPDX-License-Identifier: GPL-3.0-or-later
// The monitoring report (docs/bundle-format.md §8.2): written by the uploader's collector, read
// and admitted by the workstation. Same envelope as receipts; every string is plain text.
#include "postern/bundle/Report.h"

#include "postern/domain/SignedDocument.h"
#include "postern/util/Checked.h"

#include "ReportRules.h"

#include <algorithm>
#include <tuple>

namespace postern::bundle {

namespace rules = reportrules;

namespace {

/** §7 table: 20 000 replies × 8 values and 2 000 targets × 15 exceed the default value cap. */
JsonLimits reportJsonLimits()
{
    JsonLimits l;
    l.maxBytes = kMaxReportBytes;
    l.maxValues = 262144;
    return l;
}

Status validate(const MonitorReport& r)
{
    POSTERN_TRY(rules::checkNumbering(r.sequence, r.follows, r.collectedAt));
    if (r.targets.size() > kMaxReportTargets)
        return fail(Errc::TooLarge, "report.targets has more than " + std::to_string(kMaxReportTargets) + " items");
    std::size_t total = 0;
    for (std::size_t i = 0; i < r.targets.size(); ++i) {
        const std::string where = "report.targets[" + std::to_string(i) + "]";
        const ReportTarget& t = r.targets[i];
        POSTERN_TRY(rules::checkTarget(t, r.collectedAt, where));
        POSTERN_TRY(rules::countReplies(total, t.replies.size(), where + ".replies"));
        for (std::size_t j = 0; j < t.replies.size(); ++j) {
            const std::string at = where + ".replies[" + std::to_string(j) + "]";
            POSTERN_TRY(rules::checkReply(t.replies[j], at));
            if (j > 0)
                POSTERN_TRY(rules::checkReplyOrder(t.replies[j - 1], t.replies[j], at));
        }
        if (i > 0)
            POSTERN_TRY(rules::checkTargetOrder(r.targets[i - 1], t, where));
    }
    return {};
}

Json countsJson(const ReportCounts& c)
{
    Json o(Json::Object{});
    const std::pair<const char*, const std::optional<std::int64_t>*> fields[] = {{"likes", &c.likes},
                                                                                 {"quotes", &c.quotes},
                                                                                 {"replies", &c.replies},
                                                                                 {"reposts", &c.reposts},
                                                                                 {"views", &c.views}};
    for (const auto& [key, value] : fields) {
        if (*value)
            o.set(key, **value);
    }
    o.set("read_at", c.readAt);
    return o;
}

Json targetJson(const ReportTarget& t)
{
    Json replies(Json::Array{});
    for (const auto& r : t.replies) {
        Json o(Json::Object{});
        o.set("author_handle", r.authorHandle)
            .set("author_name", r.authorName)
            .set("created_at", r.createdAt)
            .set("in_reply_to", r.inReplyTo)
            .set("platform_id", r.platformId)
            .set("text", r.text)
            .set("url", r.url);
        replies.push(std::move(o));
    }
    Json o(Json::Object{});
    o.set("channel", t.channel.str())
        .set("note", t.note)
        .set("platform_id", t.platformId)
        .set("post_id", t.postId)
        .set("replies", std::move(replies))
        .set("url", t.url)
        .set("version", t.version);
    if (t.counts)
        o.set("counts", countsJson(*t.counts));
    return o;
}

Result<ReportCounts> parseCounts(const Json& node, const std::string& where)
{
    JsonFields f(node, where);
    ReportCounts c;
    // Members in key order: likes, quotes, read_at, replies, reposts, views.
    const auto optional = [&](const char* key, std::optional<std::int64_t>& out) -> Status {
        if (f.has(key)) {
            POSTERN_ASSIGN(v, f.integer(key, 0, kMaxReportCount));
            out = v;
        }
        return {};
    };
    POSTERN_TRY(optional("likes", c.likes));
    POSTERN_TRY(optional("quotes", c.quotes));
    POSTERN_ASSIGN(readAt, f.integer("read_at", 0, INT64_MAX));
    c.readAt = readAt;
    POSTERN_TRY(optional("replies", c.replies));
    POSTERN_TRY(optional("reposts", c.reposts));
    POSTERN_TRY(optional("views", c.views));
    POSTERN_TRY(f.finish());
    return c;
}

Result<ReportReply> parseReply(const Json& node, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    ReportReply r;
    POSTERN_ASSIGN(handle, f.string("author_handle", kMaxReportHandleBytes));
    POSTERN_ASSIGN(name, f.string("author_name", kMaxReportNameBytes));
    POSTERN_ASSIGN(createdAt, f.integer("created_at", 0, INT64_MAX));
    POSTERN_ASSIGN(inReplyTo, f.string("in_reply_to", kMaxReportIdBytes));
    POSTERN_ASSIGN(platformId, f.string("platform_id", kMaxReportIdBytes));
    POSTERN_ASSIGN(text, f.string("text", kMaxReportTextBytes));
    POSTERN_ASSIGN(url, f.string("url", kMaxReportUrlBytes));
    POSTERN_TRY(f.finish());
    r.authorHandle = std::move(handle);
    r.authorName = std::move(name);
    r.createdAt = createdAt;
    r.inReplyTo = std::move(inReplyTo);
    r.platformId = std::move(platformId);
    r.text = std::move(text);
    r.url = std::move(url);
    POSTERN_TRY(rules::checkReply(r, where));
    return r;
}

Result<ReportTarget>
parseTarget(const Json& node, std::int64_t collectedAt, std::size_t& total, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    ReportTarget t;
    POSTERN_ASSIGN(channel, f.string("channel"));
    const Json* counts = nullptr;
    if (f.has("counts")) {
        POSTERN_ASSIGN(c, f.object("counts"));
        counts = c;
    }
    POSTERN_ASSIGN(note, f.string("note", kMaxReportNoteBytes));
    POSTERN_ASSIGN(platformId, f.string("platform_id", kMaxReportIdBytes));
    POSTERN_ASSIGN(postId, f.string("post_id"));
    POSTERN_ASSIGN(replies, f.array("replies", kMaxRepliesPerTarget));
    POSTERN_TRY(rules::countReplies(total, replies->asArray().size(), where + ".replies"));
    POSTERN_ASSIGN(url, f.string("url", kMaxReportUrlBytes));
    POSTERN_ASSIGN(version, f.integer("version", 1, INT64_MAX));
    POSTERN_TRY(f.finish());
    POSTERN_ASSIGN(id, domain::ChannelId::parse(channel));
    t.channel = std::move(id);
    if (counts) {
        POSTERN_ASSIGN(c, parseCounts(*counts, where + ".counts"));
        t.counts = c;
    }
    t.note = std::move(note);
    t.platformId = std::move(platformId);
    t.postId = std::move(postId);
    t.url = std::move(url);
    t.version = version;
    POSTERN_TRY(rules::checkTarget(t, collectedAt, where));
    const auto& items = replies->asArray();
    t.replies.reserve(items.size());
    for (std::size_t j = 0; j < items.size(); ++j) {
        const std::string at = where + ".replies[" + std::to_string(j) + "]";
        POSTERN_ASSIGN(r, parseReply(items[j], at));
        if (!t.replies.empty())
            POSTERN_TRY(rules::checkReplyOrder(t.replies.back(), r, at));
        t.replies.push_back(std::move(r));
    }
    return t;
}

} // namespace

Result<std::string> makeReport(const MonitorReport& report, const crypto::SigningKey& uploaderKey)
{
    MonitorReport r = report;
    r.uploader = uploaderKey.publicKey();
    std::sort(r.targets.begin(), r.targets.end(), [](const auto& a, const auto& b) {
        return std::tie(a.postId, a.version, a.channel) < std::tie(b.postId, b.version, b.channel);
    });
    for (auto& t : r.targets)
        std::sort(t.replies.begin(), t.replies.end(), [](const auto& a, const auto& b) {
            return a.platformId < b.platformId;
        });
    POSTERN_TRY(validate(r));
    Json targets(Json::Array{});
    for (const auto& t : r.targets)
        targets.push(targetJson(t));
    Json body(Json::Object{});
    body.set("collected_at", r.collectedAt)
        .set("follows", static_cast<std::int64_t>(r.follows))
        .set("sequence", static_cast<std::int64_t>(r.sequence))
        .set("targets", std::move(targets))
        .set("type", std::string(kReportType))
        .set("uploader", toHex(r.uploader))
        .set("workstation", toHex(r.workstation));
    std::string text = domain::signedFileText(domain::makeSignedDocument(body, {&uploaderKey}));
    if (text.size() > kMaxReportBytes)
        return fail(Errc::TooLarge,
                    "the report would be " + std::to_string(text.size())
                        + " bytes; the limit is 32 MiB. Carry fewer replies and the rest in the next report.");
    return text;
}

Result<MonitorReport> readReport(std::string_view fileText, const crypto::PublicKey& expectedUploader)
{
    POSTERN_ASSIGN(doc, domain::readSignedFile(fileText, kReportType, reportJsonLimits(), 1));
    JsonFields f(doc.body, "report");
    POSTERN_ASSIGN(collectedAt, f.integer("collected_at", 0, INT64_MAX));
    POSTERN_ASSIGN(follows, f.integer("follows", 0, INT64_MAX));
    POSTERN_ASSIGN(sequence, f.integer("sequence", 1, INT64_MAX));
    POSTERN_ASSIGN(targets, f.array("targets", kMaxReportTargets));
    POSTERN_ASSIGN(type, f.string("type"));
    (void)type;
    POSTERN_ASSIGN(uploaderHex, f.string("uploader"));
    POSTERN_ASSIGN(wsHex, f.string("workstation"));
    POSTERN_TRY(f.finish());
    POSTERN_ASSIGN(uploader, crypto::keyFromHex(uploaderHex));
    POSTERN_ASSIGN(ws, crypto::keyFromHex(wsHex));
    // Signature first: nothing an unknown signer wrote is interpreted any further.
    if (!crypto::equalConstantTime(uploader, expectedUploader) || !doc.signedBy(expectedUploader))
        return fail(Errc::BadSignature,
                    "the report is not signed by the trusted uploader; it may come from another uploader or have "
                    "been altered");
    MonitorReport r;
    r.uploader = uploader;
    r.workstation = ws;
    r.sequence = static_cast<std::uint64_t>(sequence);
    r.follows = static_cast<std::uint64_t>(follows);
    r.collectedAt = collectedAt;
    POSTERN_TRY(rules::checkNumbering(r.sequence, r.follows, r.collectedAt));
    std::size_t total = 0;
    const auto& items = targets->asArray();
    r.targets.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string where = "report.targets[" + std::to_string(i) + "]";
        POSTERN_ASSIGN(t, parseTarget(items[i], collectedAt, total, where));
        if (!r.targets.empty())
            POSTERN_TRY(rules::checkTargetOrder(r.targets.back(), t, where));
        r.targets.push_back(std::move(t));
    }
    return r;
}

Result<ReportAdmission>
admitReport(const MonitorReport& report, const crypto::PublicKey& workstation, std::uint64_t lastImported)
{
    if (!crypto::equalConstantTime(report.workstation, workstation))
        return fail(Errc::WrongRecipient,
                    "the report was made for another workstation; import it on the workstation it names");
    if (report.sequence == lastImported)
        return fail(Errc::Replay, "report " + std::to_string(report.sequence) + " was already imported");
    if (report.sequence < lastImported)
        return fail(Errc::ReportTooOld,
                    "report " + std::to_string(report.sequence) + " is older than report "
                        + std::to_string(lastImported)
                        + ", which was already imported; importing it would turn the counts back");
    ReportAdmission a;
    if (report.follows > lastImported) {
        // follows > lastImported, so lastImported + 1 cannot overflow; checked all the same.
        a.missingFrom = checkedAdd<std::uint64_t>(lastImported, 1).value_or(report.follows);
        a.missingTo = report.follows;
    }
    return a;
}

} // namespace postern::bundle
