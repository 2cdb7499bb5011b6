// SPDX-License-Identifier: GPL-3.0-or-later
// The order steps that commit inside ExportRepository's export and receipt transactions.
#include "OrderRows.h"
#include "PostRows.h"
#include "StoreConnection.h"

#include <algorithm>
#include <map>
#include <set>

namespace postern::store {

namespace {
constexpr std::size_t kMaxReasonBytes = 4096;
constexpr std::size_t kMaxChannelBytes = 256;
} // namespace

Status checkOrdersExportable(SqliteDatabase& db, const std::vector<std::string>& orderIds)
{
    for (const auto& id : orderIds) {
        POSTERN_ASSIGN(order, loadOrder(db, id));
        if (!order.bundleId.empty())
            return fail(Errc::AlreadyExported,
                        "order " + id + " was already exported in bundle " + order.bundleId
                            + "; an order is sent once");
        if (order.state != OrderState::Approved)
            return fail(Errc::NotApproved,
                        "order " + id + " is " + std::string(orderStateName(order.state))
                            + ", not approved, so it cannot be exported");
    }
    return {};
}

Status markOrdersExported(SqliteDatabase& db,
                          const std::vector<std::string>& orderIds,
                          std::string_view bundleId,
                          std::int64_t at)
{
    POSTERN_ASSIGN(up,
                   db.prepare("UPDATE orders SET state = 'exported', bundle_id = ?1, updated_at = ?2 "
                              "WHERE id = ?3 AND state = 'approved'"));
    for (const auto& id : orderIds) {
        up.bind(1, bundleId).bind(2, at).bind(3, id);
        POSTERN_TRY(up.run());
        if (db.changes() != 1)
            return fail(Errc::NotApproved, "order " + id + " is no longer approved; nothing was exported");
        up.reset();
    }
    return {};
}

Result<std::vector<std::string>> ordersOfBundle(SqliteDatabase& db, std::string_view bundleId)
{
    POSTERN_ASSIGN(st, db.prepare("SELECT id FROM orders WHERE bundle_id = ?1 ORDER BY id"));
    st.bind(1, bundleId);
    std::vector<std::string> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back(st.columnText(0));
    }
    return out;
}

