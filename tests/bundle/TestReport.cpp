// SPDX-License-Identifier: GPL-3.0-or-later
// The monitoring report (docs/bundle-format.md §8.2): round trip, admission and every refusal
// by name. Broken reports are re-signed after the edit, so only the rule under test refuses them.
#include "postern/bundle/Report.h"
#include "postern/domain/SignedDocument.h"
#include "postern/util/Json.h"
#include "postern/util/PlainText.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>
#include <variant>

using namespace postern;
using namespace postern::bundle;

namespace {

ReportReply reply(std::string id, std::string text)
{
    ReportReply r;
    r.platformId = std::move(id);
    r.url = "https://bsky.app/profile/someone.example/post/" + r.platformId;
    r.authorHandle = "someone.example";
    r.authorName = "Some One";
    r.text = std::move(text);
    r.createdAt = 1798760000;
    r.inReplyTo = "at://did:plc:press/app.bsky.feed.post/3kpost";
    return r;
}

MonitorReport sample(const crypto::SigningKey& ws)
{
    MonitorReport r;
    r.workstation = ws.publicKey();
    r.sequence = 5;
    r.follows = 4;
    r.collectedAt = 1798761600;
    ReportTarget bsky;
    bsky.postId = std::string(32, 'a');
    bsky.version = 2;
    bsky.channel = domain::ChannelId::parse("bluesky:press.example.org").value();
    bsky.platformId = "at://did:plc:press/app.bsky.feed.post/3kpost";
    bsky.url = "https://bsky.app/profile/press.example.org/post/3kpost";
    ReportCounts c;
    c.likes = 12;
    c.reposts = 3;
    c.replies = 2;
    c.quotes = 0;
    c.readAt = 1798761500;
    bsky.counts = c;
    // Given out of order: makeReport sorts by platform id.
    bsky.replies = {reply("at://did:plc:b/app.bsky.feed.post/2", "<a href=\"https://evil.example\">click</a>"),
                    reply("at://did:plc:a/app.bsky.feed.post/1", "Thanks!\nSecond line")};
    ReportTarget tiktok;
    tiktok.postId = std::string(32, 'a');
    tiktok.version = 2;
    tiktok.channel = domain::ChannelId::parse("tiktok:press").value();
    tiktok.platformId = "7300000000000000001";
    ReportCounts t;
    t.likes = 40;
    t.views = 1000;
    t.readAt = 1798761400;
    tiktok.counts = t;
    tiktok.note = "TikTok's API gives no comments";
    ReportTarget outbox;
    outbox.postId = std::string(32, '0');
    outbox.version = 1;
    outbox.channel = domain::ChannelId::parse("outbox:press").value();
    outbox.url = "file:///srv/outbox/press/a";
    outbox.note = "outbox: nothing to collect";
    r.targets = {tiktok, bsky, outbox};
    return r;
}

/** resigned parses a report file, changes its body and signs it again with `by`. */
std::string
resigned(const std::string& text, const crypto::SigningKey& by, const std::function<Json(const Json&)>& edit)
{
    JsonLimits limits;
    limits.maxBytes = 1u << 26;
    limits.maxValues = 1u << 22;
    const auto env = parseCanonicalJson(std::string_view(text).substr(0, text.size() - 1), limits);
    REQUIRE(env.ok());
    return domain::signedFileText(domain::makeSignedDocument(edit(*env->find("body")), {&by}));
}

/** at returns a copy of `root` with the member `key` of the object at `path` set to `v`. */
Json setAt(const Json& root, std::vector<std::variant<std::string, std::size_t>> path, const std::string& key, Json v)
{
    if (path.empty()) {
        Json copy = root;
        copy.set(key, std::move(v));
        return copy;
    }
    const auto step = path.front();
    path.erase(path.begin());
    if (std::holds_alternative<std::size_t>(step)) {
        Json::Array items = root.asArray();
        items[std::get<std::size_t>(step)] = setAt(items[std::get<std::size_t>(step)], path, key, std::move(v));
        return Json(std::move(items));
    }
    Json copy = root;
    copy.set(std::get<std::string>(step), setAt(*root.find(std::get<std::string>(step)), path, key, std::move(v)));
    return copy;
}

} // namespace

