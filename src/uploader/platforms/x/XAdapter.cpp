// SPDX-License-Identifier: GPL-3.0-or-later
// X API v2 publishing: tokens, reconciliation and post creation (docs/uploader.md, "X").
// Media upload and the content checks are in XMedia.cpp, answer readers in XAnswers.cpp.
#include "postern/uploader/platforms/x/XAdapter.h"
#include "postern/util/Checked.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>

namespace postern::uploader {

namespace {

constexpr std::string_view kSentPrefix = "x-sent-at:";
/** kListMargin widens the listing window before the first send: our clock and X's may differ. */
constexpr std::int64_t kListMargin = 300;

/** rateLimit reads an X 429: wait until x-rate-limit-reset (epoch seconds). A usage cap is not a wait. */
RateLimitRule rateLimit(const Clock& clock)
{
    return [&clock](const HttpResponse& r) -> std::optional<std::chrono::milliseconds> {
        if (r.status != 429 || parseXProblem(r.body).usageCapped())
            return std::nullopt;
        // Header integers are clamped to 1 s .. ten years (platformWait), never subtracted unchecked.
        if (auto reset = headerNumber(r, "x-rate-limit-reset"))
            return platformWaitUntil(*reset, clock.now());
        if (auto after = headerNumber(r, "retry-after"))
            return platformWait(*after);
        return std::chrono::milliseconds(std::chrono::seconds(60)); // a missing header is rare
    };
}

std::string describe(const HttpResponse& r)
{
    const std::string words = parseXProblem(r.body).words();
    return "HTTP " + std::to_string(r.status) + (words.empty() ? "" : " " + words);
}

Error usageCapped(const HttpResponse& r, std::string_view what)
{
    return fail(Errc::RateLimited,
                std::string(what) + ": X says this app's usage cap is reached (" + describe(r)
                    + "); nothing was published. Add credits or wait for the cap to reset, then run "
                      "`postern-uploader resume`");
}

std::string targetKey(const TargetContent& t)
{
    return toHex(t.bundleId) + "/" + std::to_string(t.postIndex) + "/" + std::to_string(t.channelIndex);
}

std::string handleOf(const Account& a)
{
    return !a.handle.empty() && a.handle[0] == '@' ? a.handle.substr(1) : a.handle;
}

} // namespace

std::int64_t XReads::mills() const
{
    // Saturating: a count from a long-running watch never wraps into a small figure.
    const auto part = [](std::uint64_t n, std::int64_t each) {
        return checkedMul(static_cast<std::int64_t>(std::min<std::uint64_t>(n, INT64_MAX)), each)
            .value_or(INT64_MAX);
    };
    return saturatingAdd(part(posts, kPost), part(users, kUser));
}

RateLimitRule xRateLimit(const Clock& clock)
{
    return rateLimit(clock);
}

struct XAdapter::Lookup
{
    std::optional<XListedPost> found;
    bool complete = false; ///< every page of the window was read
};

struct XAdapter::Created
{
    std::optional<HttpResponse> answer; ///< nullopt: the request went out and no answer came back
    std::string noAnswer;               ///< why there is no answer
};

XAdapter::XAdapter(AccountStore& accounts, HttpClient& http, const Clock& clock, XOptions options)
    : m_accounts(accounts), m_http(http), m_clock(clock), m_options(std::move(options)),
      m_sessions(accounts, "--handle HANDLE --credentials-file FILE")
{
}

std::string XAdapter::postUrl(std::string_view handle, std::string_view postId)
{
    return "https://x.com/" + std::string(handle) + "/status/" + std::string(postId);
}

std::string XAdapter::sentKey(std::int64_t at)
{
    return std::string(kSentPrefix) + std::to_string(at);
}

std::optional<std::int64_t> XAdapter::sentAt(std::string_view key)
{
    if (!key.starts_with(kSentPrefix) || key.size() == kSentPrefix.size() || key.size() > kSentPrefix.size() + 19)
        return std::nullopt;
    const std::string_view digits = key.substr(kSentPrefix.size());
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || v < 0)
        return std::nullopt;
    return v;
}

HttpRequest XAdapter::request(const Account& a, std::string method, std::string path) const
{
    HttpRequest r;
    r.method = std::move(method);
    r.url = a.service + path;
    r.timeout = m_options.retry.timeout;
    return r;
}

