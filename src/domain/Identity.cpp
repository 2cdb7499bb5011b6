// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Identity.h"

namespace postern::domain {

std::string keyFingerprint(const crypto::PublicKey& key)
{
    return crypto::fingerprint(key);
}

std::string UploaderIdentity::fingerprint() const
{
    Bytes both(boxKey.begin(), boxKey.end());
    both.insert(both.end(), signKey.begin(), signKey.end());
    return crypto::fingerprint(both);
}

std::string
makeUploaderIdentity(std::string_view name, const crypto::PublicKey& boxKey, const crypto::SigningKey& signKey)
{
    Json body(Json::Object{});
    body.set("box_key", toHex(boxKey))
        .set("name", std::string(name))
        .set("sign_key", toHex(signKey.publicKey()))
        .set("type", std::string(kUploaderIdentityType));
    return signedFileText(makeSignedDocument(body, {&signKey}));
}

Result<UploaderIdentity> readUploaderIdentity(std::string_view fileText)
{
    POSTERN_ASSIGN(doc, readSignedFile(fileText, kUploaderIdentityType, 64u << 10, 1));
    JsonFields f(doc.body, "uploader-identity");
    POSTERN_ASSIGN(boxHex, f.string("box_key"));
    POSTERN_ASSIGN(name, f.string("name", 64));
    POSTERN_ASSIGN(signHex, f.string("sign_key"));
    POSTERN_ASSIGN(type, f.string("type"));
    (void)type;
    POSTERN_TRY(f.finish());
    UploaderIdentity id;
    POSTERN_ASSIGN(box, crypto::keyFromHex(boxHex));
    POSTERN_ASSIGN(sign, crypto::keyFromHex(signHex));
    if (!crypto::isValidEd25519PublicKey(sign))
        return fail(Errc::BadValue, "uploader signing key is not a valid Ed25519 key");
    if (name.empty() || !isValidUtf8(name))
        return fail(Errc::BadValue, "uploader name must be 1 to 64 bytes of UTF-8");
    if (!doc.signedBy(sign))
        return fail(Errc::BadSignature, "the uploader identity is not signed by its own key; the file was altered");
    id.name = name;
    id.boxKey = box;
    id.signKey = sign;
    id.fileText = std::string(fileText);
    return id;
}

std::string WorkstationIdentity::fingerprint() const
{
    return crypto::fingerprint(workstation);
}

Result<std::string> makeWorkstationIdentity(std::string_view name,
                                            const crypto::SigningKey& workstation,
                                            const std::vector<std::string>& policyFileTexts)
{
    Json policies(Json::Array{});
    for (const auto& text : policyFileTexts) {
        JsonLimits limits;
        limits.maxBytes = kMaxPolicyBytes;
        POSTERN_ASSIGN(parsed, parseCanonicalJson(std::string_view(text).substr(0, text.size() - 1), limits));
        policies.push(std::move(parsed));
    }
    Json body(Json::Object{});
    body.set("name", std::string(name))
        .set("policies", std::move(policies))
        .set("type", std::string(kWorkstationIdentityType))
        .set("workstation", toHex(workstation.publicKey()));
    const std::string text = signedFileText(makeSignedDocument(body, {&workstation}));
    POSTERN_TRY(readWorkstationIdentity(text)); // never hand out a file the uploader would refuse
    return text;
}

Result<WorkstationIdentity> readWorkstationIdentity(std::string_view fileText)
{
    if (fileText.size() > kMaxIdentityBytes)
        return fail(Errc::TooLarge, "workstation identity file is larger than 8 MiB");
    if (fileText.empty() || fileText.back() != '\n')
        return fail(Errc::Truncated, "workstation identity file must end with one newline");
    const std::string_view text = fileText.substr(0, fileText.size() - 1);
    JsonLimits limits;
    limits.maxBytes = kMaxIdentityBytes;
    limits.maxValues = 1u << 20;
    POSTERN_ASSIGN(parsed, parseCanonicalJson(text, limits));
    POSTERN_ASSIGN(doc, parseSignedDocument(parsed, text, kWorkstationIdentityType, 1));
    JsonFields f(doc.body, "workstation-identity");
    POSTERN_ASSIGN(name, f.string("name", 64));
    POSTERN_ASSIGN(policies, f.array("policies", kMaxPolicyChain));
    POSTERN_ASSIGN(type, f.string("type"));
    (void)type;
    POSTERN_ASSIGN(wsHex, f.string("workstation"));
    POSTERN_TRY(f.finish());
    WorkstationIdentity id;
    POSTERN_ASSIGN(ws, crypto::keyFromHex(wsHex));
    if (name.empty() || !isValidUtf8(name))
        return fail(Errc::BadValue, "workstation name must be 1 to 64 bytes of UTF-8");
    if (!doc.signedBy(ws))
        return fail(Errc::BadSignature, "the workstation identity is not signed by its workstation key");
    if (policies->asArray().empty())
        return fail(Errc::MissingField, "the workstation identity carries no policy");
    // The envelope body is embedded in `text`; each policy's raw span is relative to it.
    for (std::size_t i = 0; i < policies->asArray().size(); ++i) {
        POSTERN_ASSIGN(p, parseSignedPolicy(policies->asArray()[i], text));
        if (!crypto::equalConstantTime(p.policy.workstation, ws))
            return fail(Errc::UnknownWorkstation,
                        "policy version " + std::to_string(p.policy.version) + " names a different workstation key");
        if (i == 0) {
            POSTERN_TRY(verifyPolicyRoot(p));
        } else {
            POSTERN_TRY(verifyPolicySuccessor(id.policies.back(), p));
        }
        id.policies.push_back(std::move(p));
    }
    id.name = name;
    id.workstation = ws;
    id.fileText = std::string(fileText);
    return id;
}

} // namespace postern::domain
