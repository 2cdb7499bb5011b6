// SPDX-License-Identifier: GPL-3.0-or-later
// Readers of X API v2 answers (reference: /work/shared/reference/platform-apis.md section 4;
// https://docs.x.com/x-api/fundamentals/response-codes-and-errors). Fuzzed by
// tests/fuzz/fuzz_x.cpp. Members we do not read are ignored: X adds fields over time.
#include "postern/uploader/XAnswers.h"

#include "postern/uploader/AdapterSupport.h"

namespace postern::uploader {

namespace {

constexpr std::size_t kMaxText = 300;
constexpr std::size_t kMaxItems = 4;
constexpr std::size_t kMaxPagePosts = 100; // max_results caps a page at 100

std::string capped(const Json* v, std::size_t max = kMaxText)
{
    if (!v || v->type() != Json::Type::String)
        return {};
    return v->asString().substr(0, max);
}

Result<std::string> idField(const Json& doc, std::string_view key, std::string_view what)
{
    const Json* v = doc.find(key);
    if (!v || v->type() != Json::Type::String || !isXId(v->asString()))
        return fail(Errc::PublishFailed, std::string(what) + ": the answer has no valid \"" + std::string(key) + "\"");
    return v->asString();
}

Result<XProcessing> processing(const Json& info, std::string_view what)
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
        return fail(Errc::PublishFailed, std::string(what) + ": unknown media processing state \"" + state + "\"");
    if (const Json* after = info.find("check_after_secs")) {
        if (after->type() != Json::Type::Int || after->asInt() < 0)
            return fail(Errc::PublishFailed, std::string(what) + ": check_after_secs is not a non-negative integer");
        p.checkAfterSecs = after->asInt();
    }
    if (const Json* error = info.find("error"); error && error->isObject()) {
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
    auto doc = parseForeignJson(body, kAnswerLimits);
    if (!doc || !doc->isObject())
        return p;
    p.type = capped(doc->find("type"), 200);
    p.title = capped(doc->find("title"), 200);
    p.detail = capped(doc->find("detail"));
    if (p.title.empty() && p.detail.empty()) { // the OAuth token endpoint's envelope
        p.title = capped(doc->find("error"), 100);
        p.detail = capped(doc->find("error_description"));
    }
    if (const Json* errors = doc->find("errors"); errors && errors->type() == Json::Type::Array) {
        for (const auto& e : errors->asArray()) {
            if (!e.isObject() || p.messages.size() >= kMaxItems)
                continue;
            std::string m = capped(e.find("message"));
            if (m.empty())
                m = capped(e.find("detail"));
            if (!m.empty())
                p.messages.push_back(std::move(m));
            if (const Json* c = e.find("code"); c && c->type() == Json::Type::Int && p.codes.size() < kMaxItems)
                p.codes.push_back(c->asInt());
        }
    }
    return p;
}

Result<XMediaAnswer> parseXMediaAnswer(std::string_view body, std::string_view what)
{
    auto doc = parseForeignJson(body, kAnswerLimits);
    if (!doc || !doc->isObject())
        return fail(Errc::PublishFailed, std::string(what) + ": the server's answer is not a JSON object");
    const Json* data = doc->find("data");
    if (!data || !data->isObject())
        return fail(Errc::PublishFailed, std::string(what) + ": the answer has no \"data\" object");
    XMediaAnswer a;
    POSTERN_ASSIGN(id, idField(*data, "id", what));
    a.id = std::move(id);
    if (const Json* info = data->find("processing_info")) {
        if (!info->isObject())
            return fail(Errc::PublishFailed, std::string(what) + ": processing_info is not an object");
        POSTERN_ASSIGN(p, processing(*info, what));
        a.processing = p;
    }
    return a;
}

Result<XTimelinePage> parseXTimeline(std::string_view body)
{
    constexpr std::string_view what = "the list of recent posts";
    auto doc = parseForeignJson(body, kAnswerLimits);
    if (!doc || !doc->isObject())
        return fail(Errc::PublishFailed, std::string(what) + ": the server's answer is not a JSON object");
    // An answer with errors and no data is a refusal (e.g. resource-not-found), not "no posts".
    const Json* data = doc->find("data");
    const Json* errors = doc->find("errors");
    if (!data && errors)
        return fail(Errc::PublishFailed,
                    std::string(what) + ": X answered with errors: " + parseXProblem(body).words());
    const Json* meta = doc->find("meta");
    if (!meta || !meta->isObject())
        return fail(Errc::PublishFailed, std::string(what) + ": the answer has no \"meta\" object");
    const Json* count = meta->find("result_count");
    if (!count || count->type() != Json::Type::Int || count->asInt() < 0)
        return fail(Errc::PublishFailed, std::string(what) + ": meta.result_count is missing");
    XTimelinePage page;
    if (const Json* next = meta->find("next_token")) {
        if (next->type() != Json::Type::String || next->asString().empty() || next->asString().size() > 200)
            return fail(Errc::PublishFailed, std::string(what) + ": meta.next_token is not a token");
        page.nextToken = next->asString();
    }
    if (data) {
        if (data->type() != Json::Type::Array || data->asArray().size() > kMaxPagePosts)
            return fail(Errc::PublishFailed, std::string(what) + ": \"data\" is not a list of at most 100 posts");
        for (const auto& item : data->asArray()) {
            if (!item.isObject())
                return fail(Errc::PublishFailed, std::string(what) + ": a post is not an object");
            XListedPost post;
            POSTERN_ASSIGN(id, idField(item, "id", what));
            post.id = std::move(id);
            const Json* text = item.find("text");
            if (!text || text->type() != Json::Type::String)
                return fail(Errc::PublishFailed, std::string(what) + ": post " + post.id + " has no text");
            post.text = text->asString();
            if (const Json* att = item.find("attachments"); att && att->isObject())
                if (const Json* keys = att->find("media_keys"); keys && keys->type() == Json::Type::Array)
                    post.mediaCount = keys->asArray().size();
            page.posts.push_back(std::move(post));
        }
    }
    if (static_cast<std::size_t>(count->asInt()) != page.posts.size())
        return fail(Errc::PublishFailed, std::string(what) + ": meta.result_count does not match the posts listed");
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
