// SPDX-License-Identifier: GPL-3.0-or-later
// Changing users after they exist: roles, disabling, key rotation and passphrase changes, each
// checked against the policy chain the uploader would accept and the audit chain.
#include "postern/bundle/BundleVerifier.h"
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace postern;
using namespace postern::workflow;
using domain::Role;

namespace {
crypto::SecureBuffer pass(std::string_view s)
{
    return crypto::SecureBuffer(asBytes(s));
}

const crypto::KdfParams kKdf = crypto::KdfParams::interactive();

constexpr domain::RoleSet roles(std::initializer_list<Role> list)
{
    domain::RoleSet set = 0;
    for (const Role r : list)
        set |= static_cast<domain::RoleSet>(r);
    return set;
}

const domain::ChannelId kPress = domain::ChannelId::parse("outbox:press").value();

struct Office
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    std::unique_ptr<Workstation> ws;
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();
    std::string uploaderIdentity = domain::makeUploaderIdentity("uploader-1", uploaderBox.publicKey(), uploaderSign);

    Office()
    {
        REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kKdf, clock).ok());
        auto opened = Workstation::open(dir / "store", clock);
        REQUIRE(opened.ok());
        ws = std::move(opened).value();
        auto admin = as("ada");
        auto add = [&](const char* name, domain::RoleSet r) {
            REQUIRE(ws->addUser(admin, name, r, pass(std::string(name) + " passphrase 1"), kKdf).ok());
        };
        add("alice", roles({Role::Author}));
        add("bob", roles({Role::Approver}));
        add("carol", roles({Role::Approver}));
        add("dave", roles({Role::Approver}));
        add("olga", roles({Role::Operator}));
        auto id = domain::readUploaderIdentity(uploaderIdentity).value();
        REQUIRE(ws->trustUploader(admin, uploaderIdentity, id.fingerprint()).ok());
        REQUIRE(ws->setPolicy(admin, {{kPress, 2, {"bob", "carol", "dave"}, 86400}}).ok());
    }

    UnlockedUser as(std::string_view name, std::string_view passphrase = {})
    {
        auto u = ws->unlock(name, pass(passphrase.empty() ? std::string(name) + " passphrase 1" : passphrase));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    std::string submitted(const std::string& text)
    {
        auto alice = as("alice");
        DraftInput in;
        in.channels = {{kPress, text, Json(Json::Object{})}};
        auto post = ws->newDraft(alice, in);
        REQUIRE(post.ok());
        REQUIRE(ws->submit(alice, post->id).ok());
        return post->id;
    }

    store::PostState state(const std::string& id) { return ws->show(id)->record.state; }

    /**
     * inspect opens a second connection to the store, for what no front-end reads and so no
     * query offers (key grants, every stored policy text): the workflow keeps its own private.
     */
    std::unique_ptr<store::WorkstationStore> inspect()
    {
        auto opened = store::WorkstationStore::open(dir / "store");
        REQUIRE(opened.ok());
        return std::move(opened).value();
    }

    bool hasGrant(std::string_view name)
    {
        auto user = ws->queries().user(name);
        REQUIRE(user.ok());
        return inspect()->users().grantFor(user->id).ok();
    }

    /** policyChainAccepted replays every stored version the way the uploader does, from v1. */
    bool policyChainAccepted()
    {
        auto records = inspect()->trust().policies();
        REQUIRE(records.ok());
        std::vector<domain::SignedPolicy> chain;
        for (const auto& r : *records)
            chain.push_back(domain::readPolicyFile(r.text).value());
        REQUIRE(domain::verifyPolicyRoot(chain.front()).ok());
        auto newest = domain::advancePolicy(chain.front(), chain, [&](std::int64_t v) -> std::optional<std::string> {
            return v == 1 ? std::optional<std::string>(chain.front().fileText) : std::nullopt;
        });
        return newest.ok() && newest->policy.version == chain.back().policy.version;
    }

    /** uploaderAccepts runs the uploader's verifier on a bundle, trusting only policy v1. */
    Status uploaderAccepts(const std::filesystem::path& bundleFile)
    {
        auto identityText = ws->exportIdentity(as("ada"));
        REQUIRE(identityText.ok());
        auto identity = domain::readWorkstationIdentity(identityText.value());
        REQUIRE(identity.ok());
        bundle::TrustedWorkstation trusted;
        trusted.policy = identity->policies.front();
        trusted.knownPolicy = [&](std::int64_t v) -> std::optional<std::string> {
            return identity->policies[static_cast<std::size_t>(v - 1)].fileText;
        };
        bundle::VerifyEnvironment env;
        env.uploaderKey = &uploaderBox;
        env.findWorkstation = [&](const crypto::PublicKey& k) {
            return k == identity->workstation ? &trusted : nullptr;
        };
        env.seen = [](const bundle::BundleId&) -> Result<bool> { return false; };
        bundle::FileSource src;
        REQUIRE(src.open(bundleFile).ok());
        bundle::VerifyOptions opt;
        opt.now = clock.now() + 10;
        auto verified = bundle::verifyBundle(src, env, opt, nullptr);
        if (!verified)
            return verified.error();
        return {};
    }
};

