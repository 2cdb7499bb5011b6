// SPDX-License-Identifier: GPL-3.0-or-later
// Representative postern-cli commands end to end, in-process, against a real store in a
// TempDir: setup, a post through review to export, the key ceremony answered on the injected
// input, and the errors a person meets on the way with their exit codes and hints.
#include "postern/crypto/Keys.h"
#include "postern/domain/Identity.h"
#include "postern/util/Json.h"

#include "CliRun.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace postern;
using postern::test::CliStore;
using postern::test::contains;
using postern::test::Ran;

namespace {

/** idAfter is the word after `prefix` on the first line of `out` that starts with it. */
std::string idAfter(const std::string& out, const std::string& prefix)
{
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0)
            return line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size());
    }
    return {};
}

/** Team is an initialised store with a root admin, an author, two approvers and an operator. */
struct Team
{
    CliStore s;
    std::string root = s.passphraseFile("root", "root passphrase 12");
    std::string alice = s.passphraseFile("alice", "alice passphrase 12");
    std::string bob = s.passphraseFile("bob", "bob passphrase 123");
    std::string carol = s.passphraseFile("carol", "carol passphrase 12");
    std::string olga = s.passphraseFile("olga", "olga passphrase 123");

    Team()
    {
        auto init = test::runCli({"--store",
                                  s.store(),
                                  "--new-passphrase-file",
                                  root,
                                  "--kdf",
                                  "interactive",
                                  "init",
                                  "--name",
                                  "ws1",
                                  "--admin",
                                  "root"});
        REQUIRE(init.code == 0);
        CHECK(init.out.rfind("initialised workstation \"ws1\" in ", 0) == 0);
        CHECK(contains(init.out, "\n  workstation  "));
        for (const auto& [name, roles, pass] : {std::tuple{"alice", "author", alice},
                                                std::tuple{"bob", "approver", bob},
                                                std::tuple{"carol", "approver", carol},
                                                std::tuple{"olga", "operator", olga}}) {
            auto added = s.run(root,
                               {"--new-passphrase-file",
                                pass,
                                "--kdf",
                                "interactive",
                                "user",
                                "add",
                                name,
                                "--roles",
                                roles,
                                "--as",
                                "root"});
            REQUIRE(added.code == 0);
            CHECK(added.out.rfind(std::string("added user \"") + name + "\"\n", 0) == 0);
        }
        const std::string policy = s.file("policy.json",
                                          R"({"channels": [{"channel": "outbox:press", "required": 2,)"
                                          R"( "approvers": ["bob", "carol"]}]})");
        REQUIRE(s.run(root, {"policy", "set", policy, "--as", "root"}).code == 0);
    }
};

} // namespace

