// SPDX-License-Identifier: GPL-3.0-or-later
// The uploader's signed platform profile in the workflow, against a real store: admin-only
// import under the trusted uploader's key, refusal of older or foreign profiles, audit, and
// checkPost/submit judging drafts by the live limits until the profile expires.
#include "postern/domain/Identity.h"
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::workflow;

namespace {

constexpr std::int64_t kNow = 1798761600;

crypto::SecureBuffer pass(std::string_view s)
{
    return crypto::SecureBuffer(asBytes(s));
}

/** ProfileOffice: ada (admin), alice (author), bob (approver); mastodon:@press@social.example; uploader trusted. */
struct ProfileOffice
{
    test::TempDir dir;
    FixedClock clock{kNow};
    std::unique_ptr<Workstation> ws;
    crypto::SigningKey uploader = crypto::SigningKey::generate();
    domain::ChannelId masto = domain::ChannelId::parse("mastodon:@press@social.example").value();

    ProfileOffice()
    {
        const auto kdf = crypto::KdfParams::interactive();
        REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kdf, clock).ok());
        ws = std::move(Workstation::open(dir / "store", clock)).value();
        auto admin = as("ada");
        using domain::Role;
        for (auto [name, role] : {std::pair{"alice", Role::Author}, std::pair{"bob", Role::Approver}})
            REQUIRE(ws->addUser(admin,
                                name,
                                static_cast<domain::RoleSet>(role),
                                pass(std::string(name) + " passphrase 1"),
                                kdf)
                        .ok());
        REQUIRE(ws->setPolicy(admin, {{masto, 1, {"bob"}, 86400}}).ok());
        trust(uploader);
    }

    void trust(const crypto::SigningKey& key)
    {
        const auto box = crypto::BoxKey::generate();
        const std::string identity = domain::makeUploaderIdentity("uploader-1", box.publicKey(), key);
        REQUIRE(ws->trustUploader(as("ada"), identity, domain::readUploaderIdentity(identity)->fingerprint()).ok());
    }

    UnlockedUser as(std::string_view name)
    {
        auto u = ws->unlock(name, pass(std::string(name) + " passphrase 1"));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    /** profile writes a profile created at `created` setting Mastodon's max_characters. */
    std::string profile(std::int64_t created, std::int64_t maxCharacters, const crypto::SigningKey* key = nullptr)
    {
        bundle::PlatformProfile p;
        p.created = created;
        p.expires = created + 30 * 86400;
        bundle::ProfileChannel c;
        c.channel = masto;
        c.fetched = true;
        c.fetchedAt = created;
        c.limits.maxCharacters = maxCharacters;
        p.channels = {c};
        return bundle::writeProfile(p, key ? *key : uploader).value();
    }

    DraftInput input(std::string text)
    {
        DraftInput in;
        Json options(Json::Object{});
        options.set("visibility", "public");
        in.channels = {{masto, std::move(text), options}};
        return in;
    }

    std::string lastAudit()
    {
        auto page = ws->queries().auditTail(1);
        REQUIRE(page.ok());
        REQUIRE_FALSE(page->entries.empty());
        const auto& e = page->entries.back().record;
        return e.action + " " + e.subject + " " + e.details;
    }
};

} // namespace

TEST_CASE("no profile: currentProfile is empty and the built-in rules apply", "[workflow][profile]")
{
    ProfileOffice o;
    auto current = o.ws->currentProfile();
    REQUIRE(current.ok());
    CHECK_FALSE(current->has_value());
    CHECK(o.ws->channelLimits()->empty());
}