TEST_CASE("monitoring reports round trip under the uploader key", "[report]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const auto text = makeReport(sample(ws), uploader);
    REQUIRE(text.ok());
    CHECK(text->back() == '\n');
    const auto r = readReport(*text, uploader.publicKey());
    REQUIRE(r.ok());
    CHECK(r->uploader == uploader.publicKey());
    CHECK(r->workstation == ws.publicKey());
    CHECK(r->sequence == 5);
    CHECK(r->follows == 4);
    CHECK(r->collectedAt == 1798761600);
    REQUIRE(r->targets.size() == 3);
    // Sorted by (post_id, version, channel).
    CHECK(r->targets[0].channel.str() == "outbox:press");
    CHECK_FALSE(r->targets[0].counts.has_value());
    CHECK(r->targets[1].channel.str() == "bluesky:press.example.org");
    CHECK(r->targets[2].channel.str() == "tiktok:press");
    const ReportTarget& b = r->targets[1];
    REQUIRE(b.counts);
    CHECK(b.counts->likes == 12);
    CHECK(b.counts->reposts == 3);
    CHECK(b.counts->replies == 2);
    CHECK(b.counts->quotes == 0);
    CHECK_FALSE(b.counts->views.has_value());
    CHECK(b.counts->readAt == 1798761500);
    REQUIRE(b.replies.size() == 2);
    CHECK(b.replies[0].platformId == "at://did:plc:a/app.bsky.feed.post/1");
    CHECK(b.replies[0].text == "Thanks!\nSecond line");
    CHECK(b.replies[1].text == "<a href=\"https://evil.example\">click</a>"); // HTML stays literal
    CHECK(b.replies[1].inReplyTo == "at://did:plc:press/app.bsky.feed.post/3kpost");
    CHECK(r->targets[2].counts->views == 1000);
    CHECK_FALSE(r->targets[2].counts->reposts.has_value());
    CHECK(r->targets[2].note == "TikTok's API gives no comments");
    // The writer is deterministic: writing what was read gives the same bytes.
    CHECK(makeReport(*r, uploader).value() == *text);
}

TEST_CASE("broken report files are refused with the named error", "[report]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const std::string text = makeReport(sample(ws), uploader).value();
    const auto& key = uploader.publicKey();
    // Signed by another uploader (a foreign report), or edited after signing (tampered).
    CHECK(readReport(text, crypto::SigningKey::generate().publicKey()).code() == Errc::BadSignature);
    CHECK(readReport(resigned(text, crypto::SigningKey::generate(), [](const Json& b) { return b; }), key).code()
          == Errc::BadSignature);
    std::string tampered = text;
    tampered.replace(tampered.find("\"likes\":12"), 10, "\"likes\":13");
    CHECK(readReport(tampered, key).code() == Errc::BadSignature);
    CHECK(readReport(
              resigned(text,
                       uploader,
                       [&](const Json& b) {
                           return setAt(b, {}, "uploader", Json(toHex(crypto::SigningKey::generate().publicKey())));
                       }),
              key)
              .code()
          == Errc::BadSignature);
    // The file form: cut short, CRLF, trailing bytes, over 32 MiB, another document type.
    CHECK(readReport(text.substr(0, text.size() - 1), key).code() == Errc::Truncated);
    CHECK(readReport(text.substr(0, text.size() - 1) + "\r\n", key).code() == Errc::NonCanonical);
    CHECK(readReport(text.substr(0, text.size() - 1) + "x\n", key).code() == Errc::TrailingData);
    CHECK(readReport(std::string(kMaxReportBytes + 1, ' '), key).code() == Errc::TooLarge);
    CHECK(readReport(
              resigned(text, uploader, [](const Json& b) { return setAt(b, {}, "type", Json("postern.receipt")); }),
              key)
              .code()
          == Errc::WrongDocumentType);
}

