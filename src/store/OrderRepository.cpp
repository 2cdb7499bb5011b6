// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/OrderRepository.h"

#include "OrderRows.h"
#include "PostRows.h"
#include "StoreConnection.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace postern::store {

namespace {

constexpr std::size_t kMaxReasonBytes = 4096;
constexpr std::size_t kMaxChannelBytes = 256;
constexpr std::size_t kMaxChannels = 16;

constexpr std::array<OrderState, 8> kAllOrderStates{OrderState::Pending,
                                                    OrderState::Approved,
                                                    OrderState::Declined,
                                                    OrderState::Withdrawn,
                                                    OrderState::Exported,
                                                    OrderState::Done,
                                                    OrderState::PartlyFailed,
                                                    OrderState::Failed};

constexpr std::string_view kSelectOrder =
    "SELECT id, post_id, action, content, digest, channels, reason, requested_by, "
    "created_at, updated_at, state, bundle_id, decided_by, last_reason "
    "FROM orders ";

Result<OrderRecord> readOrder(const SqliteStatement& st)
{
    OrderRecord o;
    o.id = st.columnText(0);
    o.postId = st.columnText(1);
    o.action = st.columnText(2);
    o.content = st.columnText(3);
    POSTERN_ASSIGN(digest, columnFixed<crypto::kDigestBytes>(st, 4, "orders"));
    o.digest = digest;
    o.channels = st.columnText(5);
    o.reason = st.columnText(6);
    o.requestedBy = st.columnInt(7);
    o.createdAt = st.columnInt(8);
    o.updatedAt = st.columnInt(9);
    auto state = parseOrderState(st.columnText(10));
    if (!state)
        return corruptRow("orders", "order " + o.id + " has an unknown state");
    o.state = *state;
    o.bundleId = st.columnIsNull(11) ? std::string() : st.columnText(11);
    o.decidedBy = st.columnIsNull(12) ? 0 : st.columnInt(12);
    o.lastReason = st.columnText(13);
    return o;
}

Error orderWrongState(const OrderRecord& o, std::string_view action)
{
    std::string hint;
    if (o.state == OrderState::Exported || o.state == OrderState::Done || o.state == OrderState::PartlyFailed
        || o.state == OrderState::Failed)
        hint = "; it left in bundle " + o.bundleId + " and cannot be called back";
    else if (o.state == OrderState::Declined || o.state == OrderState::Withdrawn)
        hint = "; request a new order if it is still needed";
    return fail(Errc::InvalidState,
                "order " + o.id + " is " + std::string(orderStateName(o.state)) + ", so it cannot "
                    + std::string(action) + hint);
}

Status checkNewOrder(const NewOrder& o)
{
    if (!isLowerHex(o.orderId, 32))
        return fail(Errc::InvalidArgument, "an order id is 32 lowercase hex digits");
    if (!isLowerHex(o.postId, 32))
        return fail(Errc::InvalidArgument, "an order must name a post id of 32 lowercase hex digits");
    if (o.action != "cancel" && o.action != "retract")
        return fail(Errc::InvalidArgument, "an order is a cancel or a retract, not \"" + o.action + "\"");
    POSTERN_TRY(checkText(o.content, "order", kMaxOrderContentBytes));
    const crypto::Digest digest = crypto::blake2b256(kOrderDigestContext, asBytes(o.content));
    if (!crypto::equalConstantTime(digest, o.digest))
        return fail(Errc::InvalidArgument, "the order digest does not match its content");
    if (o.channels.empty() || o.channels.size() > kMaxChannels)
        return fail(Errc::InvalidArgument, "an order names 1 to 16 channels");
    for (const auto& c : o.channels) {
        POSTERN_TRY(checkText(c, "channel", kMaxChannelBytes));
        if (c.empty() || c.find(',') != std::string::npos)
            return fail(Errc::InvalidArgument, "an order channel must be a non-empty id without commas");
    }
    if (o.reason.empty())
        return fail(Errc::InvalidArgument, "an order needs a reason");
    return checkText(o.reason, "order reason", kMaxReasonBytes);
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : ",") + i;
    return out;
}

