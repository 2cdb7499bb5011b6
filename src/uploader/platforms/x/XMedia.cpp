// SPDX-License-Identifier: GPL-3.0-or-later
// X API v2: the checks made before anything is sent, and the chunked media upload
// (initialize, append, finalize, STATUS; alt text through media metadata). Reference:
// /work/shared/reference/platform-apis.md sections 4.1 and 4.3.
#include "postern/compose/PlatformRules.h"
#include "postern/compose/TextCounter.h"
#include "postern/uploader/platforms/x/XAdapter.h"
#include "postern/util/Checked.h"

#include <spdlog/spdlog.h>

namespace postern::uploader {

namespace {

std::string mediaName(const TargetContent& t, std::size_t index)
{
    const TargetMedia& m = t.media[index];
    return "media " + std::to_string(index + 1) + " (" + m.mime + ", " + std::to_string(m.size) + " bytes)";
}

std::string categoryOf(std::string_view mime)
{
    if (mime == "image/gif")
        return "tweet_gif";
    return mime.starts_with("video/") ? "tweet_video" : "tweet_image";
}

bool ok(const HttpResponse& r)
{
    return r.status >= 200 && r.status < 300;
}

std::string describe(const HttpResponse& r)
{
    const std::string words = parseXProblem(r.body).words();
    return "HTTP " + std::to_string(r.status) + (words.empty() ? "" : " " + words);
}

} // namespace

std::optional<std::string> XAdapter::contentProblem(const TargetContent& t) const
{
    // The same rules and counter the workstation checked the draft with (postern_compose), so
    // a post only fails here if the rules changed between the two programs' versions.
    const compose::PlatformRules& rules = compose::rulesFor(domain::Platform::X);
    const std::string redo = "; change it on the workstation and export it again";
    if (t.text.empty() && t.media.empty())
        return "an X post needs text or media, and this one has neither" + redo;
    for (const auto& limit : rules.textLimits) {
        const auto m = compose::measureText(limit.unit, t.text, limit.max);
        if (m.used > limit.max)
            return "the text counts " + std::to_string(m.used) + " " + std::string(compose::countUnitName(limit.unit))
                   + " on X; the limit is " + std::to_string(limit.max) + redo;
    }
    if (t.media.size() > static_cast<std::size_t>(rules.maxMedia))
        return "X takes " + rules.mediaSummary + " per post; this post has " + std::to_string(t.media.size())
               + " media files" + redo;
    std::size_t moving = 0;
    for (std::size_t i = 0; i < t.media.size(); ++i) {
        const TargetMedia& m = t.media[i];
        if (!rules.acceptsMime(m.mime))
            return "X does not take " + m.mime + " media (" + mediaName(t, i) + ")" + redo;
        const compose::MediaKind kind = compose::mediaKindOf(m.mime);
        const std::uint64_t cap = kind == compose::MediaKind::Image ? rules.maxImageBytes
                                  : kind == compose::MediaKind::Gif ? rules.maxGifBytes
                                                                    : rules.maxVideoBytes;
        if (m.size == 0 || m.size > cap)
            return mediaName(t, i) + " is " + (m.size == 0 ? "empty" : "larger than X's " + compose::formatBytes(cap))
                   + redo;
        moving += kind == compose::MediaKind::Image ? 0 : 1;
        if (rules.altLimit) {
            const auto alt = compose::measureText(rules.altLimit->unit, m.alt, rules.altLimit->max);
            if (alt.used > rules.altLimit->max)
                return "the alt text of " + mediaName(t, i) + " has " + std::to_string(alt.used) + " "
                       + std::string(compose::countUnitName(rules.altLimit->unit)) + "; X allows "
                       + std::to_string(rules.altLimit->max) + redo;
        }
    }
    if (moving > 0 && t.media.size() > 1)
        return "X takes " + rules.mediaSummary + " per post; a GIF or video cannot share a post with other media"
               + redo;
    for (const auto& member : t.options.asObject())
        if (member.first != "reply_settings")
            return "the X option \"" + member.first + "\" is not supported by this uploader" + redo;
    return std::nullopt;
}

Result<std::string> XAdapter::uploadMedia(Account& a, const TargetContent& t, std::size_t index, std::string& refused)
{
    const TargetMedia& m = t.media[index];
    const std::string name = mediaName(t, index);
    const auto refuse = [&](const char* step, const HttpResponse& r) -> Result<std::string> {
        if (r.status >= 500) // sendSafe already retried: leave it to resume
            return fail(Errc::PublishFailed,
                        "X could not take " + name + " at " + step + " (" + describe(r)
                            + "); run `postern-uploader resume` later");
        refused = "X refused " + name + " at " + step + ": " + describe(r) + "; check the file on the workstation";
        return std::string();
    };

    Json init(Json::Object{});
    init.set("media_category", categoryOf(m.mime));
    init.set("media_type", m.mime);
    init.set("total_bytes", static_cast<std::int64_t>(m.size));
    HttpRequest r = request(a, "POST", "/2/media/upload/initialize");
    r.headers = {{"Content-Type", "application/json"}};
    r.body = init.serialize();
    // Repeating initialize only leaves an unused media id behind, which X expires.
    POSTERN_ASSIGN(started, callSafe(a, r, "x media initialize"));
    if (!ok(started))
        return refuse("initialize", started);
    POSTERN_ASSIGN(created, parseXMediaAnswer(started.body, "x media initialize"));
    const std::string id = created.id;

    const std::uint64_t chunk = std::max<std::uint64_t>(1, m_options.chunkBytes);
    std::int64_t segment = 0;
    for (std::uint64_t offset = 0; offset < m.size; offset += chunk, ++segment) {
        if (segment > 999)
            return refuse("append", HttpResponse{400, {}, R"({"detail":"more than 1000 segments"})"});
        // Before every request of the upload (initialize was preceded by the caller's): a
        // suspension stops the upload between requests, leaving an unused media id that X expires.
        if (t.checkpoint)
            POSTERN_TRY(t.checkpoint());
        HttpRequest part = request(a, "POST", "/2/media/upload/" + id + "/append");
        part.form.push_back(FormPart{"segment_index", std::to_string(segment), std::nullopt, "", ""});
        part.form.push_back(FormPart{"media",
                                     "",
                                     FileRange{m.spoolPath, offset, std::min(chunk, m.size - offset)},
                                     "media",
                                     "application/octet-stream"});
        // A segment sent twice replaces itself: safe to repeat.
        POSTERN_ASSIGN(appended, callSafe(a, part, "x media append"));
        if (!ok(appended))
            return refuse("append", appended);
    }

    if (t.checkpoint)
        POSTERN_TRY(t.checkpoint());
    POSTERN_ASSIGN(finished,
                   callSafe(a, request(a, "POST", "/2/media/upload/" + id + "/finalize"), "x media finalize"));
    if (!ok(finished))
        return refuse("finalize", finished);
    POSTERN_ASSIGN(finalised, parseXMediaAnswer(finished.body, "x media finalize"));
    if (finalised.id != id)
        return fail(Errc::PublishFailed, "x media finalize: the answer names another media id");
    if (finalised.processing) {
        POSTERN_TRY(awaitProcessing(a, id, *finalised.processing, name, refused, t.checkpoint));
        if (!refused.empty())
            return std::string();
    }

    if (!m.alt.empty()) {
        Json text(Json::Object{});
        text.set("text", m.alt);
        Json alt(Json::Object{});
        alt.set("alt_text", std::move(text));
        Json meta(Json::Object{});
        meta.set("id", id);
        meta.set("metadata", std::move(alt));
        if (t.checkpoint)
            POSTERN_TRY(t.checkpoint());
        HttpRequest mr = request(a, "POST", "/2/media/metadata");
        mr.headers = {{"Content-Type", "application/json"}};
        mr.body = meta.serialize();
        POSTERN_ASSIGN(described, callSafe(a, mr, "x media metadata"));
        if (!ok(described))
            return refuse("alt text (media metadata)", described);
    }
    spdlog::info("x {}: uploaded {} as media {}", a.channel, name, id);
    return id;
}

Status XAdapter::awaitProcessing(Account& a,
                                 const std::string& id,
                                 XProcessing p,
                                 const std::string& what,
                                 std::string& refused,
                                 const std::function<Status()>& checkpoint)
{
    for (int poll = 0;; ++poll) {
        if (p.state == XProcessing::State::Succeeded)
            return {};
        if (p.state == XProcessing::State::Failed) {
            refused = "X could not process " + what + ": " + (p.error.empty() ? "no reason given" : p.error)
                      + "; check the file on the workstation (X takes H.264/AAC MP4 up to 140 s) and export it again";
            return {};
        }
        if (poll >= m_options.maxPolls)
            return fail(Errc::PublishFailed,
                        "X was still processing " + what + " after " + std::to_string(poll)
                            + " checks; run `postern-uploader resume` later (it uploads the file again)");
        // check_after_secs is any non-negative int64 X sends: seconds * 1000 is checked, and a
        // product beyond int64 is clamped to maxPoll (the longest we wait between checks anyway).
        const auto millis = p.checkAfterSecs >= 0 ? checkedMul<std::int64_t>(p.checkAfterSecs, 1000) : std::nullopt;
        auto wait = p.checkAfterSecs < 0 ? m_options.defaultPoll
                    : millis          ? std::chrono::milliseconds(*millis)
                                      : std::chrono::milliseconds(m_options.maxPoll);
        pause(m_options.retry, std::min(wait, m_options.maxPoll));
        if (checkpoint)
            POSTERN_TRY(checkpoint());
        POSTERN_ASSIGN(
            answer,
            callSafe(a, request(a, "GET", "/2/media/upload?media_id=" + id + "&command=STATUS"), "x media status"));
        if (!ok(answer))
            return fail(Errc::PublishFailed, "cannot read the processing state of " + what + ": " + describe(answer));
        POSTERN_ASSIGN(status, parseXMediaAnswer(answer.body, "x media status"));
        if (!status.processing)
            return {};
        p = *status.processing;
    }
}

} // namespace postern::uploader
