// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/AccountSessions.h"
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/platforms/tiktok/TikTokApi.h"
#include "postern/uploader/publish/PublishTarget.h"

#include <chrono>
#include <map>

namespace postern::uploader {

/** TikTokOptions tune the adapter; tests shorten the waits. */
struct TikTokOptions
{
    RetryOptions retry;                             ///< safe requests: creator_info, init, status, chunks
    std::chrono::milliseconds chunkTimeout{600000}; ///< per chunk PUT (up to 20 MB each)
    std::chrono::milliseconds pollInterval{5000};   ///< between status/fetch calls
    int maxPolls = 120;                             ///< then the target is left unknown for resume
    std::chrono::milliseconds rateWindow{60000};    ///< TikTok's limits are per minute, without headers
    std::int64_t refreshMargin = 300;               ///< refresh an access token this many seconds early
    std::int64_t uploadUrlLifetime = 3600;          ///< an upload_url is valid for one hour
    /**
     * ledger (optional) is the ledger whose targets this adapter publishes. With it, a sent
     * attempt that TikTok reports FAILED before its last byte arrived is replaced by a new one
     * (Ledger::restartSent, then a new video/init); without it such a target fails ("export
     * the post again").
     */
    Ledger* ledger = nullptr;
};

/**
 * TikTokAdapter publishes a video with the Content Posting API, Direct Post
 * (docs/uploader.md, "TikTok"):
 *
 *  1. the access token is refreshed when it is about to expire, or once after an
 *     access_token_invalid answer; the rotated refresh token is saved before the new access
 *     token is used;
 *  2. creator_info/query: the post's privacy_level must be one of the creator's options; the
 *     creator's disabled comments, duets and stitches stay disabled;
 *  3. video/init with FILE_UPLOAD and planChunks' source_info (an init on its own never
 *     publishes, so it is repeated like any safe request);
 *  4. every chunk but the last PUT to upload_url with Content-Range, streamed from disk;
 *  5. markSent("tiktok1 <publish_id> <time> <sealed upload_url>"), then the last chunk: the
 *     request that makes the post happen. A chunk without a usable answer is reconciled with
 *     status/fetch's uploaded_bytes before it is sent again (to the same upload_url: one
 *     publish_id is at most one post);
 *  6. status/fetch until PUBLISH_COMPLETE (platform id: the public post id, else the
 *     publish_id) or FAILED (the fail_reason in words).
 *
 * A target marked sent is reconciled with status/fetch first; an upload that stopped before
 * its last chunk is finished through the sealed upload_url while it is valid, and one TikTok
 * reports FAILED before its last byte is forgotten (TikTokOptions::ledger) and started over.
 * TargetContent::checkpoint is called before every request up to the last chunk, never
 * between `sent` and it, nor during the status polls after it.
 * `error.code == "ok"` is the only success. Daily caps (spam_risk_too_many_posts,
 * reached_active_user_cap) are rate-limited errors: the target stays pending, "retry tomorrow".
 */
class TikTokAdapter final : public PublishAdapter
{
public:
    TikTokAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, TikTokOptions options = {});

    [[nodiscard]] Result<TargetOutcome> publish(const TargetContent& target) override;
    // No canRetract()/retract(): TikTok's Content Posting API has no delete, so the defaults
    // (canRetract() false) make a retract order fail with "delete it by hand".

    /** collectAbility: TikTok's API gives no comments; its counts are not read yet. */
    [[nodiscard]] CollectAbility collectAbility() const override
    {
        return {false,
                false,
                "TikTok's API gives no comments; the counts of /v2/video/query/ are not read by this uploader yet"};
    }

    /**
     * creatorInfo asks creator_info/query for the account of `channel` (refreshing its token
     * if needed), as publish does before every post: privacy options, disabled interactions
     * and the longest video the creator may post. For `profile export`. An answer other than
     * ok is an error with TikTok's code and message and what to do.
     */
    [[nodiscard]] Result<TikTokCreator> creatorInfo(const std::string& channel);

    /** postUrl is https://www.tiktok.com/@<username>/video/<post id>. */
    [[nodiscard]] static std::string postUrl(std::string_view username, std::string_view postId);

private:
    /** Upload is one publish attempt: its publish_id, upload_url and the file's chunk plan. */
    struct Upload
    {
        std::string publishId;
        std::string url; ///< holds an upload token: never logged, sealed in the sent key
        TikTokChunkPlan plan;
        std::filesystem::path file;
        std::string mime;
        std::string username;
        std::string sentKey;
        std::int64_t maxDurationSec = 0;
    };
    [[nodiscard]] Status refresh(Account& a);
    [[nodiscard]] Result<HttpResponse> call(Account& a, const std::string& path, const std::string& body);
    [[nodiscard]] Result<TikTokAnswer> callSafe(Account& a, const std::string& path, const Json& body);
    [[nodiscard]] Result<TikTokStatus> status(Account& a, const std::string& publishId);
    [[nodiscard]] Status
    putChunk(Account& a, const Upload& u, std::uint64_t index, const std::function<Status()>& checkpoint);
    [[nodiscard]] Result<TargetOutcome>
    upload(Account& a, const TargetContent& t, const Upload& u, std::uint64_t from, bool marked);
    [[nodiscard]] Result<TargetOutcome> poll(Account& a, const Upload& u, bool alreadyPresent);
    // The above from putChunk on, and the sealing below, are in TikTokUpload.cpp.
    /** reconcile settles a sent target; startOver: its attempt is dead and was forgotten, publish afresh. */
    [[nodiscard]] Result<TargetOutcome> reconcile(Account& a, const TargetContent& t, bool& startOver);
    /** abandon forgets a dead attempt in the ledger (restartSent plus the event, in one transaction). */
    [[nodiscard]] Status abandon(const TargetContent& t, const TikTokStatus& st, std::uint64_t videoSize);
    /** refused turns a non-ok answer into a pending error (caps, auth, server) or a failed outcome. */
    [[nodiscard]] static Result<TargetOutcome>
    refused(const Account& a, const TikTokAnswer& answer, std::string_view what);
    [[nodiscard]] Result<Bytes> sealUrl(const Account& a, const std::string& publishId, const std::string& url) const;
    [[nodiscard]] Result<std::string> openUrl(const Account& a, const TikTokSentKey& key) const;

    AccountStore& m_accounts;
    HttpClient& m_http;
    const Clock& m_clock;
    TikTokOptions m_options;
    AccountSessions m_sessions; ///< accounts opened in this run (sessions cached)
};

} // namespace postern::uploader