const domain::PolicyUser* inPolicy(Workstation& ws, std::string_view name)
{
    static domain::SignedPolicy latest;
    latest = ws.currentPolicy().value();
    return latest.policy.userByName(name);
}

bool approvesPress(Workstation& ws, const crypto::PublicKey& key)
{
    auto p = ws.currentPolicy().value();
    const auto* rule = p.policy.rule(kPress);
    return std::find(rule->approvers.begin(), rule->approvers.end(), key) != rule->approvers.end();
}
} // namespace

TEST_CASE("a role change publishes a policy version the uploader accepts", "[workflow][users]")
{
    Office o;
    auto ada = o.as("ada");
    const auto before = o.ws->currentPolicy()->policy.version;
    const auto bobKey = o.ws->queries().user("bob")->publicKey;

    REQUIRE(o.ws->setUserRoles(ada, "bob", roles({Role::Author})).ok());
    CHECK(o.ws->currentPolicy()->policy.version == before + 1);
    CHECK(inPolicy(*o.ws, "bob")->roles == roles({Role::Author}));
    CHECK_FALSE(approvesPress(*o.ws, bobKey)); // off the approver lists with the role
    CHECK(o.ws->queries().user("bob")->roles == roles({Role::Author}));
    CHECK(o.policyChainAccepted());

    // 2 of {carol, dave}: taking carol off too would leave the channel unable to approve anything.
    auto refused = o.ws->setUserRoles(ada, "carol", roles({Role::Author}));
    CHECK(refused.code() == Errc::BadValue);
    CHECK(refused.error().message.find("outbox:press") != std::string::npos);
    CHECK(o.ws->currentPolicy()->policy.version == before + 1);

    // Operator and admin roles carry the workstation-key grant; losing both removes it.
    CHECK_FALSE(o.hasGrant("alice"));
    REQUIRE(o.ws->setUserRoles(ada, "alice", roles({Role::Author, Role::Operator})).ok());
    CHECK(o.hasGrant("alice"));
    REQUIRE(o.ws->setUserRoles(ada, "alice", roles({Role::Author})).ok());
    CHECK_FALSE(o.hasGrant("alice"));
    CHECK(o.policyChainAccepted());
    CHECK(o.ws->auditVerify().ok());

    CHECK(o.ws->setUserRoles(ada, "alice", 0).code() == Errc::InvalidArgument);
    CHECK(o.ws->setUserRoles(ada, "nobody", roles({Role::Author})).code() == Errc::NotFound);
}

