// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: cancel and retract orders, from request through approval to the bundle.
#include "postern/workflow/Workstation.h"

#include <algorithm>
#include <map>
#include <set>

namespace postern::workflow {

namespace {

bool listedFor(const domain::Policy& policy, const domain::ChannelId& channel, const crypto::PublicKey& key)
{
    const auto* rule = policy.rule(channel);
    return rule && std::find(rule->approvers.begin(), rule->approvers.end(), key) != rule->approvers.end();
}

Result<domain::OrderContent> orderContent(const store::OrderRecord& record)
{
    POSTERN_ASSIGN(json, parseCanonicalJson(record.content, JsonLimits{}));
    return domain::OrderContent::fromJson(json, "order " + record.id);
}

/**
 * orderApprovals returns the approvals that still count under `policy`: by a key the policy
 * lists as an approver of one of the order's channels. As for posts, approvals of disabled,
 * re-keyed or demoted approvers stay in the store as history but drop out here.
 */
Result<std::vector<domain::Approval>> orderApprovals(store::WorkstationStore& store,
                                                     const store::OrderRecord& record,
                                                     const domain::OrderContent& content,
                                                     const domain::Policy& policy)
{
    POSTERN_ASSIGN(rows, store.orders().approvals(record.id));
    std::vector<domain::Approval> out;
    for (const auto& row : rows) {
        POSTERN_ASSIGN(user, store.users().byId(row.userId));
        const bool listed = std::any_of(content.channels.begin(), content.channels.end(), [&](const auto& c) {
            return listedFor(policy, c, user.publicKey);
        });
        if (listed)
            out.push_back({user.publicKey, row.digest, row.signature});
    }
    return out;
}

std::string channelList(const std::vector<domain::ChannelId>& channels)
{
    std::string out;
    for (const auto& c : channels)
        out += (out.empty() ? "" : ", ") + c.str();
    return out;
}

} // namespace

Result<OrderView> Workstation::requestOrder(const UnlockedUser& requester,
                                            std::string_view postId,
                                            domain::OrderAction action,
                                            const std::vector<domain::ChannelId>& channels,
                                            std::string_view reason)
{
    const std::string_view verb = domain::orderActionName(action);
    if (!requester.record.hasRole(store::kRoleAuthor) && !requester.record.hasRole(store::kRoleApprover))
        return fail(Errc::NotAuthorised,
                    requester.record.name + " may not request a " + std::string(verb)
                        + ": it needs the author or approver role, which an admin can grant");
    if (reason.empty())
        return fail(Errc::InvalidArgument,
                    "give a reason: approvers decide on it, and the uploader's log and receipt show it");
    POSTERN_ASSIGN(post, m_store->posts().get(postId));
    POSTERN_ASSIGN(exported, m_store->orders().lastExport(post.id));
    if (!exported)
        return fail(Errc::InvalidState,
                    "post " + post.id + " was never sent to the uploader, so there is nothing to " + std::string(verb)
                        + "; it is " + std::string(store::postStateName(post.state))
                        + ": just leave it, or send it back to draft");
    POSTERN_ASSIGN(version, m_store->posts().getVersion(post.id, exported->version));
    std::vector<domain::ChannelId> sent;
    for (const auto& c : store::splitChannels(version.channels)) {
        POSTERN_ASSIGN(id, domain::ChannelId::parse(c));
        sent.push_back(std::move(id));
    }
    std::map<std::string, store::PublishOutcome> outcome;
    POSTERN_ASSIGN(results, m_store->exports().results(post.id));
    for (const auto& r : results) {
        if (r.version == exported->version)
            outcome[r.channel] = r.outcome;
    }
    auto is = [&](const domain::ChannelId& c, store::PublishOutcome o) {
        auto it = outcome.find(c.str());
        return it != outcome.end() && it->second == o;
    };
    auto stopped = [&](const domain::ChannelId& c) {
        return is(c, store::PublishOutcome::Cancelled) || is(c, store::PublishOutcome::Retracted);
    };

    std::vector<domain::ChannelId> targets;
    if (channels.empty()) {
        // Every channel the order can still change: not already stopped, and for a cancel not
        // already published (a cancel cannot take a post down).
        for (const auto& c : sent) {
            if (!stopped(c) && !(action == domain::OrderAction::Cancel && is(c, store::PublishOutcome::Published)))
                targets.push_back(c);
        }
        if (targets.empty()) {
            const bool allPublished =
                std::all_of(sent.begin(),
                            sent.end(),
                            [&](const auto& c) { return is(c, store::PublishOutcome::Published) || stopped(c); })
                && std::any_of(sent.begin(), sent.end(), [&](const auto& c) {
                       return is(c, store::PublishOutcome::Published);
                   });
            if (action == domain::OrderAction::Cancel && allPublished)
                return fail(Errc::InvalidState,
                            "post " + post.id
                                + " is already published on every channel a cancel could reach; a cancel only "
                                  "stops what is not yet published: use retract to delete it");
            return fail(Errc::InvalidState,
                        "post " + post.id + " is already cancelled or retracted on every channel it was sent to");
        }
    } else {
        for (const auto& c : channels) {
            if (std::find(sent.begin(), sent.end(), c) == sent.end())
                return fail(Errc::InvalidArgument,
                            "post " + post.id + " was not sent to " + c.str() + "; it went to " + channelList(sent));
            if (stopped(c))
                return fail(Errc::InvalidState,
                            "post " + post.id + " is already "
                                + std::string(store::publishOutcomeName(outcome[c.str()])) + " on " + c.str()
                                + "; leave that channel out");
            if (std::find(targets.begin(), targets.end(), c) == targets.end())
                targets.push_back(c);
        }
        if (action == domain::OrderAction::Cancel && std::all_of(targets.begin(), targets.end(), [&](const auto& c) {
                return is(c, store::PublishOutcome::Published);
            }))
            return fail(Errc::InvalidState,
                        "post " + post.id + " is already published on " + channelList(targets)
                            + "; a cancel only stops what is not yet published: use retract to delete it");
    }
    std::sort(targets.begin(), targets.end());
    POSTERN_ASSIGN(policy, currentPolicy());
    for (const auto& c : targets) {
        if (!policy.policy.rule(c))
            return fail(Errc::ChannelNotInPolicy,
                        c.str()
                            + " has no approval rule any more, so nobody could approve an order for it; ask an "
                              "admin to add one with `postern-cli policy set`");
    }

    const std::int64_t now = m_clock.now();
    domain::OrderContent content;
    content.orderId = store::PostRepository::newPostId(); // 16 random bytes, the same form as post ids
    content.action = action;
    content.postId = post.id;
    content.channels = targets;
    content.requester = requester.key.publicKey();
    content.created = now;
    content.reason = std::string(reason);
    POSTERN_TRY(content.validate());
    store::NewOrder row;
    row.orderId = content.orderId;
    row.postId = post.id;
    row.action = std::string(verb);
    row.content = content.canonical();
    row.digest = domain::orderDigest(row.content);
    for (const auto& c : targets)
        row.channels.push_back(c.str());
    row.reason = content.reason;
    row.requestedBy = requester.record.id;
    row.createdAt = now;
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->orders().create(row));
        POSTERN_TRY(m_store->audit().append(requester.key,
                                            "order-request",
                                            row.orderId,
                                            std::string(verb) + " post " + post.id + " on " + channelList(targets)
                                                + ": " + content.reason,
                                            now));
        return {};
    }));
    return showOrder(row.orderId);
}

