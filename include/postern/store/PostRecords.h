// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Crypto.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::store {

/**
 * PostState is where a post is in its life (docs/store.md, "Post state machine"). The names
 * returned by postStateName are what the posts.state column holds.
 */
enum class PostState {
    Draft,
    InReview,
    Approved,
    Rejected,
    Exported,
    Published,
    Failed,
    Cancelled, ///< an order stopped it on every channel before it was published (schema v4)
    Retracted  ///< an order took it down (or stopped it) on every channel, at least one deleted (schema v4)
};

/** postStateName returns the column spelling: "draft", "in_review", "approved", ... */
[[nodiscard]] std::string_view postStateName(PostState state) noexcept;
/** parsePostState maps a column spelling back; anything else is bad-value. */
[[nodiscard]] Result<PostState> parsePostState(std::string_view name);
/** allPostStates lists every state in declaration order (queues, counts, filters). */
[[nodiscard]] const std::vector<PostState>& allPostStates();

/** splitChannels reads a comma-joined channel list (PostRecord::channels and
 *  PostVersionRecord::channels) back into channel ids; the store refuses ids with commas. */
[[nodiscard]] std::vector<std::string> splitChannels(std::string_view joined);

/** kMaxPreviewChars is how much of the first text posts.title keeps for list display. */
constexpr std::size_t kMaxPreviewChars = 120;

/** PostRecord is one row of posts: the list-view summary of the current version. */
struct PostRecord
{
    std::string id; ///< 32 lowercase hex digits
    std::int64_t authorId = 0;
    PostState state = PostState::Draft;
    std::int64_t currentVersion = 1;
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    std::int64_t schedule = 0; ///< Unix seconds; 0 = publish on arrival
    std::string channels;      ///< "bluesky:acct,x:acct", for filtering only
    std::string title;         ///< first kMaxPreviewChars code points of the first text
    std::string lastReason;    ///< rejection or failure reason shown to the author
};

/**
 * NewPostVersion is one immutable version as the domain layer produced it. The store treats
 * `content` as opaque; schedule, channels and preview are copies made for listing and sorting.
 */
struct NewPostVersion
{
    std::string content;     ///< canonical JSON of domain::PostContent
    crypto::Digest digest{}; ///< domain::versionDigest(content)
    std::int64_t schedule = 0;
    std::vector<std::string> channels; ///< each "platform:account", no commas
    std::string preview;               ///< first text; truncated by the store
    std::int64_t createdAt = 0;
    std::int64_t createdBy = 0; ///< user id
};

/** PostVersionRecord is one row of post_versions. */
struct PostVersionRecord
{
    std::string postId;
    std::int64_t version = 0;
    std::string content;
    crypto::Digest digest{};
    std::int64_t schedule = 0;
    std::string channels;
    std::int64_t createdAt = 0;
    std::int64_t createdBy = 0;
};

/** PostOrder is the sort order of PostRepository::list; ties break on post id. */
enum class PostOrder {
    UpdatedDesc,
    UpdatedAsc,
    ScheduleAsc,
    ScheduleDesc,
    CreatedDesc
};

/** PostFilter selects and pages posts for the GUI list; empty fields do not filter. */
struct PostFilter
{
    std::optional<PostState> state;
    std::optional<std::int64_t> authorId;
    std::string channel;                        ///< case-sensitive substring of posts.channels
    std::string text;                           ///< substring of the title, ignoring ASCII case
    std::optional<std::int64_t> scheduledFrom;  ///< inclusive; excludes unscheduled posts
    std::optional<std::int64_t> scheduledUntil; ///< exclusive; excludes unscheduled posts
    std::int64_t limit = 100;                   ///< 1..10000
    std::int64_t offset = 0;
    PostOrder order = PostOrder::UpdatedDesc;
};

/** StateCount is one line of PostRepository::countByState. */
struct StateCount
{
    PostState state = PostState::Draft;
    std::int64_t count = 0;
};

/** ApprovalRecord is one approver's signature over one version's digest. */
struct ApprovalRecord
{
    std::string postId;
    std::int64_t version = 0;
    std::int64_t userId = 0;
    crypto::Digest digest{};
    crypto::Signature signature{};
    std::int64_t createdAt = 0;
};

/** RejectionRecord is one approver's refusal with the reason shown to the author. */
struct RejectionRecord
{
    std::string postId;
    std::int64_t version = 0;
    std::int64_t userId = 0;
    std::string reason;
    std::int64_t createdAt = 0;
};

/** ExportItem names one approved version carried by a bundle. */
struct ExportItem
{
    std::string postId;
    std::int64_t version = 0;

    friend bool operator==(const ExportItem&, const ExportItem&) = default;
};

/** NewExport describes a bundle that has been written and fsynced to removable media. */
struct NewExport
{
    std::int64_t sequence = 0; ///< from ExportRepository::reserveSequence
    std::string bundleId;
    std::string path;            ///< where the operator wrote it, for the history view
    std::string fileFingerprint; ///< crypto::fingerprint of the bundle file, read aloud
    std::int64_t createdAt = 0;
    std::int64_t createdBy = 0; ///< operator user id
    std::vector<ExportItem> items;
    std::vector<std::string> orderIds; ///< approved orders the bundle carries (schema v4)
};

/** ExportRecord is a recorded export with its items. */
struct ExportRecord
{
    std::int64_t id = 0;
    std::int64_t sequence = 0;
    std::string bundleId;
    std::string path;
    std::string fileFingerprint;
    std::int64_t createdAt = 0;
    std::int64_t createdBy = 0;
    std::vector<ExportItem> items;
    std::vector<std::string> orderIds; ///< sorted
};

/** PublishOutcome is a per-channel result reported by the uploader's receipt. */
enum class PublishOutcome {
    Published,
    Failed,
    Scheduled,
    Cancelled, ///< an order stopped it before it was published (schema v4)
    Retracted  ///< it was published, then deleted from the platform by a retract order (schema v4)
};

/** publishOutcomeName returns "published" | "failed" | "scheduled" | "cancelled" | "retracted". */
[[nodiscard]] std::string_view publishOutcomeName(PublishOutcome outcome) noexcept;

/** PostResult is one (post, version, channel) outcome from a receipt. */
struct PostResult
{
    std::string postId;
    std::int64_t version = 0;
    std::string channel;
    PublishOutcome outcome = PublishOutcome::Published;
    std::string platformId;
    std::string url;
    std::string reason;         ///< the platform's words when it failed
    std::int64_t updatedAt = 0; ///< filled in by the store on read
};

/** ReceiptRecord is an imported receipt, kept verbatim. */
struct ReceiptRecord
{
    std::string bundleId;
    std::string text;
    std::int64_t importedAt = 0;
};

} // namespace postern::store
