// SPDX-License-Identifier: GPL-3.0-or-later
// Monitoring on Mastodon (issue 15) against tests/contract/mastodon.mjs: a post published through
// the real PublishService is read back through MastodonAdapter::collect and the ReportCollector,
// with a hostile reply (a script tag, a link whose text names another site, a bidi override),
// a reply to that reply, counts another account caused, a rate limit and a deleted post. The
// server answers with the documented Status entity (answers/mastodon/entity-status.json).
#include "postern/uploader/platforms/mastodon/MastodonAdapter.h"
#include "postern/uploader/publish/ReportCollector.h"

#include "ContractServer.h"
#include "UploaderFixture.h"

using namespace postern;
using namespace postern::uploader;
using namespace std::chrono_literals;
using postern::test::ContractServer;
using postern::test::UploaderFixture;

namespace {

const domain::ChannelId kChannel = domain::ChannelId::parse("mastodon:press@social.example").value();

Json obj(std::initializer_list<Json::Member> members)
{
    return Json(Json::Object(members));
}

/** CollectRun is an uploader home with the server's Mastodon account, one post published on it. */
struct CollectRun
{
    CollectRun() : f(false)
    {
        server.reset();
        auto& c = f.ceremony;
        c.policy.channels.push_back({kChannel, 2, {c.approver1.publicKey(), c.approver2.publicKey()}, 86400});
        c.signedPolicy = domain::signPolicy(c.policy, {&c.admin}).value();
        c.trusted.policy = c.signedPolicy;
        f.trust({c.signedPolicy.fileText});
        server.control("clock", obj({{"now", f.clock.now()}}));
        AccountSecrets s;
        s.accessToken = crypto::SecretText("press-token");
        accounts = std::make_unique<AccountStore>(f.home->ledger(), f.home->layout().hostKey, f.clock);
        REQUIRE(accounts->add(kChannel.str(), "press", server.url(), s));
        MastodonOptions o;
        o.retry.timeout = 20s;
        o.retry.sleep = [this](std::chrono::milliseconds d) { waits.push_back(d); };
        adapter = std::make_unique<MastodonAdapter>(*accounts, http, f.clock, o);
        f.service->setAdapter(domain::Platform::Mastodon, adapter.get());
        registry.set(domain::Platform::Mastodon, adapter.get());

        auto content = c.post("Our statement on the harbour project", {}, {kChannel});
        Json options(Json::Object{});
        options.set("visibility", "public");
        content.channels[0].options = options;
        const auto path = f.writeBundle(f.seal(c.manifest({c.approved(content)}), 1), "b1.postern");
        const auto report = f.publish(path, true);
        REQUIRE(report.outcome() == PublishOutcome::Done);
        statusId = report.progress.targets.at(0).record.platformId;
        REQUIRE_FALSE(statusId.empty());
    }

    /** reply makes a status of the other account answering `parent`, with `html` as its content. */
    std::string reply(const std::string& parent, const std::string& html, const std::string& name = "Other")
    {
        const Json r = server.control("status",
                                      obj({{"token", "other-token"},
                                           {"in_reply_to_id", parent},
                                           {"html", html},
                                           {"display_name", name},
                                           {"text", "unused: html is the content"}}));
        return r.find("id")->asString();
    }

    std::vector<CollectedTarget> collect()
    {
        ReportCollector collector(f.home->ledger(), registry, f.clock);
        auto out = collector.collect(30 * 86400);
        REQUIRE(out.ok());
        return *out;
    }

    ContractServer server;
    UploaderFixture f;
    HttpClient http;
    std::unique_ptr<AccountStore> accounts;
    std::unique_ptr<MastodonAdapter> adapter;
    AdapterRegistry registry;
    std::vector<std::chrono::milliseconds> waits;
    std::string statusId;
};

} // namespace