Result<OrderView> Workstation::approveOrder(const UnlockedUser& approver, std::string_view orderId)
{
    POSTERN_TRY(requireRole(approver, domain::Role::Approver, "approve orders"));
    POSTERN_ASSIGN(record, m_store->orders().get(orderId));
    POSTERN_ASSIGN(content, orderContent(record));
    if (crypto::equalConstantTime(content.requester, approver.key.publicKey()))
        return fail(Errc::SelfApproval,
                    "you requested this order, so you cannot approve it; another approver must review it");
    POSTERN_ASSIGN(policy, currentPolicy());
    const bool authorised = std::any_of(content.channels.begin(), content.channels.end(), [&](const auto& c) {
        return listedFor(policy.policy, c, approver.key.publicKey());
    });
    if (!authorised)
        return fail(Errc::ApproverNotAuthorised,
                    approver.record.name + " is not an approver for any channel of this order ("
                        + channelList(content.channels) + ")");
    const domain::Approval approval = domain::approveOrder(approver.key, record.digest);
    const std::int64_t now = m_clock.now();
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_TRY(
            m_store->orders().addApproval({record.id, approver.record.id, record.digest, approval.signature, now}));
        POSTERN_TRY(
            m_store->audit().append(approver.key,
                                    "order-approve",
                                    record.id,
                                    std::string(domain::orderActionName(content.action)) + " post " + content.postId,
                                    now));
        POSTERN_ASSIGN(approvals, orderApprovals(*m_store, record, content, policy.policy));
        // Enough approvals on every channel makes it ready for export; otherwise it waits.
        if (domain::checkOrderApprovals(content, record.digest, approvals, policy.policy).ok())
            POSTERN_TRY(m_store->orders().setApproved(record.id, true, now));
        return {};
    }));
    return showOrder(record.id);
}

