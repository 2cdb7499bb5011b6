// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/AccountSessions.h"
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/platforms/x/XAnswers.h"
#include "postern/uploader/publish/PublishTarget.h"

#include <chrono>
#include <map>
#include <optional>

namespace postern::uploader {

/** XOptions tune the X adapter; tests shorten the waits and record them through retry.sleep. */
struct XOptions
{
    RetryOptions retry;                          ///< safe requests; its timeout applies to every request
    std::uint64_t chunkBytes = 4000000;          ///< APPEND segment size, 4 MB (v1.1 allowed 5 MB; v2 states none)
    int maxPolls = 60;                           ///< STATUS polls per media before giving up for this run
    std::chrono::milliseconds defaultPoll{5000}; ///< when processing_info has no check_after_secs
    std::chrono::milliseconds maxPoll{60000};    ///< longest single wait between polls
    std::int64_t refreshMargin = 300;            ///< refresh an access token expiring within this many seconds
    /**
     * settleSeconds: a post sent less than this long ago may not be in the listing yet (X's
     * timelines are eventually consistent), so "not found" then is not trusted: the target
     * stays pending and a later resume asks again.
     */
    std::int64_t settleSeconds = 120;
    int maxListPages = 32; ///< 32 x 100 posts: the timeline's 3,200-post reach
};

/**
 * XAdapter publishes to X through the API v2 (docs/uploader.md, "X"):
 *
 *  1. an OAuth 2.0 user token per account, refreshed (refresh token rotated and saved before
 *     the new access token is used) when it expires within refreshMargin, and once on a 401;
 *  2. checks before anything is sent: weighted length (postern_compose's twitter-text v3
 *     counter, the one the workstation uses), media kinds, counts, sizes and alt text length;
 *  3. if the ledger says sent/unknown: the account's posts since the first send are listed
 *     (GET /2/users/:id/tweets, every page); our text (and media count) found = done; not found
 *     = send again only if the listing was complete and the send is settleSeconds old;
 *  4. media: chunked upload (initialize, append segments of chunkBytes, finalize, STATUS polls
 *     honouring check_after_secs), then alt text with POST /2/media/metadata;
 *  5. markSent("x-sent-at:<unix time of the first send>"), then POST /2/tweets, never repeated
 *     blindly: 201 = done; no answer or 5xx = unknown; 429 waits and repeats (refused, so safe);
 *     403 duplicate content = reconciled; any other 4xx = failed with X's title and detail.
 *
 * Platform id: the post id; URL: https://x.com/<handle>/status/<id>.
 */
/**
 * XReads counts what X bills while reconciling a lost answer: X charges reads per resource
 * returned (docs.x.com/x-api/getting-started/pricing, checked 2026-12-07: a post $0.005, a user
 * $0.010), so a listing page of 100 posts costs $0.50 even when ours is the first one.
 */
struct XReads
{
    static constexpr std::int64_t kPost = 5;  ///< mills per post returned
    static constexpr std::int64_t kUser = 10; ///< mills per user returned (GET /2/users/me)
    std::uint64_t posts = 0;
    std::uint64_t users = 0;
    [[nodiscard]] std::int64_t mills() const;
};

class XAdapter final : public PublishAdapter
{
public:
    XAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, XOptions options = {});

    [[nodiscard]] Result<TargetOutcome> publish(const TargetContent& target) override;
    [[nodiscard]] bool canRetract() const override { return true; }
    /** retract deletes a published post through deletePost (by the post id it returned). */
    [[nodiscard]] Status retract(const RetractTarget& target) override;
    /** collectAbility: X bills reads; reading posts back is not built yet. */
    [[nodiscard]] CollectAbility collectAbility() const override
    {
        return {false, false, "X bills reads; reading counts and replies back from X is not built yet"};
    }

    /** deletePost removes a published post (retraction); a post already gone is not an error. */
    [[nodiscard]] Status deletePost(const std::string& channel, const std::string& postId);

    /** billedReads is what this adapter has read from X since it was made (see XReads). */
    [[nodiscard]] const XReads& billedReads() const noexcept { return m_reads; }

    [[nodiscard]] static std::string postUrl(std::string_view handle, std::string_view postId);

    /** sentKey is the ledger key for a first send at `at`; sentAt reads it back (nullopt if not ours). */
    [[nodiscard]] static std::string sentKey(std::int64_t at);
    [[nodiscard]] static std::optional<std::int64_t> sentAt(std::string_view key);

private:
    struct Lookup;
    struct Created;
    [[nodiscard]] Status refresh(Account& a);
    [[nodiscard]] Status freshToken(Account& a);
    [[nodiscard]] Result<HttpResponse> call(Account& a, HttpRequest r);
    [[nodiscard]] Result<HttpResponse> callSafe(Account& a, const HttpRequest& r, std::string_view what);
    [[nodiscard]] Status userId(Account& a);
    [[nodiscard]] Result<Lookup> findPost(Account& a, const TargetContent& t, std::int64_t since);
    /** uploadMedia returns the media id, or "" with `refused` set when X refused the file for good. */
    [[nodiscard]] Result<std::string>
    uploadMedia(Account& a, const TargetContent& t, std::size_t index, std::string& refused);
    [[nodiscard]] Status awaitProcessing(Account& a,
                                         const std::string& id,
                                         XProcessing p,
                                         const std::string& what,
                                         std::string& refused,
                                         const std::function<Status()>& checkpoint);
    [[nodiscard]] Result<Created> createPost(Account& a, const std::string& body);
    [[nodiscard]] TargetOutcome
    afterCreate(Account& a, const TargetContent& t, std::int64_t since, const HttpResponse& r);
    [[nodiscard]] std::optional<std::string> contentProblem(const TargetContent& t) const;
    [[nodiscard]] HttpRequest request(const Account& a, std::string method, std::string path) const;

    AccountStore& m_accounts;
    HttpClient& m_http;
    const Clock& m_clock;
    XOptions m_options;
    AccountSessions m_sessions;                     ///< accounts opened in this run (sessions cached)
    std::map<std::string, std::int64_t> m_lastSent; ///< per target, sends made by this process
    XReads m_reads;
};

} // namespace postern::uploader