Result<OrderOutcome> parseOutcome(std::string_view name)
{
    for (const OrderOutcome o : {OrderOutcome::Cancelled, OrderOutcome::Retracted, OrderOutcome::Failed}) {
        if (orderOutcomeName(o) == name)
            return o;
    }
    return corruptRow("order_results", "unknown outcome \"" + std::string(name) + "\"");
}

} // namespace

Result<OrderRecord> loadOrder(SqliteDatabase& db, std::string_view orderId)
{
    POSTERN_ASSIGN(st, db.prepare(std::string(kSelectOrder) + "WHERE id = ?1"));
    st.bind(1, orderId);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, "no order with id " + std::string(orderId));
    return readOrder(st);
}

Status setOrderState(SqliteDatabase& db,
                     std::string_view orderId,
                     OrderState to,
                     std::string_view reason,
                     std::int64_t decidedBy,
                     std::int64_t at)
{
    POSTERN_ASSIGN(up,
                   db.prepare("UPDATE orders SET state = ?1, last_reason = ?2, updated_at = ?3, "
                              "decided_by = CASE WHEN ?4 = 0 THEN decided_by ELSE ?4 END WHERE id = ?5"));
    up.bind(1, orderStateName(to)).bind(2, reason).bind(3, at).bind(4, decidedBy).bind(5, orderId);
    POSTERN_TRY(up.run());
    if (db.changes() != 1)
        return fail(Errc::NotFound, "no order with id " + std::string(orderId));
    return {};
}

std::string_view orderStateName(OrderState state) noexcept
{
    switch (state) {
    case OrderState::Pending:
        return "pending";
    case OrderState::Approved:
        return "approved";
    case OrderState::Declined:
        return "declined";
    case OrderState::Withdrawn:
        return "withdrawn";
    case OrderState::Exported:
        return "exported";
    case OrderState::Done:
        return "done";
    case OrderState::PartlyFailed:
        return "partly_failed";
    case OrderState::Failed:
        return "failed";
    }
    return "unknown";
}

Result<OrderState> parseOrderState(std::string_view name)
{
    for (const OrderState s : kAllOrderStates) {
        if (orderStateName(s) == name)
            return s;
    }
    return fail(Errc::BadValue, "unknown order state \"" + std::string(name) + "\"");
}

bool isOpenOrder(OrderState state) noexcept
{
    return state == OrderState::Pending || state == OrderState::Approved || state == OrderState::Exported;
}

std::string_view orderOutcomeName(OrderOutcome outcome) noexcept
{
    switch (outcome) {
    case OrderOutcome::Cancelled:
        return "cancelled";
    case OrderOutcome::Retracted:
        return "retracted";
    case OrderOutcome::Failed:
        return "failed";
    }
    return "unknown";
}