TEST_CASE("only admins change users, and the last admin stays", "[workflow][users]")
{
    Office o;
    auto ada = o.as("ada");
    auto bob = o.as("bob");
    CHECK(o.ws->setUserRoles(bob, "carol", roles({Role::Author})).code() == Errc::NotAuthorised);
    CHECK(o.ws->disableUser(bob, "carol").code() == Errc::NotAuthorised);
    CHECK(o.ws->rotateUserKey(bob, "carol", pass("a new passphrase"), kKdf).code() == Errc::NotAuthorised);

    CHECK(o.ws->disableUser(ada, "ada").code() == Errc::NotAuthorised);
    CHECK(o.ws->setUserRoles(ada, "ada", roles({Role::Author})).code() == Errc::InvalidState);

    REQUIRE(o.ws->addUser(ada, "eve", roles({Role::Admin}), pass("eve passphrase 1"), kKdf).ok());
    auto eve = o.as("eve");
    REQUIRE(o.ws->disableUser(eve, "ada").ok());
    CHECK(o.ws->unlock("ada", pass("ada passphrase 1")).code() == Errc::NotAuthorised);
    CHECK(inPolicy(*o.ws, "ada") == nullptr);
    CHECK(o.ws->disableUser(eve, "ada").ok()); // twice is a no-op
    // ada's stale session cannot take away eve's admin role: she is the last enabled admin.
    auto last = o.ws->setUserRoles(ada, "eve", roles({Role::Author}));
    CHECK(last.code() == Errc::InvalidState);
    CHECK(last.error().message.find("last enabled admin") != std::string::npos);
    CHECK(o.policyChainAccepted());
    CHECK(o.ws->auditVerify().ok());
}

TEST_CASE("disabling an approver voids their approvals of unexported versions", "[workflow][users]")
{
    Office o;
    const std::string id = o.submitted("Open day on Saturday");
    REQUIRE(o.ws->approve(o.as("bob"), id).ok());
    REQUIRE(o.ws->approve(o.as("carol"), id).ok());
    REQUIRE(o.state(id) == store::PostState::Approved);

    REQUIRE(o.ws->disableUser(o.as("ada"), "bob").ok());
    CHECK(o.state(id) == store::PostState::InReview);
    CHECK(o.ws->show(id)->record.lastReason.find("fresh approval") != std::string::npos);
    CHECK(o.ws->unlock("bob", pass("bob passphrase 1")).code() == Errc::NotAuthorised);
    CHECK(o.ws->exportBundle(o.as("olga"), {id}, o.dir / "x.postern", 3600).code() == Errc::NotApproved);

    REQUIRE(o.ws->approve(o.as("dave"), id).ok());
    REQUIRE(o.state(id) == store::PostState::Approved);
    const auto out = o.dir / "bundle.postern";
    REQUIRE(o.ws->exportBundle(o.as("olga"), {id}, out, 3600).ok());
    CHECK(o.uploaderAccepts(out).ok());
    CHECK(o.ws->auditVerify().ok());
}

TEST_CASE("a disabled author's posts in review go back to draft", "[workflow][users]")
{
    Office o;
    const std::string id = o.submitted("Open day on Saturday");
    REQUIRE(o.ws->disableUser(o.as("ada"), "alice").ok());
    CHECK(o.state(id) == store::PostState::Draft);
    CHECK(o.ws->show(id)->record.lastReason.find("author") != std::string::npos);
}

