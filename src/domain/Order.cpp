// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Order.h"

#include <algorithm>

namespace postern::domain {

std::string_view orderActionName(OrderAction a) noexcept
{
    return a == OrderAction::Cancel ? "cancel" : "retract";
}

Result<OrderAction> parseOrderAction(std::string_view name)
{
    if (name == "cancel")
        return OrderAction::Cancel;
    if (name == "retract")
        return OrderAction::Retract;
    return fail(Errc::BadValue, "order action must be \"cancel\" or \"retract\", not \"" + std::string(name) + "\"");
}

crypto::Digest orderDigest(std::string_view canonicalOrder)
{
    return crypto::blake2b256(kOrderDigestContext, asBytes(canonicalOrder));
}

crypto::Digest OrderContent::digest() const
{
    return orderDigest(canonical());
}

Json OrderContent::toJson() const
{
    std::vector<ChannelId> sorted = channels;
    std::sort(sorted.begin(), sorted.end());
    Json chans(Json::Array{});
    for (const auto& c : sorted)
        chans.push(Json(c.str()));
    Json body(Json::Object{});
    body.set("action", std::string(orderActionName(action)))
        .set("channels", std::move(chans))
        .set("created", created)
        .set("order_id", orderId)
        .set("post_id", postId)
        .set("reason", reason)
        .set("requester", toHex(requester))
        .set("type", std::string(kOrderType));
    return body;
}

Result<OrderContent> OrderContent::fromJson(const Json& node, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    POSTERN_ASSIGN(actionName, f.string("action"));
    POSTERN_ASSIGN(chans, f.array("channels", kMaxChannelsPerPost));
    POSTERN_ASSIGN(created, f.integer("created", 0, INT64_MAX));
    POSTERN_ASSIGN(orderId, f.string("order_id"));
    POSTERN_ASSIGN(postId, f.string("post_id"));
    POSTERN_ASSIGN(reason, f.string("reason", kMaxOrderReasonBytes));
    POSTERN_ASSIGN(requesterHex, f.string("requester"));
    POSTERN_ASSIGN(type, f.string("type"));
    POSTERN_TRY(f.finish());
    if (type != kOrderType)
        return fail(Errc::WrongDocumentType, where + " is not an order");
    OrderContent o;
    POSTERN_ASSIGN(action, parseOrderAction(actionName));
    o.action = action;
    o.created = created;
    o.orderId = orderId;
    o.postId = postId;
    o.reason = reason;
    POSTERN_ASSIGN(requester, crypto::keyFromHex(requesterHex));
    o.requester = requester;
    for (std::size_t i = 0; i < chans->asArray().size(); ++i) {
        const Json& n = chans->asArray()[i];
        if (n.type() != Json::Type::String)
            return fail(Errc::WrongType, where + ".channels[" + std::to_string(i) + "] must be a string");
        POSTERN_ASSIGN(id, ChannelId::parse(n.asString()));
        // Sorted and unique, so the order has one byte form and no channel counts twice.
        if (!o.channels.empty() && !(o.channels.back() < id))
            return fail(o.channels.back() == id ? Errc::DuplicateField : Errc::NonCanonical,
                        where + ".channels must be sorted with no channel twice");
        o.channels.push_back(std::move(id));
    }
    POSTERN_TRY(o.validate());
    return o;
}

Status OrderContent::validate() const
{
    // §7: a hex member that is not exactly its length of lowercase hex is bad-encoding.
    if (orderId.size() != 32 || !fromHex(orderId, 16).ok())
        return fail(Errc::BadEncoding, "order id must be 32 lowercase hex digits");
    if (postId.size() != 32 || !fromHex(postId, 16).ok())
        return fail(Errc::BadEncoding, "order " + orderId + " must name a post id of 32 lowercase hex digits");
    if (channels.empty())
        return fail(Errc::MissingField, "order " + orderId + " names no channel");
    if (channels.size() > kMaxChannelsPerPost)
        return fail(Errc::TooLarge, "order " + orderId + " names more than 16 channels");
    std::vector<ChannelId> sorted = channels;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        return fail(Errc::DuplicateField, "order " + orderId + " names a channel twice");
    if (reason.empty() || reason.size() > kMaxOrderReasonBytes || !isValidUtf8(reason))
        return fail(Errc::BadValue, "order " + orderId + " needs a reason of 1 to 500 bytes of UTF-8");
    for (char c : reason) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n') || u == 0x7f)
            return fail(Errc::BadValue, "the reason of order " + orderId + " contains a control character");
    }
    return {};
}

Approval approveOrder(const crypto::SigningKey& approver, const crypto::Digest& digest)
{
    return {approver.publicKey(), digest, approver.sign(kOrderApprovalContext, digest)};
}

Status checkOrderApprovals(const OrderContent& order,
                           const crypto::Digest& digest,
                           const std::vector<Approval>& approvals,
                           const Policy& policy)
{
    const std::string what = std::string(orderActionName(order.action)) + " order " + order.orderId;
    const PolicyUser* requester = policy.userByKey(order.requester);
    if (!requester)
        return fail(Errc::UnknownSigner,
                    what + " was requested by a key the policy does not know (" + crypto::fingerprint(order.requester)
                        + ")");
    if (!hasRole(requester->roles, Role::Author) && !hasRole(requester->roles, Role::Approver))
        return fail(Errc::NotAuthorised,
                    requester->name + " may not request " + what + ": it needs the author or approver role");
    return checkApprovalSet({what, order.requester, order.channels, kOrderApprovalContext}, digest, approvals, policy);
}

} // namespace postern::domain
