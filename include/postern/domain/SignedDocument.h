// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Crypto.h"
#include "postern/crypto/Keys.h"
#include "postern/util/Json.h"

#include <set>
#include <string>
#include <vector>

namespace postern::domain {

/** DocSignature is one entry of a signed document's "sigs" array. */
struct DocSignature
{
    crypto::PublicKey key{};
    crypto::Signature sig{};
};

/**
 * SignedDocument is Postern's envelope for small signed files (policy, identities,
 * receipts): the canonical JSON object {"body":{..."type":T...},"sigs":[{"key","sig"}...]}.
 * Each signature is Ed25519 over "postern/v1/doc/" + T, NUL, and the exact bytes of "body"
 * as they appear in the received document (never a re-serialisation). Signatures are sorted
 * by key with no key twice, so one key can never be counted twice.
 */
struct SignedDocument
{
    std::string type;
    Json body;
    std::string bodyRaw;
    std::vector<DocSignature> sigs;

    /** validSigners returns the distinct keys among `allowed` whose signature verifies. */
    [[nodiscard]] std::set<crypto::PublicKey> validSigners(const std::vector<crypto::PublicKey>& allowed) const;
    /** signedBy reports whether `key` made a valid signature over this document. */
    [[nodiscard]] bool signedBy(const crypto::PublicKey& key) const;
};

/** signatureContext returns "postern/v1/doc/<type>". */
[[nodiscard]] std::string signatureContext(std::string_view type);

/**
 * parseSignedDocument reads an envelope from a parsed canonical document. `node` is the
 * envelope object inside `documentText` (the whole file, or a manifest that embeds it).
 * Errors: wrong-type, missing/unknown/duplicate field, wrong-document-type, policy-unsigned
 * (no signatures), duplicate-approver (a key listed twice), bad-encoding.
 */
[[nodiscard]] Result<SignedDocument> parseSignedDocument(const Json& node,
                                                         std::string_view documentText,
                                                         std::string_view expectedType,
                                                         std::size_t maxSignatures);

/**
 * readSignedFile parses a whole file: canonical JSON followed by exactly one LF, at most
 * `maxBytes`. Trailing data, CRLF and non-canonical forms are refused.
 */
[[nodiscard]] Result<SignedDocument> readSignedFile(std::string_view fileText,
                                                    std::string_view expectedType,
                                                    std::size_t maxBytes,
                                                    std::size_t maxSignatures);
/** readSignedFile with the document's own JSON caps (§7 table); `limits.maxBytes` is the file's
 *  byte cap, LF included. Receipts need it: a legal receipt holds more values than the default. */
[[nodiscard]] Result<SignedDocument> readSignedFile(std::string_view fileText,
                                                    std::string_view expectedType,
                                                    const JsonLimits& limits,
                                                    std::size_t maxSignatures);

/** makeSignedDocument serialises `body` and signs it with each key; returns the envelope
 *  object (embed it) — use signedFileText() for the file form. */
[[nodiscard]] Json makeSignedDocument(const Json& body, const std::vector<const crypto::SigningKey*>& signers);

/** signedFileText is the file form of an envelope: canonical JSON plus one LF. */
[[nodiscard]] std::string signedFileText(const Json& envelope);

} // namespace postern::domain
