// SPDX-License-Identifier: GPL-3.0-or-later
// Policy rotation follows the TUF root-rotation rule; the table below mirrors python-tuf's
// tests/test_updater_key_rotations.py (MdVersion(keys, threshold, sigs, expected_error)).
#include "postern/domain/Policy.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::domain;

namespace {
struct Keys
{
    std::vector<crypto::SigningKey> k;
    Keys()
    {
        for (int i = 0; i < 5; ++i)
            k.push_back(crypto::SigningKey::generate());
    }
};

Policy makePolicy(const Keys& keys,
                  std::int64_t version,
                  std::vector<int> admins,
                  std::int64_t threshold,
                  const crypto::PublicKey& ws)
{
    Policy p;
    p.version = version;
    p.created = 1798761600 + version;
    p.workstation = ws;
    p.adminThreshold = threshold;
    for (int i : admins)
        p.users.push_back({"admin" + std::to_string(i),
                           keys.k[static_cast<std::size_t>(i)].publicKey(),
                           static_cast<RoleSet>(Role::Admin)});
    return p;
}

SignedPolicy sign(const Keys& keys, const Policy& p, std::vector<int> signers)
{
    std::vector<const crypto::SigningKey*> s;
    for (int i : signers)
        s.push_back(&keys.k[static_cast<std::size_t>(i)]);
    return signPolicy(p, s).value();
}
} // namespace

TEST_CASE("policy v1 needs the threshold of its own admins", "[policy]")
{
    Keys keys;
    const auto ws = crypto::SigningKey::generate().publicKey();
    CHECK(verifyPolicyRoot(sign(keys, makePolicy(keys, 1, {0, 1, 2}, 2, ws), {0, 1})).ok());
    CHECK(verifyPolicyRoot(sign(keys, makePolicy(keys, 1, {0, 1, 2}, 2, ws), {0})).code() == Errc::ThresholdNotMet);
    CHECK(verifyPolicyRoot(sign(keys, makePolicy(keys, 1, {0, 1, 2}, 2, ws), {0, 3})).code() == Errc::ThresholdNotMet);
    CHECK(verifyPolicyRoot(sign(keys, makePolicy(keys, 2, {0}, 1, ws), {0})).code() == Errc::PolicyVersionSkipped);
}

TEST_CASE("policy rotation table (old threshold AND new threshold)", "[policy]")
{
    struct Row
    {
        const char* what;
        std::vector<int> newAdmins;
        std::int64_t newThreshold;
        std::vector<int> signers;
        Errc expected;
    };
    // v1: admins {0,1,2}, threshold 2.
    const std::vector<Row> rows{
        {"same admins, 2 of 3 sign", {0, 1, 2}, 2, {0, 1}, Errc::Ok},
        {"same admins, 1 of 3 signs", {0, 1, 2}, 2, {0}, Errc::ThresholdNotMet},
        {"rotate 2 -> 3, signed by old 0,1 only", {0, 1, 3}, 2, {0, 1}, Errc::Ok},
        {"rotate to {3,4}, only new keys sign", {3, 4}, 2, {3, 4}, Errc::ThresholdNotMet},
        {"rotate to {3,4}, only old keys sign", {3, 4}, 2, {0, 1}, Errc::ThresholdNotMet},
        {"rotate to {3,4}, old 0,1 and new 3,4 sign", {3, 4}, 2, {0, 1, 3, 4}, Errc::Ok},
        {"raise threshold to 3, only 2 sign", {0, 1, 2}, 3, {0, 1}, Errc::ThresholdNotMet},
        {"raise threshold to 3, all 3 sign", {0, 1, 2}, 3, {0, 1, 2}, Errc::Ok},
        {"lower threshold to 1, one signs", {0, 1, 2}, 1, {0}, Errc::ThresholdNotMet},
        {"extra unused signature is fine", {0, 1, 2}, 2, {0, 1, 4}, Errc::Ok},
    };
    Keys keys;
    const auto ws = crypto::SigningKey::generate().publicKey();
    const auto v1 = sign(keys, makePolicy(keys, 1, {0, 1, 2}, 2, ws), {0, 1});
    for (const auto& row : rows) {
        INFO(row.what);
        const auto v2 = sign(keys, makePolicy(keys, 2, row.newAdmins, row.newThreshold, ws), row.signers);
        CHECK(verifyPolicySuccessor(v1, v2).code() == row.expected);
    }
}

TEST_CASE("policy versions must be consecutive and keep the workstation", "[policy]")
{
    Keys keys;
    const auto ws = crypto::SigningKey::generate().publicKey();
    const auto v1 = sign(keys, makePolicy(keys, 1, {0}, 1, ws), {0});
    CHECK(verifyPolicySuccessor(v1, sign(keys, makePolicy(keys, 3, {0}, 1, ws), {0})).code()
          == Errc::PolicyVersionSkipped);
    CHECK(verifyPolicySuccessor(v1, sign(keys, makePolicy(keys, 1, {0}, 1, ws), {0})).code() == Errc::PolicyRollback);
    const auto other = crypto::SigningKey::generate().publicKey();
    CHECK(verifyPolicySuccessor(v1, sign(keys, makePolicy(keys, 2, {0}, 1, other), {0})).code()
          == Errc::UnknownWorkstation);
}

