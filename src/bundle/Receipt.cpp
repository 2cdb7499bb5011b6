// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/Receipt.h"

#include <algorithm>
#include <tuple>

namespace postern::bundle {

namespace {
constexpr std::pair<ReceiptState, std::string_view> kStates[] = {{ReceiptState::Published, "published"},
                                                                 {ReceiptState::Failed, "failed"},
                                                                 {ReceiptState::Scheduled, "scheduled"},
                                                                 {ReceiptState::Rejected, "rejected"},
                                                                 {ReceiptState::Cancelled, "cancelled"}};
constexpr std::pair<OrderOutcome, std::string_view> kOutcomes[] = {{OrderOutcome::Cancelled, "cancelled"},
                                                                   {OrderOutcome::Retracted, "retracted"},
                                                                   {OrderOutcome::Failed, "failed"}};
constexpr std::size_t kMaxReceiptOrders = 16000;

/** The codes §9.1 marks as earning a receipt. `too-large` is among them because a cap after
 *  step 1 (manifest, JSON) is a workstation defect; the local size cap never reaches a receipt. */
constexpr Errc kReceiptCodes[] = {
    Errc::TooLarge,
    Errc::UnknownWorkstation,
    Errc::WrongRecipient,
    Errc::BadBundleId,
    Errc::FutureDated,
    Errc::Expired,
    Errc::LifetimeExceedsPolicy,
    Errc::SequenceRollback,
    Errc::SequenceJump,
    Errc::BadKeySeal,
    Errc::ChunkAuthFailed,
    Errc::TrailingData,
    Errc::BadManifestSignature,
    Errc::Syntax,
    Errc::BadEncoding,
    Errc::NonCanonical,
    Errc::DuplicateField,
    Errc::UnknownField,
    Errc::MissingField,
    Errc::WrongType,
    Errc::BadValue,
    Errc::BadMediaName,
    Errc::WrongDocumentType,
    Errc::PolicyUnsigned,
    Errc::DuplicateApprover,
    Errc::PolicyVersionSkipped,
    Errc::PolicyFork,
    Errc::PolicyRollback,
    Errc::ThresholdNotMet,
    Errc::UnknownSigner,
    Errc::NotAuthorised,
    Errc::SelfApproval,
    Errc::BadApprovalSignature,
    Errc::ApprovalWrongVersion,
    Errc::ApproverNotAuthorised,
    Errc::ChannelNotInPolicy,
    Errc::ScheduleInPast,
    Errc::MediaHashMismatch,
};

/** §7 table: 16 000 entries × 8 values plus 16 000 order results × 7 exceed the default cap. */
JsonLimits receiptJsonLimits()
{
    JsonLimits l;
    l.maxBytes = kMaxReceiptBytes;
    l.maxValues = 262144;
    return l;
}

Json ordersJson(std::vector<OrderResult> sorted)
{
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return std::tie(a.orderId, a.channel) < std::tie(b.orderId, b.channel);
    });
    Json out(Json::Array{});
    for (const auto& r : sorted) {
        Json o(Json::Object{});
        o.set("action", std::string(domain::orderActionName(r.action)))
            .set("channel", r.channel.str())
            .set("order_id", r.orderId)
            .set("post_id", r.postId)
            .set("reason", r.reason)
            .set("state", std::string(orderOutcomeName(r.outcome)));
        out.push(std::move(o));
    }
    return out;
}