Status XAdapter::refresh(Account& a)
{
    const std::string reauthorise = "authorise Postern again on X (scopes tweet.read tweet.write users.read "
                                    "media.write offline.access), then `postern-uploader account remove "
                                    + a.channel + "` and `account add` it with the new credentials file";
    if (a.secrets.refreshToken.empty() || a.secrets.clientId.empty())
        return fail(Errc::PermissionDenied,
                    "the X access token of " + a.channel + " has expired and there is no refresh token; "
                        + reauthorise);
    HttpRequest r = request(a, "POST", "/2/oauth2/token");
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    if (!a.secrets.clientSecret.empty()) {
        // A confidential client authenticates with HTTP Basic (client id : client secret),
        // built and encoded in guarded memory.
        const crypto::SecretText pair =
            crypto::SecretText::concat({a.secrets.clientId, ":", a.secrets.clientSecret.view()});
        crypto::SecureBuffer b64(sodium_base64_encoded_len(pair.size(), sodium_base64_VARIANT_ORIGINAL));
        sodium_bin2base64(reinterpret_cast<char*>(b64.data()),
                          b64.size(),
                          reinterpret_cast<const unsigned char*>(pair.view().data()),
                          pair.size(),
                          sodium_base64_VARIANT_ORIGINAL);
        b64.shrink(b64.size() - 1); // the terminating NUL
        r.authorization = crypto::SecretText::concat(
            {"Basic ", std::string_view(reinterpret_cast<const char*>(b64.data()), b64.size())});
    }
    const crypto::SecretText refreshToken = percentEncodeSecret(a.secrets.refreshToken.view());
    r.secretBody = crypto::SecretText::concat({"grant_type=refresh_token&refresh_token=", refreshToken.view(),
                                               "&client_id=", percentEncode(a.secrets.clientId)});
    // Repeating is harmless: if the first try rotated the token, the second is refused and the
    // operator re-authorises; nothing is published either way.
    auto answer = sendSafe([&]() { return m_http.send(r); }, m_options.retry, rateLimit(m_clock), "x token refresh");
    if (!answer)
        return answer.error();
    if (answer->status == 429 || answer->status >= 500)
        return fail(Errc::PublishFailed,
                    "X could not refresh the access token of " + a.channel + " (" + describe(*answer)
                        + "); run `postern-uploader resume` later");
    if (answer->status != 200)
        return fail(Errc::PermissionDenied,
                    "X refused to refresh the access token of " + a.channel + " (" + describe(*answer) + "); "
                        + reauthorise);
    POSTERN_ASSIGN(doc, answerJson(*answer, "x token refresh"));
    POSTERN_ASSIGN(access, stringField(doc, "access_token"));
    POSTERN_ASSIGN(expires, doc.integer("expires_in", 1, 10 * 365 * 86400));
    a.secrets.accessToken = crypto::SecretText::take(access);
    // expires_in is 1 s .. ten years (checked above); saturating only with a clock within ten
    // years of the int64 limit, where the token then simply counts as long-lived.
    a.secrets.accessExpires = saturatingAdd(m_clock.now(), expires);
    // X rotates refresh tokens: the old one is dead now, so the new one is stored before the
    // new access token is used (a crash here keeps either the old pair or the new one).
    if (doc.find("refresh_token")) {
        POSTERN_ASSIGN(rotated, stringField(doc, "refresh_token"));
        a.secrets.refreshToken = crypto::SecretText::take(rotated);
    }
    POSTERN_TRY(m_accounts.saveSecrets(a.channel, a.secrets));
    spdlog::info("x {}: access token refreshed", a.channel);
    return {};
}

Status XAdapter::freshToken(Account& a)
{
    const bool expiring =
        a.secrets.accessExpires != 0 && saturatingAdd(m_clock.now(), m_options.refreshMargin) >= a.secrets.accessExpires;
    if (a.secrets.accessToken.empty() || expiring)
        return refresh(a);
    return {};
}

