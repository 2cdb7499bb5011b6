// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: the composer's platform-limit checks, the admin's OPSEC rules and the review
// pane's previous version (docs/compose.md).
#include "postern/workflow/Workstation.h"

#include <set>

namespace postern::workflow {

namespace {

Result<domain::PostContent> parseVersion(const store::PostVersionRecord& version)
{
    POSTERN_ASSIGN(json, parseCanonicalJson(version.content, JsonLimits{}));
    return domain::PostContent::fromJson(json,
                                         "post " + version.postId + " version " + std::to_string(version.version));
}

} // namespace

Result<std::vector<compose::Violation>> Workstation::checkPost(std::string_view postId)
{
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    POSTERN_ASSIGN(current, currentVersion(record));
    POSTERN_ASSIGN(limits, channelLimits()); // the platform profile's live limits, if one applies
    return compose::checkPost(current.content, limits);
}

Result<std::vector<compose::OpsecRule>> Workstation::opsecRules()
{
    POSTERN_ASSIGN(stored, m_store->settings().get(store::kOpsecRulesKey));
    if (!stored)
        return compose::defaultOpsecRules();
    JsonLimits limits;
    limits.maxBytes = compose::kMaxOpsecRulesJsonBytes;
    limits.maxStringBytes = compose::kMaxOpsecWordsBytes;
    // Stored by setOpsecRules in canonical form; anything else means the file was edited.
    auto json = parseCanonicalJson(stored->value, limits);
    if (!json)
        return fail(json.code(),
                    "the stored OPSEC rules are damaged (" + json.error().message
                        + "); an admin should set them again with `postern-cli opsec set FILE`");
    return compose::opsecRulesFromJson(*json);
}

Status Workstation::setOpsecRules(const UnlockedUser& admin, std::vector<compose::OpsecRule> rules)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "change the OPSEC rules"));
    POSTERN_TRY(compose::validateOpsecRules(rules));
    const std::string text = compose::opsecRulesToJson(rules).serialize();
    std::size_t enabled = 0;
    for (const auto& r : rules)
        enabled += r.enabled ? 1 : 0;
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->settings().put(store::kOpsecRulesKey, text, now));
        POSTERN_TRY(m_store->audit().append(
            admin.key,
            "opsec-rules-set",
            "opsec rules",
            std::to_string(rules.size()) + " rule(s), " + std::to_string(enabled) + " enabled, list "
                + toHex(crypto::blake2b256("postern/v1/opsec-rules", asBytes(text))).substr(0, 16),
            now));
        return {};
    });
}

Result<std::vector<compose::OpsecFlag>> Workstation::opsecFlags(std::string_view postId)
{
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    POSTERN_ASSIGN(current, currentVersion(record));
    POSTERN_ASSIGN(rules, opsecRules());
    return compose::scanOpsec(current.content, rules);
}

Result<std::optional<domain::PostContent>> Workstation::previousReviewedVersion(std::string_view postId)
{
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    POSTERN_ASSIGN(rejections, m_store->reviews().rejections(record.id));
    std::set<std::int64_t> rejected;
    for (const auto& r : rejections)
        rejected.insert(r.version);
    for (std::int64_t v = record.currentVersion - 1; v >= 1; --v) {
        bool reviewed = rejected.count(v) > 0;
        if (!reviewed) {
            POSTERN_ASSIGN(approvals, m_store->reviews().approvals(record.id, v));
            reviewed = !approvals.empty();
        }
        if (!reviewed)
            continue;
        POSTERN_ASSIGN(version, m_store->posts().getVersion(record.id, v));
        POSTERN_ASSIGN(content, parseVersion(version));
        return std::optional<domain::PostContent>(std::move(content));
    }
    return std::optional<domain::PostContent>();
}

} // namespace postern::workflow
