// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel and retract orders: order cancel | retract | approve | decline | withdraw | list | show.
#include "Session.h"

#include <algorithm>
#include <iomanip>

namespace postern::cli {

namespace {

constexpr std::size_t kMinPrefix = 6;
constexpr std::size_t kOrderIdChars = 32;

std::string joinNames(const std::vector<std::string>& names, std::string_view none)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? std::string(none) : out;
}

std::string progressText(const workflow::OrderView& v)
{
    std::string out;
    for (const auto& p : v.progress) {
        out += (out.empty() ? "" : ", ") + p.channel.str() + " " + std::to_string(p.approvals) + " of "
               + (p.required == 0 ? std::string("(no rule)") : std::to_string(p.required));
    }
    return out;
}

/** nextStep tells the reader of an order what happens next, by state. */
std::string nextStep(const workflow::OrderView& v)
{
    switch (v.record.state) {
    case store::OrderState::Pending:
        return "waiting for approvals: " + printable(v.approvalStatus);
    case store::OrderState::Approved:
        return "approved: an operator sends it with `postern-cli export --all-approved` or `--order "
               + v.record.id.substr(0, 12) + "`";
    case store::OrderState::Exported:
        return "on its way in bundle " + v.record.bundleId + "; import that bundle's receipt to see the result";
    case store::OrderState::Done:
        return "carried out on every channel";
    case store::OrderState::PartlyFailed:
    case store::OrderState::Failed:
        return "not carried out everywhere; see the results, and request a new order if it is still needed";
    case store::OrderState::Declined:
    case store::OrderState::Withdrawn:
        return "closed; request a new order if it is still needed";
    }
    return {};
}

void printOrder(const Context& ctx, const workflow::OrderView& v)
{
    const auto& r = v.record;
    std::string channels;
    for (const auto& c : v.content.channels)
        channels += (channels.empty() ? "" : ", ") + c.str();
    ctx.out() << field("order") << r.id << "\n"
              << field("action") << r.action << "\n"
              << field("post") << r.postId << "\n"
              << field("channels") << channels << "\n"
              << field("state") << store::orderStateName(r.state) << "\n"
              << field("requested by") << v.requesterName << " at " << formatUtc(r.createdAt) << "\n"
              << field("reason") << printable(r.reason) << "\n"
              << field("approved by") << joinNames(v.approverNames, "nobody yet") << "\n"
              << field("approvals") << progressText(v) << "\n";
    if (!r.bundleId.empty())
        ctx.out() << field("bundle") << r.bundleId << "\n";
    if (!v.decidedByName.empty())
        ctx.out() << field(r.state == store::OrderState::Declined ? "declined by" : "withdrawn by") << v.decidedByName
                  << "\n";
    if (!r.lastReason.empty())
        ctx.out() << field("last reason") << printable(r.lastReason) << "\n";
    if (!v.results.empty()) {
        ctx.out() << "results (reported by the uploader)\n";
        for (const auto& res : v.results) {
            ctx.out() << "  " << res.channel << "  " << store::orderOutcomeName(res.outcome);
            if (!res.reason.empty())
                ctx.out() << "  reason: " << printable(res.reason);
            ctx.out() << "\n";
        }
    }
    ctx.out() << field("next") << nextStep(v) << "\n";
}

/** orderStep opens the store, resolves ORDER and logs the user in, for the commands that act. */
std::optional<ExitCode> orderStep(const Context& ctx,
                                  std::string_view action,
                                  std::unique_ptr<workflow::Workstation>& ws,
                                  std::string& orderId,
                                  std::optional<workflow::UnlockedUser>& user)
{
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx,
                          "order " + std::string(action) + " takes exactly one ORDER id",
                          "postern-cli order " + std::string(action) + " ORDER --as USER");
    if (auto code = openStore(ctx, ws))
        return code;
    if (auto code = resolveOrderId(ctx, *ws, ctx.args.positionals[0], orderId))
        return code;
    return login(ctx, *ws, "order " + std::string(action), user);
}

/**
 * runBundleRequest revokes a whole bundle (a lost drive, a bundle sent by mistake): one order
 * per post it carried, each on every channel the order can still change. A post the order
 * cannot reach (already cancelled, or published when cancelling) is reported and skipped.
 */