TEST_CASE("advancePolicy walks a carried chain", "[policy]")
{
    Keys keys;
    const auto ws = crypto::SigningKey::generate().publicKey();
    const auto v1 = sign(keys, makePolicy(keys, 1, {0}, 1, ws), {0});
    const auto v2 = sign(keys, makePolicy(keys, 2, {0}, 1, ws), {0});
    const auto v3 = sign(keys, makePolicy(keys, 3, {0}, 1, ws), {0});
    auto known = [&](std::int64_t v) -> std::optional<std::string> {
        return v == 1 ? std::optional<std::string>(v1.fileText) : std::nullopt;
    };
    auto r = advancePolicy(v1, {v1, v2, v3}, known);
    REQUIRE(r.ok());
    CHECK(r->policy.version == 3);
    CHECK(advancePolicy(v1, {v1, v3}, known).code() == Errc::PolicyVersionSkipped);
    CHECK(advancePolicy(v2, {v1}, known).code() == Errc::PolicyRollback);
    CHECK(advancePolicy(v1, {}, known).code() == Errc::MissingField);
    // The chain starts at version 1, always (docs/bundle-format.md §6).
    CHECK(advancePolicy(v1, {v2, v3}, known).code() == Errc::PolicyVersionSkipped);
    CHECK(advancePolicy(v2, {v2}, known).code() == Errc::PolicyVersionSkipped);
    // A version at or below the trusted one that the reader holds no copy of is not taken on faith.
    const auto nothingKnown = [](std::int64_t) -> std::optional<std::string> { return std::nullopt; };
    CHECK(advancePolicy(v2, {v1, v2}, nothingKnown).code() == Errc::PolicyFork);
}

TEST_CASE("policy documents are strictly validated", "[policy]")
{
    Keys keys;
    const auto ws = crypto::SigningKey::generate().publicKey();
    Policy p = makePolicy(keys, 1, {0}, 1, ws);
    p.users.push_back({"approver", keys.k[1].publicKey(), static_cast<RoleSet>(Role::Approver)});
    p.channels.push_back({ChannelId::parse("outbox:press").value(), 1, {keys.k[1].publicKey()}, 3600});
    const auto good = sign(keys, p, {0});
    auto back = readPolicyFile(good.fileText);
    REQUIRE(back.ok());
    CHECK(back->policy.channels.size() == 1);
    CHECK(back->policy.rule(ChannelId::parse("outbox:press").value())->required == 1);

    Policy needsTwo = p;
    needsTwo.channels[0].required = 2;
    CHECK(signPolicy(needsTwo, {&keys.k[0]}).code() == Errc::BadValue);
    Policy notApprover = p;
    notApprover.channels[0].approvers = {keys.k[0].publicKey()}; // an admin without the approver role
    CHECK(signPolicy(notApprover, {&keys.k[0]}).code() == Errc::ApproverNotAuthorised);
    Policy dupName = p;
    dupName.users[1].name = dupName.users[0].name;
    CHECK(signPolicy(dupName, {&keys.k[0]}).code() == Errc::DuplicateField);
    Policy noAdmin = p;
    noAdmin.adminThreshold = 2;
    CHECK(signPolicy(noAdmin, {&keys.k[0]}).code() == Errc::BadValue);

    std::string text = good.fileText;
    CHECK(readPolicyFile(text.substr(0, text.size() - 1)).code() == Errc::Truncated);
    CHECK(readPolicyFile(std::string(kMaxPolicyBytes + 1, 'x')).code() == Errc::TooLarge);
    text.replace(text.find("\"admin_threshold\""), 17, "\"aaa\":0,\"admin_threshold\"");
    CHECK(readPolicyFile(text).code() == Errc::UnknownField);
}

TEST_CASE("policy roles: unknown is bad-value, repeated duplicate-field, reversed non-canonical", "[policy]")
{
    Keys keys;
    const auto ws = crypto::SigningKey::generate().publicKey();
    const auto good = sign(keys, makePolicy(keys, 1, {0}, 1, ws), {0});
    const auto withRoles = [&](const std::string& roles) {
        std::string text = good.fileText;
        const auto at = text.find("\"roles\":[\"admin\"]");
        REQUIRE(at != std::string::npos);
        return text.replace(at, 17, "\"roles\":" + roles);
    };
    // The body no longer matches its signature, but roles are checked while parsing, first.
    CHECK(readPolicyFile(withRoles("[\"editor\"]")).code() == Errc::BadValue);
    CHECK(readPolicyFile(withRoles("[\"admin\",\"admin\"]")).code() == Errc::DuplicateField);
    CHECK(readPolicyFile(withRoles("[\"admin\",\"author\"]")).code() == Errc::NonCanonical);
}