Result<HttpResponse> XAdapter::call(Account& a, HttpRequest r)
{
    POSTERN_TRY(freshToken(a));
    for (int pass = 0;; ++pass) {
        HttpRequest sent = r;
        sent.authorization = crypto::SecretText::concat({"Bearer ", a.secrets.accessToken.view()});
        POSTERN_ASSIGN(answer, m_http.send(sent));
        // A 401 is refused before anything happens, so one repeat after a refresh is safe.
        if (answer.status == 401 && pass == 0) {
            POSTERN_TRY(refresh(a));
            continue;
        }
        if (answer.status == 401)
            return fail(Errc::PermissionDenied,
                        "X refused the access token of " + a.channel + " (" + describe(answer)
                            + "); authorise Postern again and `account remove` + `account add` the channel");
        return answer;
    }
}

Result<HttpResponse> XAdapter::callSafe(Account& a, const HttpRequest& r, std::string_view what)
{
    POSTERN_ASSIGN(answer, sendSafe([&]() { return call(a, r); }, m_options.retry, rateLimit(m_clock), what));
    if (answer.status == 429) // only a usage cap gets here: sendSafe turned waits into errors
        return usageCapped(answer, what);
    return answer;
}

Status XAdapter::userId(Account& a)
{
    if (!a.secrets.userId.empty())
        return {};
    POSTERN_ASSIGN(answer, callSafe(a, request(a, "GET", "/2/users/me"), "x users/me"));
    if (answer.status != 200)
        return fail(Errc::PublishFailed, "cannot read the X account of " + a.channel + ": " + describe(answer));
    ++m_reads.users;
    POSTERN_ASSIGN(doc, answerJson(answer, "x users/me"));
    POSTERN_ASSIGN(data, doc.object("data"));
    POSTERN_ASSIGN(id, data->string("id"));
    if (!isXId(id))
        return data->error("id", "expected an X user id (1 to 19 digits), got \"" + id.substr(0, 40) + "\"");
    a.secrets.userId = std::move(id);
    return m_accounts.saveSecrets(a.channel, a.secrets);
}

Result<XAdapter::Lookup> XAdapter::findPost(Account& a, const TargetContent& t, std::int64_t since)
{
    POSTERN_TRY(userId(a));
    Lookup out;
    std::string token;
    for (int page = 0; page < m_options.maxListPages; ++page) {
        std::string path = "/2/users/" + a.secrets.userId
                           + "/tweets?max_results=100&start_time=" + percentEncode(formatUtc(since - kListMargin))
                           + "&tweet.fields=attachments%2Ccreated_at&exclude=retweets";
        if (!token.empty())
            path += "&pagination_token=" + percentEncode(token);
        POSTERN_ASSIGN(answer, callSafe(a, request(a, "GET", path), "x list posts"));
        if (answer.status != 200)
            return fail(Errc::PublishFailed,
                        "cannot list the recent posts of " + a.channel + " to see whether the post went out ("
                            + describe(answer) + "); `postern-uploader resume` asks again before anything is re-sent");
        POSTERN_ASSIGN(listed, parseXTimeline(answer.body));
        // X bills every post the page returns, whether or not ours is among them.
        m_reads.posts += listed.posts.size();
        spdlog::info("x {}: read {} post(s) of the account to look for a lost answer (X bills each read)",
                     a.channel, listed.posts.size());
        for (auto& post : listed.posts) {
            if (post.mediaCount == t.media.size() && sameXText(t.text, post.text, !t.media.empty())) {
                out.found = std::move(post);
                return out;
            }
        }
        if (listed.nextToken.empty()) {
            out.complete = true;
            return out;
        }
        token = std::move(listed.nextToken);
    }
    return out;
}

Result<XAdapter::Created> XAdapter::createPost(Account& a, const std::string& body)
{
    Created out;
    bool refreshed = false;
    for (int attempt = 1;; ++attempt) {
        HttpRequest r = request(a, "POST", "/2/tweets");
        r.headers = {{"Content-Type", "application/json"}};
        r.authorization = crypto::SecretText::concat({"Bearer ", a.secrets.accessToken.view()});
        r.body = body;
        r.freshConnection = true; // never meet a pooled connection X is closing (lost answer)
        auto answer = m_http.send(r);
        if (!answer) {
            out.noAnswer = answer.error().message;
            return out;
        }
        // 401 and 429 are refusals made before anything is created: repeating them is safe.
        if (answer->status == 401 && !refreshed) {
            POSTERN_TRY(refresh(a));
            refreshed = true;
            continue;
        }
        if (answer->status == 429) {
            if (parseXProblem(answer->body).usageCapped())
                return usageCapped(*answer, "POST /2/tweets");
            const auto wait = rateLimit(m_clock)(*answer);
            if (attempt >= m_options.retry.maxAttempts || !wait || *wait > m_options.retry.maxWait)
                return fail(Errc::RateLimited,
                            "X is rate limiting posts of " + a.channel + " (" + describe(*answer)
                                + "); nothing was published, run `postern-uploader resume` after "
                                + formatUtc(saturatingAdd<std::int64_t>(m_clock.now(), wait ? wait->count() / 1000 : 900)));
            spdlog::info("x {}: POST /2/tweets rate limited, waiting {} ms", a.channel, wait->count());
            pause(m_options.retry, *wait);
            continue;
        }
        out.answer = std::move(answer).value();
        return out;
    }
}

