// SPDX-License-Identifier: GPL-3.0-or-later
// Composer rules in the workflow, against a real store: submit refuses a post over a platform
// limit, OPSEC rules are an audited admin setting, flags are found, and the review pane gets
// the previous reviewed version for its diff.
#include "postern/compose/TextDiff.h"
#include "postern/util/FileIO.h"
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::workflow;

namespace {

crypto::SecureBuffer pass(std::string_view s)
{
    return crypto::SecureBuffer(asBytes(s));
}

// A valid 1x1 PNG (IHDR, one IDAT, IEND), so media import accepts it.
std::string pngBytes()
{
    const Bytes b = fromHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                            "0000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082")
                        .value();
    return std::string(b.begin(), b.end());
}

/** ComposeOffice: ada (admin), alice (author), bob and carol (approvers); x:press and mastodon:press need one approval.
 */
struct ComposeOffice
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    std::unique_ptr<Workstation> ws;
    domain::ChannelId x = domain::ChannelId::parse("x:press").value();

    ComposeOffice()
    {
        const auto kdf = crypto::KdfParams::interactive();
        REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kdf, clock).ok());
        ws = std::move(Workstation::open(dir / "store", clock)).value();
        auto admin = as("ada");
        using domain::Role;
        for (auto [name, role] :
             {std::pair{"alice", Role::Author}, std::pair{"bob", Role::Approver}, std::pair{"carol", Role::Approver}})
            REQUIRE(ws->addUser(admin,
                                name,
                                static_cast<domain::RoleSet>(role),
                                pass(std::string(name) + " passphrase 1"),
                                kdf)
                        .ok());
        REQUIRE(ws->setPolicy(admin, {{x, 1, {"bob", "carol"}, 86400}}).ok());
    }

    UnlockedUser as(std::string_view name)
    {
        auto u = ws->unlock(name, pass(std::string(name) + " passphrase 1"));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    DraftInput input(std::string text, std::string alt = {})
    {
        DraftInput in;
        in.channels = {{x, std::move(text), Json(Json::Object{})}};
        if (!alt.empty()) {
            const auto png = dir / "photo.png";
            REQUIRE(writeFileAtomic(png, pngBytes()).ok());
            in.media = {{png, "", "", std::move(alt)}};
        }
        return in;
    }

    std::vector<std::string> auditActions()
    {
        auto page = ws->queries().auditTail(10000);
        REQUIRE(page.ok());
        std::vector<std::string> out;
        for (const auto& entry : page->entries) {
            const auto& e = entry.record;
            out.push_back(e.action + " " + e.subject + " " + e.details);
        }
        return out;
    }
};

} // namespace

TEST_CASE("a draft may be over a limit; submitting it is refused with limit-exceeded", "[workflow][compose]")
{
    ComposeOffice o;
    auto alice = o.as("alice");
    // 281 weighted characters on X: the draft is stored (authors write over the limit)...
    auto post = o.ws->newDraft(alice, o.input(std::string(281, 'a')));
    REQUIRE(post.ok());
    auto violations = o.ws->checkPost(post->id);
    REQUIRE(violations.ok());
    REQUIRE(violations->size() == 1);
    CHECK((*violations)[0].channel == "x:press");
    CHECK((*violations)[0].offsetUtf8 == 280);
    // ...but not submitted: the error names the limit and says what to do.
    const auto refused = o.ws->submit(alice, post->id);
    REQUIRE(refused.code() == Errc::LimitExceeded);
    CHECK(errcName(refused.code()) == "limit-exceeded");
    CHECK_THAT(refused.error().message,
               Catch::Contains("X: text is 281 of 280 weighted characters") && Catch::Contains("Edit the draft"));
    auto view = o.ws->show(post->id);
    REQUIRE(view.ok());
    CHECK(view->record.state == store::PostState::Draft);
    // A URL counts 23, so the same idea with a link fits once shortened.
    REQUIRE(o.ws->editDraft(alice,
                            post->id,
                            o.input(std::string(250, 'a') + " https://example.org/" + std::string(200, 'p')))
                .ok());
    CHECK(o.ws->checkPost(post->id)->empty());
    CHECK(o.ws->submit(alice, post->id).ok());
}

