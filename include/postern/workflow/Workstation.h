// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleWriter.h"
#include "postern/bundle/PlatformProfile.h"
#include "postern/bundle/Receipt.h"
#include "postern/compose/DraftCheck.h"
#include "postern/compose/OpsecRules.h"
#include "postern/crypto/KeyFile.h"
#include "postern/crypto/Passphrase.h"
#include "postern/domain/Identity.h"
#include "postern/domain/Order.h"
#include "postern/media/Sanitize.h"
#include "postern/store/StoreBackup.h"
#include "postern/store/WorkstationStore.h"
#include "postern/util/Clock.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

namespace postern::workflow {

class Queries;

/** UnlockedUser is a user whose key was decrypted with their passphrase: a login. */
struct UnlockedUser
{
    store::UserRecord record;
    crypto::SigningKey key;
};

/**
 * NewUserKey is a new user's key pair already sealed under their passphrase (Workstation::
 * makeUserKey). It exists so a front-end can do the slow sealing off its main thread and hand
 * the result to addUser or rotateUserKey, which then only write the store.
 */
struct NewUserKey
{
    crypto::SigningKey key;
    std::string keyFile;
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

// ---- Media hygiene (src/workflow/WorkstationMedia.cpp, docs/media.md) ----
/** MediaImport is a file attached through importMedia: stored without its metadata. */
struct MediaImport
{
    std::string hash; ///< BLAKE2b-256 of the sanitized bytes, 64 lowercase hex
    std::uint64_t size = 0;
    std::string mime;
    std::string name;             ///< the original file name, for display
    media::SanitizeReport report; ///< what was removed; also kept in the store (MediaRecord::sanitized)
};
// ---- end of media hygiene block ----

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
    std::vector<std::string> orderIds; ///< cancel and retract orders the bundle carries
};

/** ReceiptSummary reports what a receipt changed. */
struct ReceiptSummary
{
    std::string bundleId;
    std::string error; ///< the uploader's rejection code, if any
    std::vector<bundle::ReceiptEntry> entries;
    std::vector<bundle::OrderResult> orders; ///< what became of each order the bundle carried, per channel
};

// ---- Cancel and retract orders (src/workflow/WorkstationOrders.cpp, docs/store.md "Orders") ----
/** OrderChannelProgress is how far one channel of an order is from its approval threshold. */
struct OrderChannelProgress
{
    domain::ChannelId channel;
    std::int64_t approvals = 0; ///< approvals that count under the policy in force
    std::int64_t required = 0;  ///< the channel's threshold (0: the channel has no rule any more)
};

/** OrderView is everything `order show` and the post pane display about one order. */
struct OrderView
{
    store::OrderRecord record;
    domain::OrderContent content;
    std::string requesterName;
    std::string decidedByName;              ///< who declined or withdrew it, if anyone
    std::vector<std::string> approverNames; ///< everyone who approved it, oldest first
    std::vector<OrderChannelProgress> progress;
    /** approvalStatus explains why the order does not meet the policy yet (empty when it does). */
    std::string approvalStatus;
    std::vector<store::OrderResultRecord> results;
};
// ---- end of orders block ----

// ---- Platform profile (src/workflow/WorkstationProfile.cpp, docs/compose.md) ----
/** ProfileSummary is the imported platform profile and whether the composer uses it. */
struct ProfileSummary
{
    bundle::PlatformProfile profile; ///< empty channels when the stored text no longer verifies
    std::int64_t importedAt = 0;
    bool expired = false;
    /** applies: the composer, checkPost and submit use these limits (verified, not expired). */
    bool applies = false;
    /** warning says why the profile is ignored and what to do, e.g. "the platform profile
     *  expired on 2027-01-31T10:00:00Z; import a fresh one ..."; empty when it applies. */
    std::string warning;
};
// ---- end of platform profile block ----

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
    // unlock in three steps, for a front-end that runs the slow one off its main thread: only
    // openUserKey (Argon2id, seconds) runs there; it reads no store and keeps the key in locked memory.
    /** userForUnlock reads an enabled user's record (not-found; not-authorised if disabled). */
    [[nodiscard]] Result<store::UserRecord> userForUnlock(std::string_view userName);
    /** openUserKey decrypts a user's key file (wrong-passphrase, bad-key-file); thread-safe. */
    [[nodiscard]] static Result<crypto::SigningKey> openUserKey(std::string_view keyFile,
                                                                const crypto::SecureBuffer& passphrase);
    /** finishUnlock checks the key is the user's (bad-key-file) and records the login. */
    [[nodiscard]] Result<UnlockedUser> finishUnlock(store::UserRecord record, crypto::SigningKey key);