TEST_CASE("report rules each refuse by name", "[report]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const std::string text = makeReport(sample(ws), uploader).value();
    const auto code = [&](const std::function<Json(const Json&)>& edit) {
        return readReport(resigned(text, uploader, edit), uploader.publicKey()).code();
    };
    using P = std::vector<std::variant<std::string, std::size_t>>;
    const P target1{std::string("targets"), std::size_t{1}}; // the Bluesky target once sorted
    const P reply0{std::string("targets"), std::size_t{1}, std::string("replies"), std::size_t{0}};
    const auto set = [&](const P& at, const std::string& key, Json v) {
        return code([&](const Json& b) { return setAt(b, at, key, v); });
    };
    CHECK(set({}, "sequence", Json(std::int64_t{0})) == Errc::BadValue);
    CHECK(set({}, "follows", Json(std::int64_t{5})) == Errc::BadValue);
    CHECK(set({}, "collected_at", Json(std::int64_t{-1})) == Errc::BadValue);
    CHECK(set({}, "workstation", Json(std::string(64, 'A'))) == Errc::BadEncoding);
    CHECK(set({}, "surprise", Json(true)) == Errc::UnknownField);
    CHECK(set(target1, "channel", Json("bluesky")) == Errc::BadValue);
    CHECK(set(target1, "post_id", Json(std::string(31, 'a'))) == Errc::BadEncoding);
    CHECK(set(target1, "version", Json(std::int64_t{0})) == Errc::BadValue);
    CHECK(set(target1, "counts", Json("12")) == Errc::WrongType);
    CHECK(set(target1, "note", Json(std::string(1025, 'n'))) == Errc::TooLarge);
    CHECK(set(target1, "note", Json("tab\there")) == Errc::BadReportText);
    CHECK(set(target1, "url", Json("https://x.example/\n")) == Errc::BadReportText);
    CHECK(set({std::string("targets"), std::size_t{1}, std::string("counts")}, "likes", Json(std::int64_t{-3}))
          == Errc::BadValue);
    CHECK(
        set({std::string("targets"), std::size_t{1}, std::string("counts")}, "read_at", Json(std::int64_t{1798761601}))
        == Errc::BadValue);
    CHECK(set({std::string("targets"), std::size_t{1}, std::string("counts")}, "shares", Json(std::int64_t{1}))
          == Errc::UnknownField);
    CHECK(set(reply0, "text", Json(std::string(kMaxReportTextBytes + 1, 't'))) == Errc::TooLarge);
    CHECK(set(reply0,
              "text",
              Json("hidden\xE2\x80\xAE"
                   "txt.exe"))
          == Errc::BadReportText);
    CHECK(set(reply0,
              "text",
              Json("\xEF\xBB\xBF"
                   "bom"))
          == Errc::BadReportText);
    CHECK(set(reply0, "author_name", Json("two\nlines")) == Errc::BadReportText);
    CHECK(set(reply0, "author_handle", Json(std::string(513, 'h'))) == Errc::TooLarge);
    CHECK(set(reply0, "platform_id", Json("")) == Errc::BadValue);
    CHECK(set(reply0, "in_reply_to", Json("")) == Errc::BadValue);
    CHECK(set(reply0, "created_at", Json(std::int64_t{-1})) == Errc::BadValue);
    CHECK(set(reply0, "html", Json("<p>x</p>")) == Errc::UnknownField);
    // Order and duplicates: targets by (post_id, version, channel), replies by platform_id.
    const auto swap01 = [](const Json& a) { return Json(Json::Array{a.asArray()[1], a.asArray()[0]}); };
    const auto twice0 = [](const Json& a) { return Json(Json::Array{a.asArray()[0], a.asArray()[0]}); };
    CHECK(code([&](const Json& b) { return setAt(b, {}, "targets", swap01(*b.find("targets"))); })
          == Errc::NonCanonical);
    CHECK(code([&](const Json& b) { return setAt(b, {}, "targets", twice0(*b.find("targets"))); })
          == Errc::DuplicateField);
    const auto replies = [](const Json& b) { return *b.find("targets")->asArray()[1].find("replies"); };
    CHECK(code([&](const Json& b) { return setAt(b, target1, "replies", swap01(replies(b))); }) == Errc::NonCanonical);
    CHECK(code([&](const Json& b) { return setAt(b, target1, "replies", twice0(replies(b))); })
          == Errc::DuplicateField);
}

