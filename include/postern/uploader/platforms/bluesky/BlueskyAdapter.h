// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/AccountSessions.h"
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/net/PlatformJson.h"
#include "postern/uploader/publish/PublishTarget.h"

#include <chrono>
#include <functional>
#include <map>
#include <optional>

namespace postern::uploader {

/** BlueskyOptions tune the adapter; tests shorten the waits. */
struct BlueskyOptions
{
    std::chrono::milliseconds timeout{60000};             ///< per request
    int maxAttempts = 4;                                  ///< for requests that are safe to repeat
    std::chrono::milliseconds baseBackoff{500};           ///< doubled per attempt, plus jitter
    std::chrono::milliseconds maxWait{60000};             ///< longer rate-limit waits are left to resume
    std::uint64_t maxBlobBytes = 1000000;                 ///< app.bsky.embed.images cap honoured by old AppViews
    std::function<void(std::chrono::milliseconds)> sleep; ///< default: std::this_thread::sleep_for
};

/**
 * BlueskyAdapter publishes to Bluesky / the AT Protocol (docs/uploader.md, "Bluesky"):
 *
 *  1. a session per account, cached sealed in the ledger: refreshSession when the access token
 *     expires, createSession only when there is no usable session (never per post);
 *  2. the record key: recordKeyFor(bundle id, created, post, channel), the same on every try;
 *  3. if the ledger says sent/unknown: getRecord first; found (with our text) is done;
 *  4. images: uploadBlob each (content-addressed, safe to repeat), aspectRatio from the header;
 *  5. facets for links, #tags and resolvable @mentions, with UTF-8 byte offsets;
 *  6. markSent(rkey), then createRecord with that rkey and validate=true; never repeated
 *     blindly: any answer but 200 (a 500 for an existing key included) is reconciled with
 *     getRecord; no answer at all leaves the target unknown for resume.
 *
 * Rate limits: a 429 on a safe request waits until `ratelimit-reset` / `retry-after` (up to
 * maxWait), 5xx and transport errors on safe requests back off exponentially with jitter.
 * Platform id: the at:// URI; URL: https://bsky.app/profile/<handle>/post/<rkey>.
 */
class BlueskyAdapter final : public PublishAdapter
{
public:
    BlueskyAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, BlueskyOptions options = {});

    [[nodiscard]] Result<TargetOutcome> publish(const TargetContent& target) override;
    [[nodiscard]] bool canRetract() const override { return true; }
    /** retract deletes a published post through deletePost (by the record key recorded with `sent`, checked against the at:// URI). */
    [[nodiscard]] Status retract(const RetractTarget& target) override;

    /**
     * deletePost removes a published post (retraction); deleting a missing record is not an
     * error. With `uri` (the at:// URI recorded when it was published), it first checks that
     * the record lives in the repository the account signs in to now, and refuses with
     * invalid-argument otherwise: a re-added account must never delete in another repository.
     */
    [[nodiscard]] Status deletePost(const std::string& channel, const std::string& rkey, std::string_view uri = {});

    [[nodiscard]] static std::string postUrl(std::string_view handle, std::string_view rkey);

private:
    struct Call;
    [[nodiscard]] Status createSession(Account& a);
    [[nodiscard]] Status refreshSession(Account& a);
    [[nodiscard]] Result<HttpResponse> call(Account& a, const Call& c);
    [[nodiscard]] Result<HttpResponse> callSafe(Account& a, const Call& c);
    [[nodiscard]] Result<std::optional<PlatformJson>> getRecord(Account& a, const std::string& rkey);
    [[nodiscard]] Result<Json> uploadBlob(Account& a, const TargetMedia& media);
    [[nodiscard]] Result<Json> facets(Account& a, const std::string& text);
    [[nodiscard]] TargetOutcome
    existing(const Account& a, const TargetContent& target, const std::string& rkey, const PlatformJson& record) const;
    [[nodiscard]] TargetOutcome reconciled(Account& a,
                                           const TargetContent& target,
                                           const std::string& rkey,
                                           const std::string& what,
                                           bool answered);

    AccountStore& m_accounts;
    HttpClient& m_http;
    const Clock& m_clock;
    BlueskyOptions m_options;
    AccountSessions m_sessions; ///< accounts opened in this run (sessions cached)
};

} // namespace postern::uploader