TEST_CASE("Mastodon counts and replies are read back as plain text", "[mastodon][collect]")
{
    CollectRun run;
    run.server.control("react",
                       obj({{"id", run.statusId}, {"favourites", std::int64_t{3}}, {"reblogs", std::int64_t{2}}}));
    const std::string hostile = "<p>Nice! <script>alert(1)</script> see <a href=\"https://evil.example/x\" "
                                "rel=\"nofollow noopener noreferrer\">https://bank.example/login</a> "
                                "&#x202E;gnp.exe</p><p>second&nbsp;line</p>";
    const std::string first = run.reply(run.statusId, hostile, "Other\u202Eevil");
    const std::string second = run.reply(first,
                                         "<p><span class=\"h-card\"><a href=\"https://social.example/@other\" "
                                         "class=\"u-url mention\">@<span>other</span></a></span> agreed</p>");

    auto read = run.collect();
    REQUIRE(read.size() == 1);
    const CollectedTarget& t = read[0];
    CHECK(t.read);
    CHECK(t.note == "Mastodon gives no quote or view counts");
    REQUIRE(t.counts);
    CHECK(t.counts->likes == std::optional<std::int64_t>(3));
    CHECK(t.counts->reposts == std::optional<std::int64_t>(2));
    CHECK(t.counts->replies == std::optional<std::int64_t>(1)); // direct replies only, as Mastodon counts
    CHECK(t.counts->quotes == std::nullopt);
    CHECK(t.counts->views == std::nullopt);
    CHECK(t.counts->readAt == run.f.clock.now());
    CHECK(t.repliesRead == 2);
    CHECK(t.repliesNew == 2);

    const auto& ws = run.f.ceremony.workstation.publicKey();
    auto replies = run.f.home->ledger().unreportedReplies(ws).value();
    REQUIRE(replies.size() == 2);
    const auto& r1 = replies[0].platformId == first ? replies[0] : replies[1];
    const auto& r2 = replies[0].platformId == first ? replies[1] : replies[0];
    // The script tag stays text, the link shows where it really goes, the override is visible.
    CHECK(r1.text
          == "Nice! <script>alert(1)</script> see https://bank.example/login (https://evil.example/x) "
             "[U+202E]gnp.exe\n\nsecond\u00A0line");
    CHECK(r1.authorName == "Other[U+202E]evil");
    CHECK(r1.authorHandle == "other");
    CHECK(r1.inReplyTo == run.statusId);
    CHECK(r1.url == run.server.url() + "/@other/" + first);
    CHECK(r1.createdAt == run.f.clock.now());
    CHECK(r2.text == "@other (https://social.example/@other) agreed");
    CHECK(r2.inReplyTo == first);

    // A second run stores nothing twice and adds a reading to the time series.
    run.f.clock.advance(3600);
    run.server.control("clock", obj({{"now", run.f.clock.now()}}));
    run.server.control("react", obj({{"id", run.statusId}, {"favourites", std::int64_t{5}}}));
    auto again = run.collect();
    REQUIRE(again.size() == 1);
    CHECK(again[0].repliesRead == 2);
    CHECK(again[0].repliesNew == 0);
    const TargetKey key{again[0].monitored.target.bundleId, 0, 0};
    auto series = run.f.home->ledger().countsOf(key).value();
    REQUIRE(series.size() == 2);
    CHECK(series[0].likes == std::optional<std::int64_t>(3));
    CHECK(series[1].likes == std::optional<std::int64_t>(5));
}

TEST_CASE("Mastodon collection waits out a 429 and notes a deleted post", "[mastodon][collect]")
{
    CollectRun run;
    run.server.control(
        "fault",
        obj({{"op", "GET /api/v1/statuses/:id/context"}, {"fault", "rate-limit"}, {"resetIn", std::int64_t{9}}}));
    auto read = run.collect();
    REQUIRE(read.size() == 1);
    CHECK(read[0].read);
    REQUIRE(run.waits.size() == 1);
    CHECK(run.waits[0] == 9s); // X-RateLimit-Reset, as for publishing

    REQUIRE(run.adapter->deletePost(kChannel.str(), run.statusId).ok());
    auto gone = run.collect();
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].read);
    CHECK_FALSE(gone[0].counts);
    CHECK(gone[0].note
          == "the post is no longer on Mastodon (404): deleted by the account, a moderator or the instance");
}

TEST_CASE("a refused token is a note for the target, not an error of the run", "[mastodon][collect]")
{
    CollectRun run;
    run.server.control("token", obj({{"token", "press-token"}, {"state", "revoked"}}));
    auto read = run.collect();
    REQUIRE(read.size() == 1);
    CHECK_FALSE(read[0].read);
    CHECK_FALSE(read[0].counts);
    CHECK_THAT(read[0].note, Catch::StartsWith("not read this time: Mastodon refused the access token"));
}
