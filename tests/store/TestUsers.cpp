// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/TrustRepository.h"
#include "postern/store/UserRepository.h"

#include "StoreFixture.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;

TEST_CASE("users are stored and found by id, name and key", "[store][users]")
{
    test::StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    auto& bob = f.addUser("bob", kRoleApprover | kRoleOperator);

    const UserRecord byName = must(f.store->users().byName("ALICE")); // names ignore ASCII case
    CHECK(byName.id == alice.id());
    CHECK(byName.publicKey == alice.key.publicKey());
    CHECK(byName.keyFile == test::keyFileFor("alice"));
    CHECK(byName.hasRole(kRoleAuthor));
    CHECK_FALSE(byName.hasRole(kRoleApprover));
    CHECK(must(f.store->users().byKey(bob.key.publicKey())).name == "bob");
    CHECK(must(f.store->users().byId(bob.id())).roles == (kRoleApprover | kRoleOperator));
    CHECK(f.store->users().byName("carol").code() == Errc::NotFound);
    CHECK(f.store->users().byId(999).code() == Errc::NotFound);

    const auto all = must(f.store->users().list());
    REQUIRE(all.size() == 2);
    CHECK(all[0].name == "alice");
    CHECK(all[1].name == "bob");
}

TEST_CASE("user names and keys are unique", "[store][users]")
{
    test::StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    const auto other = test::seededKey("other");

    auto sameName = f.store->users().add({"Alice", other.publicKey(), kRoleAuthor, test::keyFileFor("other"), kT0});
    CHECK(sameName.code() == Errc::AlreadyExists);
    auto sameKey = f.store->users().add({"alice2", alice.key.publicKey(), kRoleAuthor, test::keyFileFor("alice"), kT0});
    CHECK(sameKey.code() == Errc::AlreadyExists);
    CHECK(must(f.store->users().list()).size() == 1);
}

TEST_CASE("user fields are validated", "[store][users]")
{
    test::StoreFixture f;
    const auto key = test::seededKey("dave");
    const std::string file = test::keyFileFor("dave");
    auto add = [&](std::string name, RoleMask roles, std::string keyFile = {}) {
        return f.store->users().add({std::move(name), key.publicKey(), roles, keyFile.empty() ? file : keyFile, kT0});
    };
    CHECK(add("", kRoleAuthor).code() == Errc::InvalidArgument);
    CHECK(add(std::string(65, 'd'), kRoleAuthor).code() == Errc::InvalidArgument);
    CHECK(add("line\nbreak", kRoleAuthor).code() == Errc::InvalidArgument);
    CHECK(add(" dave", kRoleAuthor).code() == Errc::InvalidArgument);
    CHECK(add("dave", 16).code() == Errc::InvalidArgument);
    CHECK(add("dave", kRoleAuthor, test::keyFileFor("erin")).code() == Errc::BadKeyFile); // someone else's file
    CHECK(add("dave", kRoleAuthor, "not a key file").code() == Errc::BadKeyFile);
    CHECK(must(f.store->users().list()).empty());

    // 64 characters are allowed even when each takes several bytes.
    std::string longName;
    for (int i = 0; i < 64; ++i)
        longName += "\xc3\xa9"; // é
    CHECK(must(add(longName, kRoleAuthor)).name == longName);
}

TEST_CASE("roles change and disabling keeps the key known", "[store][users]")
{
    test::StoreFixture f;
    auto& op = f.addUser("olive", kRoleOperator);
    must(f.store->users().setRoles(op.id(), kRoleOperator | kRoleApprover));
    CHECK(must(f.store->users().byId(op.id())).roles == (kRoleOperator | kRoleApprover));
    CHECK(f.store->users().setRoles(op.id(), 0x20).code() == Errc::InvalidArgument);

    must(f.store->users().disable(op.id()));
    must(f.store->users().disable(op.id())); // idempotent
    const UserRecord u = must(f.store->users().byKey(op.key.publicKey()));
    CHECK(u.disabled);
    CHECK(f.store->users().setRoles(op.id(), kRoleAdmin).code() == Errc::InvalidState);
    CHECK(f.store->users().disable(4242).code() == Errc::NotFound);
}

