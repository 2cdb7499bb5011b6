// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel and retract orders (docs/bundle-format.md §4.2): they travel in the signed manifest,
// pass the same approval policy as posts under their own signature context, and come back as
// order results in the receipt.
#include "postern/bundle/Receipt.h"

#include "Ceremony.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::bundle;
using postern::test::Ceremony;

namespace {

domain::OrderContent order(const Ceremony& c,
                           domain::OrderAction action = domain::OrderAction::Cancel,
                           std::vector<domain::ChannelId> channels = {Ceremony::outbox()})
{
    domain::OrderContent o;
    o.orderId = "0123456789abcdef0123456789abcdef";
    o.action = action;
    o.postId = "fedcba9876543210fedcba9876543210";
    o.channels = std::move(channels);
    o.requester = c.author.publicKey();
    o.created = Ceremony::kNow - 10;
    o.reason = "Wrong date in the announcement";
    return o;
}

ManifestOrder
approvedOrder(const Ceremony& c, const domain::OrderContent& o, std::vector<const crypto::SigningKey*> approvers = {})
{
    if (approvers.empty())
        approvers = {&c.approver1, &c.approver2};
    ManifestOrder mo;
    mo.order = o;
    mo.digest = o.digest();
    for (const auto* k : approvers)
        mo.approvals.push_back(domain::approveOrder(*k, mo.digest));
    return mo;
}

Manifest ordersOnly(Ceremony& c, std::vector<ManifestOrder> orders)
{
    Manifest m = c.manifest({});
    m.orders = std::move(orders);
    return m;
}

std::string replaceOnce(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return s;
}

Errc verifyRaw(Ceremony& c, const Manifest& m, const std::string& raw)
{
    Ceremony::SealOptions so;
    so.rawManifest = raw;
    return c.verify(c.seal(m, so)).code();
}

} // namespace

TEST_CASE("an order round-trips through canonical JSON with a digest of its own context", "[order]")
{
    Ceremony c;
    const auto o = order(c, domain::OrderAction::Retract, {Ceremony::outbox(), Ceremony::bluesky()});
    const std::string text = o.canonical();
    // Channels are written sorted, whatever order they were given in.
    CHECK(text.find("\"channels\":[\"bluesky:press.example.org\",\"outbox:press\"]") != std::string::npos);
    CHECK(text.find("\"action\":\"retract\"") != std::string::npos);
    JsonLimits limits;
    auto parsed = domain::OrderContent::fromJson(parseCanonicalJson(text, limits).value(), "order");
    REQUIRE(parsed.ok());
    CHECK(parsed->canonical() == text);
    CHECK(parsed->digest() == o.digest());
    // The order digest is domain-separated from the post-version digest of the same bytes.
    CHECK(domain::orderDigest(text) != domain::versionDigest(text));
}

TEST_CASE("order content rules", "[order]")
{
    Ceremony c;
    auto o = order(c);
    CHECK(o.validate().ok());
    o.reason.clear();
    CHECK(o.validate().code() == Errc::BadValue); // a reason is required
    o = order(c);
    o.reason = std::string(501, 'x');
    CHECK(o.validate().code() == Errc::BadValue);
    o = order(c);
    o.reason = "bell\a";
    CHECK(o.validate().code() == Errc::BadValue);
    o = order(c);
    o.channels.push_back(Ceremony::outbox());
    CHECK(o.validate().code() == Errc::DuplicateField);
    o = order(c);
    o.channels.clear();
    CHECK(o.validate().code() == Errc::MissingField);
    o = order(c);
    o.postId = "FEDCBA9876543210FEDCBA9876543210"; // hex is lowercase only (§7: bad-encoding)
    CHECK(o.validate().code() == Errc::BadEncoding);
    CHECK(domain::parseOrderAction("delete").code() == Errc::BadValue);
}

TEST_CASE("a bundle of orders only verifies and carries the orders", "[order]")
{
    Ceremony c;
    const auto o = order(c, domain::OrderAction::Retract);
    auto vb = c.verify(c.seal(ordersOnly(c, {approvedOrder(c, o)})));
    REQUIRE(vb.ok());
    CHECK(vb->manifest.posts.empty());
    REQUIRE(vb->manifest.orders.size() == 1);
    CHECK(vb->manifest.orders[0].order.canonical() == o.canonical());
    CHECK(vb->manifest.orders[0].digest == o.digest());
}

TEST_CASE("a bundle may carry posts and orders about other posts", "[order]")
{
    Ceremony c;
    Manifest m = c.manifest({c.approved(c.post("hello"))});
    m.orders = {approvedOrder(c, order(c))};
    CHECK(c.verify(c.seal(m)).ok());
    // ...but not a post and an order about that same post.
    auto same = order(c);
    same.postId = m.posts[0].content.postId;
    m.orders = {approvedOrder(c, same)};
    CHECK(c.verify(c.seal(m)).code() == Errc::BadValue);
}

