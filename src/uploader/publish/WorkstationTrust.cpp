// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/publish/WorkstationTrust.h"

#include <spdlog/spdlog.h>

namespace postern::uploader {

namespace {

/** newestStored parses the newest stored policy of a workstation: the trust anchor to advance from. */
Result<domain::SignedPolicy> newestStored(const std::vector<std::pair<std::int64_t, std::string>>& texts,
                                          const crypto::PublicKey& key)
{
    if (texts.empty())
        return fail(Errc::BadValue, "the ledger holds no policy for workstation " + domain::keyFingerprint(key));
    auto parsed = domain::readPolicyFile(texts.back().second);
    if (!parsed)
        return fail(Errc::BadValue,
                    "the stored policy version " + std::to_string(texts.back().first) + " of workstation "
                        + domain::keyFingerprint(key) + " no longer parses: " + parsed.error().what());
    return std::move(parsed).value();
}

std::function<std::optional<std::string>(std::int64_t)> lookupIn(const std::map<std::int64_t, std::string>& texts)
{
    return [&texts](std::int64_t version) -> std::optional<std::string> {
        const auto it = texts.find(version);
        if (it == texts.end())
            return std::nullopt;
        return it->second;
    };
}

} // namespace

Result<TrustPreview> previewTrust(Ledger& ledger, std::string_view identityFileText)
{
    POSTERN_ASSIGN(identity, domain::readWorkstationIdentity(identityFileText));
    TrustPreview preview;
    POSTERN_ASSIGN(existing, ledger.workstation(identity.workstation));
    if (!existing) {
        for (std::size_t i = 0; i < identity.policies.size(); ++i)
            preview.newPolicies.push_back(i);
        preview.identity = std::move(identity);
        return preview;
    }
    preview.known = true;
    POSTERN_ASSIGN(stored, ledger.policies(identity.workstation));
    POSTERN_ASSIGN(trusted, newestStored(stored, identity.workstation));
    std::map<std::int64_t, std::string> texts(stored.begin(), stored.end());
    // The same successor rules as a bundle's chain: every version we hold must be byte-identical
    // (else policy-fork), a shorter chain is policy-rollback, new versions must be signed by
    // their predecessor's admins.
    POSTERN_ASSIGN(newest, domain::advancePolicy(trusted, identity.policies, lookupIn(texts)));
    (void)newest;
    preview.trustedVersion = trusted.policy.version;
    for (std::size_t i = 0; i < identity.policies.size(); ++i) {
        if (identity.policies[i].policy.version > trusted.policy.version)
            preview.newPolicies.push_back(i);
    }
    preview.identity = std::move(identity);
    return preview;
}

Status commitTrust(Ledger& ledger, const TrustPreview& preview, std::int64_t now)
{
    SqliteTransaction tx(ledger.db());
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(fresh, previewTrust(ledger, preview.identity.fileText));
    const auto& id = fresh.identity;
    if (!fresh.known) {
        WorkstationRecord record;
        record.key = id.workstation;
        record.name = id.name;
        record.fingerprint = id.fingerprint();
        record.trustedAt = now;
        POSTERN_TRY(ledger.addWorkstation(record));
    }
    for (const std::size_t i : fresh.newPolicies)
        POSTERN_TRY(ledger.addPolicy(id.workstation, id.policies[i].policy.version, id.policies[i].fileText, now));
    const std::string details = (fresh.known ? "updated " : "trusted ") + id.name + " " + id.fingerprint()
                                + " policy version " + std::to_string(id.latest().policy.version);
    POSTERN_TRY(ledger.addEvent(now, "trust", "", details));
    POSTERN_TRY(tx.commit());
    spdlog::info("workstation {} {}: policy version {} ({} new)",
                 id.fingerprint(),
                 fresh.known ? "updated" : "trusted",
                 id.latest().policy.version,
                 fresh.newPolicies.size());
    return {};
}

Status TrustedSet::load(Ledger& ledger)
{
    m_entries.clear();
    POSTERN_ASSIGN(all, ledger.workstations());
    for (auto& record : all) {
        auto entry = std::make_unique<Entry>();
        POSTERN_ASSIGN(stored, ledger.policies(record.key));
        POSTERN_ASSIGN(newest, newestStored(stored, record.key));
        entry->texts = std::map<std::int64_t, std::string>(stored.begin(), stored.end());
        entry->trusted.policy = std::move(newest);
        entry->trusted.highWater = record.highWater;
        // The entry lives on the heap, so this reference stays valid while the map grows.
        entry->trusted.knownPolicy = lookupIn(entry->texts);
        entry->record = std::move(record);
        const crypto::PublicKey key = entry->record.key;
        m_entries[key] = std::move(entry);
    }
    return {};
}

const bundle::TrustedWorkstation* TrustedSet::find(const crypto::PublicKey& key) const
{
    // Constant-time comparison for keys, as everywhere: walk every entry.
    const bundle::TrustedWorkstation* found = nullptr;
    for (const auto& [k, entry] : m_entries) {
        if (crypto::equalConstantTime(k, key))
            found = &entry->trusted;
    }
    return found;
}

const WorkstationRecord* TrustedSet::record(const crypto::PublicKey& key) const
{
    const WorkstationRecord* found = nullptr;
    for (const auto& [k, entry] : m_entries) {
        if (crypto::equalConstantTime(k, key))
            found = &entry->record;
    }
    return found;
}

} // namespace postern::uploader