Result<OrderRecord> OrderRepository::create(const NewOrder& o)
{
    POSTERN_TRY(checkNewOrder(o));
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    {
        POSTERN_ASSIGN(st, db.prepare("SELECT name, roles, disabled FROM users WHERE id = ?1"));
        st.bind(1, o.requestedBy);
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            return fail(Errc::NotFound, "no user with id " + std::to_string(o.requestedBy));
        // The same rule as domain::checkOrderApprovals: whoever may write or review posts may
        // ask for one to be stopped; operators and admins alone may not.
        if (st.columnInt(2) != 0 || (st.columnInt(1) & (kRoleAuthor | kRoleApprover)) == 0)
            return fail(Errc::NotAuthorised,
                        "\"" + st.columnText(0)
                            + "\" may not request orders: it needs the author or approver role, which an admin "
                              "can grant");
    }
    POSTERN_ASSIGN(post, loadPost(db, o.postId));
    POSTERN_ASSIGN(exported, lastExport(o.postId));
    if (!exported)
        return fail(Errc::InvalidState,
                    "post " + post.id + " was never exported, so there is nothing to cancel or retract");
    {
        POSTERN_ASSIGN(existing, list({o.postId, std::nullopt, 10000, 0}));
        for (const auto& other : existing) {
            if (!isOpenOrder(other.state))
                continue;
            for (const auto& c : splitChannels(other.channels)) {
                if (std::find(o.channels.begin(), o.channels.end(), c) != o.channels.end())
                    return fail(Errc::InvalidState,
                                "order " + other.id + " (" + other.action + ", "
                                    + std::string(orderStateName(other.state)) + ") already covers " + c
                                    + " for this post; approve, decline or withdraw it first, or wait for its "
                                      "receipt");
            }
        }
    }
    {
        POSTERN_ASSIGN(ins,
                       db.prepare("INSERT INTO orders(id, post_id, action, content, digest, channels, reason, "
                                  "requested_by, created_at, updated_at, state) "
                                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, 'pending')"));
        ins.bind(1, o.orderId).bind(2, o.postId).bind(3, o.action).bind(4, o.content).bindBlob(5, o.digest);
        ins.bind(6, joined(o.channels)).bind(7, o.reason).bind(8, o.requestedBy).bind(9, o.createdAt);
        if (auto s = ins.run(); !s) {
            if (s.code() == Errc::AlreadyExists)
                return fail(Errc::AlreadyExists, "an order with id " + o.orderId + " already exists");
            return std::move(s).error();
        }
    }
    POSTERN_ASSIGN(out, loadOrder(db, o.orderId));
    POSTERN_TRY(tx.commit());
    return out;
}

Result<OrderRecord> OrderRepository::get(std::string_view orderId)
{
    return loadOrder(m_connection.db(), orderId);
}

Result<std::vector<OrderRecord>> OrderRepository::list(const OrderFilter& filter)
{
    if (filter.offset < 0 || filter.limit < 1 || filter.limit > 10000)
        return fail(Errc::InvalidArgument, "order listing needs offset >= 0 and limit 1..10000");
    std::string sql(kSelectOrder);
    sql += "WHERE (?1 = '' OR post_id = ?1) AND (?2 = '' OR state = ?2) "
           "ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4";
    POSTERN_ASSIGN(st, m_connection.db().prepare(sql));
    st.bind(1, filter.postId);
    // A std::string, not an empty string_view: SQLite binds a null pointer as NULL, not ''.
    st.bind(2, filter.state ? std::string(orderStateName(*filter.state)) : std::string());
    st.bind(3, filter.limit).bind(4, filter.offset);
    std::vector<OrderRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        POSTERN_ASSIGN(o, readOrder(st));
        out.push_back(std::move(o));
    }
    return out;
}

Status OrderRepository::addApproval(const OrderApprovalRecord& a)
{
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(order, loadOrder(db, a.orderId));
    if (order.state != OrderState::Pending)
        return orderWrongState(order, "be approved");
    POSTERN_ASSIGN(user, loadActiveUser(db, a.userId, kRoleApprover, "approve orders"));
    if (user.id == order.requestedBy)
        return fail(Errc::SelfApproval,
                    "\"" + user.name + "\" requested this order and cannot approve it; another approver must");
    if (!crypto::equalConstantTime(a.digest, order.digest))
        return fail(Errc::ApprovalWrongVersion, "the approval is for different content than order " + order.id);
    if (!crypto::verifySignature(user.publicKey, kOrderApprovalContext, a.digest, a.signature))
        return fail(Errc::BadApprovalSignature,
                    "the order approval signature does not verify with \"" + user.name + "\"'s key");
    POSTERN_ASSIGN(ins,
                   db.prepare("INSERT INTO order_approvals(order_id, user_id, digest, signature, created_at) "
                              "VALUES(?1, ?2, ?3, ?4, ?5)"));
    ins.bind(1, a.orderId).bind(2, a.userId).bindBlob(3, a.digest).bindBlob(4, a.signature).bind(5, a.createdAt);
    if (auto s = ins.run(); !s) {
        if (s.code() == Errc::AlreadyExists)
            return fail(Errc::AlreadyExists, "\"" + user.name + "\" has already approved order " + order.id);
        return std::move(s).error();
    }
    POSTERN_ASSIGN(touch, db.prepare("UPDATE orders SET updated_at = max(updated_at, ?1) WHERE id = ?2"));
    touch.bind(1, a.createdAt).bind(2, a.orderId);
    POSTERN_TRY(touch.run());
    return tx.commit();
}

