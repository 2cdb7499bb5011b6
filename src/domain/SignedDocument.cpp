// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/SignedDocument.h"

#include <algorithm>

namespace postern::domain {

std::string signatureContext(std::string_view type)
{
    return "postern/v1/doc/" + std::string(type);
}

std::set<crypto::PublicKey> SignedDocument::validSigners(const std::vector<crypto::PublicKey>& allowed) const
{
    std::set<crypto::PublicKey> out;
    const std::string ctx = signatureContext(type);
    for (const auto& s : sigs) {
        if (std::find(allowed.begin(), allowed.end(), s.key) == allowed.end())
            continue;
        if (crypto::verifySignature(s.key, ctx, asBytes(bodyRaw), s.sig))
            out.insert(s.key);
    }
    return out;
}

bool SignedDocument::signedBy(const crypto::PublicKey& key) const
{
    return validSigners({key}).count(key) == 1;
}

Result<SignedDocument> parseSignedDocument(const Json& node,
                                           std::string_view documentText,
                                           std::string_view expectedType,
                                           std::size_t maxSignatures)
{
    if (!node.isObject())
        return fail(Errc::WrongType, "signed document must be a JSON object");
    JsonFields f(node, std::string(expectedType));
    POSTERN_ASSIGN(body, f.object("body"));
    POSTERN_ASSIGN(sigs, f.array("sigs", maxSignatures));
    POSTERN_TRY(f.finish());
    const Json* type = body->find("type");
    if (!type || type->type() != Json::Type::String)
        return fail(Errc::MissingField, "signed document has no body.type");
    if (type->asString() != expectedType)
        return fail(Errc::WrongDocumentType,
                    "expected a " + std::string(expectedType) + " document, got \"" + type->asString() + "\"");
    SignedDocument doc;
    doc.type = type->asString();
    doc.body = *body;
    doc.bodyRaw = std::string(body->rawIn(documentText));
    if (sigs->asArray().empty())
        return fail(Errc::PolicyUnsigned, "the " + doc.type + " document carries no signature");
    for (std::size_t i = 0; i < sigs->asArray().size(); ++i) {
        const Json& s = sigs->asArray()[i];
        if (!s.isObject())
            return fail(Errc::WrongType, "sigs[" + std::to_string(i) + "] must be an object");
        JsonFields sf(s, doc.type + ".sigs[" + std::to_string(i) + "]");
        POSTERN_ASSIGN(keyHex, sf.string("key"));
        POSTERN_ASSIGN(sigHex, sf.string("sig"));
        POSTERN_TRY(sf.finish());
        POSTERN_ASSIGN(key, crypto::keyFromHex(keyHex));
        POSTERN_ASSIGN(sig, crypto::signatureFromHex(sigHex));
        if (!doc.sigs.empty()) {
            if (doc.sigs.back().key == key)
                return fail(Errc::DuplicateApprover, "the same key signed the " + doc.type + " document twice");
            if (!(doc.sigs.back().key < key))
                return fail(Errc::NonCanonical, "signatures must be sorted by key");
        }
        doc.sigs.push_back({key, sig});
    }
    return doc;
}

Result<SignedDocument> readSignedFile(std::string_view fileText,
                                      std::string_view expectedType,
                                      std::size_t maxBytes,
                                      std::size_t maxSignatures)
{
    JsonLimits limits;
    limits.maxBytes = maxBytes;
    return readSignedFile(fileText, expectedType, limits, maxSignatures);
}

Result<SignedDocument> readSignedFile(std::string_view fileText,
                                      std::string_view expectedType,
                                      const JsonLimits& limits,
                                      std::size_t maxSignatures)
{
    const std::size_t maxBytes = limits.maxBytes;
    if (fileText.size() > maxBytes)
        return fail(Errc::TooLarge,
                    "the " + std::string(expectedType) + " file is " + std::to_string(fileText.size())
                        + " bytes; the limit is " + std::to_string(maxBytes));
    if (fileText.empty() || fileText.back() != '\n')
        return fail(Errc::Truncated,
                    "the " + std::string(expectedType) + " file must end with one newline; it may have been cut short");
    const std::string_view text = fileText.substr(0, fileText.size() - 1);
    POSTERN_ASSIGN(parsed, parseCanonicalJson(text, limits));
    return parseSignedDocument(parsed, text, expectedType, maxSignatures);
}

Json makeSignedDocument(const Json& body, const std::vector<const crypto::SigningKey*>& signers)
{
    const std::string raw = body.serialize();
    const Json* type = body.find("type");
    const std::string ctx = signatureContext(type ? type->asString() : std::string());
    std::vector<const crypto::SigningKey*> sorted = signers;
    std::sort(sorted.begin(), sorted.end(), [](const crypto::SigningKey* a, const crypto::SigningKey* b) {
        return a->publicKey() < b->publicKey();
    });
    Json sigs(Json::Array{});
    for (const auto* k : sorted) {
        Json s(Json::Object{});
        s.set("key", toHex(k->publicKey()));
        s.set("sig", toHex(k->sign(ctx, asBytes(raw))));
        sigs.push(std::move(s));
    }
    Json env(Json::Object{});
    env.set("body", body);
    env.set("sigs", std::move(sigs));
    return env;
}

std::string signedFileText(const Json& envelope)
{
    return envelope.serialize() + "\n";
}

} // namespace postern::domain
