// SPDX-License-Identifier: GPL-3.0-or-later
// Ledger: cancel and retract orders (ledger v4) and the target queries they need.
#include "postern/uploader/ledger/Ledger.h"

#include "LedgerRows.h"

namespace postern::uploader {

namespace {

constexpr std::string_view kOrderColumns =
    "bundle_id, order_id, channel, post_id, action, order_created, state, reason, updated_at";

Result<std::vector<OrderRecord>> readOrders(SqliteStatement& st)
{
    std::vector<OrderRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        OrderRecord r;
        POSTERN_ASSIGN(raw, fromHex(st.columnText(0), 16));
        std::copy(raw.begin(), raw.end(), r.bundleId.begin());
        r.orderId = st.columnText(1);
        r.channel = st.columnText(2);
        r.postId = st.columnText(3);
        r.action = st.columnText(4);
        r.orderCreated = st.columnInt(5);
        POSTERN_ASSIGN(state, parseOrderState(st.columnText(6)));
        r.state = state;
        r.reason = st.columnText(7);
        r.updatedAt = st.columnInt(8);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

std::string_view orderStateName(OrderState state) noexcept
{
    switch (state) {
    case OrderState::Pending:
        return "pending";
    case OrderState::Cancelled:
        return "cancelled";
    case OrderState::Retracted:
        return "retracted";
    case OrderState::Failed:
        return "failed";
    }
    return "failed";
}

Result<OrderState> parseOrderState(std::string_view name)
{
    for (const auto s : {OrderState::Pending, OrderState::Cancelled, OrderState::Retracted, OrderState::Failed}) {
        if (orderStateName(s) == name)
            return s;
    }
    return fail(Errc::BadValue, "the ledger holds an unknown order state \"" + std::string(name) + "\"");
}

Status Ledger::addOrder(const OrderRecord& r)
{
    POSTERN_ASSIGN(
        st,
        m_db.prepare("INSERT INTO orders(" + std::string(kOrderColumns) + ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.bind(1, toHex(r.bundleId))
        .bind(2, r.orderId)
        .bind(3, r.channel)
        .bind(4, r.postId)
        .bind(5, r.action)
        .bind(6, r.orderCreated)
        .bind(7, orderStateName(r.state))
        .bind(8, r.reason)
        .bind(9, r.updatedAt);
    return st.run();
}

Result<std::vector<OrderRecord>> Ledger::ordersOf(const bundle::BundleId& id)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT " + std::string(kOrderColumns)
                                + " FROM orders WHERE bundle_id = ? ORDER BY order_id, channel"));
    st.bind(1, toHex(id));
    return readOrders(st);
}

Result<std::vector<OrderRecord>> Ledger::ordersAbout(std::string_view postId, std::string_view channel)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT " + std::string(kOrderColumns)
                                + " FROM orders WHERE post_id = ? AND channel = ? ORDER BY rowid"));
    st.bind(1, postId).bind(2, channel);
    return readOrders(st);
}

Status Ledger::resolveOrder(const OrderRecord& r)
{
    if (r.state == OrderState::Pending)
        return fail(Errc::Internal, "an order can only be resolved to a final state");
    POSTERN_ASSIGN(st,
                   m_db.prepare("UPDATE orders SET state = ?, reason = ?, updated_at = ? "
                                "WHERE bundle_id = ? AND order_id = ? AND channel = ? AND state = 'pending'"));
    st.bind(1, orderStateName(r.state))
        .bind(2, r.reason)
        .bind(3, r.updatedAt)
        .bind(4, toHex(r.bundleId))
        .bind(5, r.orderId)
        .bind(6, r.channel);
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::InvalidState, "order " + r.orderId + " for " + r.channel + " is not pending");
    return {};
}

Result<std::vector<TargetRecord>> Ledger::targetsAbout(std::string_view postId, std::string_view channel)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT " + std::string(kTargetColumns)
                                + " FROM targets t WHERE t.post_id = ? AND t.channel = ? ORDER BY t.rowid"));
    st.bind(1, postId).bind(2, channel);
    return readTargetRows(st);
}

Status Ledger::cancelTarget(const TargetRecord& t, std::string_view reason, std::int64_t at)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("UPDATE targets SET state = 'cancelled', reason = ?, updated_at = ? "
                                "WHERE bundle_id = ? AND post_index = ? AND channel_index = ? AND state = 'claimed'"));
    st.bind(1, reason)
        .bind(2, at)
        .bind(3, toHex(t.bundleId))
        .bind(4, static_cast<std::int64_t>(t.postIndex))
        .bind(5, static_cast<std::int64_t>(t.channelIndex));
    POSTERN_TRY(st.run());
    if (m_db.changes() != 1)
        return fail(Errc::InvalidState,
                    "the target for " + t.channel + " is no longer waiting; it cannot be cancelled");
    return {};
}

Result<StateCounts> Ledger::orderCounts()
{
    StateCounts out;
    for (const auto s : {OrderState::Pending, OrderState::Cancelled, OrderState::Retracted, OrderState::Failed})
        out.emplace_back(std::string(orderStateName(s)), 0);
    POSTERN_ASSIGN(st, m_db.prepare("SELECT state, count(*) FROM orders GROUP BY state"));
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        for (auto& [name, count] : out) {
            if (name == st.columnText(0))
                count = st.columnInt(1);
        }
    }
    return out;
}

} // namespace postern::uploader
