// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/ExportRepository.h"

#include "OrderRows.h"
#include "PostRows.h"
#include "StoreConnection.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace postern::store {

namespace {

constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxPathBytes = 4096;
constexpr std::size_t kMaxResultFieldBytes = 4096;
// Matches bundle::kMaxReceiptBytes: the store must accept every receipt the parser accepts.
constexpr std::size_t kMaxReceiptBytes = 4u << 20;
constexpr std::size_t kMaxItems = 10000;

constexpr std::string_view kSelectExport =
    "SELECT id, sequence, bundle_id, path, file_fingerprint, created_at, created_by FROM exports ";

ExportRecord readExport(const SqliteStatement& st)
{
    ExportRecord e;
    e.id = st.columnInt(0);
    e.sequence = st.columnInt(1);
    e.bundleId = st.columnText(2);
    e.path = st.columnText(3);
    e.fileFingerprint = st.columnText(4);
    e.createdAt = st.columnInt(5);
    e.createdBy = st.columnInt(6);
    return e;
}

Status checkExport(const NewExport& e)
{
    if (e.sequence < 1)
        return fail(Errc::InvalidArgument, "an export sequence starts at 1");
    if (e.bundleId.empty())
        return fail(Errc::InvalidArgument, "an export needs a bundle id");
    POSTERN_TRY(checkText(e.bundleId, "bundle id", kMaxIdBytes));
    POSTERN_TRY(checkText(e.path, "bundle path", kMaxPathBytes));
    POSTERN_TRY(checkText(e.fileFingerprint, "bundle fingerprint", kMaxIdBytes));
    if (e.items.empty() && e.orderIds.empty())
        return fail(Errc::InvalidArgument, "an export must carry at least one post or order");
    if (e.orderIds.size() > kMaxItems)
        return fail(Errc::InvalidArgument, "an export carries at most " + std::to_string(kMaxItems) + " orders");
    std::set<std::string> orders;
    for (const auto& id : e.orderIds) {
        if (!isLowerHex(id, 32))
            return fail(Errc::InvalidArgument, "export order \"" + id + "\" is not a valid order id");
        if (!orders.insert(id).second)
            return fail(Errc::InvalidArgument, "order " + id + " appears twice in one export");
    }
    if (e.items.size() > kMaxItems)
        return fail(Errc::InvalidArgument, "an export carries at most " + std::to_string(kMaxItems) + " posts");
    std::set<std::string> seen;
    for (const auto& item : e.items) {
        if (!isLowerHex(item.postId, 32) || item.version < 1)
            return fail(Errc::InvalidArgument, "export item \"" + item.postId + "\" is not a valid post version");
        // One version per post per bundle: two versions of one post would publish it twice.
        if (!seen.insert(item.postId).second)
            return fail(Errc::InvalidArgument, "post " + item.postId + " appears twice in one export");
    }
    return {};
}

Status checkResult(const PostResult& r)
{
    if (!isLowerHex(r.postId, 32) || r.version < 1)
        return fail(Errc::InvalidArgument, "a receipt result names an invalid post version");
    if (r.channel.empty())
        return fail(Errc::InvalidArgument, "a receipt result needs a channel");
    POSTERN_TRY(checkText(r.channel, "result channel", kMaxIdBytes));
    POSTERN_TRY(checkText(r.platformId, "platform id", kMaxResultFieldBytes));
    POSTERN_TRY(checkText(r.url, "post URL", kMaxResultFieldBytes));
    return checkText(r.reason, "failure reason", kMaxResultFieldBytes);
}

Result<PublishOutcome> parseOutcome(std::string_view name)
{
    for (const PublishOutcome o : {PublishOutcome::Published,
                                   PublishOutcome::Failed,
                                   PublishOutcome::Scheduled,
                                   PublishOutcome::Cancelled,
                                   PublishOutcome::Retracted}) {
        if (publishOutcomeName(o) == name)
            return o;
    }
    return corruptRow("post_results", "unknown outcome \"" + std::string(name) + "\"");
}

/** PostOutcome folds a post's channel results into the post's next state. */
struct PostOutcome
{
    bool anyFailed = false;
    bool allPublished = true;
    bool anyStopped = false; ///< a cancelled entry: an order stopped a channel of this post
    std::string reasons;
};

} // namespace