TEST_CASE("the writer refuses what the reader would refuse", "[report]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const auto codeOf = [&](const std::function<void(MonitorReport&)>& change) {
        MonitorReport r = sample(ws);
        change(r);
        return makeReport(r, uploader).code();
    };
    CHECK(codeOf([](MonitorReport& r) { r.sequence = 0; }) == Errc::BadValue);
    CHECK(codeOf([](MonitorReport& r) { r.follows = r.sequence; }) == Errc::BadValue);
    CHECK(codeOf([](MonitorReport& r) { r.sequence = std::uint64_t{1} << 63; }) == Errc::BadValue);
    CHECK(codeOf([](MonitorReport& r) { r.targets.push_back(r.targets[0]); }) == Errc::DuplicateField);
    CHECK(codeOf([](MonitorReport& r) { r.targets[1].replies.push_back(r.targets[1].replies[0]); })
          == Errc::DuplicateField);
    CHECK(codeOf([](MonitorReport& r) { r.targets[0].postId = "not hex"; }) == Errc::BadEncoding);
    CHECK(codeOf([](MonitorReport& r) { r.targets[1].replies[0].text = "raw\x1B[0m"; }) == Errc::BadReportText);
    CHECK(codeOf([](MonitorReport& r) { r.targets[1].replies[0].authorName = "Zero\xE2\x80\x8Bwidth"; })
          == Errc::BadReportText);
    CHECK(codeOf([](MonitorReport& r) { r.targets[1].counts->views = kMaxReportCount + 1; }) == Errc::BadValue);
    CHECK(codeOf([](MonitorReport& r) { r.targets[1].counts->readAt = r.collectedAt + 1; }) == Errc::BadValue);
}

TEST_CASE("hostile replies made plain by the uploader cross unchanged", "[report]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const std::string hostile[] = {
        "<img src=x onerror=alert(1)><a href=\"https://evil.example\">win</a>",
        std::string("nul\0bell\a esc\x1B[2J", 17),
        "invoice\xE2\x80\xAE"
        "fdp.exe \xE2\x81\xA6isolated\xE2\x81\xA9",
        "pass\xE2\x80\x8Bword \xEF\xBB\xBF\xE3\x85\xA4",
        "bad \xFF\xFE utf-8 \xED\xA0\x80",
        "cr\r\nlf\rtab\t",
        std::string(100 * 1024, 'x'),
    };
    MonitorReport r = sample(ws);
    r.targets[0].replies.clear();
    int n = 0;
    for (const auto& h : hostile) {
        ReportReply rep = reply("hostile-" + std::to_string(n++), makePlainText(h, kMaxReportTextBytes));
        rep.authorName = makePlainLine(h, kMaxReportNameBytes);
        rep.authorHandle = makePlainLine(h, kMaxReportHandleBytes);
        r.targets[0].replies.push_back(rep);
    }
    const auto text = makeReport(r, uploader);
    REQUIRE(text.ok());
    const auto back = readReport(*text, uploader.publicKey());
    REQUIRE(back.ok());
    const auto& replies = back->targets[2].replies; // the TikTok target sorts last
    REQUIRE(replies.size() == 7);
    CHECK(replies[0].text == hostile[0]); // HTML is literal text
    CHECK(replies[1].text == "nul[U+0000]bell[U+0007] esc[U+001B][2J");
    CHECK(replies[2].text == "invoice[U+202E]fdp.exe [U+2066]isolated[U+2069]");
    CHECK(replies[3].text == "pass[U+200B]word [U+FEFF][U+3164]");
    CHECK(replies[4].text == "bad \xEF\xBF\xBD\xEF\xBF\xBD utf-8 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(replies[5].text == "cr\nlf\ntab ");
    CHECK(replies[5].authorName == "cr lf tab ");
    CHECK(replies[6].text
          == std::string(kMaxReportTextBytes - kTruncationMark.size(), 'x') + std::string(kTruncationMark));
}

TEST_CASE("reports are admitted once, in order, and say what is missing", "[report]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const MonitorReport r =
        readReport(makeReport(sample(ws), uploader).value(), uploader.publicKey()).value(); // seq 5, follows 4
    CHECK(admitReport(r, crypto::SigningKey::generate().publicKey(), 0).code() == Errc::WrongRecipient);
    CHECK(admitReport(r, ws.publicKey(), 5).code() == Errc::Replay);
    CHECK(admitReport(r, ws.publicKey(), 6).code() == Errc::ReportTooOld);
    const auto next = admitReport(r, ws.publicKey(), 4);
    REQUIRE(next.ok());
    CHECK_FALSE(next->gap());
    const auto gap = admitReport(r, ws.publicKey(), 1);
    REQUIRE(gap.ok());
    CHECK(gap->gap());
    CHECK(gap->missingFrom == 2);
    CHECK(gap->missingTo == 4);
    // A catch-up report (follows an older report) fills the gap.
    MonitorReport catchUp = r;
    catchUp.follows = 1;
    const auto filled = admitReport(catchUp, ws.publicKey(), 1);
    REQUIRE(filled.ok());
    CHECK_FALSE(filled->gap());
}

