// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleWriter.h"
#include "postern/bundle/Receipt.h"
#include "postern/crypto/KeyFile.h"
#include "postern/crypto/Passphrase.h"
#include "postern/domain/Identity.h"
#include "postern/store/WorkstationStore.h"
#include "postern/util/Clock.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>

namespace postern::workflow {

/** UnlockedUser is a user whose key was decrypted with their passphrase: a login. */
struct UnlockedUser
{
    store::UserRecord record;
    crypto::SigningKey key;
};

/** InitResult reports what `init` created, for the key ceremony printout. */
struct InitResult
{
    std::string workstationFingerprint;
    std::string adminFingerprint;
    std::int64_t policyVersion = 1;
};

/** ChannelText is one target channel of a draft with its own text and options. */
struct ChannelText
{
    domain::ChannelId channel;
    std::string text;
    Json options{Json::Object{}};
};

/** MediaInput attaches a file (copied into the store) or media already in the store. */
struct MediaInput
{
    std::filesystem::path file; ///< file to import; empty when `hash` is set
    std::string hash;           ///< existing store media (64 hex); empty when `file` is set
    std::string mime;           ///< required for files; guessed from the extension if empty
    std::string alt;
};

/** DraftInput is everything an author sets on a post. */
struct DraftInput
{
    std::vector<ChannelText> channels;
    std::vector<MediaInput> media;
    std::int64_t schedule = 0; ///< Unix seconds UTC; 0 = publish on arrival
};

/** ChannelRuleInput is an admin's rule for one channel, approvers named by user name. */
struct ChannelRuleInput
{
    domain::ChannelId channel;
    std::int64_t required = 1;
    std::vector<std::string> approvers;
    std::int64_t maxLifetime = 86400;
};

/** PostView is everything `show` and the review pane display about one post. */
struct PostView
{
    store::PostRecord record;
    domain::PostContent content;
    std::string authorName;
    std::vector<std::string> approverNames; ///< approvals of the current version
    std::vector<store::RejectionRecord> rejections;
    std::vector<store::PostResult> results;
    /** missing explains, per channel, why the post is not yet approved (empty when it is). */
    std::string approvalStatus;
};

/** ExportResult describes a written bundle. */
struct ExportResult
{
    std::string bundleId;
    std::uint64_t sequence = 0;
    std::string fingerprint;
    std::uint64_t fileBytes = 0;
    std::vector<std::string> postIds;
};

/** ReceiptSummary reports what a receipt changed. */
struct ReceiptSummary
{
    std::string bundleId;
    std::string error; ///< the uploader's rejection code, if any
    std::vector<bundle::ReceiptEntry> entries;
};

/**
 * Workstation is the offline workstation's one implementation of every workflow step. The
 * CLI and the GUI are thin front-ends over it. Every state change is checked against the
 * signed policy with the same domain functions the uploader uses, and is recorded in the
 * audit chain signed by the acting user, in the same transaction.
 */
class Workstation
{
public:
    /** init creates a store with a new workstation key, the first admin and policy v1. */
    [[nodiscard]] static Result<InitResult> init(const std::filesystem::path& dir,
                                                 std::string_view workstationName,
                                                 std::string_view adminName,
                                                 const crypto::SecureBuffer& adminPassphrase,
                                                 const crypto::KdfParams& kdf,
                                                 const Clock& clock);
    /** open opens an existing store (not-found: run `postern-cli init`). */
    [[nodiscard]] static Result<std::unique_ptr<Workstation>> open(const std::filesystem::path& dir,
                                                                   const Clock& clock);

    /** unlock logs a user in by decrypting their key (wrong-passphrase, not-found, not-authorised if disabled). */
    [[nodiscard]] Result<UnlockedUser> unlock(std::string_view userName, const crypto::SecureBuffer& passphrase);

    // Administration (admin role).
    [[nodiscard]] Result<store::UserRecord> addUser(const UnlockedUser& admin,
                                                    std::string_view name,
                                                    domain::RoleSet roles,
                                                    const crypto::SecureBuffer& passphrase,
                                                    const crypto::KdfParams& kdf);
    [[nodiscard]] Result<domain::UploaderIdentity>
    trustUploader(const UnlockedUser& admin, std::string_view identityText, std::string_view confirmedFingerprint);
    [[nodiscard]] Result<std::string> exportIdentity(const UnlockedUser& admin);
    [[nodiscard]] Result<domain::SignedPolicy> setPolicy(const UnlockedUser& admin,
                                                         const std::vector<ChannelRuleInput>& rules);
    [[nodiscard]] Result<domain::SignedPolicy> currentPolicy();

    // Authoring (author role).
    [[nodiscard]] Result<store::PostRecord> newDraft(const UnlockedUser& author, const DraftInput& input);
    [[nodiscard]] Result<store::PostRecord>
    editDraft(const UnlockedUser& author, std::string_view postId, const DraftInput& input);
    [[nodiscard]] Status submit(const UnlockedUser& author, std::string_view postId);

    // Review (approver role).
    [[nodiscard]] Result<PostView> approve(const UnlockedUser& approver, std::string_view postId);
    [[nodiscard]] Status reject(const UnlockedUser& approver, std::string_view postId, std::string_view reason);

    // Reading.
    [[nodiscard]] Result<std::vector<store::PostRecord>> list(const store::PostFilter& filter);
    [[nodiscard]] Result<PostView> show(std::string_view postId);

    // Export and receipts (operator role).
    [[nodiscard]] Result<ExportResult> exportBundle(const UnlockedUser& operatorUser,
                                                    const std::vector<std::string>& postIds,
                                                    const std::filesystem::path& out,
                                                    std::int64_t lifetime,
                                                    const bundle::SealProgress& progress = {});
    [[nodiscard]] Result<ReceiptSummary> importReceipt(const UnlockedUser& operatorUser, std::string_view receiptText);

    /** auditVerify checks the whole audit chain (audit-chain-broken names the first bad entry). */
    [[nodiscard]] Status auditVerify();

    [[nodiscard]] store::WorkstationStore& store() noexcept { return *m_store; }

private:
    Workstation(std::unique_ptr<store::WorkstationStore> store, const Clock& clock);

    [[nodiscard]] Status requireRole(const UnlockedUser& user, domain::Role role, std::string_view action) const;
    [[nodiscard]] Result<crypto::SigningKey> workstationKey(const UnlockedUser& user);
    [[nodiscard]] Result<domain::SignedPolicy> publishPolicy(const UnlockedUser& admin, domain::Policy next);
    [[nodiscard]] Result<domain::PostContent>
    buildContent(const UnlockedUser& author, const std::string& postId, std::int64_t version, const DraftInput& input);
    /** CurrentVersion is a post's current content with the digest the store kept for it. */
    struct CurrentVersion
    {
        domain::PostContent content;
        crypto::Digest digest{};
    };
    [[nodiscard]] Result<CurrentVersion> currentVersion(const store::PostRecord& record);
    [[nodiscard]] Result<std::vector<domain::Approval>> approvalsOf(const store::PostRecord& record);

    std::unique_ptr<store::WorkstationStore> m_store;
    const Clock& m_clock;
};

/** guessMime maps a file extension to an allowed media type (empty if unknown). */
[[nodiscard]] std::string guessMime(const std::filesystem::path& file);

} // namespace postern::workflow
