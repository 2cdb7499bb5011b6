// SPDX-License-Identifier: GPL-3.0-or-later
// Reading back what happened to a Mastodon post (monitoring, issue 15): its counts and the replies
// in its thread. https://docs.joinmastodon.org/methods/statuses/#get and #context; entities:
// https://docs.joinmastodon.org/entities/Status/ . Everything read here was written by strangers.
#include "postern/uploader/platforms/mastodon/MastodonAdapter.h"
#include "postern/uploader/platforms/mastodon/MastodonHtml.h"

#include <spdlog/spdlog.h>

namespace postern::uploader {

namespace {

constexpr std::string_view kNotGiven = "Mastodon gives no quote or view counts";
/** The converter's own cap is above any text a status can hold: makePlainText cuts, visibly. */
constexpr std::size_t kTextCap = 3 * kMastodonHtmlMax;
constexpr std::size_t kFieldCap = 4096; ///< ids, handles, names, URLs before plain-text caps

bool isMastodonId(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
    }
    return true;
}

Result<std::string> idField(const PlatformJson& doc, std::string_view key)
{
    POSTERN_ASSIGN(id, doc.string(key));
    if (!isMastodonId(id))
        return doc.error(key, "expected an alphanumeric id of at most 64 bytes, got \"" + id.substr(0, 64) + "\"");
    return id;
}

std::string capped(std::string s)
{
    if (s.size() > kFieldCap)
        s.resize(kFieldCap); // a cut inside a character becomes U+FFFD in makePlainText
    return s;
}

} // namespace

Result<CollectedCounts> parseMastodonCounts(const PlatformJson& status, std::int64_t readAt)
{
    POSTERN_TRY(status.expect(PlatformJson::Type::Object));
    CollectedCounts c;
    POSTERN_ASSIGN(likes, status.integer("favourites_count", 0, kMastodonCountMax));
    POSTERN_ASSIGN(reposts, status.integer("reblogs_count", 0, kMastodonCountMax));
    POSTERN_ASSIGN(replies, status.integer("replies_count", 0, kMastodonCountMax));
    c.likes = likes;
    c.reposts = reposts;
    c.replies = replies;
    c.readAt = readAt;
    return c;
}

Result<CollectedReply> parseMastodonReply(const PlatformJson& status)
{
    POSTERN_TRY(status.expect(PlatformJson::Type::Object));
    CollectedReply r;
    POSTERN_ASSIGN(id, idField(status, "id"));
    r.platformId = std::move(id);
    POSTERN_ASSIGN(created, status.string("created_at"));
    const auto at = parseIso8601(created);
    if (!at)
        return status.error("created_at", "expected an ISO 8601 time, got \"" + created.substr(0, 64) + "\"");
    r.createdAt = *at;
    // A descendant answers the post or another descendant: in_reply_to_id is never null here.
    POSTERN_ASSIGN(parent, idField(status, "in_reply_to_id"));
    r.inReplyTo = std::move(parent);
    POSTERN_ASSIGN(url, status.optionalString("url"));
    POSTERN_ASSIGN(uri, status.optionalString("uri"));
    r.url = capped(url.value_or(uri.value_or(std::string())));
    POSTERN_ASSIGN(account, status.object("account"));
    POSTERN_ASSIGN(acct, account->string("acct"));
    r.authorHandle = capped(std::move(acct));
    POSTERN_ASSIGN(name, account->optionalString("display_name"));
    r.authorName = capped(name.value_or(std::string()));
    POSTERN_ASSIGN(content, status.string("content"));
    POSTERN_ASSIGN(text, mastodonHtmlToText(content, kTextCap));
    POSTERN_ASSIGN(cw, status.optionalString("spoiler_text"));
    // The content warning is plain text in the entity; it is shown, never hidden behind it.
    r.text = cw && !cw->empty() ? "CW: " + capped(*cw) + "\n\n" + text : std::move(text);
    return r;
}

CollectAbility MastodonAdapter::collectAbility() const
{
    return {true, true, std::string(kNotGiven)};
}

Result<Collection> MastodonAdapter::collect(const CollectTarget& target)
{
    if (!isMastodonId(target.platformId))
        return fail(Errc::InvalidArgument, "\"" + target.platformId.substr(0, 64) + "\" is not a Mastodon status id");
    const std::string channel = target.channel.str();
    POSTERN_ASSIGN(a, m_sessions.open(channel));
    Collection out;
    out.note = std::string(kNotGiven);
    const std::string path = "/api/v1/statuses/" + target.platformId;

    POSTERN_ASSIGN(answer, callSafe(request(*a, "GET", path), "mastodon status"));
    if (answer.status == 404) {
        out.note = "the post is no longer on Mastodon (404): deleted by the account, a moderator or the instance";
        return out;
    }
    if (answer.status == 401 || answer.status == 403)
        return authProblem(*a, answer).error();
    if (answer.status != 200)
        return fail(Errc::PublishFailed, "cannot read " + target.url + ": " + describeAnswer(answer));
    POSTERN_ASSIGN(doc, PlatformJson::parse(answer.body, "status", kAnswerLimits));
    POSTERN_ASSIGN(counts, parseMastodonCounts(doc, m_clock.now()));
    out.counts = counts;

    POSTERN_ASSIGN(thread, callSafe(request(*a, "GET", path + "/context"), "mastodon status context"));
    if (thread.status == 404) {
        out.note += "; the post was deleted while it was read";
        return out;
    }
    if (thread.status == 401 || thread.status == 403)
        return authProblem(*a, thread).error();
    if (thread.status != 200)
        return fail(Errc::PublishFailed, "cannot read the replies to " + target.url + ": " + describeAnswer(thread));
    POSTERN_ASSIGN(context, PlatformJson::parse(thread.body, "status context", kAnswerLimits));
    POSTERN_ASSIGN(descendants, context.array("descendants"));
    for (const PlatformJson& item : descendants->asArray()) {
        POSTERN_ASSIGN(reply, parseMastodonReply(item));
        out.replies.push_back(std::move(reply));
    }
    spdlog::info("mastodon {}: read {} replies to status {}", channel, out.replies.size(), target.platformId);
    return out;
}

} // namespace postern::uploader