TargetOutcome XAdapter::afterCreate(Account& a, const TargetContent& t, std::int64_t since, const HttpResponse& r)
{
    TargetOutcome o;
    const std::string lookAgain = "; `postern-uploader resume` looks for it among the account's posts before "
                                  "anything is re-sent";
    if (r.status == 201 || r.status == 200) {
        auto id = [&]() -> Result<std::string> {
            POSTERN_ASSIGN(doc, answerJson(r, "POST /2/tweets"));
            POSTERN_ASSIGN(data, doc.object("data"));
            POSTERN_ASSIGN(text, data->string("id"));
            if (!isXId(text))
                return data->error("id", "expected an X post id (1 to 19 digits)");
            return text;
        }();
        if (id) {
            o.state = TargetState::Done;
            o.platformId = std::move(id).value();
            o.url = postUrl(handleOf(a), o.platformId);
            return o;
        }
        o.state = TargetState::Unknown;
        o.reason = "X accepted the post (HTTP " + std::to_string(r.status) + ") but its answer could not be read ("
                   + id.error().message + ")" + lookAgain;
        return o;
    }
    const XProblem problem = parseXProblem(r.body);
    if (r.status == 403 && problem.duplicate()) {
        // Our earlier send may have gone out after all: look before calling it a failure.
        auto look = findPost(a, t, since);
        if (look && look->found) {
            o.state = TargetState::Done;
            o.platformId = look->found->id;
            o.url = postUrl(handleOf(a), o.platformId);
            o.alreadyPresent = true;
            return o;
        }
        if (look && look->complete && !t.mayExist) {
            o.reason = "X refused the post as a duplicate (" + describe(r) + "); no post of " + a.channel + " since "
                       + formatUtc(since)
                       + " has this text, so it repeats an older post: change the text on the workstation and "
                         "export it again";
            return o;
        }
        // After an earlier send, the duplicate is most likely that send, which the listing does
        // not show yet (eventual consistency): unknown, so resume looks again; never failed.
        o.state = TargetState::Unknown;
        o.reason = "X refused the post as a duplicate (" + describe(r) + ") and it is not in the account's posts"
                   + (look ? std::string(look->complete ? " yet" : " that could be read") : ": " + look.error().message)
                   + lookAgain;
        return o;
    }
    if (r.status >= 500) {
        o.state = TargetState::Unknown;
        o.reason = "X answered " + describe(r) + ", so the post may or may not exist" + lookAgain;
        return o;
    }
    o.reason = "X refused the post: " + describe(r)
               + "; correct it on the workstation (text, media, options) and export it again";
    return o;
}