Status Workstation::declineOrder(const UnlockedUser& approver, std::string_view orderId, std::string_view reason)
{
    POSTERN_TRY(requireRole(approver, domain::Role::Approver, "decline orders"));
    if (reason.empty())
        return fail(Errc::InvalidArgument, "give a reason: the requester sees it");
    POSTERN_ASSIGN(record, m_store->orders().get(orderId));
    POSTERN_ASSIGN(content, orderContent(record));
    POSTERN_ASSIGN(policy, currentPolicy());
    const bool authorised = std::any_of(content.channels.begin(), content.channels.end(), [&](const auto& c) {
        return listedFor(policy.policy, c, approver.key.publicKey());
    });
    if (!authorised)
        return fail(Errc::ApproverNotAuthorised,
                    approver.record.name + " is not an approver for any channel of this order");
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->orders().decline(record.id, approver.record.id, reason, now));
        POSTERN_TRY(m_store->audit().append(approver.key, "order-decline", record.id, std::string(reason), now));
        return {};
    });
}

Status Workstation::withdrawOrder(const UnlockedUser& requester, std::string_view orderId)
{
    POSTERN_ASSIGN(record, m_store->orders().get(orderId));
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->orders().withdraw(record.id, requester.record.id, now));
        POSTERN_TRY(m_store->audit().append(requester.key, "order-withdraw", record.id, "", now));
        return {};
    });
}

Result<std::vector<std::string>> Workstation::postsOfBundle(std::string_view bundleId)
{
    if (bundleId.size() != 32 || !fromHex(bundleId, 16).ok())
        return fail(Errc::InvalidArgument,
                    "a bundle id is the 32 hex digits `postern-cli export` printed (and the receipt names)");
    auto exported = m_store->exports().byBundleId(bundleId);
    if (!exported)
        return fail(Errc::NotFound,
                    "this workstation never exported bundle " + std::string(bundleId)
                        + "; check the id against the export's printout");
    std::vector<std::string> posts;
    for (const auto& item : exported->items)
        posts.push_back(item.postId);
    return posts;
}

Result<std::vector<store::OrderRecord>> Workstation::listOrders(const store::OrderFilter& filter)
{
    return m_store->orders().list(filter);
}

Result<std::vector<std::string>> Workstation::approvedOrders()
{
    store::OrderFilter filter;
    filter.state = store::OrderState::Approved;
    filter.limit = 10000;
    POSTERN_ASSIGN(rows, m_store->orders().list(filter));
    std::vector<std::string> ids;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it)
        ids.push_back(it->id);
    return ids;
}

