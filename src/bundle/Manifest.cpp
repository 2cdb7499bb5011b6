// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/Manifest.h"

#include "postern/bundle/BundleFormat.h"

#include <algorithm>
#include <map>
#include <set>

namespace postern::bundle {

std::uint64_t Manifest::mediaBytes() const
{
    std::uint64_t total = 0;
    for (const auto& m : media)
        total += m.size;
    return total;
}

void Manifest::buildMediaTable()
{
    media.clear();
    std::set<crypto::Digest> seen;
    for (const auto& p : posts) {
        for (const auto& m : p.content.media) {
            if (seen.insert(m.hash).second)
                media.push_back({m.hash, m.size});
        }
    }
}

namespace {

Json approvalsJson(std::vector<domain::Approval> sorted)
{
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.approver < b.approver; });
    Json approvals(Json::Array{});
    for (const auto& a : sorted) {
        Json o(Json::Object{});
        o.set("digest", toHex(a.digest)).set("key", toHex(a.approver)).set("sig", toHex(a.signature));
        approvals.push(std::move(o));
    }
    return approvals;
}

} // namespace

std::string Manifest::serialize() const
{
    Json policiesJson(Json::Array{});
    for (const auto& p : policies)
        policiesJson.push(p.envelope);
    Json postsJson(Json::Array{});
    for (const auto& p : posts) {
        Json o(Json::Object{});
        o.set("approvals", approvalsJson(p.approvals)).set("content", p.content.toJson());
        postsJson.push(std::move(o));
    }
    Json mediaJson(Json::Array{});
    for (const auto& m : media) {
        Json o(Json::Object{});
        o.set("hash", toHex(m.hash)).set("size", static_cast<std::int64_t>(m.size));
        mediaJson.push(std::move(o));
    }
    Json doc(Json::Object{});
    doc.set("media", std::move(mediaJson))
        .set("policies", std::move(policiesJson))
        .set("posts", std::move(postsJson))
        .set("type", std::string(kManifestType))
        .set("v", 1);
    if (!orders.empty()) {
        Json ordersJson(Json::Array{});
        for (const auto& o : orders) {
            Json entry(Json::Object{});
            entry.set("approvals", approvalsJson(o.approvals)).set("order", o.order.toJson());
            ordersJson.push(std::move(entry));
        }
        doc.set("orders", std::move(ordersJson));
    }
    return doc.serialize();
}

namespace {

Result<domain::Approval> parseApproval(const Json& node, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    POSTERN_ASSIGN(digestHex, f.string("digest"));
    POSTERN_ASSIGN(keyHex, f.string("key"));
    POSTERN_ASSIGN(sigHex, f.string("sig"));
    POSTERN_TRY(f.finish());
    domain::Approval a;
    POSTERN_ASSIGN(digest, fromHex(digestHex, crypto::kDigestBytes));
    std::copy(digest.begin(), digest.end(), a.digest.begin());
    POSTERN_ASSIGN(key, crypto::keyFromHex(keyHex));
    a.approver = key;
    POSTERN_ASSIGN(sig, crypto::signatureFromHex(sigHex));
    a.signature = sig;
    return a;
}

Result<std::vector<domain::Approval>> parseApprovals(const Json& list, const std::string& where)
{
    std::vector<domain::Approval> out;
    for (std::size_t i = 0; i < list.asArray().size(); ++i) {
        POSTERN_ASSIGN(a, parseApproval(list.asArray()[i], where + ".approvals[" + std::to_string(i) + "]"));
        if (!out.empty()) {
            if (out.back().approver == a.approver)
                return fail(Errc::DuplicateApprover, where + " lists the same approver key twice");
            if (!(out.back().approver < a.approver))
                return fail(Errc::NonCanonical, where + ".approvals must be sorted by key");
        }
        out.push_back(a);
    }
    return out;
}

Result<ManifestPost> parsePost(const Json& node, std::string_view bytes, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    POSTERN_ASSIGN(approvals, f.array("approvals", kMaxApprovalsPerPost));
    POSTERN_ASSIGN(content, f.object("content"));
    POSTERN_TRY(f.finish());
    ManifestPost post;
    POSTERN_ASSIGN(parsed, domain::PostContent::fromJson(*content, where + ".content"));
    post.content = std::move(parsed);
    // The digest is taken over the bytes exactly as received; canonical parsing guarantees
    // they equal what the approvers' workstation serialised.
    post.digest = domain::versionDigest(content->rawIn(bytes));
    POSTERN_ASSIGN(list, parseApprovals(*approvals, where));
    post.approvals = std::move(list);
    return post;
}

Result<ManifestOrder> parseOrder(const Json& node, std::string_view bytes, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    POSTERN_ASSIGN(approvals, f.array("approvals", kMaxApprovalsPerPost));
    POSTERN_ASSIGN(order, f.object("order"));
    POSTERN_TRY(f.finish());
    ManifestOrder mo;
    POSTERN_ASSIGN(parsed, domain::OrderContent::fromJson(*order, where + ".order"));
    mo.order = std::move(parsed);
    mo.digest = domain::orderDigest(order->rawIn(bytes));
    POSTERN_ASSIGN(list, parseApprovals(*approvals, where));
    mo.approvals = std::move(list);
    return mo;
}

/** parseOrders reads the optional `orders` member: absent, or 1..1000 orders (never empty). */
Status parseOrders(const Json* orders, std::string_view bytes, Manifest& m)
{
    if (!orders)
        return {};
    if (orders->asArray().empty())
        return fail(Errc::NonCanonical, "manifest.orders is empty; a manifest without orders omits the member");
    std::set<std::string> orderIds;
    std::set<std::string> postIds;
    for (const auto& p : m.posts)
        postIds.insert(p.content.postId);
    for (std::size_t i = 0; i < orders->asArray().size(); ++i) {
        POSTERN_ASSIGN(o, parseOrder(orders->asArray()[i], bytes, "manifest.orders[" + std::to_string(i) + "]"));
        if (!orderIds.insert(o.order.orderId).second)
            return fail(Errc::DuplicateField, "order " + o.order.orderId + " appears twice in the manifest");
        // One bundle either sends a post or gives orders about it: both at once has no
        // single meaning (which comes first?), so it is refused.
        if (postIds.count(o.order.postId))
            return fail(Errc::BadValue, "the manifest carries both post " + o.order.postId + " and an order about it");
        m.orders.push_back(std::move(o));
    }
    return {};
}

} // namespace