TEST_CASE("orders obey the approval policy", "[order][attack]")
{
    Ceremony c;
    const auto o = order(c);
    // One approval where the channel needs two.
    CHECK(c.verify(c.seal(ordersOnly(c, {approvedOrder(c, o, {&c.approver1})}))).code() == Errc::ThresholdNotMet);
    // The requester cannot approve their own order.
    auto byApprover = o;
    byApprover.requester = c.approver1.publicKey();
    CHECK(c.verify(c.seal(ordersOnly(c, {approvedOrder(c, byApprover)}))).code() == Errc::SelfApproval);
    // A requester the policy does not know, or one without the author or approver role.
    auto stranger = o;
    stranger.requester = crypto::SigningKey::generate().publicKey();
    CHECK(c.verify(c.seal(ordersOnly(c, {approvedOrder(c, stranger)}))).code() == Errc::UnknownSigner);
    auto admin = o;
    admin.requester = c.admin.publicKey();
    CHECK(c.verify(c.seal(ordersOnly(c, {approvedOrder(c, admin)}))).code() == Errc::NotAuthorised);
    // An approver authorised for no channel does not count; a channel without a rule fails.
    CHECK(c.verify(c.seal(ordersOnly(c, {approvedOrder(c, o, {&c.approver1, &c.approver3})}))).code()
          == Errc::ApproverNotAuthorised);
    auto unknownChannel = order(c, domain::OrderAction::Cancel, {domain::ChannelId::parse("x:elsewhere").value()});
    CHECK(c.verify(c.seal(ordersOnly(c, {approvedOrder(c, unknownChannel, {&c.approver1, &c.approver2})}))).code()
          == Errc::ApproverNotAuthorised);
}

TEST_CASE("a post approval cannot be replayed as an order approval", "[order][attack]")
{
    // Type confusion (security-anchors.md §8 class 9): approvers sign orders under
    // "postern/v1/order-approval", so a signature made for a post never counts for an order,
    // even over the very same digest bytes.
    Ceremony c;
    const auto o = order(c);
    ManifestOrder mo;
    mo.order = o;
    mo.digest = o.digest();
    mo.approvals = {domain::approve(c.approver1, mo.digest), domain::approve(c.approver2, mo.digest)};
    CHECK(c.verify(c.seal(ordersOnly(c, {mo}))).code() == Errc::BadApprovalSignature);
    // An approval of another order (or an older wording of this one) does not count either.
    auto reworded = o;
    reworded.reason = "Another reason";
    ManifestOrder moved = approvedOrder(c, reworded);
    moved.order = o;
    moved.digest = o.digest();
    CHECK(c.verify(c.seal(ordersOnly(c, {moved}))).code() == Errc::ApprovalWrongVersion);
}

TEST_CASE("hostile order encodings in a signed manifest", "[order][attack]")
{
    Ceremony c;
    const Manifest m = ordersOnly(c, {approvedOrder(c, order(c))});
    const std::string good = m.serialize();
    // An empty orders member has a second byte form for "no orders": non-canonical.
    Manifest withPost = c.manifest({c.approved(c.post("x"))});
    const std::string empty = replaceOnce(withPost.serialize(), "\"policies\":", "\"orders\":[],\"policies\":");
    CHECK(verifyRaw(c, withPost, empty) == Errc::NonCanonical);
    // Unknown members, a changed reason (digest mismatch), an unknown action.
    CHECK(verifyRaw(c, m, replaceOnce(good, "\"type\":\"postern.order\"", "\"type\":\"postern.order\",\"zzz\":1"))
          == Errc::UnknownField);
    CHECK(verifyRaw(c, m, replaceOnce(good, "Wrong date", "Right date")) == Errc::ApprovalWrongVersion);
    CHECK(verifyRaw(c, m, replaceOnce(good, "\"action\":\"cancel\"", "\"action\":\"delete\"")) == Errc::BadValue);
    // The same order twice.
    Manifest twice = ordersOnly(c, {approvedOrder(c, order(c)), approvedOrder(c, order(c))});
    CHECK(c.verify(c.seal(twice)).code() == Errc::DuplicateField);
    // No post and no order at all.
    Manifest nothing = c.manifest({});
    CHECK(c.verify(c.seal(nothing)).code() == Errc::MissingField);
}

TEST_CASE("receipts carry order results and cancelled entries", "[order][receipt]")
{
    Ceremony c;
    Receipt r;
    r.bundleId[0] = 7;
    r.workstation = c.workstation.publicKey();
    r.processedAt = Ceremony::kNow;
    r.entries.push_back({"fedcba9876543210fedcba9876543210",
                         1,
                         Ceremony::outbox(),
                         ReceiptState::Cancelled,
                         "",
                         "",
                         "cancelled by order 0123456789abcdef0123456789abcdef"});
    r.orders.push_back({"0123456789abcdef0123456789abcdef",
                        domain::OrderAction::Retract,
                        "fedcba9876543210fedcba9876543210",
                        Ceremony::outbox(),
                        OrderOutcome::Retracted,
                        "deleted"});
    const std::string text = makeReceipt(r, c.uploaderSign);
    auto back = readReceipt(text, c.uploaderSign.publicKey());
    REQUIRE(back.ok());
    REQUIRE(back->orders.size() == 1);
    CHECK(back->orders[0].outcome == OrderOutcome::Retracted);
    CHECK(back->orders[0].action == domain::OrderAction::Retract);
    CHECK(back->entries[0].state == ReceiptState::Cancelled);
    // A receipt without orders omits the member, so older receipts read the same.
    r.orders.clear();
    CHECK(makeReceipt(r, c.uploaderSign).find("\"orders\"") == std::string::npos);
}
