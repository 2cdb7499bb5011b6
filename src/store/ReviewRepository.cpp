// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/ReviewRepository.h"

#include "PostRows.h"
#include "StoreConnection.h"

#include <algorithm>

namespace postern::store {

namespace {

constexpr std::size_t kMaxReasonBytes = 4096;

// The edges a person may take by hand. Everything else has its own method, because it must
// write other rows in the same transaction (rejections, exports, receipts, versions).
bool isManualEdge(PostState from, PostState to)
{
    switch (from) {
    case PostState::Draft:
        return to == PostState::InReview;
    case PostState::InReview:
        return to == PostState::Approved || to == PostState::Draft;
    case PostState::Approved:
        return to == PostState::InReview || to == PostState::Draft;
    default:
        return false;
    }
}

std::string stateList(const std::vector<PostState>& states)
{
    std::string out;
    for (const PostState s : states) {
        if (!out.empty())
            out += ", ";
        out += postStateName(s);
    }
    return out;
}

/** ReviewTarget is what an approval or rejection must be checked against. */
struct ReviewTarget
{
    PostRecord post;
    PostVersionRecord version;
    UserRecord reviewer;
};

// loadReviewTarget applies the checks approvals and rejections share: the post is under
// review, the version is the current one, and the reviewer is an enabled approver who neither
// owns the post nor wrote this version.
Result<ReviewTarget> loadReviewTarget(SqliteDatabase& db,
                                      std::string_view postId,
                                      std::int64_t version,
                                      std::int64_t userId,
                                      std::string_view doing)
{
    POSTERN_ASSIGN(post, loadPost(db, postId));
    if (post.state != PostState::InReview)
        return wrongState(post, doing);
    if (version != post.currentVersion)
        return fail(Errc::ApprovalWrongVersion,
                    "post " + post.id + " is at version " + std::to_string(post.currentVersion) + ", not version "
                        + std::to_string(version) + "; review the current version");
    POSTERN_ASSIGN(current, loadVersion(db, postId, version));
    POSTERN_ASSIGN(reviewer, loadActiveUser(db, userId, kRoleApprover, doing));
    if (reviewer.id == post.authorId || reviewer.id == current.createdBy)
        return fail(Errc::SelfApproval,
                    "\"" + reviewer.name
                        + "\" wrote this post and cannot review it; "
                          "another approver must");
    return ReviewTarget{std::move(post), std::move(current), std::move(reviewer)};
}

} // namespace

Status ReviewRepository::transition(std::string_view postId,
                                    const std::vector<PostState>& expectedFrom,
                                    PostState to,
                                    std::string_view reason,
                                    std::int64_t at)
{
    POSTERN_TRY(checkText(reason, "reason", kMaxReasonBytes));
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(post, loadPost(db, postId));
    if (std::find(expectedFrom.begin(), expectedFrom.end(), post.state) == expectedFrom.end())
        return fail(Errc::InvalidState,
                    "post " + post.id + " is " + std::string(postStateName(post.state)) + ", not "
                        + stateList(expectedFrom) + "; someone else changed it, so refresh and try again");
    if (!isManualEdge(post.state, to))
        return fail(Errc::InvalidState,
                    "a post cannot go from " + std::string(postStateName(post.state)) + " to "
                        + std::string(postStateName(to)) + " this way");
    if (to == PostState::Approved) {
        POSTERN_ASSIGN(st, db.prepare("SELECT count(*) FROM approvals WHERE post_id = ?1 AND version = ?2"));
        st.bind(1, postId).bind(2, post.currentVersion);
        POSTERN_ASSIGN(row, st.step());
        if (!row || st.columnInt(0) == 0)
            return fail(Errc::NotApproved,
                        "post " + post.id + " version " + std::to_string(post.currentVersion)
                            + " has no approvals yet");
    }
    POSTERN_TRY(setPostState(db, postId, to, reason, at));
    return tx.commit();
}

Status ReviewRepository::addApproval(const ApprovalRecord& approval)
{
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(target, loadReviewTarget(db, approval.postId, approval.version, approval.userId, "be approved"));
    if (!crypto::equalConstantTime(approval.digest, target.version.digest))
        return fail(Errc::ApprovalWrongVersion,
                    "the approval is for different content than version " + std::to_string(approval.version)
                        + " of post " + approval.postId + "; review it again");
    if (!crypto::verifySignature(target.reviewer.publicKey, kApprovalContext, approval.digest, approval.signature))
        return fail(Errc::BadApprovalSignature,
                    "the approval signature does not verify with \"" + target.reviewer.name + "\"'s key");
    {
        POSTERN_ASSIGN(dup, db.prepare("SELECT 1 FROM approvals WHERE post_id = ?1 AND version = ?2 AND user_id = ?3"));
        dup.bind(1, approval.postId).bind(2, approval.version).bind(3, approval.userId);
        POSTERN_ASSIGN(exists, dup.step());
        if (exists)
            return fail(Errc::AlreadyExists,
                        "\"" + target.reviewer.name + "\" has already approved version "
                            + std::to_string(approval.version) + " of this post");
    }
    {
        POSTERN_ASSIGN(ins,
                       db.prepare("INSERT INTO approvals(post_id, version, user_id, digest, signature, "
                                  "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
        ins.bind(1, approval.postId).bind(2, approval.version).bind(3, approval.userId);
        ins.bindBlob(4, approval.digest).bindBlob(5, approval.signature).bind(6, approval.createdAt);
        POSTERN_TRY(ins.run());
    }
    {
        // Approving is activity on the post: it moves up the "recently updated" list.
        POSTERN_ASSIGN(touch, db.prepare("UPDATE posts SET updated_at = max(updated_at, ?1) WHERE id = ?2"));
        touch.bind(1, approval.createdAt).bind(2, approval.postId);
        POSTERN_TRY(touch.run());
    }
    return tx.commit();
}

Result<std::vector<ApprovalRecord>> ReviewRepository::approvals(std::string_view postId, std::int64_t version)
{
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare("SELECT post_id, version, user_id, digest, signature, created_at "
                                             "FROM approvals WHERE post_id = ?1 AND version = ?2 ORDER BY id"));
    st.bind(1, postId).bind(2, version);
    std::vector<ApprovalRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        ApprovalRecord a;
        a.postId = st.columnText(0);
        a.version = st.columnInt(1);
        a.userId = st.columnInt(2);
        POSTERN_ASSIGN(digest, columnFixed<crypto::kDigestBytes>(st, 3, "approvals"));
        POSTERN_ASSIGN(sig, columnFixed<crypto::kSignatureBytes>(st, 4, "approvals"));
        a.digest = digest;
        a.signature = sig;
        a.createdAt = st.columnInt(5);
        out.push_back(std::move(a));
    }
    return out;
}

Status ReviewRepository::reject(std::string_view postId,
                                std::int64_t version,
                                std::int64_t userId,
                                std::string_view reason,
                                std::int64_t at)
{
    if (reason.empty())
        return fail(Errc::InvalidArgument, "a rejection needs a reason the author can act on");
    POSTERN_TRY(checkText(reason, "reason", kMaxReasonBytes));
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(loadReviewTarget(db, postId, version, userId, "be rejected"));
    {
        POSTERN_ASSIGN(ins,
                       db.prepare("INSERT INTO rejections(post_id, version, user_id, reason, created_at) "
                                  "VALUES(?1, ?2, ?3, ?4, ?5)"));
        ins.bind(1, postId).bind(2, version).bind(3, userId).bind(4, reason).bind(5, at);
        POSTERN_TRY(ins.run());
    }
    POSTERN_TRY(setPostState(db, postId, PostState::Rejected, reason, at));
    return tx.commit();
}

Result<std::vector<RejectionRecord>> ReviewRepository::rejections(std::string_view postId)
{
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare("SELECT post_id, version, user_id, reason, created_at "
                                             "FROM rejections WHERE post_id = ?1 ORDER BY id"));
    st.bind(1, postId);
    std::vector<RejectionRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back({st.columnText(0), st.columnInt(1), st.columnInt(2), st.columnText(3), st.columnInt(4)});
    }
    return out;
}

} // namespace postern::store