    // Administration (admin role).
    [[nodiscard]] Result<store::UserRecord> addUser(const UnlockedUser& admin,
                                                    std::string_view name,
                                                    domain::RoleSet roles,
                                                    const crypto::SecureBuffer& passphrase,
                                                    const crypto::KdfParams& kdf);
    /**
     * makeUserKey makes a key pair for `name` and seals it under `passphrase` (refused if the
     * passphrase is too weak). Argon2id takes seconds; it reads no store, so it is thread-safe.
     */
    [[nodiscard]] static Result<NewUserKey>
    makeUserKey(std::string_view name, const crypto::SecureBuffer& passphrase, const crypto::KdfParams& kdf);
    /** addUser with a key made by makeUserKey: only the store is written, in milliseconds. */
    [[nodiscard]] Result<store::UserRecord>
    addUser(const UnlockedUser& admin, std::string_view name, domain::RoleSet roles, NewUserKey key);
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
                                                    const bundle::SealProgress& progress = {})
    {
        return exportBundle(operatorUser, postIds, {}, out, lifetime, progress);
    }
    [[nodiscard]] Result<ReceiptSummary> importReceipt(const UnlockedUser& operatorUser, std::string_view receiptText);

    // ---- Users: roles, disable, key rotation, passphrase (src/workflow/WorkstationUsers.cpp) ----
    /**
     * setUserRoles replaces a user's roles (admin only) and publishes the next policy version
     * with them. Losing the approver role takes the user off every channel's approver list
     * (refused with bad-value if a channel would then have fewer approvers than it requires);
     * gaining operator or admin grants the workstation key, losing both removes the grant.
     * Refused: no roles (invalid-argument), the last enabled admin losing admin or an admin
     * demoting themselves (invalid-state), a disabled user (invalid-state).
     */
    [[nodiscard]] Status setUserRoles(const UnlockedUser& admin, std::string_view name, domain::RoleSet roles);
    /**
     * disableUser locks an account for good (admin only): its grant goes, the next policy
     * version drops it from the users and approver lists. Refused for oneself (not-authorised)
     * and the last enabled admin (invalid-state). Disabling a disabled user changes nothing.
     */
    [[nodiscard]] Status disableUser(const UnlockedUser& admin, std::string_view name);
    /**
     * rotateUserKey gives a user a new key pair under `newPassphrase` (admin only; a lost
     * passphrase or a key suspected compromised). The old account is renamed
     * "NAME (retired XXXX-XXXX)" and disabled, so its audit entries and past approvals keep a
     * known key; a new account takes the name, roles and (operators, admins) a new grant; the
     * next policy version swaps the key everywhere. Approvals by the old key of versions not yet
     * exported stop counting. Returns the new account.
     */
    [[nodiscard]] Result<store::UserRecord> rotateUserKey(const UnlockedUser& admin,
                                                          std::string_view name,
                                                          const crypto::SecureBuffer& newPassphrase,
                                                          const crypto::KdfParams& kdf);
    /** rotateUserKey with a key made by makeUserKey for the user's name. */
    [[nodiscard]] Result<store::UserRecord>
    rotateUserKey(const UnlockedUser& admin, std::string_view name, NewUserKey key);
    /** changePassphrase re-encrypts the logged-in user's own key (wrong-passphrase if `oldPass` is wrong). */
    [[nodiscard]] Status changePassphrase(const UnlockedUser& self,
                                          const crypto::SecureBuffer& oldPass,
                                          const crypto::SecureBuffer& newPass,
                                          const crypto::KdfParams& kdf);
    // changePassphrase in two steps, for a front-end that runs the slow one off its main thread.
    /**
     * resealOwnKey opens a user's stored key file with `oldPass` (wrong-passphrase), checks it
     * holds `expected` (bad-key-file) and seals that key under `newPass` (refused if too weak).
     * Argon2id twice; it reads no store, so it is thread-safe. Returns the new key file.
     */
    [[nodiscard]] static Result<std::string> resealOwnKey(std::string_view storedKeyFile,
                                                          std::string_view name,
                                                          const crypto::PublicKey& expected,
                                                          const crypto::SecureBuffer& oldPass,
                                                          const crypto::SecureBuffer& newPass,
                                                          const crypto::KdfParams& kdf);
    /** saveOwnKey stores a key file resealOwnKey made from the user's current one, and audits it. */
    [[nodiscard]] Status saveOwnKey(const UnlockedUser& self, std::string_view sealedFrom, std::string keyFile);
    // ---- end of users block ----

    // ---- Media hygiene (src/workflow/WorkstationMedia.cpp, docs/media.md) ----
    /**
     * importMedia attaches a file (author role): it checks the type (`mime`, guessed from the
     * extension if empty) against the content, strips location and camera metadata without
     * re-encoding (media::sanitizeMedia, streaming, into a 0600 temporary file in the store's
     * media folder), stores the result content-addressed with the report of what was removed,
     * and deletes the temporary file. The original file is never changed. Every file a draft
     * attaches goes through here. Errors: not-authorised, bad-value (unsupported type, or type
     * and content disagree), bad-media-name, truncated / syntax / bad-encoding (damaged file),
     * too-large, not-found, io.
     */
    [[nodiscard]] Result<MediaImport>
    importMedia(const UnlockedUser& author, const std::filesystem::path& file, std::string mime = {});
    // ---- end of media hygiene block ----

    // ---- Composer checks, OPSEC rules and review diff (src/workflow/WorkstationReview.cpp, docs/compose.md) ----
    /** checkPost lists the current version's platform-limit violations (empty: it may be submitted). */
    [[nodiscard]] Result<std::vector<compose::Violation>> checkPost(std::string_view postId);
    /** opsecRules returns the admin's OPSEC rules, or compose::defaultOpsecRules() until one is saved. */
    [[nodiscard]] Result<std::vector<compose::OpsecRule>> opsecRules();
    /**
     * setOpsecRules replaces the OPSEC rule list (admin only), validated as a whole, stored as
     * canonical JSON and audited ("opsec-rules-set") in one transaction.
     */
    [[nodiscard]] Status setOpsecRules(const UnlockedUser& admin, std::vector<compose::OpsecRule> rules);
    /** opsecFlags runs the OPSEC rules over the current version's texts and alt texts. */
    [[nodiscard]] Result<std::vector<compose::OpsecFlag>> opsecFlags(std::string_view postId);
    /**
     * previousReviewedVersion is the latest version before the current one that a reviewer
     * acted on (approved by at least one approver, or rejected), for the review pane's diff;
     * nullopt when there is none.
     */
    [[nodiscard]] Result<std::optional<domain::PostContent>> previousReviewedVersion(std::string_view postId);
    // ---- end of composer block ----

    // ---- Platform profile (src/workflow/WorkstationProfile.cpp, docs/compose.md) ----
    /**
     * importProfile stores a platform profile from the trusted uploader (admin only) in the
     * settings table, audited ("profile-import"). Errors: not-authorised, no-uploader,
     * bad-signature and the parse errors of bundle::readProfile, future-dated, expired (it
     * would be ignored at once), invalid-state (older than the profile already imported).
     */
    [[nodiscard]] Result<ProfileSummary> importProfile(const UnlockedUser& admin, std::string_view text);
    /** currentProfile returns the stored profile (nullopt if none), with `applies`/`warning`. */
    [[nodiscard]] Result<std::optional<ProfileSummary>> currentProfile();
    /** channelLimits returns the limits checkPost and submit apply: empty unless a profile applies. */
    [[nodiscard]] Result<std::map<std::string, domain::ChannelLimits>> channelLimits();
    // ---- end of platform profile block ----

    // ---- Cancel and retract orders (src/workflow/WorkstationOrders.cpp, docs/store.md "Orders") ----
    /**
     * requestOrder asks the uploader, through the next bundle, to cancel (stop before it is
     * published) or retract (also delete where published) a post that left in a bundle. The
     * requester needs the author or approver role (not-authorised), like domain::
     * checkOrderApprovals. `channels` empty means every channel of the exported version that
     * the order can still change (not yet published ones for a cancel). Refused: a post never
     * exported (invalid-state: there is nothing to stop), a channel the exported version did not
     * go to (invalid-argument), a cancel of channels all already published (invalid-state: use
     * retract), channels already cancelled or retracted (invalid-state), a channel without a
     * policy rule (channel-not-in-policy), an open order covering a channel (invalid-state),
     * a reason that is empty (invalid-argument) or not 1..500 bytes of plain text (bad-value).
     * The order gets a random 16-byte id and waits for approvals like a post.
     */
    [[nodiscard]] Result<OrderView> requestOrder(const UnlockedUser& requester,
                                                 std::string_view postId,
                                                 domain::OrderAction action,
                                                 const std::vector<domain::ChannelId>& channels,
                                                 std::string_view reason);
    /**
     * approveOrder signs the order's digest (domain::approveOrder). Refused: not an approver
     * (not-authorised), the requester (self-approval), not on the approver list of any of the
     * order's channels (approver-not-authorised), not pending (invalid-state), twice
     * (already-exists). Once every channel meets its threshold the order is approved.
     */
    [[nodiscard]] Result<OrderView> approveOrder(const UnlockedUser& approver, std::string_view orderId);
    /** declineOrder ends a pending or approved order with a reason the requester sees (approvers only). */
    [[nodiscard]] Status declineOrder(const UnlockedUser& approver, std::string_view orderId, std::string_view reason);
    /** withdrawOrder lets the requester take back an order before it is exported (invalid-state after). */
    [[nodiscard]] Status withdrawOrder(const UnlockedUser& requester, std::string_view orderId);
    /** listOrders lists orders newest first. */
    [[nodiscard]] Result<std::vector<store::OrderRecord>> listOrders(const store::OrderFilter& filter);
    /** showOrder returns one order with names, approval progress per channel and results. */
    [[nodiscard]] Result<OrderView> showOrder(std::string_view orderId);
    /** approvedOrders lists the ids of approved orders waiting for export, oldest first. */
    [[nodiscard]] Result<std::vector<std::string>> approvedOrders();
    /**
     * postsOfBundle lists the posts an exported bundle carried (32-hex bundle id, as `export`
     * printed it), for revoking a whole bundle with one order per post. not-found if this
     * workstation never exported it.
     */
    [[nodiscard]] Result<std::vector<std::string>> postsOfBundle(std::string_view bundleId);
    /**
     * exportBundle with orders: as the overload above, and each order must be approved
     * (not-approved; already-exported once it left), still meet the policy in force
     * (domain::checkOrderApprovals: threshold-not-met, ...) and allow `lifetime` on each of its
     * channels (lifetime-exceeds-policy); a post and an order about it cannot share a bundle
     * (invalid-argument). A bundle may carry orders only. The orders are marked exported in the
     * same transaction as the export record, and the audit entry counts them.
     */
    [[nodiscard]] Result<ExportResult> exportBundle(const UnlockedUser& operatorUser,
                                                    const std::vector<std::string>& postIds,
                                                    const std::vector<std::string>& orderIds,
                                                    const std::filesystem::path& out,
                                                    std::int64_t lifetime,
                                                    const bundle::SealProgress& progress = {});
    // ---- end of orders block ----

    /** auditVerify checks the whole audit chain (audit-chain-broken names the first bad entry). */
    [[nodiscard]] Status auditVerify();

    // ---- Reads for the front-ends and store upkeep (src/workflow/Queries.cpp, Workstation.cpp) ----
    /**
     * queries answers the reads the CLI and the GUI need beyond a workflow step (pickers, the
     * audit log with names, the post pane's detail); see Queries.h. The store itself stays
     * private: front-ends never read or write a repository.
     */
    [[nodiscard]] Queries& queries() noexcept { return *m_queries; }
    /**
     * checkIntegrity reads the whole database once (SQLite quick_check): damaged, with what to
     * do, if any page is wrong. Opening a store checks only its structure.
     */
    [[nodiscard]] Status checkIntegrity();
    /**
     * backup copies the store (a consistent copy of the database, and every media file, each
     * checked) into the new folder `dest`; no passphrase is needed, everything is already
     * sealed. Errors as store::backupStore: already-exists, damaged, io.
     */
    [[nodiscard]] Result<store::BackupSummary> backup(const std::filesystem::path& dest);
    /**
     * restore makes a new store in `dest` from a folder `backup` wrote, after checking it (as
     * store::restoreStore). Static: no store is open yet.
     */
    [[nodiscard]] static Result<store::BackupSummary> restore(const std::filesystem::path& backupDir,
                                                              const std::filesystem::path& dest);
    // ---- end of reads block ----

    ~Workstation();
    Workstation(const Workstation&) = delete;
    Workstation& operator=(const Workstation&) = delete;