TEST_CASE("key rotation replaces the key and voids the old key's approvals", "[workflow][users]")
{
    Office o;
    const std::string id = o.submitted("Open day on Saturday");
    REQUIRE(o.ws->approve(o.as("bob"), id).ok());
    REQUIRE(o.ws->approve(o.as("carol"), id).ok());
    REQUIRE(o.state(id) == store::PostState::Approved);
    const auto oldBob = o.ws->queries().user("bob").value();
    const auto before = o.ws->currentPolicy()->policy.version;

    CHECK(o.ws->rotateUserKey(o.as("ada"), "bob", pass("short"), kKdf).code() == Errc::InvalidArgument);
    auto rotated = o.ws->rotateUserKey(o.as("ada"), "bob", pass("bob passphrase 2"), kKdf);
    REQUIRE(rotated.ok());
    CHECK(rotated->name == "bob");
    CHECK(rotated->roles == oldBob.roles);
    CHECK_FALSE(crypto::equalConstantTime(rotated->publicKey, oldBob.publicKey));

    // Old passphrase no longer unlocks "bob"; the new one does, with the new key.
    CHECK(o.ws->unlock("bob", pass("bob passphrase 1")).code() == Errc::WrongPassphrase);
    auto newBob = o.as("bob", "bob passphrase 2");
    CHECK(crypto::equalConstantTime(newBob.key.publicKey(), rotated->publicKey));

    // The old account is kept, disabled, under a new name so its history still verifies.
    const auto users = o.ws->queries().users().value();
    const auto retired = std::find_if(users.begin(), users.end(), [&](const store::UserRecord& u) {
        return crypto::equalConstantTime(u.publicKey, oldBob.publicKey);
    });
    REQUIRE(retired != users.end());
    CHECK(retired->disabled);
    CHECK(retired->name.rfind("bob (retired ", 0) == 0);

    // The next policy swaps the key everywhere.
    CHECK(o.ws->currentPolicy()->policy.version == before + 1);
    CHECK(crypto::equalConstantTime(inPolicy(*o.ws, "bob")->key, rotated->publicKey));
    CHECK(approvesPress(*o.ws, rotated->publicKey));
    CHECK_FALSE(approvesPress(*o.ws, oldBob.publicKey));
    CHECK(o.policyChainAccepted());

    // bob's approval by the old key no longer counts; with the new key he can approve again.
    CHECK(o.state(id) == store::PostState::InReview);
    REQUIRE(o.ws->approve(newBob, id).ok());
    REQUIRE(o.state(id) == store::PostState::Approved);
    const auto out = o.dir / "bundle.postern";
    REQUIRE(o.ws->exportBundle(o.as("olga"), {id}, out, 3600).ok());
    CHECK(o.uploaderAccepts(out).ok());
    CHECK(o.ws->auditVerify().ok());
}

TEST_CASE("an operator's and an admin's own key rotation keep the workstation key usable", "[workflow][users]")
{
    Office o;
    auto rotatedOlga = o.ws->rotateUserKey(o.as("ada"), "olga", pass("olga passphrase 2"), kKdf);
    REQUIRE(rotatedOlga.ok());
    CHECK(o.hasGrant("olga"));

    // ada re-keys herself: the new key co-signs the policy version that introduces it.
    auto rotatedAda = o.ws->rotateUserKey(o.as("ada"), "ada", pass("ada passphrase 2"), kKdf);
    REQUIRE(rotatedAda.ok());
    CHECK(o.policyChainAccepted());
    auto ada = o.as("ada", "ada passphrase 2");
    CHECK(o.ws->exportIdentity(ada).ok()); // holds a working grant
    CHECK(o.ws->setUserRoles(ada, "alice", roles({Role::Author, Role::Approver})).ok());
    CHECK(o.policyChainAccepted());
    CHECK(o.ws->auditVerify().ok());
}

TEST_CASE("changing one's passphrase keeps the key", "[workflow][users]")
{
    Office o;
    auto carol = o.as("carol");
    CHECK(o.ws->changePassphrase(carol, pass("not carol's"), pass("carol passphrase 2"), kKdf).code()
          == Errc::WrongPassphrase);
    CHECK(o.ws->changePassphrase(carol, pass("carol passphrase 1"), pass("short"), kKdf).code()
          == Errc::InvalidArgument);
    REQUIRE(o.ws->changePassphrase(carol, pass("carol passphrase 1"), pass("carol passphrase 2"), kKdf).ok());
    CHECK(o.ws->unlock("carol", pass("carol passphrase 1")).code() == Errc::WrongPassphrase);
    auto again = o.as("carol", "carol passphrase 2");
    CHECK(crypto::equalConstantTime(again.key.publicKey(), carol.key.publicKey()));
    CHECK(o.ws->auditVerify().ok());
}
