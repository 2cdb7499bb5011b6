// SPDX-License-Identifier: GPL-3.0-or-later
// Reading: list, show, audit verify / list. None of them needs a passphrase.
#include "postern/domain/Identity.h"

#include "Session.h"

#include <iomanip>
#include <map>

namespace postern::cli {

namespace {

constexpr std::size_t kTitleChars = 40;

/** fitColumn keeps a table column aligned: longer text is cut and ends in "..." (show has it all). */
std::string fitColumn(const std::string& text, std::size_t width)
{
    return text.size() <= width ? text : text.substr(0, width - 3) + "...";
}

Json stringArray(const std::vector<std::string>& items)
{
    Json::Array a;
    for (const auto& s : items)
        a.emplace_back(s);
    return Json(std::move(a));
}

std::string optionsText(const Json& options)
{
    std::string s;
    for (const auto& [key, value] : options.asObject()) {
        s += (s.empty() ? "" : ", ") + key + "=";
        s += value.type() == Json::Type::Bool ? (value.asBool() ? "true" : "false") : printable(value.asString());
    }
    return s.empty() ? std::string("(none)") : s;
}

/** NameCache looks user names up once per id, for tables with many rows by few people. */
class NameCache
{
public:
    explicit NameCache(workflow::Workstation& ws) : m_ws(ws) {}
    const std::string& operator()(std::int64_t id)
    {
        auto it = m_names.find(id);
        if (it == m_names.end())
            it = m_names.emplace(id, userName(m_ws, id)).first;
        return it->second;
    }

private:
    workflow::Workstation& m_ws;
    std::map<std::int64_t, std::string> m_names;
};

Json viewJson(const workflow::PostView& v, NameCache& names)
{
    const auto& r = v.record;
    const auto& c = v.content;
    Json o;
    o.set("id", r.id);
    o.set("state", std::string(store::postStateName(r.state)));
    o.set("version", r.currentVersion);
    o.set("author", v.authorName);
    o.set("created", r.createdAt);
    o.set("updated", r.updatedAt);
    o.set("schedule", c.schedule);
    o.set("last_reason", r.lastReason);
    Json::Array channels;
    for (const auto& ch : c.channels) {
        Json j;
        j.set("channel", ch.channel.str());
        j.set("text", ch.text);
        j.set("options", ch.options);
        channels.push_back(std::move(j));
    }
    o.set("channels", Json(std::move(channels)));
    Json::Array media;
    for (const auto& m : c.media) {
        Json j;
        j.set("name", m.name);
        j.set("mime", m.mime);
        j.set("size", static_cast<std::int64_t>(m.size));
        j.set("hash", toHex(m.hash));
        j.set("alt", m.alt);
        media.push_back(std::move(j));
    }
    o.set("media", Json(std::move(media)));
    o.set("approvals", stringArray(v.approverNames));
    o.set("approval_status", v.approvalStatus.empty() ? std::string("complete") : v.approvalStatus);
    Json::Array rejections;
    for (const auto& rj : v.rejections) {
        Json j;
        j.set("version", rj.version);
        j.set("by", names(rj.userId));
        j.set("reason", rj.reason);
        j.set("at", rj.createdAt);
        rejections.push_back(std::move(j));
    }
    o.set("rejections", Json(std::move(rejections)));
    Json::Array results;
    for (const auto& res : v.results) {
        Json j;
        j.set("version", res.version);
        j.set("channel", res.channel);
        j.set("outcome", std::string(store::publishOutcomeName(res.outcome)));
        j.set("platform_id", res.platformId);
        j.set("url", res.url);
        j.set("reason", res.reason);
        j.set("at", res.updatedAt);
        results.push_back(std::move(j));
    }
    o.set("results", Json(std::move(results)));
    return o;
}

void printView(const Context& ctx, const workflow::PostView& v, NameCache& names)
{
    const auto& r = v.record;
    const auto& c = v.content;
    std::string approvers;
    for (const auto& n : v.approverNames)
        approvers += (approvers.empty() ? "" : ", ") + n;
    ctx.out() << field("post") << r.id << "\n"
              << field("state") << store::postStateName(r.state) << "\n"
              << field("version") << r.currentVersion << "\n"
              << field("author") << v.authorName << "\n"
              << field("created") << formatUtc(r.createdAt) << "\n"
              << field("updated") << formatUtc(r.updatedAt) << "\n"
              << field("schedule") << scheduleText(c.schedule) << "\n"
              << field("approved by") << (approvers.empty() ? std::string("nobody yet") : approvers) << "\n"
              << field("approval") << (v.approvalStatus.empty() ? std::string("complete") : printable(v.approvalStatus))
              << "\n";
    if (!r.lastReason.empty())
        ctx.out() << field("last reason") << printable(r.lastReason) << "\n";
    ctx.out() << "channels\n";
    for (const auto& ch : c.channels) {
        ctx.out() << "  " << ch.channel.str() << "\n"
                  << "    options  " << optionsText(ch.options) << "\n"
                  << "    text     (" << ch.text.size() << " bytes)\n";
        std::string line;
        for (char ch2 : printable(ch.text, true) + "\n") {
            if (ch2 != '\n') {
                line += ch2;
                continue;
            }
            ctx.out() << "      | " << line << "\n";
            line.clear();
        }
    }
    ctx.out() << "media" << (c.media.empty() ? " (none)" : "") << "\n";
    for (std::size_t i = 0; i < c.media.size(); ++i) {
        const auto& m = c.media[i];
        ctx.out() << "  " << i + 1 << ". " << printable(m.name) << "  " << m.mime << "  " << m.size << " bytes  hash "
                  << toHex(m.hash).substr(0, 16) << "\n"
                  << "     alt: " << (m.alt.empty() ? std::string("(none)") : "\"" + printable(m.alt) + "\"") << "\n";
    }
    if (!v.rejections.empty()) {
        ctx.out() << "rejections\n";
        for (const auto& rj : v.rejections)
            ctx.out() << "  version " << rj.version << " by " << names(rj.userId) << " at " << formatUtc(rj.createdAt)
                      << ": " << printable(rj.reason) << "\n";
    }
    if (!v.results.empty()) {
        ctx.out() << "publishing results (reported by the uploader)\n";
        for (const auto& res : v.results) {
            ctx.out() << "  version " << res.version << "  " << res.channel << "  "
                      << store::publishOutcomeName(res.outcome);
            if (!res.url.empty())
                ctx.out() << "  " << printable(res.url);
            if (!res.platformId.empty())
                ctx.out() << "  (id " << printable(res.platformId) << ")";
            if (!res.reason.empty())
                ctx.out() << "  reason: " << printable(res.reason);
            ctx.out() << "\n";
        }
    }
}

ExitCode runAuditVerify(const Context& ctx, workflow::Workstation& ws)
{
    if (!ctx.args.positionals.empty())
        return usageError(ctx, "audit verify takes no argument", "postern-cli audit verify");
    // The whole database first (the open only checks its structure): a damaged page is named
    // as damage, not as a broken chain.
    if (auto s = ws.checkIntegrity(); !s)
        return failWith(ctx, s.error());
    ctx.out() << "OK: the store's database reads back whole (SQLite quick_check)\n";
    if (auto s = ws.auditVerify(); !s)
        return failWith(ctx, s.error(), ExitCode::Refused);
    auto audit = ws.queries().auditSummary();
    if (!audit)
        return failWith(ctx, audit.error());
    ctx.out() << "OK: the audit chain of " << audit->entries << " entries verifies; head #" << audit->head.seq << " "
              << toHex(audit->head.hash).substr(0, 16) << "\n";
    return ExitCode::Ok;
}

ExitCode runAuditList(const Context& ctx, workflow::Workstation& ws)
{
    if (!ctx.args.positionals.empty())
        return usageError(ctx, "audit list takes no argument", "postern-cli audit list [--limit N]");
    std::int64_t limit = 20;
    if (const auto* text = ctx.args.value("limit")) {
        auto n = parseCount(*text, 10000);
        if (!n)
            return failWith(ctx, n.error(), ExitCode::Usage, "--limit takes a number of entries, 1 to 10000");
        limit = *n;
    }
    auto page = ws.queries().auditTail(limit);
    if (!page)
        return failWith(ctx, page.error());
    ctx.out() << "the last " << page->entries.size() << " of " << page->total << " audit entries (oldest first)\n";
    for (const auto& entry : page->entries) {
        const auto& e = entry.record;
        const std::string who = entry.byWorkstation        ? std::string("(workstation)")
                                : !entry.actorName.empty() ? entry.actorName
                                                           : domain::keyFingerprint(e.actorKey);
        ctx.out() << "#" << std::left << std::setw(6) << e.seq << formatUtc(e.at) << "  " << std::setw(16) << who << " "
                  << std::setw(16) << printable(e.action) << " " << printable(e.subject);
        if (!e.details.empty())
            ctx.out() << "  " << printable(truncateChars(e.details, 80));
        ctx.out() << "\n";
    }
    return ExitCode::Ok;
}

} // namespace

ExitCode runList(const Context& ctx)
{
    constexpr std::string_view kSynopsis =
        "postern-cli list [--state STATE] [--channel TEXT] [--search TEXT] [--limit N] [--json]";
    if (!ctx.args.positionals.empty())
        return usageError(ctx, "list takes no positional argument", kSynopsis);
    store::PostFilter filter;
    filter.limit = 100;
    if (const auto* state = ctx.args.value("state")) {
        std::string name = *state;
        std::replace(name.begin(), name.end(), '-', '_');
        auto parsed = store::parsePostState(name);
        if (!parsed)
            return usageError(ctx,
                              "--state \"" + *state + "\" is not a post state",
                              "states are draft, in_review, approved, rejected, exported, published, failed, "
                              "cancelled and retracted");
        filter.state = *parsed;
    }
    if (const auto* channel = ctx.args.value("channel"))
        filter.channel = *channel;
    if (const auto* search = ctx.args.value("search"))
        filter.text = *search;
    if (const auto* limit = ctx.args.value("limit")) {
        auto n = parseCount(*limit, 10000);
        if (!n)
            return failWith(ctx, n.error(), ExitCode::Usage, "--limit takes a number of posts, 1 to 10000");
        filter.limit = *n;
    }
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    auto posts = ws->list(filter);
    if (!posts)
        return failWith(ctx, posts.error());
    NameCache names(*ws);
    if (ctx.args.has("json")) {
        Json::Array out;
        for (const auto& p : *posts) {
            Json o;
            o.set("id", p.id);
            o.set("state", std::string(store::postStateName(p.state)));
            o.set("version", p.currentVersion);
            o.set("channels", stringArray(store::splitChannels(p.channels)));
            o.set("author", names(p.authorId));
            o.set("schedule", p.schedule);
            o.set("created", p.createdAt);
            o.set("updated", p.updatedAt);
            o.set("title", p.title);
            o.set("last_reason", p.lastReason);
            out.push_back(std::move(o));
        }
        ctx.out() << Json(std::move(out)).serialize() << "\n";
        return ExitCode::Ok;
    }
    if (posts->empty()) {
        ctx.out() << "no posts match\n";
        return ExitCode::Ok;
    }
    ctx.out() << std::left << std::setw(12) << "ID"
              << "  " << std::setw(9) << "STATE"
              << "  " << std::setw(24) << "CHANNELS"
              << "  " << std::setw(12) << "AUTHOR"
              << "  " << std::setw(20) << "SCHEDULE"
              << "  " << std::setw(20) << "UPDATED"
              << "  TITLE\n";
    for (const auto& p : *posts) {
        ctx.out() << std::setw(12) << shortId(p.id) << "  " << std::setw(9) << store::postStateName(p.state) << "  "
                  << std::setw(24) << fitColumn(p.channels, 24) << "  " << std::setw(12) << names(p.authorId) << "  "
                  << std::setw(20) << scheduleText(p.schedule) << "  " << std::setw(20) << formatUtc(p.updatedAt)
                  << "  " << printable(truncateChars(p.title, kTitleChars)) << "\n";
    }
    if (static_cast<std::int64_t>(posts->size()) == filter.limit)
        ctx.out() << "(the first " << filter.limit << " posts; narrow the list or raise --limit)\n";
    return ExitCode::Ok;
}

ExitCode runShow(const Context& ctx)
{
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "show takes exactly one POST id", "postern-cli show POST [--json]");
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::string postId;
    if (auto code = resolvePostId(ctx, *ws, ctx.args.positionals[0], postId))
        return *code;
    auto view = ws->show(postId);
    if (!view)
        return failWith(ctx, view.error());
    NameCache names(*ws);
    if (ctx.args.has("json")) {
        ctx.out() << viewJson(*view, names).serialize() << "\n";
    } else {
        printView(ctx, *view, names);
        printPostOrders(ctx, *ws, postId);
    }
    return ExitCode::Ok;
}

ExitCode runAudit(const Context& ctx)
{
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    return ctx.args.command == "audit verify" ? runAuditVerify(ctx, *ws) : runAuditList(ctx, *ws);
}

} // namespace postern::cli
