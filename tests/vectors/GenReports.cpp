// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring report vectors (docs/bundle-format.md §8.2): read with bundle::readReport under
// the context's uploader key, then admitted with bundle::admitReport for the context's
// workstation (`.env` key `last`: the sequence last imported, 0 by default). Each breaks one
// rule. The caps on lists (5 000 replies, 2 000 targets, 20 000 per report) and on the file
// (32 MiB) are tested in tests/bundle/TestReport.cpp: vectors of that size would bloat the tree.
#include "postern/bundle/Report.h"
#include "postern/domain/SignedDocument.h"

#include "VectorKit.h"

namespace postern::vectors {

namespace {

bundle::ReportReply reply(std::string id, std::string text)
{
    bundle::ReportReply r;
    r.platformId = std::move(id);
    r.url = "https://bsky.app/profile/reader.example/post/" + r.platformId.substr(r.platformId.rfind('/') + 1);
    r.authorHandle = "reader.example";
    r.authorName = "A Reader";
    r.text = std::move(text);
    r.createdAt = kNow - 7200;
    r.inReplyTo = "at://did:plc:press/app.bsky.feed.post/3kpost";
    return r;
}

bundle::MonitorReport sample(Kit& k)
{
    bundle::MonitorReport r;
    r.workstation = k.workstation.publicKey();
    r.sequence = 5;
    r.follows = 4;
    r.collectedAt = kNow - 600;
    const std::string postId = k.post("report-a").postId;
    bundle::ReportTarget bsky;
    bsky.postId = postId;
    bsky.version = 1;
    bsky.channel = Kit::bluesky();
    bsky.platformId = "at://did:plc:press/app.bsky.feed.post/3kpost";
    bsky.url = "https://bsky.app/profile/press.example.org/post/3kpost";
    bundle::ReportCounts c;
    c.likes = 12;
    c.reposts = 3;
    c.replies = 2;
    c.quotes = 1;
    c.readAt = kNow - 700;
    bsky.counts = c;
    bsky.replies = {reply("at://did:plc:reader/app.bsky.feed.post/3kr1", "Thanks for this.\nWell written."),
                    reply("at://did:plc:reader/app.bsky.feed.post/3kr2",
                          "<script>alert(1)</script> <a href=\"https://evil.example\">see</a> \xF0\x9F\x91\x8D")};
    bundle::ReportTarget outbox;
    outbox.postId = postId;
    outbox.version = 1;
    outbox.channel = Kit::outbox();
    outbox.url = "file:///srv/outbox/press/a";
    outbox.note = "outbox: nothing to collect";
    r.targets = {bsky, outbox};
    return r;
}

} // namespace

void generateReports(Kit& k, Writer& out)
{
    const auto add = [&](std::string_view name,
                         const std::string& text,
                         std::string_view expect,
                         std::string_view what,
                         std::string_view env = {}) {
        out.add("reports", name, ".report", asBytes(text), expect, what, env);
    };
    const std::string ok = bundle::makeReport(sample(k), k.uploaderSign).value();
    const auto envelope = [&](const std::function<Json(const Json&)>& change) {
        const Json env = parseCanonicalJson(std::string_view(ok).substr(0, ok.size() - 1), JsonLimits{}).value();
        return change(env).serialize() + "\n";
    };
    const auto body = [&](const std::function<Json(const Json&)>& change, const crypto::SigningKey& by) {
        return envelope([&](const Json& env) { return domain::makeSignedDocument(change(*env.find("body")), {&by}); });
    };
    const auto set = [&](std::vector<PathStep> path, Json v) {
        return body([&](const Json& b) { return edit(b, path, [&](const Json&) { return v; }); }, k.uploaderSign);
    };
    const auto reply0 = [](const char* key) { return std::vector<PathStep>{"targets", 0, "replies", 0, key}; };

    add("ok",
        ok,
        "OK",
        "two targets: Bluesky with counts and two replies (HTML kept as literal text), outbox with a note");
    add("ok-gap",
        ok,
        "OK",
        "admitted after report 2: reports 3 and 4 are missing, which is a warning, not a refusal",
        "last=2\n");
    add("replay", ok, "replay", "sequence 5 when report 5 was the last imported", "last=5\n");
    add("too-old", ok, "report-too-old", "sequence 5 when report 6 was the last imported", "last=6\n");
    add("other-workstation",
        set({"workstation"}, Json(toHex(k.otherWorkstation.publicKey()))),
        "wrong-recipient",
        "made for another workstation");
    add("signed-by-other",
        body([](const Json& b) { return b; }, k.otherUploaderSign),
        "bad-signature",
        "signed by another uploader's key");
    add("uploader-field-other",
        set({"uploader"}, Json(toHex(k.otherUploaderSign.publicKey()))),
        "bad-signature",
        "the uploader member names another key");
    add("tampered", replaceOnce(ok, "\"likes\":12", "\"likes\":99"), "bad-signature", "a count changed after signing");
    add("no-final-lf", ok.substr(0, ok.size() - 1), "truncated", "the final LF is missing");
    add("wrong-type", set({"type"}, Json("postern.receipt")), "wrong-document-type", "body.type postern.receipt");
    add("sequence-0", set({"sequence"}, Json(std::int64_t{0})), "bad-value", "sequence 0");
    add("follows-equal", set({"follows"}, Json(std::int64_t{5})), "bad-value", "follows equals sequence");
    add("collected-negative", set({"collected_at"}, Json(std::int64_t{-1})), "bad-value", "collected_at -1");
    add("unknown-member", set({"extra"}, Json("x")), "unknown-field", "a body member the schema does not name");
    add("targets-unsorted",
        body(
            [](const Json& b) {
                return edit(b, {"targets"}, [](const Json& a) {
                    Json c(Json::Array{});
                    c.push(a.asArray()[1]);
                    c.push(a.asArray()[0]);
                    return c;
                });
            },
            k.uploaderSign),
        "non-canonical",
        "targets not sorted by (post_id, version, channel)");
    add("targets-duplicate",
        body(
            [](const Json& b) {
                return edit(b, {"targets"}, [](const Json& a) {
                    Json c(Json::Array{});
                    c.push(a.asArray()[0]);
                    c.push(a.asArray()[0]);
                    return c;
                });
            },
            k.uploaderSign),
        "duplicate-field",
        "the same target twice");
    add("channel-bad",
        set({"targets", 0, "channel"}, Json("myspace:press")),
        "bad-value",
        "a channel id of no platform");
    add("post-id-upper",
        set({"targets", 0, "post_id"}, Json(std::string(32, 'A'))),
        "bad-encoding",
        "post_id in upper-case hex");
    add("version-0", set({"targets", 0, "version"}, Json(std::int64_t{0})), "bad-value", "a target version 0");
    add("counts-not-object",
        set({"targets", 0, "counts"}, Json(std::int64_t{12})),
        "wrong-type",
        "counts as an integer");
    add("count-negative", set({"targets", 0, "counts", "likes"}, Json(std::int64_t{-1})), "bad-value", "likes -1");
    add("count-over-cap",
        set({"targets", 0, "counts", "views"}, Json(std::int64_t{1000000000000001})),
        "bad-value",
        "views 10^15 + 1");
    add("read-at-after-collected",
        set({"targets", 0, "counts", "read_at"}, Json(std::int64_t{kNow})),
        "bad-value",
        "counts read after the report was collected");
    add("note-rlo",
        set({"targets", 1, "note"}, Json("outbox\xE2\x80\xAE")),
        "bad-report-text",
        "a note with a right-to-left override");
    add("replies-unsorted",
        body(
            [](const Json& b) {
                return edit(b, {"targets", 0, "replies"}, [](const Json& a) {
                    Json c(Json::Array{});
                    c.push(a.asArray()[1]);
                    c.push(a.asArray()[0]);
                    return c;
                });
            },
            k.uploaderSign),
        "non-canonical",
        "replies not sorted by platform_id");
    add("replies-duplicate",
        body(
            [](const Json& b) {
                return edit(b, {"targets", 0, "replies"}, [](const Json& a) {
                    Json c(Json::Array{});
                    c.push(a.asArray()[0]);
                    c.push(a.asArray()[0]);
                    return c;
                });
            },
            k.uploaderSign),
        "duplicate-field",
        "the same reply twice");
    add("reply-text-8193",
        set(reply0("text"), Json(std::string(8193, 'a'))),
        "too-large",
        "a reply text of 8 193 bytes");
    add("reply-text-8192",
        set(reply0("text"), Json(std::string(8192, 'a'))),
        "OK",
        "a reply text of exactly 8 192 bytes");
    add("reply-text-rlo",
        set(reply0("text"),
            Json("abc\xE2\x80\xAE"
                 "def")),
        "bad-report-text",
        "a right-to-left override (U+202E) in a reply");
    add("reply-text-isolate",
        set(reply0("text"), Json("\xE2\x81\xA6x\xE2\x81\xA9")),
        "bad-report-text",
        "bidirectional isolates (U+2066, U+2069) in a reply");
    add("reply-text-zwsp",
        set(reply0("text"), Json("pass\xE2\x80\x8Bword")),
        "bad-report-text",
        "a zero-width space (U+200B) in a reply");
    add("reply-text-cr",
        set(reply0("text"), Json("a\r\nb")),
        "bad-report-text",
        "CRLF in a reply (plain text has LF only)");
    add("reply-text-escape",
        set(reply0("text"), Json("\x1B[2J")),
        "bad-report-text",
        "an ANSI escape (U+001B) in a reply");
    add("reply-text-c1",
        set(reply0("text"),
            Json("\xC2\x9B"
                 "2J")),
        "bad-report-text",
        "a C1 control (U+009B) in a reply");
    add("reply-name-lf",
        set(reply0("author_name"), Json("A\nReader")),
        "bad-report-text",
        "a line break in a display name");
    add("reply-name-1025",
        set(reply0("author_name"), Json(std::string(1025, 'n'))),
        "too-large",
        "a display name of 1 025 bytes");
    add("reply-id-empty", set(reply0("platform_id"), Json("")), "bad-value", "a reply without a platform id");
    add("reply-id-513",
        set(reply0("platform_id"), Json(std::string(513, 'i'))),
        "too-large",
        "a reply platform id of 513 bytes");
    add("in-reply-to-empty", set(reply0("in_reply_to"), Json("")), "bad-value", "a reply that answers nothing");
    add("reply-url-2049", set(reply0("url"), Json(std::string(2049, 'u'))), "too-large", "a reply URL of 2 049 bytes");
    add("reply-created-negative",
        set(reply0("created_at"), Json(std::int64_t{-1})),
        "bad-value",
        "a reply created at -1");
    add("reply-text-missing",
        body(
            [](const Json& b) {
                return edit(b, {"targets", 0, "replies", 0}, [](const Json& r) { return withoutMember(r, "text"); });
            },
            k.uploaderSign),
        "missing-field",
        "a reply without text");
    add("reply-unknown-member",
        set(reply0("html"), Json("<p>hi</p>")),
        "unknown-field",
        "a reply carrying the platform's HTML");
}

} // namespace postern::vectors