TEST_CASE("OPSEC rules: defaults until an admin saves them, admin only, validated and audited", "[workflow][compose]")
{
    ComposeOffice o;
    auto rules = o.ws->opsecRules();
    REQUIRE(rules.ok());
    CHECK(*rules == compose::defaultOpsecRules());

    auto custom = compose::defaultOpsecRules();
    for (auto& r : custom) {
        if (r.id == "code-words")
            r.pattern = "nightjar, blue heron";
    }
    // Not an admin: not-authorised, nothing stored, nothing audited.
    auto alice = o.as("alice");
    const auto before = o.auditActions().size();
    CHECK(o.ws->setOpsecRules(alice, custom).code() == Errc::NotAuthorised);
    // An invalid rule is refused as a whole.
    auto admin = o.as("ada");
    auto broken = custom;
    broken.push_back({"bad", "Bad", compose::OpsecKind::Regex, "(unclosed", true});
    CHECK(o.ws->setOpsecRules(admin, broken).code() == Errc::Syntax);
    CHECK(*o.ws->opsecRules() == compose::defaultOpsecRules());
    CHECK(o.auditActions().size() == before + 1); // only ada's login

    REQUIRE(o.ws->setOpsecRules(admin, custom).ok());
    CHECK(*o.ws->opsecRules() == custom);
    const auto actions = o.auditActions();
    REQUIRE_FALSE(actions.empty());
    CHECK_THAT(actions.back(), Catch::StartsWith("opsec-rules-set opsec rules 6 rule(s), 6 enabled"));
    CHECK(o.ws->auditVerify().ok());

    // Persisted in the store: a new session sees them.
    auto reopened = Workstation::open(o.dir / "store", o.clock);
    REQUIRE(reopened.ok());
    CHECK(*(*reopened)->opsecRules() == custom);
}

TEST_CASE("OPSEC flags are found in texts and alt texts of the current version", "[workflow][compose]")
{
    ComposeOffice o;
    auto admin = o.as("ada");
    auto rules = compose::defaultOpsecRules();
    rules.back().pattern = "nightjar";
    REQUIRE(o.ws->setOpsecRules(admin, rules).ok());
    auto alice = o.as("alice");
    auto post = o.ws->newDraft(alice, o.input("Nightjar team: call 020 7946 0958", "Mast at TQ 300 800"));
    REQUIRE(post.ok());
    auto flags = o.ws->opsecFlags(post->id);
    REQUIRE(flags.ok());
    std::vector<std::string> got;
    for (const auto& f : *flags)
        got.push_back(f.ruleId + " " + f.field + " " + f.match);
    CHECK(got
          == std::vector<std::string>{"phone-national text 020 7946 0958",
                                      "code-words text Nightjar",
                                      "grid-osgb media[0].alt TQ 300 800"});
    CHECK(o.ws->opsecFlags("ffffffffffffffffffffffffffffffff").code() == Errc::NotFound);
}

TEST_CASE("the previous reviewed version is found after a reject and an edit", "[workflow][compose]")
{
    ComposeOffice o;
    auto alice = o.as("alice");
    auto post = o.ws->newDraft(alice, o.input("Meet at noon today"));
    REQUIRE(post.ok());
    // Never reviewed: nothing to compare with.
    auto none = o.ws->previousReviewedVersion(post->id);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    // An unreviewed edit (v2) is not a reviewed version either.
    REQUIRE(o.ws->editDraft(alice, post->id, o.input("Meet at noon tomorrow")).ok());
    REQUIRE(o.ws->submit(alice, post->id).ok());
    auto bob = o.as("bob");
    REQUIRE(o.ws->reject(bob, post->id, "say where").ok());
    // Rejected v2, then edited to v3: the review pane compares v3 with v2.
    REQUIRE(o.ws->editDraft(alice, post->id, o.input("Meet at the square at noon tomorrow")).ok());
    auto prev = o.ws->previousReviewedVersion(post->id);
    REQUIRE(prev.ok());
    REQUIRE(prev->has_value());
    CHECK((*prev)->version == 2);
    const auto current = o.ws->show(post->id);
    REQUIRE(current.ok());
    const auto spans = compose::diffWords((*prev)->channels[0].text, current->content.channels[0].text);
    REQUIRE(spans.size() == 3);
    CHECK(spans[1] == compose::DiffSpan{compose::DiffSpan::Added, "the square at "});
    CHECK(compose::describeContentChanges(**prev, current->content).empty());

    // An approved version counts too: v3 approved, then edited to v4, compares with v3.
    REQUIRE(o.ws->submit(alice, post->id).ok());
    REQUIRE(o.ws->approve(bob, post->id).ok());
    REQUIRE(o.ws->editDraft(alice, post->id, o.input("Meet at the square at noon on Friday")).ok());
    auto later = o.ws->previousReviewedVersion(post->id);
    REQUIRE(later.ok());
    REQUIRE(later->has_value());
    CHECK((*later)->version == 3);
}
