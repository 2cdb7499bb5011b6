// SPDX-License-Identifier: GPL-3.0-or-later
// TikTok: the upload of a publish attempt, the status polls, and the reconciliation of a target
// marked sent (docs/uploader.md, "TikTok"; https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide,
// https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status).
#include "postern/crypto/Crypto.h"
#include "postern/uploader/publish/OutboxPublisher.h"
#include "postern/uploader/platforms/tiktok/TikTokAdapter.h"
#include "postern/util/Checked.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <span>

namespace postern::uploader {

namespace {

/** failReasonText turns status/fetch's fail_reason into a sentence that says what to do. */
std::string failReasonText(const std::string& reason, std::int64_t maxDurationSec)
{
    const std::string code = " (" + reason + ")";
    if (reason == "file_format_check_failed")
        return "TikTok could not read the video" + code + "; export it as MP4 (H.264) and post it again";
    if (reason == "duration_check_failed")
        return "the video is longer than TikTok allows for this account" + code
               + (maxDurationSec > 0 ? "; the limit is " + std::to_string(maxDurationSec) + " s" : std::string())
               + "; shorten it and post it again";
    if (reason == "frame_rate_check_failed")
        return "TikTok takes 23 to 60 frames per second" + code + "; re-encode the video and post it again";
    if (reason == "picture_size_check_failed")
        return "TikTok takes 360 to 4096 pixels per side" + code + "; re-encode the video and post it again";
    if (reason == "internal")
        return "TikTok had an internal error while processing the video" + code + "; post it again";
    if (reason == "publish_cancelled")
        return "the publish was cancelled on TikTok" + code;
    if (reason == "auth_removed")
        return "the account withdrew this app's authorisation" + code + "; authorise it again, then post again";
    if (reason == "spam_risk_too_many_posts")
        return "the account reached TikTok's daily post limit" + code + "; post it again tomorrow";
    if (reason == "spam_risk_user_banned_from_posting")
        return "TikTok has banned this account from posting" + code;
    if (reason.rfind("spam_risk", 0) == 0)
        return "TikTok's spam checks refused the post" + code + "; review the caption and video";
    return "TikTok could not publish the video" + (reason.empty() ? std::string() : code);
}

/**
 * restartable: a fail_reason after which a new attempt may be made. TikTok's decisions about
 * the account or the post (cancelled, authorisation withdrawn, spam checks and caps) are
 * reported instead of being worked around.
 */
bool restartable(const std::string& reason)
{
    return reason != "publish_cancelled" && reason != "auth_removed" && reason.rfind("spam_risk", 0) != 0;
}

/** sealKey derives the key that seals upload URLs from the account's client secret. */
crypto::Digest sealKey(const Account& a)
{
    const crypto::SecretText material =
        crypto::SecretText::concat({a.secrets.clientSecret.view(), std::string_view("\0", 1), a.channel});
    return crypto::blake2b256("postern-tiktok-upload-url-v1", asBytes(material.view()));
}

} // namespace

Status
TikTokAdapter::putChunk(Account& a, const Upload& u, std::uint64_t index, const std::function<Status()>& checkpoint)
{
    const std::uint64_t first = u.plan.offset(index);
    const std::uint64_t end = first + u.plan.length(index);
    const std::string which = "chunk " + std::to_string(index + 1) + " of " + std::to_string(u.plan.chunkCount)
                              + " of publish " + u.publishId;
    const RateLimitRule limited = tikTokRateLimit(m_options.rateWindow);
    std::chrono::milliseconds backoff = m_options.retry.baseBackoff;
    for (int n = 1;; ++n) {
        HttpRequest r;
        r.method = "PUT";
        r.url = u.url;
        r.headers = {{"Content-Type", u.mime}, {"Content-Range", u.plan.contentRange(index)}};
        r.bodyFile = FileRange{u.file, first, u.plan.length(index)};
        r.timeout = m_options.chunkTimeout;
        auto answer = m_http.send(r);
        if (answer && answer->status / 100 == 2)
            return {};
        if (answer) {
            if (const auto wait = limited(*answer)) {
                if (n >= m_options.retry.maxAttempts || *wait > m_options.retry.maxWait)
                    return fail(Errc::RateLimited, which + " is rate limited; run `postern-uploader resume` later");
                pause(m_options.retry, *wait);
                continue;
            }
        }
        // No answer, a server error or a refusal: whether the bytes arrived is decided by
        // asking TikTok, never by the status alone (the same chunk twice is refused as out of
        // order, and a connection dropped after the last byte still completes the upload).
        const std::string what = answer ? describeTikTokHttp(*answer) : answer.error().message;
        auto st = status(a, u.publishId);
        if (!st)
            return fail(Errc::Io,
                        which + " got no usable answer (" + what + ") and TikTok could not be asked ("
                            + st.error().message + ")");
        if (st->status == "FAILED")
            return fail(Errc::PublishFailed, which + ": " + failReasonText(st->failReason, u.maxDurationSec));
        if (!st->processing() || (st->uploadedBytes && *st->uploadedBytes >= end))
            return {};
        if (answer && answer->status < 500)
            return fail(Errc::PublishFailed, "TikTok refused " + which + ": " + what);
        if (!st->uploadedBytes || *st->uploadedBytes != first)
            return fail(Errc::Io,
                        which + " got no usable answer (" + what + ") and TikTok reports "
                            + (st->uploadedBytes ? std::to_string(*st->uploadedBytes) : std::string("no"))
                            + " bytes received");
        if (n >= m_options.retry.maxAttempts)
            return fail(Errc::Io, which + " got no usable answer after " + std::to_string(n) + " tries: " + what);
        // TikTok has not got this chunk: sending it again to the same upload_url is safe.
        pause(m_options.retry, jittered(backoff));
        backoff *= 2;
        if (checkpoint)
            POSTERN_TRY(checkpoint());
    }
}

Result<TargetOutcome>
TikTokAdapter::upload(Account& a, const TargetContent& t, const Upload& u, std::uint64_t from, bool marked)
{
    for (std::uint64_t i = from; i < u.plan.chunkCount; ++i) {
        const bool last = i + 1 == u.plan.chunkCount;
        if (t.checkpoint)
            POSTERN_TRY(t.checkpoint());
        if (last && !marked) {
            // The last chunk completes the upload and TikTok publishes: from here on the post
            // may exist, so the publish id is on disk before the request leaves.
            if (!t.markSent)
                return fail(Errc::Internal, "the TikTok adapter needs the sent step (markSent)");
            POSTERN_TRY(t.markSent(u.sentKey));
            marked = true;
        }
        auto put = putChunk(a, u, i, t.checkpoint);
        if (put)
            continue;
        // Not published: the upload cannot complete without its last chunk. Suspended while a
        // last chunk that did not arrive waited to be sent again: the target stays sent, and
        // resume asks status/fetch before it finishes the upload.
        if (!last || put.code() == Errc::RateLimited || put.code() == Errc::Suspended)
            return std::move(put).error();
        TargetOutcome o;
        if (put.code() == Errc::Io) {
            o.state = TargetState::Unknown;
            o.reason = put.error().message
                       + "; `postern-uploader resume` asks TikTok about this publish before anything is re-sent";
        } else {
            o.reason = put.error().message + "; nothing was published";
        }
        return o;
    }
    return poll(a, u, false);
}

Result<TargetOutcome> TikTokAdapter::poll(Account& a, const Upload& u, bool alreadyPresent)
{
    TargetOutcome o;
    for (int n = 0; n < m_options.maxPolls; ++n) {
        if (n > 0)
            pause(m_options.retry, m_options.pollInterval);
        POSTERN_ASSIGN(st, status(a, u.publishId));
        if (st.processing())
            continue;
        if (st.status == "PUBLISH_COMPLETE") {
            o.state = TargetState::Done;
            // Private posts and posts still in moderation come without a public id.
            o.platformId = st.postIds.empty() ? u.publishId : st.postIds.front();
            o.url = st.postIds.empty() ? std::string() : postUrl(u.username, st.postIds.front());
            o.alreadyPresent = alreadyPresent;
            spdlog::info("tiktok: publish {} complete", u.publishId);
            return o;
        }
        if (st.status == "FAILED") {
            o.reason = failReasonText(st.failReason, u.maxDurationSec);
            return o;
        }
        if (st.status == "SEND_TO_USER_INBOX") {
            o.reason = "TikTok delivered the video to the creator's inbox instead of publishing it; publish it "
                       "from the TikTok app";
            return o;
        }
        o.state = TargetState::Unknown;
        o.reason = "TikTok reports the unknown status \"" + st.status + "\" for publish " + u.publishId
                   + "; `postern-uploader resume` asks again";
        return o;
    }
    o.state = TargetState::Unknown;
    o.reason = "TikTok was still processing publish " + u.publishId + " after " + std::to_string(m_options.maxPolls)
               + " checks; `postern-uploader resume` asks again";
    return o;
}

Result<Bytes> TikTokAdapter::sealUrl(const Account& a, const std::string& publishId, const std::string& url) const
{
    std::string plain = publishId + "\n" + url;
    crypto::Digest key = sealKey(a);
    Bytes out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
    crypto::randomBytes(std::span(out.data(), crypto_secretbox_NONCEBYTES));
    crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()),
                          plain.size(),
                          out.data(),
                          key.data());
    sodium_memzero(key.data(), key.size());
    sodium_memzero(plain.data(), plain.size());
    return out;
}