Result<OrderView> Workstation::showOrder(std::string_view orderId)
{
    OrderView view;
    POSTERN_ASSIGN(record, m_store->orders().get(orderId));
    POSTERN_ASSIGN(content, orderContent(record));
    POSTERN_ASSIGN(requester, m_store->users().byId(record.requestedBy));
    view.requesterName = requester.name;
    if (record.decidedBy != 0) {
        POSTERN_ASSIGN(decider, m_store->users().byId(record.decidedBy));
        view.decidedByName = decider.name;
    }
    POSTERN_ASSIGN(rows, m_store->orders().approvals(record.id));
    for (const auto& a : rows) {
        POSTERN_ASSIGN(u, m_store->users().byId(a.userId));
        view.approverNames.push_back(u.name);
    }
    POSTERN_ASSIGN(policy, currentPolicy());
    POSTERN_ASSIGN(approvals, orderApprovals(*m_store, record, content, policy.policy));
    for (const auto& c : content.channels) {
        OrderChannelProgress p;
        p.channel = c;
        if (const auto* rule = policy.policy.rule(c)) {
            p.required = rule->required;
            for (const auto& a : approvals)
                p.approvals += listedFor(policy.policy, c, a.approver) ? 1 : 0;
        }
        view.progress.push_back(std::move(p));
    }
    const auto status = domain::checkOrderApprovals(content, record.digest, approvals, policy.policy);
    view.approvalStatus = status.ok() ? std::string() : status.error().message;
    POSTERN_ASSIGN(results, m_store->orders().results(record.id));
    view.results = std::move(results);
    view.content = std::move(content);
    view.record = std::move(record);
    return view;
}

Result<std::vector<bundle::ManifestOrder>> Workstation::manifestOrders(const std::vector<std::string>& orderIds,
                                                                       const std::vector<std::string>& postIds,
                                                                       const domain::Policy& policy,
                                                                       std::int64_t lifetime)
{
    std::vector<bundle::ManifestOrder> out;
    std::set<std::string> seen;
    for (const auto& id : orderIds) {
        POSTERN_ASSIGN(record, m_store->orders().get(id));
        if (!seen.insert(record.id).second)
            return fail(Errc::InvalidArgument, "order " + record.id + " is listed twice");
        if (!record.bundleId.empty())
            return fail(Errc::AlreadyExported,
                        "order " + record.id + " already left in bundle " + record.bundleId
                            + "; an order is sent once");
        if (record.state != store::OrderState::Approved)
            return fail(Errc::NotApproved,
                        "order " + record.id + " is " + std::string(store::orderStateName(record.state))
                            + ", not approved, so it cannot be exported");
        POSTERN_ASSIGN(content, orderContent(record));
        if (std::find(postIds.begin(), postIds.end(), content.postId) != postIds.end())
            return fail(Errc::InvalidArgument,
                        "post " + content.postId + " and order " + record.id
                            + " about it cannot travel in one bundle; export them separately");
        // The store's bytes are the signed bytes: if they no longer hash to the digest the
        // approvers signed, the store was edited and nothing may leave.
        if (!crypto::equalConstantTime(domain::orderDigest(record.content), record.digest)
            || content.canonical() != record.content)
            return fail(Errc::Internal, "order " + record.id + " in the store no longer matches its digest");
        POSTERN_ASSIGN(approvals, orderApprovals(*m_store, record, content, policy));
        // The same check the uploader makes: if the policy changed since approval, stop here.
        POSTERN_TRY(domain::checkOrderApprovals(content, record.digest, approvals, policy));
        for (const auto& c : content.channels) {
            const auto* rule = policy.rule(c);
            if (rule && lifetime > rule->maxLifetime)
                return fail(Errc::LifetimeExceedsPolicy,
                            "the policy allows bundles for " + c.str() + " to live at most "
                                + std::to_string(rule->maxLifetime) + " seconds; choose a shorter --lifetime");
        }
        bundle::ManifestOrder mo;
        mo.order = std::move(content);
        mo.digest = record.digest;
        mo.approvals = std::move(approvals);
        out.push_back(std::move(mo));
    }
    return out;
}

} // namespace postern::workflow
