// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/AccountSessions.h"
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/AdapterSupport.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/platforms/mastodon/MastodonApi.h"
#include "postern/uploader/publish/PublishTarget.h"

#include <chrono>
#include <map>
#include <optional>
#include <set>

namespace postern::uploader {

/** MastodonOptions tune the adapter; tests shorten the waits. */
struct MastodonOptions
{
    RetryOptions retry;                           ///< requests safe to repeat, and the timeout of every request
    std::chrono::milliseconds pollInterval{2000}; ///< between GET /api/v1/media/:id while processing
    int maxPolls = 150;                           ///< then the target stays pending for resume
    int reconcilePages = 10;                      ///< of 40 statuses each, when looking for an earlier post
    std::int64_t reconcileSlack = 86400;          ///< seconds before the bundle's creation still searched
    std::chrono::seconds rateLimitFallback{30};   ///< a 429 without a readable X-RateLimit-Reset
};

/**
 * MastodonAdapter publishes to a Mastodon instance over its REST API (docs/uploader.md,
 * "Mastodon"; platform-apis.md section 2). The account's service is the instance URL and its
 * secret a long-lived user access token (write:statuses, write:media); the account id, once
 * learnt from verify_credentials, is kept in AccountSecrets::userId.
 *
 *  1. if the ledger says sent/unknown: look for the post among the account's recent statuses
 *     (text, content warning and media count; text compared through /source) before anything;
 *  2. limits re-checked against GET /api/v2/instance -> configuration;
 *  3. media: POST /api/v2/media (file + description), polling GET /api/v1/media/:id while it
 *     answers 206;
 *  4. markSent(key), then POST /api/v1/statuses with `Idempotency-Key: key` (derived from the
 *     bundle, post and channel), repeated only after a 429 (refused before doing anything).
 */
class MastodonAdapter final : public PublishAdapter
{
public:
    MastodonAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, MastodonOptions options = {});

    [[nodiscard]] Result<TargetOutcome> publish(const TargetContent& target) override;
    [[nodiscard]] bool canRetract() const override { return true; }
    /** retract deletes a published post through deletePost (by the status id it returned). */
    [[nodiscard]] Status retract(const RetractTarget& target) override;

    /** collectAbility: counts and replies; Mastodon gives no quote or view counts. */
    [[nodiscard]] CollectAbility collectAbility() const override;
    /**
     * collect reads GET /api/v1/statuses/:id (counts) and GET /api/v1/statuses/:id/context
     * (descendants: every reply in the thread below the post; Mastodon has no "since", so all
     * are returned and the ledger keeps the new ones). A post that is gone (404) is no error:
     * no counts, and the note says so.
     */
    [[nodiscard]] Result<Collection> collect(const CollectTarget& target) override;

    /** deletePost deletes a status (retraction); a status already gone (404) is not an error. */
    [[nodiscard]] Status deletePost(const std::string& channel, const std::string& statusId);

    /**
     * instanceConfiguration returns the instance's `configuration` object (GET /api/v2/instance),
     * cached for the adapter's lifetime; documented defaults if the instance has no v2 endpoint.
     */
    [[nodiscard]] Result<PlatformJson> instanceConfiguration(const std::string& channel);

private:
    struct Uploaded;
    [[nodiscard]] HttpRequest request(const Account& a, std::string method, const std::string& path) const;
    [[nodiscard]] Result<HttpResponse> callSafe(const HttpRequest& r, const std::string& what);
    [[nodiscard]] Status authProblem(const Account& a, const HttpResponse& r) const;
    [[nodiscard]] Result<std::string> accountId(Account& a);
    /**
     * checkToken asks verify_credentials once per run whether the token is still accepted, unless
     * an authenticated request (a media upload) already succeeded. Called before the sent step,
     * so an expired token leaves the target `claimed` rather than `sent` (a 401 to the create
     * itself is certain to have made nothing, but the ledger would already say "may exist").
     */
    [[nodiscard]] Status checkToken(Account& a);
    /** verifyCredentials asks GET /api/v1/accounts/verify_credentials: token accepted, account id learnt. */
    [[nodiscard]] Status verifyCredentials(Account& a);
    [[nodiscard]] Result<std::optional<MastodonStatus>> findPublished(Account& a, const TargetContent& t);
    [[nodiscard]] std::string
    checkLimits(const PlatformJson& config, const TargetContent& t, std::string_view spoiler) const;
    /** uploadMedia uploads one file and waits for its processing, calling `checkpoint` before each poll. */
    [[nodiscard]] Result<Uploaded>
    uploadMedia(Account& a, const TargetMedia& m, std::size_t index, const std::function<Status()>& checkpoint);
    [[nodiscard]] Result<TargetOutcome> createStatus(Account& a, const std::string& key, const std::string& body);

    AccountStore& m_accounts;
    HttpClient& m_http;
    const Clock& m_clock;
    MastodonOptions m_options;
    AccountSessions m_sessions;                    ///< accounts opened in this run (sessions cached)
    std::map<std::string, PlatformJson> m_configs; ///< instance configuration per channel
    std::set<std::string> m_tokenAccepted;         ///< channels whose token was accepted in this run
};

} // namespace postern::uploader