Result<std::string> TikTokAdapter::openUrl(const Account& a, const TikTokSentKey& k) const
{
    const Bytes& sealed = k.sealedUrl;
    if (sealed.size() <= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES || sealed.size() > 4096)
        return fail(Errc::BadValue, "the recorded upload link is damaged");
    std::string plain(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    crypto::Digest key = sealKey(a);
    const int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                              sealed.data() + crypto_secretbox_NONCEBYTES,
                                              sealed.size() - crypto_secretbox_NONCEBYTES,
                                              sealed.data(),
                                              key.data());
    sodium_memzero(key.data(), key.size());
    const std::string prefix = k.publishId + "\n";
    if (rc != 0 || plain.rfind(prefix, 0) != 0)
        return fail(Errc::BadValue, "the recorded upload link does not open with this account's client secret");
    return plain.substr(prefix.size());
}

Status TikTokAdapter::abandon(const TargetContent& t, const TikTokStatus& st, std::uint64_t videoSize)
{
    Ledger& ledger = *m_options.ledger;
    const std::int64_t now = m_clock.now();
    POSTERN_ASSIGN(key, parseSentKey(t.idempotencyKey));
    const std::string why = "TikTok failed publish " + key.publishId + " ("
                            + (st.failReason.empty() ? std::string("no reason given") : st.failReason) + ") after "
                            + std::to_string(st.uploadedBytes.value_or(0)) + " of " + std::to_string(videoSize)
                            + " bytes, so it can never publish; starting over with a new upload";
    TargetRecord r;
    r.bundleId = t.bundleId;
    r.postIndex = t.postIndex;
    r.channelIndex = t.channelIndex;
    SqliteTransaction tx(ledger.db());
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(ledger.restartSent(r, t.idempotencyKey, why, now));
    POSTERN_TRY(
        ledger.addEvent(now,
                        "target-restarted",
                        toHex(t.bundleId),
                        OutboxPublisher::folderName(t.postIndex, t.channelIndex) + " " + t.channel.str() + ": " + why));
    POSTERN_TRY(tx.commit());
    spdlog::info("tiktok {}: {}", t.channel.str(), why);
    return {};
}

