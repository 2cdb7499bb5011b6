// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleVerifier.h"
#include "postern/bundle/BundleWriter.h"
#include "postern/domain/Identity.h"

#include <map>
#include <set>

namespace postern::test {

/**
 * Ceremony builds a complete, valid trust setup in memory: workstation key, uploader keys,
 * users (admin, author, two authorised approvers, one approver authorised for no channel),
 * a signed version-1 policy, and helpers to make posts, approvals and sealed bundles. Bundle
 * tests start from a valid bundle and break exactly one thing.
 */
class Ceremony
{
public:
    static constexpr std::int64_t kNow = 1798761600; // 2027-01-01T00:00:00Z

    Ceremony();

    crypto::SigningKey workstation = crypto::SigningKey::generate();
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();
    crypto::SigningKey admin = crypto::SigningKey::generate();
    crypto::SigningKey author = crypto::SigningKey::generate();
    crypto::SigningKey approver1 = crypto::SigningKey::generate();
    crypto::SigningKey approver2 = crypto::SigningKey::generate();
    crypto::SigningKey approver3 = crypto::SigningKey::generate(); ///< approver role, no channel
    domain::Policy policy;
    domain::SignedPolicy signedPolicy;
    std::map<crypto::Digest, Bytes> media;

    /** outbox is "outbox:press" (2 approvals from approver1/approver2). */
    [[nodiscard]] static domain::ChannelId outbox();
    /** bluesky is "bluesky:press.example.org" (same rule). */
    [[nodiscard]] static domain::ChannelId bluesky();

    /** addMedia registers bytes and returns a MediaRef for them. */
    domain::MediaRef addMedia(const Bytes& bytes,
                              std::string name = "photo.png",
                              std::string mime = "image/png",
                              std::string alt = "A test image");
    /** post makes valid content for the given channels. */
    [[nodiscard]] domain::PostContent post(std::string text,
                                           std::vector<domain::MediaRef> mediaRefs = {},
                                           std::vector<domain::ChannelId> channels = {outbox()});
    /** approved wraps content with approvals by the given keys (default approver1+2). */
    [[nodiscard]] bundle::ManifestPost approved(const domain::PostContent& content,
                                                std::vector<const crypto::SigningKey*> approvers = {});
    /** manifest builds a manifest with the v1 policy and the media table. */
    [[nodiscard]] bundle::Manifest manifest(std::vector<bundle::ManifestPost> posts);

    struct SealOptions
    {
        std::uint64_t sequence = 1;
        std::int64_t created = kNow;
        std::int64_t expires = kNow + 3600;
        std::optional<crypto::PublicKey> recipient;
        const crypto::SigningKey* signer = nullptr; ///< default: the workstation key
        std::optional<std::string> rawManifest;     ///< seal these bytes instead
    };
    /** seal writes a bundle to memory. */
    [[nodiscard]] Bytes seal(const bundle::Manifest& m, const SealOptions& o);
    [[nodiscard]] Bytes seal(const bundle::Manifest& m) { return seal(m, SealOptions{}); }
    /** validBundle is one approved post with one image. */
    [[nodiscard]] Bytes validBundle();

    /** trusted is the uploader's view of this workstation. */
    bundle::TrustedWorkstation trusted;
    /** seen is the replay ledger stand-in for in-memory verification. */
    std::set<bundle::BundleId> seen;
    [[nodiscard]] bundle::VerifyEnvironment env();
    [[nodiscard]] Result<bundle::VerifiedBundle> verify(ByteView bundleBytes, std::int64_t now = kNow + 60);
};

} // namespace postern::test
