// SPDX-License-Identifier: GPL-3.0-or-later
// Readers of X API v2 answers (reference: /work/shared/reference/platform-apis.md section 4;
// https://docs.x.com/x-api/fundamentals/response-codes-and-errors). Fuzzed by
// tests/fuzz/fuzz_x.cpp. Members we do not read are ignored: X adds fields over time.
#include "postern/uploader/platforms/x/XAnswers.h"

#include "postern/uploader/net/AdapterSupport.h"

#include <limits>

namespace postern::uploader {

namespace {

constexpr std::size_t kMaxText = 300;
constexpr std::size_t kMaxItems = 4;
constexpr std::size_t kMaxPagePosts = 100; // max_results caps a page at 100

std::string capped(const PlatformJson* v, std::size_t max = kMaxText)
{
    if (!v || !v->isString())
        return {};
    return v->asString().substr(0, max);
}

Result<std::string> idField(const PlatformJson& doc, std::string_view key)
{
    // X sends ids as strings (they exceed 2^53); a number here is refused, not rounded.
    POSTERN_ASSIGN(id, doc.string(key));
    if (!isXId(id))
        return doc.error(key, "expected an X id (1 to 19 digits), got \"" + id.substr(0, 40) + "\"");
    return id;
}

Result<XProcessing> processing(const PlatformJson& info)
{
    XProcessing p;
    const std::string state = capped(info.find("state"));
    if (state == "pending")
        p.state = XProcessing::State::Pending;
    else if (state == "in_progress")
        p.state = XProcessing::State::InProgress;
    else if (state == "succeeded")
        p.state = XProcessing::State::Succeeded;
    else if (state == "failed")
        p.state = XProcessing::State::Failed;
    else
        return info.error("state", "expected pending, in_progress, succeeded or failed, got \"" + state + "\"");
    POSTERN_ASSIGN(after, info.optionalInteger("check_after_secs", 0, std::numeric_limits<std::int64_t>::max()));
    if (after)
        p.checkAfterSecs = *after;
    if (const PlatformJson* error = info.find("error"); error && error->isObject()) {
        const std::string name = capped(error->find("name"), 100);
        const std::string message = capped(error->find("message"));
        p.error = name.empty() ? message : (message.empty() ? name : name + ": " + message);
    }
    return p;
}

/** textKey reduces a text to what survives X's rendering: URLs become \x01, entities decoded. */
std::string textKey(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::string_view rest = text.substr(i);
        const bool url = rest.substr(0, 7) == "http://" || rest.substr(0, 8) == "https://";
        if (url) {
            while (i < text.size() && text[i] != ' ' && text[i] != '\n' && text[i] != '\t' && text[i] != '\r')
                ++i;
            out += '\x01';
            continue;
        }
        if (rest.substr(0, 5) == "&amp;") {
            out += '&';
            i += 5;
        } else if (rest.substr(0, 4) == "&lt;") {
            out += '<';
            i += 4;
        } else if (rest.substr(0, 4) == "&gt;") {
            out += '>';
            i += 4;
        } else {
            out += text[i++];
        }
    }
    return out;
}

} // namespace

std::string XProblem::words() const
{
    std::string out = title;
    if (!detail.empty() && detail != title)
        out += (out.empty() ? "" : ": ") + detail;
    std::string extra;
    for (const auto& m : messages)
        if (m != detail)
            extra += (extra.empty() ? "" : "; ") + m;
    if (!extra.empty())
        out += out.empty() ? extra : " (" + extra + ")";
    return out;
}

bool XProblem::usageCapped() const
{
    return type.ends_with("/usage-capped") || title == "UsageCapExceeded";
}

bool XProblem::duplicate() const
{
    // [UNVERIFIED] wording: the v2 pages we read do not document it; X has long answered 403
    // "You are not allowed to create a Tweet with duplicate content." (also code 187 in v1.1).
    const auto has = [](const std::string& s) { return s.find("duplicate content") != std::string::npos; };
    if (has(detail) || has(title))
        return true;
    for (const auto& m : messages)
        if (has(m))
            return true;
    for (auto c : codes)
        if (c == 187)
            return true;
    return false;
}