ExitCode runBundleRequest(const Context& ctx, domain::OrderAction action, const std::string& reason)
{
    const std::string verb(domain::orderActionName(action));
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    auto posts = ws->postsOfBundle(*ctx.args.value("bundle"));
    if (!posts)
        return failWith(ctx, posts.error());
    std::optional<workflow::UnlockedUser> user;
    if (auto code = login(ctx, *ws, "order " + verb, user))
        return *code;
    std::size_t made = 0;
    std::optional<Error> firstError;
    for (const auto& postId : *posts) {
        auto view = ws->requestOrder(*user, postId, action, {}, reason);
        if (!view) {
            ctx.out() << "post " << shortId(postId) << ": skipped: " << printable(view.error().message) << "\n";
            if (!firstError)
                firstError = view.error();
            continue;
        }
        ++made;
        ctx.out() << "post " << shortId(postId) << ": " << verb << " order " << view->record.id.substr(0, 12) << " on "
                  << progressText(*view) << "\n";
    }
    ctx.out() << made << " of " << posts->size() << " post(s) of the bundle now have a " << verb
              << " order waiting for approval\n";
    if (made == 0 && firstError)
        return failWith(ctx, *firstError);
    return ExitCode::Ok;
}

ExitCode runRequest(const Context& ctx, domain::OrderAction action)
{
    const std::string verb(domain::orderActionName(action));
    const std::string synopsis = "postern-cli order " + verb
                                 + " POST [--channel C]... --reason TEXT --as USER\n       postern-cli order " + verb
                                 + " --bundle BUNDLE --reason TEXT --as USER";
    const auto* reason = ctx.args.value("reason");
    if (!reason || reason->empty())
        return usageError(ctx,
                          "order " + verb
                              + " needs --reason TEXT: approvers decide on it, and the uploader's log shows it",
                          synopsis);
    if (ctx.args.value("bundle")) {
        if (!ctx.args.positionals.empty() || !ctx.args.values("channel").empty())
            return usageError(ctx,
                              "--bundle orders every post of the bundle on every channel; give no POST or --channel",
                              synopsis);
        return runBundleRequest(ctx, action, *reason);
    }
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "order " + verb + " takes exactly one POST id (or --bundle BUNDLE)", synopsis);
    std::vector<domain::ChannelId> channels;
    for (const auto& c : ctx.args.values("channel")) {
        auto id = domain::ChannelId::parse(c);
        if (!id)
            return failWith(ctx, id.error(), ExitCode::Usage, "a channel is PLATFORM:ACCOUNT, as `show POST` lists it");
        channels.push_back(std::move(id).value());
    }
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::string postId;
    if (auto code = resolvePostId(ctx, *ws, ctx.args.positionals[0], postId))
        return *code;
    std::optional<workflow::UnlockedUser> user;
    if (auto code = login(ctx, *ws, "order " + verb, user))
        return *code;
    auto view = ws->requestOrder(*user, postId, action, channels, *reason);
    if (!view)
        return failWith(ctx, view.error());
    ctx.out() << user->record.name << " requested a " << verb << " order for post " << shortId(postId) << "\n";
    printOrder(ctx, *view);
    return ExitCode::Ok;
}

ExitCode runOrderList(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli order list [POST] [--state STATE]";
    if (ctx.args.positionals.size() > 1)
        return usageError(ctx, "order list takes at most one POST id", kSynopsis);
    store::OrderFilter filter;
    filter.limit = 10000;
    if (const auto* state = ctx.args.value("state")) {
        std::string name = *state;
        std::replace(name.begin(), name.end(), '-', '_');
        auto parsed = store::parseOrderState(name);
        if (!parsed)
            return usageError(ctx,
                              "--state \"" + *state + "\" is not an order state",
                              "states are pending, approved, declined, withdrawn, exported, done, partly_failed "
                              "and failed");
        filter.state = *parsed;
    }
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    if (ctx.args.positionals.size() == 1) {
        if (auto code = resolvePostId(ctx, *ws, ctx.args.positionals[0], filter.postId))
            return *code;
    }
    auto orders = ws->listOrders(filter);
    if (!orders)
        return failWith(ctx, orders.error());
    if (orders->empty()) {
        ctx.out() << "no orders match\n";
        return ExitCode::Ok;
    }
    ctx.out() << std::left << std::setw(12) << "ORDER"
              << "  " << std::setw(7) << "ACTION"
              << "  " << std::setw(13) << "STATE"
              << "  " << std::setw(12) << "POST"
              << "  " << std::setw(12) << "REQUESTER"
              << "  " << std::setw(20) << "CREATED"
              << "  CHANNELS\n";
    for (const auto& o : *orders) {
        ctx.out() << std::setw(12) << o.id.substr(0, 12) << "  " << std::setw(7) << o.action << "  " << std::setw(13)
                  << store::orderStateName(o.state) << "  " << std::setw(12) << shortId(o.postId) << "  "
                  << std::setw(12) << userName(*ws, o.requestedBy) << "  " << std::setw(20) << formatUtc(o.createdAt)
                  << "  " << o.channels << "\n";
    }
    return ExitCode::Ok;
}

} // namespace

