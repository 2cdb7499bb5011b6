// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/workflow/Workstation.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::workflow {

/** AuditEntry is one audit log entry with the name of whoever signed it, resolved once here. */
struct AuditEntry
{
    store::AuditRecord record;
    std::string actorName;      ///< the account that holds the signing key; empty when none does
    bool byWorkstation = false; ///< signed with the workstation's own key
};

/** AuditPage is a run of consecutive audit entries, oldest first, and the log's length. */
struct AuditPage
{
    std::int64_t total = 0;
    std::vector<AuditEntry> entries;
};

/** AuditSummary is the audit log's length and its newest entry, as `audit verify` reports them. */
struct AuditSummary
{
    std::int64_t entries = 0;
    store::AuditHead head; ///< sequence number 0 and an all-zero hash for an empty log
};

/** ChannelApprovers is who may approve on one channel under the policy in force. */
struct ChannelApprovers
{
    domain::ChannelId channel;
    bool hasRule = false;           ///< false: the policy has no rule for the channel, so nobody can approve there
    std::int64_t required = 0;      ///< approvals the rule needs
    std::vector<std::string> names; ///< enabled accounts the rule lists, in the policy's key order
};

/** ExportedChannel is one channel of the version that last left in a bundle. */
struct ExportedChannel
{
    domain::ChannelId channel;
    std::optional<store::PublishOutcome> outcome; ///< what a receipt reported; nullopt before any did
};

/**
 * PostDetail is everything the post pane shows about one post, read in one call: the post with
 * names (PostView), who may still approve each of its channels, its cancel and retract orders,
 * and how its exported version fared per channel.
 */
struct PostDetail
{
    PostView view;
    std::vector<ChannelApprovers> approvers; ///< one per channel of the current version, in its order
    std::vector<OrderView> orders;           ///< the post's orders, newest first
    std::vector<ExportedChannel> exported;   ///< empty until the post leaves in a bundle
};

/**
 * Queries are the reads the front-ends need beyond a single workflow step: lists for pickers,
 * the audit log with names, the post pane's detail. They return values, never a repository, so
 * the CLI and the GUI depend on the workflow alone and the store stays private to it. Owned by
 * a Workstation (Workstation::queries()) and valid as long as it is; like the store, not
 * thread-safe. Nothing here writes, so nothing here is audited.
 */
class Queries
{
public:
    Queries(Workstation& workstation, store::WorkstationStore& store) : m_workstation(workstation), m_store(store) {}
    Queries(const Queries&) = delete;
    Queries& operator=(const Queries&) = delete;

    // ---- The workstation and its people ----
    /** workstation is the workstation's own record: its name and public key. */
    [[nodiscard]] Result<store::WorkstationRecord> workstation();
    /** trustedUploader is the uploader bundles go to (no-uploader until an admin trusts one). */
    [[nodiscard]] Result<store::UploaderRecord> trustedUploader();
    /** users lists every account, disabled and retired ones included, in the store's order. */
    [[nodiscard]] Result<std::vector<store::UserRecord>> users();
    /** user returns the account with this name (not-found). */
    [[nodiscard]] Result<store::UserRecord> user(std::string_view name);
    /** userById returns the account with this id (not-found). */
    [[nodiscard]] Result<store::UserRecord> userById(std::int64_t id);
    /**
     * channelApprovers says, for each channel, whether the policy in force has a rule for it,
     * how many approvals it needs and which enabled accounts it lists (disabled and re-keyed
     * ones are left out: they can no longer approve). The composer and the post pane name
     * these people; neither reads the policy and the users itself.
     */
    [[nodiscard]] Result<std::vector<ChannelApprovers>>
    channelApprovers(const std::vector<domain::ChannelId>& channels);

    // ---- Posts ----
    /** postCounts is the number of posts in each state (states without posts are left out). */
    [[nodiscard]] Result<std::vector<store::StateCount>> postCounts();
    /** countPosts counts the posts `filter` selects, ignoring its limit and offset. */
    [[nodiscard]] Result<std::int64_t> countPosts(const store::PostFilter& filter);
    /** post returns one post's record (not-found). */
    [[nodiscard]] Result<store::PostRecord> post(std::string_view postId);
    /**
     * postIdsStartingWith lists the ids that begin with `prefix` (1..32 lowercase hex digits,
     * else invalid-argument), newest post first, for front-ends that accept a short id.
     */
    [[nodiscard]] Result<std::vector<std::string>> postIdsStartingWith(std::string_view prefix);
    /** postDetail reads what the post pane shows (not-found for an unknown post id). */
    [[nodiscard]] Result<PostDetail> postDetail(std::string_view postId);
    /**
     * exportedChannels lists the channels of the post's last exported version with the outcome
     * each receipt reported; empty if the post never left (not-found for an unknown post id).
     * What a cancel or retract order can still reach.
     */
    [[nodiscard]] Result<std::vector<ExportedChannel>> exportedChannels(std::string_view postId);

    // ---- Media ----
    /** mediaPath is where the store keeps a media file (invalid-argument, not-found). */
    [[nodiscard]] Result<std::filesystem::path> mediaPath(std::string_view hash);
    /** media returns a stored file's record, with what the sanitizer removed (invalid-argument, not-found). */
    [[nodiscard]] Result<store::MediaRecord> media(std::string_view hash);

    // ---- Exports and receipts ----
    /** recentExports lists the last `limit` (1..10000) exports, newest first. */
    [[nodiscard]] Result<std::vector<store::ExportRecord>> recentExports(std::int64_t limit);
    /** exportOf returns the export of a bundle id (32 hex digits; not-found if never exported here). */
    [[nodiscard]] Result<store::ExportRecord> exportOf(std::string_view bundleId);
    /**
     * isNewReceipt is true when `text` is a receipt signed by the trusted uploader, for a bundle
     * this workstation exported, and not the receipt already imported for it: one worth
     * offering to import. Anything else (not a receipt, another uploader's, already imported) is
     * false, not an error. Errors: no-uploader, and the store's.
     */
    [[nodiscard]] Result<bool> isNewReceipt(std::string_view text);

    // ---- Audit log ----
    /** auditTail returns the newest `limit` (1..10000) entries, oldest first, with names. */
    [[nodiscard]] Result<AuditPage> auditTail(std::int64_t limit);
    /** auditSummary is the log's length and its head, read together. */
    [[nodiscard]] Result<AuditSummary> auditSummary();

private:
    Workstation& m_workstation;
    store::WorkstationStore& m_store;
};

} // namespace postern::workflow