Result<std::int64_t> ExportRepository::reserveSequence()
{
    if (m_connection.depth() > 0)
        return fail(Errc::InvalidState,
                    "an export sequence must be reserved in its own transaction, before the "
                    "bundle is written, so that it is never handed out twice");
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    std::int64_t sequence = 0;
    {
        POSTERN_ASSIGN(st, db.prepare("SELECT next_sequence FROM workstation WHERE id = 1"));
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            return fail(Errc::InvalidState, "the store has no workstation record; run `postern-cli init`");
        sequence = st.columnInt(0);
    }
    POSTERN_TRY(db.exec("UPDATE workstation SET next_sequence = next_sequence + 1 WHERE id = 1"));
    POSTERN_TRY(tx.commit());
    return sequence;
}

Result<ExportRecord> ExportRepository::recordExport(const NewExport& e)
{
    POSTERN_TRY(checkExport(e));
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(loadActiveUser(db, e.createdBy, kRoleOperator, "export bundles"));
    {
        POSTERN_ASSIGN(st, db.prepare("SELECT next_sequence FROM workstation WHERE id = 1"));
        POSTERN_ASSIGN(row, st.step());
        if (!row || e.sequence >= st.columnInt(0))
            return fail(Errc::InvalidState,
                        "export sequence " + std::to_string(e.sequence)
                            + " was never reserved; call reserveSequence() first");
    }
    {
        POSTERN_ASSIGN(st, db.prepare("SELECT bundle_id FROM exports WHERE sequence = ?1 OR bundle_id = ?2"));
        st.bind(1, e.sequence).bind(2, e.bundleId);
        POSTERN_ASSIGN(row, st.step());
        if (row)
            return fail(Errc::AlreadyExists,
                        "export sequence " + std::to_string(e.sequence) + " or bundle id " + e.bundleId
                            + " is already recorded (bundle " + st.columnText(0) + ")");
    }
    for (const auto& item : e.items) {
        {
            // Checked before the state so the operator learns the real reason: this exact
            // version already left in another bundle and needs a new approval round.
            POSTERN_ASSIGN(st,
                           db.prepare("SELECT x.bundle_id, x.sequence FROM export_items i JOIN exports x "
                                      "ON x.id = i.export_id WHERE i.post_id = ?1 AND i.version = ?2"));
            st.bind(1, item.postId).bind(2, item.version);
            POSTERN_ASSIGN(row, st.step());
            if (row)
                return fail(Errc::AlreadyExported,
                            "post " + item.postId + " version " + std::to_string(item.version)
                                + " was already exported in bundle " + st.columnText(0) + " (sequence "
                                + std::to_string(st.columnInt(1))
                                + "); edit it and approve it again to send it once more");
        }
        POSTERN_ASSIGN(post, loadPost(db, item.postId));
        if (item.version != post.currentVersion)
            return fail(Errc::ApprovalWrongVersion,
                        "post " + post.id + " is at version " + std::to_string(post.currentVersion) + ", not "
                            + std::to_string(item.version));
        if (post.state != PostState::Approved)
            return fail(Errc::NotApproved,
                        "post " + post.id + " is " + std::string(postStateName(post.state))
                            + ", not approved, so it cannot be exported");
    }
    POSTERN_TRY(checkOrdersExportable(db, e.orderIds));

    ExportRecord out;
    {
        POSTERN_ASSIGN(ins,
                       db.prepare("INSERT INTO exports(sequence, bundle_id, path, file_fingerprint, created_at, "
                                  "created_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
        ins.bind(1, e.sequence).bind(2, e.bundleId).bind(3, e.path).bind(4, e.fileFingerprint);
        ins.bind(5, e.createdAt).bind(6, e.createdBy);
        POSTERN_TRY(ins.run());
        out.id = db.lastInsertRowId();
    }
    {
        POSTERN_ASSIGN(ins, db.prepare("INSERT INTO export_items(export_id, post_id, version) VALUES(?1, ?2, ?3)"));
        for (const auto& item : e.items) {
            ins.bind(1, out.id).bind(2, item.postId).bind(3, item.version);
            if (auto s = ins.run(); !s) {
                // The UNIQUE(post_id, version) constraint is the backstop for the check above.
                if (s.code() == Errc::AlreadyExists)
                    return fail(Errc::AlreadyExported,
                                "post " + item.postId + " version " + std::to_string(item.version)
                                    + " was already exported");
                return std::move(s).error();
            }
            ins.reset();
        }
    }
    for (const auto& item : e.items)
        POSTERN_TRY(setPostState(db, item.postId, PostState::Exported, "", e.createdAt));
    POSTERN_TRY(markOrdersExported(db, e.orderIds, e.bundleId, e.createdAt));
    POSTERN_TRY(tx.commit());

    out.sequence = e.sequence;
    out.bundleId = e.bundleId;
    out.path = e.path;
    out.fileFingerprint = e.fileFingerprint;
    out.createdAt = e.createdAt;
    out.createdBy = e.createdBy;
    out.items = e.items;
    out.orderIds = e.orderIds;
    std::sort(out.orderIds.begin(), out.orderIds.end());
    return out;
}

Result<std::vector<ExportItem>> ExportRepository::itemsOf(std::int64_t exportId)
{
    POSTERN_ASSIGN(
        st,
        m_connection.db().prepare("SELECT post_id, version FROM export_items WHERE export_id = ?1 ORDER BY post_id"));
    st.bind(1, exportId);
    std::vector<ExportItem> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back({st.columnText(0), st.columnInt(1)});
    }
    return out;
}

Result<ExportRecord> ExportRepository::byBundleId(std::string_view bundleId)
{
    ExportRecord e;
    {
        POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectExport) + "WHERE bundle_id = ?1"));
        st.bind(1, bundleId);
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            return fail(Errc::NotFound, "bundle " + std::string(bundleId) + " was not exported from this workstation");
        e = readExport(st);
    }
    POSTERN_ASSIGN(items, itemsOf(e.id));
    e.items = std::move(items);
    POSTERN_ASSIGN(orders, ordersOfBundle(m_connection.db(), e.bundleId));
    e.orderIds = std::move(orders);
    return e;
}

