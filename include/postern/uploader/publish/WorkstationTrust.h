// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleVerifier.h"
#include "postern/domain/Identity.h"
#include "postern/uploader/ledger/Ledger.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace postern::uploader {

/**
 * TrustPreview is a checked workstation identity and what trusting it would change. It is
 * shown to the admin before anything is stored, so the fingerprint can be compared aloud.
 */
struct TrustPreview
{
    domain::WorkstationIdentity identity;
    bool known = false;                   ///< this workstation key is already trusted
    std::int64_t trustedVersion = 0;      ///< newest stored policy version when known
    std::vector<std::size_t> newPolicies; ///< indexes into identity.policies to be stored
};

/**
 * previewTrust reads a workstation identity (readWorkstationIdentity verifies the envelope
 * signature and the whole policy chain from version 1) and compares it with the ledger. For a
 * known key the chain must continue what is stored under the successor rules
 * (domain::advancePolicy): a different chain is policy-fork, an older one policy-rollback.
 */
[[nodiscard]] Result<TrustPreview> previewTrust(Ledger& ledger, std::string_view identityFileText);

/**
 * commitTrust stores the workstation (name, key, fingerprint) and every new policy version in
 * one transaction. It re-runs previewTrust inside the transaction, so nothing that changed in
 * between is overwritten.
 */
[[nodiscard]] Status commitTrust(Ledger& ledger, const TrustPreview& preview, std::int64_t now);

/**
 * TrustedSet is the verifier's view of every trusted workstation, loaded from the ledger once
 * per bundle. Policy texts are held in memory so the verifier's knownPolicy callback cannot
 * hit a database error half-way through a chain check.
 */
class TrustedSet
{
public:
    /** load reads every workstation and its policy chain; bad-value if a stored policy no longer parses. */
    [[nodiscard]] Status load(Ledger& ledger);
    /** find returns the verifier's record for a workstation key, or nullptr. */
    [[nodiscard]] const bundle::TrustedWorkstation* find(const crypto::PublicKey& key) const;
    /** record returns the ledger row of a workstation key, or nullptr. */
    [[nodiscard]] const WorkstationRecord* record(const crypto::PublicKey& key) const;

private:
    struct Entry
    {
        WorkstationRecord record;
        std::map<std::int64_t, std::string> texts;
        bundle::TrustedWorkstation trusted;
    };
    std::map<crypto::PublicKey, std::unique_ptr<Entry>> m_entries;
};

} // namespace postern::uploader