Result<OrderResult> parseOrderResult(const Json& n, const std::string& where)
{
    if (!n.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(n, where);
    POSTERN_ASSIGN(action, f.string("action"));
    POSTERN_ASSIGN(channel, f.string("channel"));
    POSTERN_ASSIGN(orderId, f.string("order_id"));
    POSTERN_ASSIGN(postId, f.string("post_id"));
    POSTERN_ASSIGN(reason, f.string("reason", 2048));
    POSTERN_ASSIGN(state, f.string("state"));
    POSTERN_TRY(f.finish());
    OrderResult r;
    POSTERN_ASSIGN(a, domain::parseOrderAction(action));
    r.action = a;
    POSTERN_ASSIGN(ch, domain::ChannelId::parse(channel));
    r.channel = ch;
    if (!fromHex(orderId, 16).ok() || !fromHex(postId, 16).ok())
        return fail(Errc::BadEncoding, where + " must name an order id and a post id of 32 lowercase hex digits");
    const auto it =
        std::find_if(std::begin(kOutcomes), std::end(kOutcomes), [&](const auto& s) { return s.second == state; });
    if (it == std::end(kOutcomes))
        return fail(Errc::BadValue, where + ".state \"" + state + "\" is not an order outcome");
    r.outcome = it->first;
    r.orderId = orderId;
    r.postId = postId;
    r.reason = reason;
    return r;
}
} // namespace

std::string_view orderOutcomeName(OrderOutcome o) noexcept
{
    for (const auto& [outcome, name] : kOutcomes) {
        if (outcome == o)
            return name;
    }
    return "failed";
}

std::string_view receiptStateName(ReceiptState s) noexcept
{
    for (const auto& [state, name] : kStates) {
        if (state == s)
            return name;
    }
    return "failed";
}

std::string makeReceipt(const Receipt& receipt, const crypto::SigningKey& uploaderKey)
{
    std::vector<ReceiptEntry> sorted = receipt.entries;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return std::tie(a.postId, a.version, a.channel) < std::tie(b.postId, b.version, b.channel);
    });
    Json entries(Json::Array{});
    for (const auto& e : sorted) {
        Json o(Json::Object{});
        o.set("channel", e.channel.str())
            .set("platform_id", e.platformId)
            .set("post_id", e.postId)
            .set("reason", e.reason)
            .set("state", std::string(receiptStateName(e.state)))
            .set("url", e.url)
            .set("version", e.version);
        entries.push(std::move(o));
    }
    Json body(Json::Object{});
    body.set("bundle_id", toHex(receipt.bundleId))
        .set("entries", std::move(entries))
        .set("error", receipt.error)
        .set("processed_at", receipt.processedAt)
        .set("type", std::string(kReceiptType))
        .set("uploader", toHex(uploaderKey.publicKey()))
        .set("workstation", toHex(receipt.workstation));
    if (!receipt.orders.empty())
        body.set("orders", ordersJson(receipt.orders));
    return domain::signedFileText(domain::makeSignedDocument(body, {&uploaderKey}));
}

bool receiptErrorCode(std::string_view code) noexcept
{
    return std::any_of(std::begin(kReceiptCodes), std::end(kReceiptCodes), [&](Errc c) { return errcName(c) == code; });
}