Result<std::vector<ExportRecord>> ExportRepository::list(std::int64_t offset, std::int64_t limit)
{
    if (offset < 0 || limit < 1 || limit > 10000)
        return fail(Errc::InvalidArgument, "export listing needs offset >= 0 and limit 1..10000");
    std::vector<ExportRecord> out;
    {
        POSTERN_ASSIGN(
            st,
            m_connection.db().prepare(std::string(kSelectExport) + "ORDER BY sequence DESC LIMIT ?1 OFFSET ?2"));
        st.bind(1, limit).bind(2, offset);
        while (true) {
            POSTERN_ASSIGN(row, st.step());
            if (!row)
                break;
            out.push_back(readExport(st));
        }
    }
    for (auto& e : out) {
        POSTERN_ASSIGN(items, itemsOf(e.id));
        e.items = std::move(items);
        POSTERN_ASSIGN(orders, ordersOfBundle(m_connection.db(), e.bundleId));
        e.orderIds = std::move(orders);
    }
    return out;
}

Status ExportRepository::importReceipt(std::string_view bundleId,
                                       std::string_view text,
                                       const std::vector<PostResult>& results,
                                       std::int64_t at,
                                       const std::vector<OrderResultRecord>& orderResults,
                                       std::string_view rejected)
{
    POSTERN_TRY(checkText(text, "receipt", kMaxReceiptBytes));
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& r : results) {
        POSTERN_TRY(checkResult(r));
        if (!seen.insert({r.postId, r.channel}).second)
            return fail(Errc::InvalidArgument, "the receipt reports post " + r.postId + " on " + r.channel + " twice");
    }

    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(exported, byBundleId(bundleId));
    if (auto previous = receipt(bundleId); previous.ok())
        return fail(Errc::AlreadyExists,
                    "the receipt for bundle " + std::string(bundleId) + " was already imported; nothing was changed");
    for (const auto& r : results) {
        const ExportItem item{r.postId, r.version};
        if (std::find(exported.items.begin(), exported.items.end(), item) == exported.items.end())
            return fail(Errc::InvalidArgument,
                        "the receipt reports post " + r.postId + " version " + std::to_string(r.version)
                            + ", which bundle " + std::string(bundleId) + " did not carry");
    }
    {
        POSTERN_ASSIGN(ins, db.prepare("INSERT INTO receipts(bundle_id, text, imported_at) VALUES(?1, ?2, ?3)"));
        ins.bind(1, bundleId).bind(2, text).bind(3, at);
        POSTERN_TRY(ins.run());
    }
    std::map<std::string, PostOutcome> outcomes;
    {
        POSTERN_ASSIGN(
            up,
            db.prepare("INSERT INTO post_results(post_id, version, channel, state, platform_id, url, reason, "
                       "bundle_id, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                       "ON CONFLICT(post_id, version, channel) DO UPDATE SET state = excluded.state, "
                       "platform_id = excluded.platform_id, url = excluded.url, reason = excluded.reason, "
                       "bundle_id = excluded.bundle_id, updated_at = excluded.updated_at "
                       // An order's result is final: a receipt read late must not bring back a
                       // post that was cancelled or deleted since.
                       "WHERE post_results.state NOT IN ('cancelled', 'retracted')"));
        for (const auto& r : results) {
            up.bind(1, r.postId).bind(2, r.version).bind(3, r.channel).bind(4, publishOutcomeName(r.outcome));
            up.bind(5, r.platformId).bind(6, r.url).bind(7, r.reason).bind(8, bundleId).bind(9, at);
            POSTERN_TRY(up.run());
            up.reset();

            PostOutcome& o = outcomes[r.postId];
            if (r.outcome != PublishOutcome::Published)
                o.allPublished = false;
            if (r.outcome == PublishOutcome::Cancelled || r.outcome == PublishOutcome::Retracted)
                o.anyStopped = true;
            if (r.outcome == PublishOutcome::Failed) {
                o.anyFailed = true;
                if (!o.reasons.empty())
                    o.reasons += "; ";
                o.reasons += r.channel + ": " + (r.reason.empty() ? std::string("no reason given") : r.reason);
            }
        }
    }
    for (const auto& [postId, o] : outcomes) {
        POSTERN_ASSIGN(post, loadPost(db, postId));
        // New versions are refused while a post is exported, so it is still exported here;
        // anything else means the store was edited by hand, and then the results are kept but
        // the state is not touched.
        if (post.state != PostState::Exported)
            continue;
        if (o.anyStopped)
            POSTERN_TRY(settlePost(db, postId, at));
        else if (o.anyFailed)
            POSTERN_TRY(setPostState(db, postId, PostState::Failed, o.reasons, at));
        else if (o.allPublished)
            POSTERN_TRY(setPostState(db, postId, PostState::Published, "", at));
    }
    POSTERN_TRY(applyOrderResults(db, bundleId, orderResults, rejected, at));
    return tx.commit();
}

Result<ReceiptRecord> ExportRepository::receipt(std::string_view bundleId)
{
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare("SELECT bundle_id, text, imported_at FROM receipts WHERE bundle_id = ?1"));
    st.bind(1, bundleId);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, "no receipt has been imported for bundle " + std::string(bundleId));
    return ReceiptRecord{st.columnText(0), st.columnText(1), st.columnInt(2)};
}

Result<std::vector<PostResult>> ExportRepository::results(std::string_view postId)
{
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare("SELECT post_id, version, channel, state, platform_id, url, reason, "
                                             "updated_at FROM post_results WHERE post_id = ?1 "
                                             "ORDER BY version, channel"));
    st.bind(1, postId);
    std::vector<PostResult> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        PostResult r;
        r.postId = st.columnText(0);
        r.version = st.columnInt(1);
        r.channel = st.columnText(2);
        POSTERN_ASSIGN(outcome, parseOutcome(st.columnText(3)));
        r.outcome = outcome;
        r.platformId = st.columnText(4);
        r.url = st.columnText(5);
        r.reason = st.columnText(6);
        r.updatedAt = st.columnInt(7);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace postern::store