TEST_CASE("workstation-key grants round trip with a real sealed seed", "[store][users]")
{
    test::StoreFixture f;
    auto& op = f.addUser("olive", kRoleOperator);
    auto& author = f.addUser("alice", kRoleAuthor);

    const crypto::PublicKey opBox = must(crypto::boxPublicFromSigning(op.key.publicKey()));
    const Bytes sealed = must(crypto::sealTo(opBox, f.workstationKey.seed().view()));
    REQUIRE(sealed.size() == kSealedGrantBytes);
    must(f.store->users().addGrant(op.id(), sealed, kT0));

    // The operator unlocks their own key and recovers the workstation key from the grant.
    const Bytes stored = must(f.store->users().grantFor(op.id()));
    CHECK(stored == sealed);
    const crypto::SecureBuffer seed = must(crypto::openSealedWith(op.key.boxSecret(), stored));
    const crypto::SigningKey recovered = must(crypto::SigningKey::fromSeed(seed.view()));
    CHECK(recovered.publicKey() == must(f.store->workstation()).publicKey);
    // Nobody else can open it.
    CHECK(crypto::openSealedWith(author.key.boxSecret(), stored).code() == Errc::BadKeySeal);

    CHECK(f.store->users().addGrant(op.id(), sealed, kT0).code() == Errc::AlreadyExists);
    CHECK(f.store->users().addGrant(author.id(), sealed, kT0).code() == Errc::NotAuthorised);
    CHECK(f.store->users().addGrant(op.id(), Bytes(79, 1), kT0).code() == Errc::InvalidArgument);
    CHECK(f.store->users().addGrant(999, sealed, kT0).code() == Errc::NotFound);
    CHECK(f.store->users().grantFor(author.id()).code() == Errc::NotFound);

    // Losing the operator role or the account removes the grant.
    must(f.store->users().setRoles(op.id(), kRoleApprover));
    CHECK(f.store->users().grantFor(op.id()).code() == Errc::NotFound);
    must(f.store->users().setRoles(op.id(), kRoleAdmin));
    must(f.store->users().addGrant(op.id(), sealed, kT0));
    must(f.store->users().disable(op.id()));
    CHECK(f.store->users().grantFor(op.id()).code() == Errc::NotFound);
    CHECK(f.store->users().addGrant(op.id(), sealed, kT0).code() == Errc::NotAuthorised);
}

TEST_CASE("a key file may be replaced only by one for the same key", "[store][users]")
{
    test::StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    CHECK(f.store->users().setKeyFile(alice.id(), test::keyFileFor("mallory")).code() == Errc::BadKeyFile);
    CHECK(must(f.store->users().byId(alice.id())).keyFile == test::keyFileFor("alice"));
}

TEST_CASE("only one uploader is active at a time", "[store][trust]")
{
    test::StoreFixture f;
    CHECK(f.store->trust().activeUploader().code() == Errc::NoUploader);
    const auto signA = test::seededKey("uploader-a");
    const auto signB = test::seededKey("uploader-b");
    const auto boxA = crypto::BoxKey::generate();
    const auto boxB = crypto::BoxKey::generate();

    const UploaderRecord a =
        must(f.store->trust().trustUploader({"uploader A", boxA.publicKey(), signA.publicKey(), "identity A", kT0}));
    CHECK(a.active);
    CHECK(must(f.store->trust().activeUploader()).signKey == signA.publicKey());

    must(f.store->trust().trustUploader({"uploader B", boxB.publicKey(), signB.publicKey(), "identity B", kT0 + 1}));
    const UploaderRecord active = must(f.store->trust().activeUploader());
    CHECK(active.name == "uploader B");
    CHECK(active.boxKey == boxB.publicKey());
    CHECK(active.identityText == "identity B");
    const auto all = must(f.store->trust().uploaders());
    REQUIRE(all.size() == 2);
    CHECK_FALSE(all[0].active);
    CHECK(all[1].active);

    CHECK(f.store->trust().trustUploader({"", boxA.publicKey(), signA.publicKey(), "x", kT0}).code()
          == Errc::InvalidArgument);
}

TEST_CASE("policy versions must be consecutive from 1", "[store][trust]")
{
    test::StoreFixture f;
    CHECK(f.store->trust().latestPolicy().code() == Errc::NotFound);
    CHECK(f.store->trust().addPolicy(0, "v0", kT0).code() == Errc::InvalidState);
    CHECK(f.store->trust().addPolicy(2, "v2", kT0).code() == Errc::InvalidState);
    must(f.store->trust().addPolicy(1, "v1", kT0));
    CHECK(f.store->trust().addPolicy(1, "v1 again", kT0).code() == Errc::InvalidState);
    CHECK(f.store->trust().addPolicy(3, "v3", kT0).code() == Errc::InvalidState);
    must(f.store->trust().addPolicy(2, "v2", kT0 + 5));

    const PolicyRecord latest = must(f.store->trust().latestPolicy());
    CHECK(latest.version == 2);
    CHECK(latest.text == "v2");
    CHECK(latest.createdAt == kT0 + 5);
    const auto all = must(f.store->trust().policies());
    REQUIRE(all.size() == 2);
    CHECK(all[0].version == 1);
    CHECK(all[0].text == "v1");
    CHECK(all[1].version == 2);
}