private:
    Workstation(std::unique_ptr<store::WorkstationStore> store, const Clock& clock);

    [[nodiscard]] Status requireRole(const UnlockedUser& user, domain::Role role, std::string_view action) const;
    [[nodiscard]] Result<crypto::SigningKey> workstationKey(const UnlockedUser& user);
    /** publishPolicy signs `next` as the next version; `coSigner` also signs (an admin's new key). */
    [[nodiscard]] Result<domain::SignedPolicy>
    publishPolicy(const UnlockedUser& admin, domain::Policy next, const crypto::SigningKey* coSigner = nullptr);
    /**
     * afterUserChange re-checks posts against a just-published `policy` (after a user or rule
     * change; WorkstationUsers.cpp): approved posts that no longer meet it go back to review,
     * and unless `stillAuthor`, posts in review by `affectedUserId` go back to draft.
     */
    [[nodiscard]] Status afterUserChange(const UnlockedUser& admin,
                                         const domain::SignedPolicy& policy,
                                         std::int64_t affectedUserId,
                                         bool stillAuthor);
    [[nodiscard]] Result<domain::PostContent>
    buildContent(const UnlockedUser& author, const std::string& postId, std::int64_t version, const DraftInput& input);
    /** CurrentVersion is a post's current content with the digest the store kept for it. */
    struct CurrentVersion
    {
        domain::PostContent content;
        crypto::Digest digest{};
    };
    [[nodiscard]] Result<CurrentVersion> currentVersion(const store::PostRecord& record);
    /**
     * approvalsOf returns the approvals of the post's current version that still count under
     * `policy`: by a key the policy lists as an approver for one of the post's channels. Those
     * of disabled, re-keyed or demoted approvers stay in the store as history but drop out here.
     */
    [[nodiscard]] Result<std::vector<domain::Approval>>
    approvalsOf(const store::PostRecord& record, const domain::PostContent& content, const domain::Policy& policy);

    /**
     * manifestOrders loads approved orders for export and checks each against `policy`, the
     * bundle `lifetime` and the posts travelling with it (WorkstationOrders.cpp).
     */
    [[nodiscard]] Result<std::vector<bundle::ManifestOrder>> manifestOrders(const std::vector<std::string>& orderIds,
                                                                            const std::vector<std::string>& postIds,
                                                                            const domain::Policy& policy,
                                                                            std::int64_t lifetime);

    std::unique_ptr<store::WorkstationStore> m_store;
    const Clock& m_clock;
    std::unique_ptr<Queries> m_queries; ///< reads over m_store; declared after it, so destroyed first
};

/** guessMime maps a file extension to an allowed media type (empty if unknown). */
[[nodiscard]] std::string guessMime(const std::filesystem::path& file);

} // namespace postern::workflow
