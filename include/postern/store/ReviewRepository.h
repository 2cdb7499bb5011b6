// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/PostRecords.h"
#include "postern/util/Result.h"

#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/**
 * kApprovalContext is the signature context of an approval. It must equal
 * domain::kApprovalContext; the store checks signatures itself so no unsigned or mis-signed
 * approval is ever stored, whatever the caller got wrong.
 */
constexpr std::string_view kApprovalContext = "postern/v1/approval";

/**
 * ReviewRepository moves posts through review: the guarded state transitions people make by
 * hand, approvals and rejections. Export and receipt transitions live in ExportRepository,
 * because they must commit together with the export and receipt rows.
 */
class ReviewRepository
{
public:
    /** ReviewRepository is created by WorkstationStore; it borrows the store's connection. */
    explicit ReviewRepository(StoreConnection& connection) : m_connection(connection) {}

    /**
     * transition moves a post from one of `expectedFrom` to `to`, recording `reason` as the
     * post's last reason. It fails with invalid-state when the post is in none of
     * `expectedFrom` (someone else moved it first) or when the edge is not one of the manual
     * ones: draft -> in_review, in_review -> approved | draft, approved -> in_review | draft.
     * Entering approved needs at least one approval of the current version (not-approved);
     * whether there are enough is the policy's question, answered by the domain layer.
     * Rejection goes through reject(); exported, published and failed through ExportRepository;
     * a new version through PostRepository::addVersion.
     */
    [[nodiscard]] Status transition(std::string_view postId,
                                    const std::vector<PostState>& expectedFrom,
                                    PostState to,
                                    std::string_view reason,
                                    std::int64_t at);

    /**
     * addApproval stores an approval of the post's current version. Checked here: the post is
     * in_review (invalid-state), `version` is current and `digest` is that version's digest
     * (approval-wrong-version), the user is an enabled approver (not-authorised) and not the
     * post's author (self-approval), the signature verifies over the digest under
     * kApprovalContext with the user's key (bad-approval-signature), and the user has not
     * approved this version already (already-exists).
     */
    [[nodiscard]] Status addApproval(const ApprovalRecord& approval);

    /** approvals lists the approvals of one version, oldest first. */
    [[nodiscard]] Result<std::vector<ApprovalRecord>> approvals(std::string_view postId, std::int64_t version);

    /**
     * reject records an approver's rejection of the current version and moves the post from
     * in_review to rejected with `reason` (required) shown to the author. Same user checks as
     * addApproval, except that a rejection carries no signature.
     */
    [[nodiscard]] Status reject(std::string_view postId,
                                std::int64_t version,
                                std::int64_t userId,
                                std::string_view reason,
                                std::int64_t at);

    /** rejections lists every rejection of a post, all versions, oldest first. */
    [[nodiscard]] Result<std::vector<RejectionRecord>> rejections(std::string_view postId);

private:
    StoreConnection& m_connection;
};

} // namespace postern::store