TEST_CASE("an imported profile changes what checkPost and submit accept", "[workflow][profile]")
{
    ProfileOffice o;
    auto alice = o.as("alice");
    // 600 characters: over Mastodon's default 500.
    auto post = o.ws->newDraft(alice, o.input(std::string(600, 'a')));
    REQUIRE(post.ok());
    CHECK(o.ws->checkPost(post->id)->size() == 1);
    CHECK(o.ws->submit(alice, post->id).code() == Errc::LimitExceeded);

    // Only an admin imports.
    CHECK(o.ws->importProfile(alice, o.profile(kNow - 60, 5000)).code() == Errc::NotAuthorised);
    auto admin = o.as("ada");
    auto imported = o.ws->importProfile(admin, o.profile(kNow - 60, 5000));
    REQUIRE(imported.ok());
    CHECK(imported->applies);
    CHECK(imported->profile.channels.size() == 1);
    CHECK_THAT(o.lastAudit(),
               Catch::StartsWith("profile-import platform profile 1 channel(s), created 2026-12-31T23:59:00Z, expires "
                                 "2027-01-30T23:59:00Z, file "));
    CHECK(o.ws->auditVerify().ok());

    // The instance allows 5000: the same draft now passes.
    CHECK(o.ws->checkPost(post->id)->empty());
    CHECK(o.ws->submit(alice, post->id).ok());

    // A later profile lowering the limit to 100 makes a 200-character draft fail.
    REQUIRE(o.ws->importProfile(admin, o.profile(kNow, 100)).ok());
    auto small = o.ws->newDraft(alice, o.input(std::string(200, 'a')));
    REQUIRE(small.ok());
    const auto refused = o.ws->submit(alice, small->id);
    REQUIRE(refused.code() == Errc::LimitExceeded);
    CHECK_THAT(refused.error().message, Catch::Contains("Mastodon: text is 200 of 100 characters"));

    // Persisted: a new session sees the profile.
    auto reopened = Workstation::open(o.dir / "store", o.clock);
    REQUIRE(reopened.ok());
    auto current = (*reopened)->currentProfile();
    REQUIRE(current.ok());
    REQUIRE(current->has_value());
    CHECK((*current)->profile.created == kNow);
    CHECK((*reopened)->channelLimits()->at(o.masto.str()).maxCharacters == 100);
}

TEST_CASE("importProfile refuses foreign, older, expired and future-dated profiles", "[workflow][profile]")
{
    ProfileOffice o;
    auto admin = o.as("ada");
    // bad-signature: signed by a key that is not the trusted uploader's.
    const auto stranger = crypto::SigningKey::generate();
    CHECK(o.ws->importProfile(admin, o.profile(kNow, 5000, &stranger)).code() == Errc::BadSignature);
    // future-dated: more than a day ahead.
    CHECK(o.ws->importProfile(admin, o.profile(kNow + 2 * 86400, 5000)).code() == Errc::FutureDated);
    // expired: it would be ignored at once.
    const auto expired = o.ws->importProfile(admin, o.profile(kNow - 31 * 86400, 5000));
    REQUIRE(expired.code() == Errc::Expired);
    CHECK_THAT(expired.error().message, Catch::Contains("postern-uploader profile export"));
    CHECK_FALSE(o.ws->currentProfile()->has_value());

    // invalid-state: older than the one already imported; the same one again is fine.
    REQUIRE(o.ws->importProfile(admin, o.profile(kNow, 5000)).ok());
    const auto older = o.ws->importProfile(admin, o.profile(kNow - 3600, 300));
    REQUIRE(older.code() == Errc::InvalidState);
    CHECK_THAT(older.error().message, Catch::Contains("before the one already imported"));
    CHECK(o.ws->importProfile(admin, o.profile(kNow, 5000)).ok());
    CHECK(o.ws->channelLimits()->at(o.masto.str()).maxCharacters == 5000);
}

TEST_CASE("an expired or foreign stored profile is ignored with a warning", "[workflow][profile]")
{
    ProfileOffice o;
    auto admin = o.as("ada");
    auto alice = o.as("alice");
    REQUIRE(o.ws->importProfile(admin, o.profile(kNow, 100)).ok());
    auto post = o.ws->newDraft(alice, o.input(std::string(200, 'a')));
    REQUIRE(post.ok());
    CHECK(o.ws->checkPost(post->id)->size() == 1);

    // 30 days later the profile has expired: the built-in 500 applies again.
    o.clock.advance(30 * 86400);
    auto current = o.ws->currentProfile();
    REQUIRE(current.ok());
    REQUIRE(current->has_value());
    CHECK((*current)->expired);
    CHECK_FALSE((*current)->applies);
    CHECK_THAT((*current)->warning,
               Catch::StartsWith("the platform profile expired on 2027-01-31T00:00:00Z; import a fresh one")
                   && Catch::Contains("import a fresh one") && Catch::Contains("postern-cli profile import"));
    CHECK(o.ws->channelLimits()->empty());
    CHECK(o.ws->checkPost(post->id)->empty());

    // A new uploader is trusted: the old uploader's profile no longer verifies.
    o.clock.set(kNow);
    o.trust(crypto::SigningKey::generate());
    current = o.ws->currentProfile();
    REQUIRE(current->has_value());
    CHECK_FALSE((*current)->applies);
    CHECK_THAT((*current)->warning, Catch::Contains("no longer verifies") && Catch::Contains("bad-signature"));
    CHECK(o.ws->checkPost(post->id)->empty());
}
