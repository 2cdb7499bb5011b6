// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel and retract orders (docs/uploader.md, "Cancel and retract orders"). An order is
// applied in two steps. At claim time, inside the claim transaction, whatever needs no network
// happens at once: every target of the post on the order's channels that is still waiting
// (claimed, including scheduled ones) is cancelled, so nothing published later can slip past
// it. Then, in the bundle's publishing pass (after older bundles had theirs, so a target that
// was in flight has settled), a retract deletes what was published.
#include "postern/uploader/publish/PublishService.h"

#include <spdlog/spdlog.h>

namespace postern::uploader {

namespace {

std::string describeTarget(const TargetRecord& t)
{
    return t.url.empty() ? t.platformId : t.url;
}

} // namespace

Result<std::string>
PublishService::cancelledBefore(std::string_view postId, std::string_view channel, std::int64_t versionCreated)
{
    POSTERN_ASSIGN(orders, m_home.ledger().ordersAbout(postId, channel));
    for (const auto& o : orders) {
        // An order covers the versions that existed when it was made. A version written after
        // it (the post was edited and approved again) is a new decision the order never saw.
        if (o.orderCreated >= versionCreated)
            return o.action + " order " + o.orderId + " arrived before this version of the post; it was not published";
    }
    return std::string();
}

Status PublishService::claimOrders(const bundle::VerifiedBundle& vb, std::int64_t now)
{
    Ledger& ledger = m_home.ledger();
    for (const auto& mo : vb.manifest.orders) {
        for (const auto& channel : mo.order.channels) {
            OrderRecord r;
            r.bundleId = vb.header.bundleId;
            r.orderId = mo.order.orderId;
            r.channel = channel.str();
            r.postId = mo.order.postId;
            r.action = std::string(domain::orderActionName(mo.order.action));
            r.orderCreated = mo.order.created;
            r.state = OrderState::Pending;
            r.updatedAt = now;
            POSTERN_TRY(ledger.addOrder(r));
            POSTERN_TRY(applyOrder(r, false, now));
        }
    }
    return {};
}

Status PublishService::applyOrder(OrderRecord& order, bool network, std::int64_t now)
{
    Ledger& ledger = m_home.ledger();
    const bool retract = order.action == "retract";
    const std::string self = order.action + " order " + order.orderId;
    POSTERN_ASSIGN(targets, ledger.targetsAbout(order.postId, order.channel));
    bool cancelled = false;
    std::vector<TargetRecord> published;
    for (auto& t : targets) {
        if (t.state == TargetState::Claimed) {
            POSTERN_TRY(ledger.cancelTarget(t, "cancelled by " + self, now));
            POSTERN_TRY(ledger.addEvent(now, "target-cancelled", toHex(t.bundleId), order.channel + " by " + self));
            t.state = TargetState::Cancelled;
            cancelled = true;
        } else if (t.state == TargetState::Sent || t.state == TargetState::Unknown) {
            // It may be on the platform already: the platform settles it first (resume asks),
            // and only then does this order know whether to delete or just record it.
            order.reason =
                "waiting: the post's publishing on " + order.channel + " was in progress and is being settled first";
            return {};
        } else if (t.state == TargetState::Done) {
            published.push_back(t);
        }
    }
    OrderRecord outcome = order;
    outcome.updatedAt = now;
    if (!published.empty() && !retract) {
        outcome.state = OrderState::Failed;
        outcome.reason =
            "already published at " + describeTarget(published.front()) + "; send a retract order to delete it";
    } else if (!published.empty()) {
        if (!network) {
            order.reason = "waiting: deletion happens in this bundle's publishing pass";
            return {};
        }
        POSTERN_ASSIGN(channel, domain::ChannelId::parse(order.channel));
        PublishAdapter* adapter = m_adapters.find(channel.platform);
        std::vector<std::string> gone;
        for (const auto& t : published) {
            RetractTarget rt{channel, t.platformId, t.url, t.idempotencyKey, [this]() { return checkpoint(); }};
            // Asked before anything is sent: a platform without delete fails the order at once.
            if (!adapter || !adapter->canRetract()) {
                outcome.state = OrderState::Failed;
                outcome.reason = cannotRetract(rt);
                break;
            }
            if (auto held = checkpoint(); !held) {
                if (held.code() != Errc::Suspended)
                    return held;
                order.reason = "waiting: " + held.error().message;
                return {};
            }
            if (auto s = adapter->retract(rt); !s) {
                // A refusal after the adapter's own retries (or an id it cannot delete) is
                // final; anything else (network, rate limit, expired login) is worth a resume.
                if (s.code() != Errc::PublishFailed && s.code() != Errc::InvalidArgument) {
                    order.reason = "waiting: deleting " + describeTarget(t) + " failed for now (" + s.error().message
                                   + "); `postern-uploader resume` tries again";
                    spdlog::info("{}: {}", self, order.reason);
                    return {};
                }
                outcome.state = OrderState::Failed;
                outcome.reason = "the platform did not delete " + describeTarget(t) + ": " + s.error().message;
                break;
            }
            gone.push_back(describeTarget(t));
            outcome.state = OrderState::Retracted;
        }
        if (outcome.state == OrderState::Retracted) {
            outcome.reason = "deleted " + gone.front() + (gone.size() > 1 ? " and earlier versions" : "");
            if (channel.platform == domain::Platform::Outbox)
                outcome.reason += " from the outbox; if someone already posted it by hand, delete it there too";
        }
    } else if (targets.empty()) {
        outcome.state = OrderState::Cancelled;
        outcome.reason =
            "this uploader has not received the post for " + order.channel + "; if it arrives it will not be published";
    } else {
        outcome.state = OrderState::Cancelled;
        outcome.reason = cancelled ? "cancelled before it was published" : "it had not been published; nothing to do";
    }
    POSTERN_TRY(ledger.resolveOrder(outcome));
    POSTERN_TRY(ledger.addEvent(now,
                                "order-" + std::string(orderStateName(outcome.state)),
                                toHex(order.bundleId),
                                self + " " + order.channel + ": " + outcome.reason));
    spdlog::info("{} on {}: {}: {}", self, order.channel, orderStateName(outcome.state), outcome.reason);
    order = outcome;
    return {};
}

Status PublishService::processOrders(const BundleRecord& record, BundleProgress& progress)
{
    Ledger& ledger = m_home.ledger();
    POSTERN_ASSIGN(orders, ledger.ordersOf(record.id));
    for (auto& o : orders) {
        if (o.state == OrderState::Pending) {
            // Each decision commits on its own: a deletion that happened is never forgotten
            // because a later order of the same bundle failed.
            SqliteTransaction tx(ledger.db());
            POSTERN_TRY(tx.begin());
            POSTERN_TRY(applyOrder(o, true, m_options.clock->now()));
            POSTERN_TRY(tx.commit());
        }
        progress.orders.push_back(std::move(o));
    }
    return {};
}

} // namespace postern::uploader