namespace {
MonitorReport many(const crypto::SigningKey& ws, std::size_t targets, std::size_t repliesEach, std::size_t textBytes)
{
    MonitorReport r;
    r.workstation = ws.publicKey();
    r.sequence = 1;
    r.collectedAt = 1798761600;
    char id[64]; // "r" + two 20-digit numbers + "-" fits with room
    for (std::size_t i = 0; i < targets; ++i) {
        ReportTarget t;
        std::snprintf(id, sizeof id, "%032zx", i);
        t.postId = id;
        t.version = 1;
        t.channel = domain::ChannelId::parse("bluesky:press.example.org").value();
        t.platformId = "at://did:plc:press/app.bsky.feed.post/" + std::to_string(i);
        t.counts = ReportCounts{12, 3, static_cast<std::int64_t>(repliesEach), 0, std::nullopt, 1798761500};
        for (std::size_t j = 0; j < repliesEach; ++j) {
            std::snprintf(id, sizeof id, "r%zu-%06zu", i, j);
            t.replies.push_back(reply(id, std::string(textBytes, 'w')));
        }
        r.targets.push_back(std::move(t));
    }
    return r;
}
} // namespace

TEST_CASE("report caps: 10 000 replies over 500 posts fit, one more than a cap does not", "[report][caps]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    // Issue 16's benchmark size: 500 posts with 20 replies of 280 bytes each.
    const auto big = makeReport(many(ws, 500, 20, 280), uploader);
    REQUIRE(big.ok());
    const auto read = readReport(*big, uploader.publicKey());
    REQUIRE(read.ok());
    CHECK(read->targets.size() == 500);
    CHECK(read->targets[499].replies.size() == 20);
    // Per target, per report and targets, through the writer and through the reader.
    CHECK(makeReport(many(ws, 1, kMaxRepliesPerTarget, 1), uploader).ok());
    CHECK(makeReport(many(ws, 1, kMaxRepliesPerTarget + 1, 1), uploader).code() == Errc::TooLarge);
    CHECK(makeReport(many(ws, 4, kMaxRepliesPerTarget, 1), uploader).ok());
    MonitorReport over = many(ws, 5, 4000, 1);
    over.targets[4].replies.push_back(reply("r4-extra", "one too many"));
    CHECK(makeReport(over, uploader).code() == Errc::TooLarge);
    CHECK(makeReport(many(ws, kMaxReportTargets + 1, 0, 0), uploader).code() == Errc::TooLarge);
    const std::string ok = makeReport(many(ws, 1, kMaxRepliesPerTarget, 1), uploader).value();
    CHECK(readReport(resigned(ok,
                              uploader,
                              [](const Json& b) {
                                  const Json& t = b.find("targets")->asArray()[0];
                                  Json::Array items = t.find("replies")->asArray();
                                  Json extra = items.back();
                                  extra.set("platform_id", Json("zzz"));
                                  items.push_back(extra);
                                  return setAt(b, {std::string("targets"), std::size_t{0}}, "replies", Json(items));
                              }),
                     uploader.publicKey())
              .code()
          == Errc::TooLarge);
    const std::string fourFull = makeReport(many(ws, 4, kMaxRepliesPerTarget, 1), uploader).value();
    CHECK(readReport(resigned(fourFull,
                              uploader,
                              [&](const Json& b) {
                                  Json::Array targets = b.find("targets")->asArray();
                                  Json extra = targets.back();
                                  extra.set("post_id", Json(std::string(32, 'f')));
                                  extra.set("replies", Json(Json::Array{targets.back().find("replies")->asArray()[0]}));
                                  targets.push_back(extra);
                                  return setAt(b, {}, "targets", Json(targets));
                              }),
                     uploader.publicKey())
              .code()
          == Errc::TooLarge);
    // The file cap: 20 000 replies of 1 700 bytes are over 32 MiB, so the writer says so.
    CHECK(makeReport(many(ws, 4, kMaxRepliesPerTarget, 1700), uploader).code() == Errc::TooLarge);
}