Result<Receipt> readReceipt(std::string_view fileText, const crypto::PublicKey& expectedUploader)
{
    POSTERN_ASSIGN(doc, domain::readSignedFile(fileText, kReceiptType, receiptJsonLimits(), 1));
    JsonFields f(doc.body, "receipt");
    POSTERN_ASSIGN(idHex, f.string("bundle_id"));
    POSTERN_ASSIGN(entries, f.array("entries", 16000));
    POSTERN_ASSIGN(error, f.string("error", 1024));
    const Json* orders = nullptr;
    if (f.has("orders")) {
        POSTERN_ASSIGN(o, f.array("orders", kMaxReceiptOrders));
        if (o->asArray().empty())
            return fail(Errc::NonCanonical, "receipt.orders is empty; a receipt without orders omits the member");
        orders = o;
    }
    POSTERN_ASSIGN(processedAt, f.integer("processed_at", 0, INT64_MAX));
    POSTERN_ASSIGN(type, f.string("type"));
    (void)type;
    POSTERN_ASSIGN(uploaderHex, f.string("uploader"));
    POSTERN_ASSIGN(wsHex, f.string("workstation"));
    POSTERN_TRY(f.finish());
    Receipt r;
    POSTERN_ASSIGN(id, fromHex(idHex, 16));
    std::copy(id.begin(), id.end(), r.bundleId.begin());
    POSTERN_ASSIGN(uploader, crypto::keyFromHex(uploaderHex));
    POSTERN_ASSIGN(ws, crypto::keyFromHex(wsHex));
    if (!crypto::equalConstantTime(uploader, expectedUploader) || !doc.signedBy(expectedUploader))
        return fail(Errc::BadSignature,
                    "the receipt is not signed by the trusted uploader; "
                    "it may come from another uploader or have been altered");
    r.uploader = uploader;
    r.workstation = ws;
    r.processedAt = processedAt;
    if (!error.empty() && !receiptErrorCode(error))
        return fail(Errc::BadValue, "receipt.error \"" + error + "\" is not a code that earns a rejection receipt");
    r.error = error;
    for (std::size_t i = 0; i < entries->asArray().size(); ++i) {
        const std::string where = "receipt.entries[" + std::to_string(i) + "]";
        const Json& n = entries->asArray()[i];
        if (!n.isObject())
            return fail(Errc::WrongType, where + " must be an object");
        JsonFields ef(n, where);
        POSTERN_ASSIGN(channel, ef.string("channel"));
        POSTERN_ASSIGN(platformId, ef.string("platform_id", 256));
        POSTERN_ASSIGN(postId, ef.string("post_id"));
        POSTERN_ASSIGN(reason, ef.string("reason", 2048));
        POSTERN_ASSIGN(state, ef.string("state"));
        POSTERN_ASSIGN(url, ef.string("url", 2048));
        POSTERN_ASSIGN(version, ef.integer("version", 1, INT64_MAX));
        POSTERN_TRY(ef.finish());
        ReceiptEntry e;
        POSTERN_ASSIGN(ch, domain::ChannelId::parse(channel));
        e.channel = ch;
        if (!fromHex(postId, 16).ok())
            return fail(Errc::BadEncoding, where + ".post_id must be 32 lowercase hex digits");
        const auto it =
            std::find_if(std::begin(kStates), std::end(kStates), [&](const auto& s) { return s.second == state; });
        if (it == std::end(kStates))
            return fail(Errc::BadValue, where + ".state \"" + state + "\" is not a receipt state");
        e.state = it->first;
        e.postId = postId;
        e.platformId = platformId;
        e.reason = reason;
        e.url = url;
        e.version = version;
        // §8: sorted by (post_id, version, channel), none twice: one byte form per receipt.
        if (!r.entries.empty()) {
            const auto& b = r.entries.back();
            const auto prev = std::tie(b.postId, b.version, b.channel);
            const auto here = std::tie(e.postId, e.version, e.channel);
            if (!(prev < here))
                return fail(prev == here ? Errc::DuplicateField : Errc::NonCanonical,
                            where + " is out of order; entries are sorted by (post_id, version, channel) with none twice");
        }
        r.entries.push_back(std::move(e));
    }
    for (std::size_t i = 0; orders && i < orders->asArray().size(); ++i) {
        const std::string where = "receipt.orders[" + std::to_string(i) + "]";
        POSTERN_ASSIGN(o, parseOrderResult(orders->asArray()[i], where));
        if (!r.orders.empty()) {
            const auto prev = std::tie(r.orders.back().orderId, r.orders.back().channel);
            const auto here = std::tie(o.orderId, o.channel);
            if (!(prev < here))
                return fail(prev == here ? Errc::DuplicateField : Errc::NonCanonical,
                            where + " is out of order; order results are sorted by (order_id, channel) with none twice");
        }
        r.orders.push_back(std::move(o));
    }
    if (!r.error.empty() && (!r.entries.empty() || !r.orders.empty()))
        return fail(Errc::BadValue, "a receipt that names an error carries no entries or order results");
    return r;
}

} // namespace postern::bundle