Result<TargetOutcome> TikTokAdapter::reconcile(Account& a, const TargetContent& t, bool& startOver)
{
    POSTERN_ASSIGN(key, parseSentKey(t.idempotencyKey));
    Upload u;
    u.publishId = key.publishId;
    u.file = t.media.front().spoolPath;
    u.mime = t.media.front().mime;
    u.username = a.handle;
    u.sentKey = t.idempotencyKey;
    POSTERN_ASSIGN(plan, planChunks(t.media.front().size));
    u.plan = plan;
    POSTERN_ASSIGN(st, status(a, key.publishId));
    // FAILED before the last byte arrived: TikTok says this attempt is over, and an upload it
    // never completed was never published, so a new init cannot make a second post. Only
    // TikTok's own answer decides this (a link that merely outlived its hour does not).
    if (st.status == "FAILED" && st.uploadedBytes && *st.uploadedBytes < plan.videoSize && restartable(st.failReason)
        && m_options.ledger) {
        POSTERN_TRY(abandon(t, st, plan.videoSize));
        startOver = true;
        return TargetOutcome{};
    }
    if (st.status == "FAILED" && st.uploadedBytes && *st.uploadedBytes < plan.videoSize) {
        TargetOutcome o;
        o.reason = failReasonText(st.failReason, 0) + "; the upload had stopped after "
                   + std::to_string(*st.uploadedBytes) + " of " + std::to_string(plan.videoSize)
                   + " bytes, so nothing was published: export the post again from the workstation to publish it";
        return o;
    }
    if (!st.processing() || (st.uploadedBytes && *st.uploadedBytes >= plan.videoSize)) {
        spdlog::info("tiktok {}: publish {} was uploaded; checking its status", a.channel, key.publishId);
        return poll(a, u, true);
    }
    // The upload stopped before its last byte: TikTok publishes nothing until it is complete,
    // and only this publish's upload_url can complete it.
    const std::uint64_t received = st.uploadedBytes.value_or(0);
    TargetOutcome o;
    const std::string stopped = "the upload of publish " + key.publishId + " stopped after " + std::to_string(received)
                                + " of " + std::to_string(plan.videoSize) + " bytes";
    const std::string again = " TikTok will not publish it, so nothing was published: export the post again from the "
                              "workstation to publish it";
    // issuedAt is any non-negative int64 read back from the ledger: the deadline saturates (a link
    // that never expires by our clock is then still tried, and TikTok refuses it if it is dead).
    if (m_clock.now() >= saturatingAdd<std::int64_t>(key.issuedAt, m_options.uploadUrlLifetime - 60)) {
        o.reason = stopped + " and its upload link has expired;" + again;
        return o;
    }
    auto url = openUrl(a, key);
    if (!url) {
        o.reason = stopped + " and " + url.error().message + ";" + again;
        return o;
    }
    std::uint64_t from = 0;
    while (from + 1 < plan.chunkCount && plan.offset(from) < received)
        ++from;
    if (plan.offset(from) != received) {
        o.reason = stopped + ", which is not where a chunk starts;" + again;
        return o;
    }
    u.url = std::move(url).value();
    spdlog::info("tiktok {}: finishing publish {} from chunk {}", a.channel, key.publishId, from + 1);
    return upload(a, t, u, from, true);
}

} // namespace postern::uploader
