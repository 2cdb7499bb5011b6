// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Identity.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::domain;

TEST_CASE("uploader identity round trip and tamper detection", "[identity]")
{
    const auto box = crypto::BoxKey::generate();
    const auto sign = crypto::SigningKey::generate();
    const std::string text = makeUploaderIdentity("uploader-1", box.publicKey(), sign);
    auto id = readUploaderIdentity(text);
    REQUIRE(id.ok());
    CHECK(id->name == "uploader-1");
    CHECK(id->boxKey == box.publicKey());
    CHECK(id->signKey == sign.publicKey());
    CHECK(id->fingerprint().size() == 39);

    // Swapping the encryption key for an attacker's breaks the self-signature.
    std::string swapped = text;
    swapped.replace(swapped.find(toHex(box.publicKey())), 64, toHex(crypto::BoxKey::generate().publicKey()));
    CHECK(readUploaderIdentity(swapped).code() == Errc::BadSignature);
    CHECK(readUploaderIdentity(text + "x").code() == Errc::Truncated);
    CHECK(readUploaderIdentity("").code() == Errc::Truncated);
    CHECK(readUploaderIdentity(std::string(70000, '{')).code() == Errc::TooLarge);
}

TEST_CASE("workstation identity carries a verified policy chain", "[identity]")
{
    const auto ws = crypto::SigningKey::generate();
    const auto admin = crypto::SigningKey::generate();
    Policy p;
    p.workstation = ws.publicKey();
    p.users = {{"admin", admin.publicKey(), static_cast<RoleSet>(Role::Admin)}};
    const auto v1 = signPolicy(p, {&admin}).value();
    p.version = 2;
    const auto v2 = signPolicy(p, {&admin}).value();

    auto text = makeWorkstationIdentity("comms-ws", ws, {v1.fileText, v2.fileText});
    REQUIRE(text.ok());
    auto id = readWorkstationIdentity(text.value());
    REQUIRE(id.ok());
    CHECK(id->policies.size() == 2);
    CHECK(id->latest().policy.version == 2);
    CHECK(id->fingerprint() == crypto::fingerprint(ws.publicKey()));

    // A chain that starts at v2 has no root.
    CHECK(makeWorkstationIdentity("comms-ws", ws, {v2.fileText}).code() == Errc::PolicyVersionSkipped);
    // Another workstation key cannot sign for this policy.
    const auto other = crypto::SigningKey::generate();
    CHECK(makeWorkstationIdentity("comms-ws", other, {v1.fileText}).code() == Errc::UnknownWorkstation);
    // Root signed by a non-admin.
    const auto stranger = crypto::SigningKey::generate();
    p.version = 1;
    const auto badRoot = signPolicy(p, {&stranger}).value();
    CHECK(makeWorkstationIdentity("comms-ws", ws, {badRoot.fileText}).code() == Errc::ThresholdNotMet);
}

TEST_CASE("a workstation identity with an empty name is refused", "[identity]")
{
    const auto ws = crypto::SigningKey::generate();
    const auto admin = crypto::SigningKey::generate();
    Policy p;
    p.workstation = ws.publicKey();
    p.users = {{"admin", admin.publicKey(), static_cast<RoleSet>(Role::Admin)}};
    const auto v1 = signPolicy(p, {&admin}).value();
    // §5: the name is 1 to 64 bytes, like the uploader's (bad-value when empty).
    // The writer refuses it too, so edit the name into a valid file; the name is checked
    // before the signature.
    std::string text = makeWorkstationIdentity("w", ws, {v1.fileText}).value();
    text.replace(text.find("\"name\":\"w\""), 10, "\"name\":\"\"");
    CHECK(readWorkstationIdentity(text).code() == Errc::BadValue);
}