std::optional<ExitCode>
resolveOrderId(const Context& ctx, workflow::Workstation& ws, std::string_view given, std::string& out)
{
    std::string id(given);
    std::transform(id.begin(), id.end(), id.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    const bool hex =
        std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (!hex || id.size() < kMinPrefix || id.size() > kOrderIdChars)
        return usageError(ctx,
                          "\"" + std::string(given) + "\" is not an order id",
                          "give the order id, or at least its first 6 hex digits, as `postern-cli order list` "
                          "shows them");
    std::vector<std::string> matches;
    store::OrderFilter filter;
    filter.limit = 10000;
    for (;;) {
        auto page = ws.listOrders(filter);
        if (!page)
            return failWith(ctx, page.error());
        for (const auto& o : *page) {
            if (o.id.compare(0, id.size(), id) == 0)
                matches.push_back(o.id);
        }
        if (static_cast<std::int64_t>(page->size()) < filter.limit)
            break;
        filter.offset += filter.limit;
    }
    if (matches.empty())
        return usageError(ctx, "no order id starts with " + id, "see the orders with `postern-cli order list`");
    if (matches.size() > 1)
        return usageError(ctx,
                          "the prefix " + id + " matches " + std::to_string(matches.size()) + " orders",
                          "give more digits of the order id");
    out = matches.front();
    return std::nullopt;
}

void printPostOrders(const Context& ctx, workflow::Workstation& ws, std::string_view postId)
{
    store::OrderFilter filter;
    filter.postId = std::string(postId);
    auto orders = ws.listOrders(filter);
    if (!orders || orders->empty())
        return;
    ctx.out() << "orders (newest first; `postern-cli order show ORDER` for details)\n";
    for (const auto& o : *orders) {
        ctx.out() << "  " << o.id.substr(0, 12) << "  " << o.action << "  " << store::orderStateName(o.state) << "  "
                  << o.channels << "  by " << userName(ws, o.requestedBy) << ": " << printable(o.reason) << "\n";
    }
}

ExitCode runOrder(const Context& ctx)
{
    const std::string& cmd = ctx.args.command;
    if (cmd == "order cancel")
        return runRequest(ctx, domain::OrderAction::Cancel);
    if (cmd == "order retract")
        return runRequest(ctx, domain::OrderAction::Retract);
    if (cmd == "order list")
        return runOrderList(ctx);
    if (cmd == "order show") {
        if (ctx.args.positionals.size() != 1)
            return usageError(ctx, "order show takes exactly one ORDER id", "postern-cli order show ORDER");
        std::unique_ptr<workflow::Workstation> ws;
        if (auto code = openStore(ctx, ws))
            return *code;
        std::string orderId;
        if (auto code = resolveOrderId(ctx, *ws, ctx.args.positionals[0], orderId))
            return *code;
        auto view = ws->showOrder(orderId);
        if (!view)
            return failWith(ctx, view.error());
        printOrder(ctx, *view);
        return ExitCode::Ok;
    }

    const std::string action = cmd.substr(cmd.find(' ') + 1); // approve, decline, withdraw
    const auto* reason = ctx.args.value("reason");
    if (action == "decline" && (!reason || reason->empty()))
        return usageError(ctx,
                          "order decline needs --reason TEXT: the requester sees it",
                          "postern-cli order decline ORDER --reason TEXT --as APPROVER");
    std::unique_ptr<workflow::Workstation> ws;
    std::string orderId;
    std::optional<workflow::UnlockedUser> user;
    if (auto code = orderStep(ctx, action, ws, orderId, user))
        return *code;
    if (action == "approve") {
        auto view = ws->approveOrder(*user, orderId);
        if (!view)
            return failWith(ctx, view.error());
        ctx.out() << user->record.name << " approved order " << orderId << "\n";
        printOrder(ctx, *view);
        return ExitCode::Ok;
    }
    const Status s =
        action == "decline" ? ws->declineOrder(*user, orderId, *reason) : ws->withdrawOrder(*user, orderId);
    if (!s)
        return failWith(ctx, s.error());
    ctx.out() << user->record.name << (action == "decline" ? " declined" : " withdrew") << " order " << orderId
              << "; it will not be sent\n";
    return ExitCode::Ok;
}

} // namespace postern::cli