XProblem parseXProblem(std::string_view body)
{
    XProblem p;
    auto doc = PlatformJson::parseObject(body, "X's error answer", kAnswerLimits);
    if (!doc)
        return p;
    p.type = capped(doc->find("type"), 200);
    p.title = capped(doc->find("title"), 200);
    p.detail = capped(doc->find("detail"));
    if (p.title.empty() && p.detail.empty()) { // the OAuth token endpoint's envelope
        p.title = capped(doc->find("error"), 100);
        p.detail = capped(doc->find("error_description"));
    }
    if (const PlatformJson* errors = doc->find("errors"); errors && errors->isArray()) {
        for (const auto& e : errors->asArray()) {
            if (!e.isObject() || p.messages.size() >= kMaxItems)
                continue;
            std::string m = capped(e.find("message"));
            if (m.empty())
                m = capped(e.find("detail"));
            if (!m.empty())
                p.messages.push_back(std::move(m));
            if (const PlatformJson* c = e.find("code"); c && c->isInt() && p.codes.size() < kMaxItems)
                p.codes.push_back(c->asInt());
        }
    }
    return p;
}

Result<XMediaAnswer> parseXMediaAnswer(std::string_view body, std::string_view what)
{
    POSTERN_ASSIGN(doc, PlatformJson::parseObject(body, what, kAnswerLimits));
    POSTERN_ASSIGN(data, doc.object("data"));
    XMediaAnswer a;
    POSTERN_ASSIGN(id, idField(*data, "id"));
    a.id = std::move(id);
    POSTERN_ASSIGN(info, data->optionalObject("processing_info"));
    if (info) {
        POSTERN_ASSIGN(p, processing(*info));
        a.processing = p;
    }
    return a;
}

Result<XTimelinePage> parseXTimeline(std::string_view body)
{
    constexpr std::string_view what = "the list of recent posts";
    POSTERN_ASSIGN(doc, PlatformJson::parseObject(body, what, kAnswerLimits));
    // An answer with errors and no data is a refusal (e.g. resource-not-found), not "no posts".
    const PlatformJson* data = doc.find("data");
    const PlatformJson* errors = doc.find("errors");
    if (!data && errors)
        return fail(Errc::PublishFailed,
                    std::string(what) + ": X answered with errors: " + parseXProblem(body).words());
    POSTERN_ASSIGN(meta, doc.object("meta"));
    POSTERN_ASSIGN(count, meta->integer("result_count", 0, std::numeric_limits<std::int64_t>::max()));
    XTimelinePage page;
    POSTERN_ASSIGN(next, meta->optionalString("next_token"));
    if (next) {
        if (next->empty() || next->size() > 200)
            return meta->error("next_token", "expected a token of 1 to 200 bytes");
        page.nextToken = *next;
    }
    if (data) {
        POSTERN_TRY(data->expect(PlatformJson::Type::Array));
        if (data->asArray().size() > kMaxPagePosts)
            return doc.error("data", "expected a list of at most 100 posts");
        for (const auto& item : data->asArray()) {
            POSTERN_TRY(item.expect(PlatformJson::Type::Object));
            XListedPost post;
            POSTERN_ASSIGN(id, idField(item, "id"));
            post.id = std::move(id);
            POSTERN_ASSIGN(text, item.string("text"));
            post.text = std::move(text);
            if (const PlatformJson* att = item.find("attachments"))
                if (const PlatformJson* keys = att->find("media_keys"); keys && keys->isArray())
                    post.mediaCount = keys->asArray().size();
            page.posts.push_back(std::move(post));
        }
    }
    if (static_cast<std::size_t>(count) != page.posts.size())
        return meta->error("result_count", "does not match the " + std::to_string(page.posts.size()) + " posts listed");
    return page;
}

bool sameXText(std::string_view sent, std::string_view listed, bool withMedia)
{
    const std::string ours = textKey(sent);
    const std::string theirs = textKey(listed);
    if (theirs == ours)
        return true;
    // The media link X appends: " <url>" after our text, or just "<url>" for a post without text.
    return withMedia && (theirs == ours + " \x01" || (ours.empty() && theirs == "\x01"));
}

bool isXId(std::string_view id) noexcept
{
    if (id.empty() || id.size() > 19)
        return false;
    for (char c : id)
        if (c < '0' || c > '9')
            return false;
    return true;
}

} // namespace postern::uploader