Result<TargetOutcome> XAdapter::publish(const TargetContent& t)
{
    if (t.channel.platform != domain::Platform::X)
        return fail(Errc::Internal, "the X adapter was given a " + t.channel.str() + " target");
    std::optional<std::int64_t> firstSent;
    if (!t.idempotencyKey.empty()) {
        firstSent = sentAt(t.idempotencyKey);
        if (!firstSent)
            return fail(Errc::Internal, "target was sent with key \"" + t.idempotencyKey + "\", not an X send key");
    }
    if (t.mayExist && !firstSent)
        return fail(Errc::Internal, "an X target is marked sent without its send time");
    TargetOutcome outcome;
    POSTERN_ASSIGN(a, m_sessions.open(t.channel.str()));

    if (t.mayExist) {
        POSTERN_ASSIGN(look, findPost(*a, t, *firstSent));
        if (look.found) {
            spdlog::info("x {}: found post {} from an earlier attempt", t.channel.str(), look.found->id);
            outcome.state = TargetState::Done;
            outcome.platformId = look.found->id;
            outcome.url = postUrl(handleOf(*a), outcome.platformId);
            outcome.alreadyPresent = true;
            return outcome;
        }
        if (!look.complete)
            return fail(Errc::PublishFailed,
                        t.channel.str() + " has more than " + std::to_string(m_options.maxListPages * 100)
                            + " posts since " + formatUtc(*firstSent)
                            + ", so whether this post went out cannot be checked; look at https://x.com/" + handleOf(*a)
                            + " and decide by hand (nothing is re-sent automatically)");
        std::int64_t lastSend = *firstSent;
        if (auto it = m_lastSent.find(targetKey(t)); it != m_lastSent.end())
            lastSend = std::max(lastSend, it->second);
        if (m_clock.now() < lastSend + m_options.settleSeconds)
            return fail(Errc::PublishFailed,
                        "the post was sent at " + formatUtc(lastSend) + " and is not among the posts of "
                            + t.channel.str() + " yet; X can take a while to list new posts, so run "
                            + "`postern-uploader resume` after " + formatUtc(lastSend + m_options.settleSeconds)
                            + " to check again before it is re-sent");
        spdlog::info("x {}: the post sent at {} is not on X; sending it again", t.channel.str(), formatUtc(lastSend));
    }
    // Checked after reconciling: a post already out stays done even if the rules changed since.
    if (auto problem = contentProblem(t)) {
        outcome.reason = *problem;
        return outcome;
    }

    Json ids(Json::Array{});
    for (std::size_t i = 0; i < t.media.size(); ++i) {
        if (t.checkpoint)
            POSTERN_TRY(t.checkpoint());
        std::string refused;
        POSTERN_ASSIGN(id, uploadMedia(*a, t, i, refused));
        if (!refused.empty()) {
            outcome.reason = refused;
            return outcome;
        }
        ids.push(Json(id));
    }
    Json body(Json::Object{});
    if (!ids.asArray().empty()) {
        Json media(Json::Object{});
        media.set("media_ids", std::move(ids));
        body.set("media", std::move(media));
    }
    if (const Json* reply = t.options.find("reply_settings"))
        body.set("reply_settings", *reply);
    if (!t.text.empty())
        body.set("text", t.text);
    if (t.checkpoint)
        POSTERN_TRY(t.checkpoint());
    POSTERN_TRY(freshToken(*a)); // refresh now rather than between `sent` and the request

    // X has no idempotency key: from here on the post may exist, and only the account's own
    // listing can tell. The key records when it was first sent (the listing window).
    const std::int64_t since = firstSent.value_or(m_clock.now());
    if (!t.markSent)
        return fail(Errc::Internal, "the X adapter needs the sent step (markSent)");
    POSTERN_TRY(t.markSent(sentKey(since)));
    m_lastSent[targetKey(t)] = m_clock.now();
    POSTERN_ASSIGN(created, createPost(*a, body.serialize()));
    if (!created.answer) {
        outcome.state = TargetState::Unknown;
        outcome.reason = "no answer from X to the post (" + created.noAnswer
                         + "); `postern-uploader resume` looks for it among the account's posts before anything "
                           "is re-sent";
        return outcome;
    }
    return afterCreate(*a, t, since, *created.answer);
}

Status XAdapter::retract(const RetractTarget& target)
{
    return deletePost(target.channel.str(), target.platformId);
}

Status XAdapter::deletePost(const std::string& channel, const std::string& postId)
{
    if (!isXId(postId))
        return fail(Errc::InvalidArgument, "\"" + postId + "\" is not an X post id");
    POSTERN_ASSIGN(a, m_sessions.open(channel));
    // Deleting is idempotent ("deleted" or already gone), so it may be repeated. X documents
    // 200 {"data":{"deleted":true}} for this endpoint, and 204 (no body) for some of its other
    // DELETE endpoints; a 204 here means the same, so it is taken too.
    POSTERN_ASSIGN(answer, callSafe(*a, request(*a, "DELETE", "/2/tweets/" + postId), "x delete post"));
    if (answer.status == 200 || answer.status == 204 || answer.status == 404)
        return {};
    return fail(Errc::PublishFailed,
                "X did not delete post " + postId + " of " + channel + ": " + describe(answer)
                    + "; try again, or delete it on https://x.com");
}

} // namespace postern::uploader