Result<Manifest> parseManifest(std::string_view bytes)
{
    JsonLimits limits;
    limits.maxBytes = kMaxManifestBytes;
    limits.maxValues = 4u << 20;
    limits.maxDepth = 12;
    limits.maxStringBytes = 64u << 10;
    POSTERN_ASSIGN(doc, parseCanonicalJson(bytes, limits));
    if (!doc.isObject())
        return fail(Errc::WrongType, "manifest must be a JSON object");
    JsonFields f(doc, "manifest");
    POSTERN_ASSIGN(media, f.array("media", kMaxMediaPerBundle));
    const Json* orders = nullptr;
    if (f.has("orders")) {
        POSTERN_ASSIGN(o, f.array("orders", kMaxOrdersPerBundle));
        orders = o;
    }
    POSTERN_ASSIGN(policies, f.array("policies", domain::kMaxPolicyChain));
    POSTERN_ASSIGN(posts, f.array("posts", kMaxPostsPerBundle));
    POSTERN_ASSIGN(type, f.string("type"));
    POSTERN_ASSIGN(version, f.integer("v", 1, 1));
    (void)version;
    POSTERN_TRY(f.finish());
    if (type != kManifestType)
        return fail(Errc::WrongDocumentType, "payload does not start with a manifest");
    Manifest m;
    if (policies->asArray().empty())
        return fail(Errc::MissingField, "manifest carries no policy");
    for (const auto& p : policies->asArray()) {
        POSTERN_ASSIGN(sp, domain::parseSignedPolicy(p, bytes));
        m.policies.push_back(std::move(sp));
    }
    if (posts->asArray().empty() && !orders)
        return fail(Errc::MissingField, "manifest lists no post and no order");
    std::set<std::string> postIds;
    std::map<crypto::Digest, std::uint64_t> referenced;
    std::vector<crypto::Digest> firstReference; // the one table order writers use (§4)
    for (std::size_t i = 0; i < posts->asArray().size(); ++i) {
        POSTERN_ASSIGN(p, parsePost(posts->asArray()[i], bytes, "manifest.posts[" + std::to_string(i) + "]"));
        if (!postIds.insert(p.content.postId).second)
            return fail(Errc::DuplicateField, "post " + p.content.postId + " appears twice in the manifest");
        for (const auto& ref : p.content.media) {
            auto [it, inserted] = referenced.emplace(ref.hash, ref.size);
            if (!inserted && it->second != ref.size)
                return fail(Errc::BadValue, "two posts give different sizes for the same media");
            if (inserted)
                firstReference.push_back(ref.hash);
        }
        m.posts.push_back(std::move(p));
    }
    std::set<crypto::Digest> listed;
    for (std::size_t i = 0; i < media->asArray().size(); ++i) {
        const std::string where = "manifest.media[" + std::to_string(i) + "]";
        const Json& n = media->asArray()[i];
        if (!n.isObject())
            return fail(Errc::WrongType, where + " must be an object");
        JsonFields mf(n, where);
        POSTERN_ASSIGN(hashHex, mf.string("hash"));
        POSTERN_ASSIGN(size, mf.integer("size", 1, static_cast<std::int64_t>(domain::kMaxMediaBytes)));
        POSTERN_TRY(mf.finish());
        MediaEntry e;
        POSTERN_ASSIGN(hash, fromHex(hashHex, crypto::kDigestBytes));
        std::copy(hash.begin(), hash.end(), e.hash.begin());
        e.size = static_cast<std::uint64_t>(size);
        if (!listed.insert(e.hash).second)
            return fail(Errc::DuplicateField, where + " lists a media hash twice");
        const auto it = referenced.find(e.hash);
        if (it == referenced.end())
            return fail(Errc::BadValue, where + " is not used by any post (unreferenced payload data is refused)");
        if (it->second != e.size)
            return fail(Errc::BadValue, where + " size differs from the size the post declares");
        m.media.push_back(e);
    }
    if (listed.size() != referenced.size())
        return fail(Errc::BadValue, "a post refers to media that the manifest's media table does not carry");
    // §4: the table is in first-reference order (posts in manifest order, media in each post's
    // order). Any other permutation would be signed but unapproved freedom in the payload
    // layout, so exactly one order is accepted.
    for (std::size_t i = 0; i < m.media.size(); ++i) {
        if (m.media[i].hash != firstReference[i])
            return fail(Errc::NonCanonical,
                        "manifest.media[" + std::to_string(i)
                            + "] is out of order; the table lists media in the order posts first refer to them");
    }
    POSTERN_TRY(parseOrders(orders, bytes, m));
    return m;
}

} // namespace postern::bundle