Status applyOrderResults(SqliteDatabase& db,
                         std::string_view bundleId,
                         const std::vector<OrderResultRecord>& results,
                         std::string_view rejected,
                         std::int64_t at)
{
    POSTERN_ASSIGN(carried, ordersOfBundle(db, bundleId));
    std::map<std::string, OrderRecord> orders;
    for (const auto& id : carried) {
        POSTERN_ASSIGN(o, loadOrder(db, id));
        orders.emplace(id, std::move(o));
    }
    // (order, channel) -> result; a whole-bundle rejection fails every channel of every order.
    std::map<std::pair<std::string, std::string>, OrderResultRecord> byChannel;
    for (const auto& r : results) {
        POSTERN_TRY(checkText(r.channel, "order result channel", kMaxChannelBytes));
        POSTERN_TRY(checkText(r.reason, "order result reason", kMaxReasonBytes));
        auto it = orders.find(r.orderId);
        if (it == orders.end())
            return fail(Errc::InvalidArgument,
                        "the receipt reports order " + r.orderId + ", which bundle " + std::string(bundleId)
                            + " did not carry");
        const auto channels = splitChannels(it->second.channels);
        if (std::find(channels.begin(), channels.end(), r.channel) == channels.end())
            return fail(Errc::InvalidArgument,
                        "the receipt reports order " + r.orderId + " on " + r.channel + ", which it does not name");
        if (!byChannel.emplace(std::pair{r.orderId, r.channel}, r).second)
            return fail(Errc::InvalidArgument,
                        "the receipt reports order " + r.orderId + " on " + r.channel + " twice");
    }
    if (!rejected.empty()) {
        for (const auto& [id, o] : orders) {
            for (const auto& c : splitChannels(o.channels))
                byChannel[{id, c}] =
                    {id, c, OrderOutcome::Failed, refusalInWords(rejected), "", 0};
        }
    }
    POSTERN_ASSIGN(ins,
                   db.prepare("INSERT INTO order_results(order_id, channel, outcome, reason, bundle_id, updated_at) "
                              "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
    // A cancelled or retracted channel is the post's result there from now on: it keeps the
    // platform id and URL it had, so the history still says where it was.
    POSTERN_ASSIGN(post,
                   db.prepare("INSERT INTO post_results(post_id, version, channel, state, reason, bundle_id, "
                              "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                              "ON CONFLICT(post_id, version, channel) DO UPDATE SET state = excluded.state, "
                              "reason = excluded.reason, bundle_id = excluded.bundle_id, "
                              "updated_at = excluded.updated_at"));
    std::set<std::string> touchedPosts;
    for (const auto& [key, r] : byChannel) {
        ins.bind(1, r.orderId).bind(2, r.channel).bind(3, orderOutcomeName(r.outcome)).bind(4, r.reason);
        ins.bind(5, bundleId).bind(6, at);
        POSTERN_TRY(ins.run());
        ins.reset();
        if (r.outcome == OrderOutcome::Failed)
            continue;
        const OrderRecord& o = orders.at(r.orderId);
        POSTERN_ASSIGN(vst,
                       db.prepare("SELECT i.version, v.channels FROM export_items i JOIN post_versions v "
                                  "ON v.post_id = i.post_id AND v.version = i.version WHERE i.post_id = ?1 "
                                  "ORDER BY i.version DESC LIMIT 1"));
        vst.bind(1, o.postId);
        POSTERN_ASSIGN(found, vst.step());
        if (!found)
            continue; // an order is only ever made for an exported post; nothing to mark otherwise
        const auto versionChannels = splitChannels(vst.columnText(1));
        if (std::find(versionChannels.begin(), versionChannels.end(), r.channel) == versionChannels.end())
            continue;
        post.bind(1, o.postId).bind(2, vst.columnInt(0)).bind(3, r.channel);
        post.bind(4, r.outcome == OrderOutcome::Retracted ? "retracted" : "cancelled");
        post.bind(5, r.reason).bind(6, bundleId).bind(7, at);
        POSTERN_TRY(post.run());
        post.reset();
        touchedPosts.insert(o.postId);
    }
    for (const auto& [id, o] : orders) {
        std::size_t carriedOut = 0;
        std::string reasons;
        const auto channels = splitChannels(o.channels);
        for (const auto& c : channels) {
            auto it = byChannel.find({id, c});
            if (it != byChannel.end() && it->second.outcome != OrderOutcome::Failed) {
                ++carriedOut;
                continue;
            }
            const std::string why = it == byChannel.end() ? std::string("the receipt does not report this channel")
                                    : it->second.reason.empty() ? std::string("no reason given")
                                                                : it->second.reason;
            reasons += (reasons.empty() ? "" : "; ") + c + ": " + why;
        }
        const OrderState to = carriedOut == channels.size() ? OrderState::Done
                              : carriedOut == 0             ? OrderState::Failed
                                                            : OrderState::PartlyFailed;
        POSTERN_TRY(setOrderState(db, id, to, reasons, 0, at));
    }
    for (const auto& postId : touchedPosts)
        POSTERN_TRY(settlePost(db, postId, at));
    return {};
}

Status settlePost(SqliteDatabase& db, std::string_view postId, std::int64_t at)
{
    POSTERN_ASSIGN(post, loadPost(db, postId));
    if (post.state != PostState::Exported && post.state != PostState::Published && post.state != PostState::Failed
        && post.state != PostState::Cancelled && post.state != PostState::Retracted)
        return {};
    POSTERN_ASSIGN(version, loadVersion(db, postId, post.currentVersion));
    std::map<std::string, std::pair<std::string, std::string>> results; // channel -> (state, reason)
    {
        POSTERN_ASSIGN(st,
                       db.prepare("SELECT channel, state, reason FROM post_results WHERE post_id = ?1 AND "
                                  "version = ?2"));
        st.bind(1, postId).bind(2, post.currentVersion);
        while (true) {
            POSTERN_ASSIGN(row, st.step());
            if (!row)
                break;
            results[st.columnText(0)] = {st.columnText(1), st.columnText(2)};
        }
    }
    std::size_t stopped = 0, retracted = 0, published = 0, open = 0;
    std::string failures;
    const auto channels = splitChannels(version.channels);
    for (const auto& c : channels) {
        auto it = results.find(c);
        const std::string state = it == results.end() ? std::string("scheduled") : it->second.first;
        if (state == "cancelled" || state == "retracted") {
            ++stopped;
            retracted += state == "retracted" ? 1 : 0;
        } else if (state == "published") {
            ++published;
        } else if (state == "failed") {
            failures += (failures.empty() ? "" : "; ") + c + ": "
                        + (it->second.second.empty() ? std::string("no reason given") : it->second.second);
        } else {
            ++open;
        }
    }
    PostState to = PostState::Exported;
    std::string reason;
    if (stopped == channels.size())
        to = retracted > 0 ? PostState::Retracted : PostState::Cancelled;
    else if (!failures.empty()) {
        to = PostState::Failed;
        reason = failures;
    } else if (open == 0 && published > 0)
        to = PostState::Published;
    if (to == post.state && reason == post.lastReason)
        return {};
    return setPostState(db, postId, to, reason, at);
}

} // namespace postern::store