TEST_CASE("a post goes from draft through review to an export, in-process", "[cli][flow]")
{
    Team t;
    auto users = t.s.run("", {"user", "list", "--json"});
    REQUIRE(users.code == 0);
    auto parsed = parseJson(users.out.substr(0, users.out.size() - 1), JsonLimits{});
    REQUIRE(parsed.ok());
    CHECK(parsed->asArray().size() == 5);

    auto draft =
        t.s.run(t.alice,
                {"draft", "new", "--as", "alice", "--channel", "outbox:press", "--text", "Open day on Saturday"});
    REQUIRE(draft.code == 0);
    const std::string post = idAfter(draft.out, "created post ");
    REQUIRE(post.size() == 32);
    CHECK(contains(draft.out, "next: postern-cli submit " + post.substr(0, 12) + " --as alice"));

    auto listed = t.s.run("", {"list", "--json", "--state", "draft"});
    REQUIRE(listed.code == 0);
    CHECK(contains(listed.out, "\"id\":\"" + post + "\""));

    REQUIRE(t.s.run(t.alice, {"submit", post.substr(0, 8), "--as", "alice"}).code == 0);
    auto self = t.s.run(t.alice, {"approve", post, "--as", "alice"});
    CHECK(self.code == 3);
    CHECK(contains(self.err, "postern-cli: hint: "));
    REQUIRE(t.s.run(t.bob, {"approve", post, "--as", "bob"}).code == 0);
    auto approved = t.s.run(t.carol, {"approve", post, "--as", "carol"});
    REQUIRE(approved.code == 0);
    CHECK(contains(approved.out, "the post has every approval it needs"));
    auto shown = t.s.run("", {"show", post, "--json"});
    REQUIRE(shown.code == 0);
    CHECK(contains(shown.out, "\"state\":\"approved\""));

    // No uploader is trusted yet: exit 6, and the hint names the command that fixes it.
    const std::string bundle = (t.s.dir / "press-1.postern").string();
    auto early = t.s.run(t.olga, {"export", post, "--as", "olga", "--out", bundle});
    CHECK(early.code == 6);
    CHECK(contains(early.err, "postern-cli: hint: run `postern-cli uploader trust FILE --as ADMIN`"));

    // The key ceremony: the confirmation comes from the injected input, as if typed.
    const auto signKey = crypto::SigningKey::generate();
    const auto boxKey = crypto::BoxKey::generate();
    const std::string identity =
        t.s.file("up1.identity", domain::makeUploaderIdentity("up1", boxKey.publicKey(), signKey));
    const std::vector<std::string> trust =
        {"--store", t.s.store(), "--passphrase-file", t.root, "uploader", "trust", identity, "--as", "root"};
    auto noTerminal = test::runCli(trust, "yes\n", false);
    CHECK(noTerminal.code == 1);
    CHECK(contains(noTerminal.err, "refusing to trust an uploader without confirmation"));
    auto declined = test::runCli(trust, "no\n", true);
    CHECK(declined.code == 3);
    CHECK(contains(declined.out, "Type yes to trust this uploader: "));
    auto trusted = test::runCli(trust, "yes\n", true);
    REQUIRE(trusted.code == 0);
    CHECK(contains(trusted.out, "trusted uploader \"up1\""));

    auto exported = t.s.run(t.olga, {"export", post, "--as", "olga", "--out", bundle, "--lifetime", "2h"});
    REQUIRE(exported.code == 0);
    CHECK(exported.out.rfind("exported 1 post(s) and 0 order(s) to " + bundle + "\n", 0) == 0);
    CHECK(std::filesystem::exists(bundle));
    auto again = t.s.run(t.olga, {"export", post, "--as", "olga", "--out", bundle + ".2"});
    CHECK(again.code == 3);

    auto audit = t.s.run("", {"audit", "verify"});
    REQUIRE(audit.code == 0);
    CHECK(contains(audit.out, "OK: the audit chain of "));
}

TEST_CASE("who acts, post ids and passphrases: the errors and their exit codes", "[cli][flow]")
{
    Team t;
    const std::string wrong = t.s.passphraseFile("wrong", "not the passphrase");
    const std::string id = (t.s.dir / "id").string();

    auto again = test::runCli({"--store",
                               t.s.store(),
                               "--new-passphrase-file",
                               t.root,
                               "--kdf",
                               "interactive",
                               "init",
                               "--name",
                               "ws1",
                               "--admin",
                               "root"});
    CHECK(again.code == 1);
    CHECK(contains(again.err, "already an initialised store"));

    auto badPass = t.s.run(wrong, {"identity", "export", id, "--as", "root"});
    CHECK(badPass.code == 7);
    CHECK(contains(badPass.err, "wrong-passphrase"));
    CHECK_FALSE(std::filesystem::exists(id));

    auto noAs = t.s.run(t.root, {"identity", "export", id});
    CHECK(noAs.code == 1);
    CHECK(contains(noAs.err, "identity export needs --as USER"));
    auto nobody = t.s.run(t.root, {"identity", "export", id, "--as", "nobody"});
    CHECK(nobody.code == 1);
    CHECK(contains(nobody.err, "there is no user named \"nobody\""));
    CHECK(contains(nobody.err, "postern-cli: hint: see the users with `postern-cli user list`"));

    CHECK(contains(t.s.run("", {"show", "12345"}).err, "is not a post id"));
    auto unknown = t.s.run("", {"show", "abcdef"});
    CHECK(unknown.code == 1);
    CHECK(contains(unknown.err, "no post id starts with abcdef"));

    auto noChannel = t.s.run(t.alice, {"draft", "new", "--as", "alice", "--text", "hi"});
    CHECK(noChannel.code == 1);
    CHECK(contains(noChannel.err, "at least one --channel"));
    auto operatorDrafts =
        t.s.run(t.olga, {"draft", "new", "--as", "olga", "--channel", "outbox:press", "--text", "hi"});
    CHECK(operatorDrafts.code == 3);
    CHECK(contains(operatorDrafts.err, "not-authorised"));

    REQUIRE(t.s.run(t.root, {"identity", "export", id, "--as", "root"}).code == 0);
    CHECK(std::filesystem::exists(id));
}