Result<std::vector<OrderApprovalRecord>> OrderRepository::approvals(std::string_view orderId)
{
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare("SELECT order_id, user_id, digest, signature, created_at FROM "
                                             "order_approvals WHERE order_id = ?1 ORDER BY created_at, user_id"));
    st.bind(1, orderId);
    std::vector<OrderApprovalRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        OrderApprovalRecord a;
        a.orderId = st.columnText(0);
        a.userId = st.columnInt(1);
        POSTERN_ASSIGN(digest, columnFixed<crypto::kDigestBytes>(st, 2, "order_approvals"));
        POSTERN_ASSIGN(sig, columnFixed<crypto::kSignatureBytes>(st, 3, "order_approvals"));
        a.digest = digest;
        a.signature = sig;
        a.createdAt = st.columnInt(4);
        out.push_back(std::move(a));
    }
    return out;
}

Status OrderRepository::setApproved(std::string_view orderId, bool approved, std::int64_t at)
{
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(order, loadOrder(db, orderId));
    if (order.state != (approved ? OrderState::Pending : OrderState::Approved))
        return orderWrongState(order, approved ? "become approved" : "go back to pending");
    if (approved) {
        POSTERN_ASSIGN(st, db.prepare("SELECT count(*) FROM order_approvals WHERE order_id = ?1"));
        st.bind(1, orderId);
        POSTERN_ASSIGN(row, st.step());
        if (!row || st.columnInt(0) == 0)
            return fail(Errc::NotApproved, "order " + order.id + " has no approvals yet");
    }
    POSTERN_TRY(setOrderState(db, orderId, approved ? OrderState::Approved : OrderState::Pending, "", 0, at));
    return tx.commit();
}

Status OrderRepository::decline(std::string_view orderId, std::int64_t userId, std::string_view reason, std::int64_t at)
{
    if (reason.empty())
        return fail(Errc::InvalidArgument, "a decline needs a reason the requester can act on");
    POSTERN_TRY(checkText(reason, "reason", kMaxReasonBytes));
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(order, loadOrder(db, orderId));
    if (order.state != OrderState::Pending && order.state != OrderState::Approved)
        return orderWrongState(order, "be declined");
    POSTERN_ASSIGN(user, loadActiveUser(db, userId, kRoleApprover, "decline orders"));
    if (user.id == order.requestedBy)
        return fail(Errc::SelfApproval,
                    "\"" + user.name + "\" requested this order; withdraw it instead of declining it");
    POSTERN_TRY(setOrderState(db, orderId, OrderState::Declined, reason, userId, at));
    return tx.commit();
}

Status OrderRepository::withdraw(std::string_view orderId, std::int64_t userId, std::int64_t at)
{
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(order, loadOrder(db, orderId));
    if (order.requestedBy != userId)
        return fail(Errc::NotAuthorised,
                    "only the user who requested order " + order.id + " can withdraw it; an approver can decline it");
    if (order.state != OrderState::Pending && order.state != OrderState::Approved)
        return orderWrongState(order, "be withdrawn");
    POSTERN_TRY(setOrderState(db, orderId, OrderState::Withdrawn, "withdrawn by the requester", userId, at));
    return tx.commit();
}

Result<std::vector<OrderResultRecord>> OrderRepository::results(std::string_view orderId)
{
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare("SELECT order_id, channel, outcome, reason, bundle_id, updated_at "
                                             "FROM order_results WHERE order_id = ?1 ORDER BY channel"));
    st.bind(1, orderId);
    std::vector<OrderResultRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        OrderResultRecord r;
        r.orderId = st.columnText(0);
        r.channel = st.columnText(1);
        POSTERN_ASSIGN(outcome, parseOutcome(st.columnText(2)));
        r.outcome = outcome;
        r.reason = st.columnText(3);
        r.bundleId = st.columnText(4);
        r.updatedAt = st.columnInt(5);
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::optional<ExportItem>> OrderRepository::lastExport(std::string_view postId)
{
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare("SELECT post_id, version FROM export_items WHERE post_id = ?1 "
                                             "ORDER BY version DESC LIMIT 1"));
    st.bind(1, postId);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<ExportItem>();
    return std::optional<ExportItem>(ExportItem{st.columnText(0), st.columnInt(1)});
}

} // namespace postern::store
