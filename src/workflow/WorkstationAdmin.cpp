// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: creation, login, users, the key ceremony and policy versions.
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "UserKeys.h"

#include <spdlog/spdlog.h>

namespace postern::workflow {

Result<std::string> sealUserKey(const crypto::SigningKey& key,
                                const crypto::SecureBuffer& passphrase,
                                const crypto::KdfParams& kdf,
                                std::string_view name)
{
    constexpr std::string_view kUserKeyLabel = "postern user key";
    POSTERN_TRY(crypto::checkNewPassphrase(passphrase));
    return crypto::sealKeyFile(crypto::KeyKind::Ed25519,
                               key.seed(),
                               key.publicKey(),
                               passphrase,
                               kdf,
                               std::string(kUserKeyLabel) + ": " + std::string(name));
}

namespace {

Result<Bytes> grantTo(const crypto::PublicKey& userKey, const crypto::SigningKey& workstationKey)
{
    POSTERN_ASSIGN(boxKey, crypto::boxPublicFromSigning(userKey));
    return crypto::sealTo(boxKey, workstationKey.seed().view());
}
} // namespace

Result<InitResult> Workstation::init(const std::filesystem::path& dir,
                                     std::string_view workstationName,
                                     std::string_view adminName,
                                     const crypto::SecureBuffer& adminPassphrase,
                                     const crypto::KdfParams& kdf,
                                     const Clock& clock)
{
    const std::int64_t now = clock.now();
    const auto workstation = crypto::SigningKey::generate();
    const auto admin = crypto::SigningKey::generate();
    POSTERN_ASSIGN(keyFile, sealUserKey(admin, adminPassphrase, kdf, adminName));
    POSTERN_ASSIGN(s, store::WorkstationStore::create(dir, workstationName, workstation.publicKey(), now));

    domain::Policy policy;
    policy.version = 1;
    policy.created = now;
    policy.workstation = workstation.publicKey();
    policy.adminThreshold = 1;
    policy.users = {{std::string(adminName), admin.publicKey(), static_cast<domain::RoleSet>(domain::Role::Admin)}};
    POSTERN_ASSIGN(signedPolicy, domain::signPolicy(policy, {&admin}));
    POSTERN_ASSIGN(grant, grantTo(admin.publicKey(), workstation));

    POSTERN_TRY(s->transaction([&]() -> Status {
        POSTERN_ASSIGN(user,
                       s->users().add({std::string(adminName), admin.publicKey(), store::kRoleAdmin, keyFile, now}));
        POSTERN_TRY(s->users().addGrant(user.id, grant, now));
        POSTERN_TRY(s->trust().addPolicy(1, signedPolicy.fileText, now));
        POSTERN_TRY(s->audit().append(admin,
                                      "init",
                                      workstationName,
                                      "workstation " + crypto::fingerprint(workstation.publicKey()),
                                      now));
        return {};
    }));
    spdlog::info("created workstation store, workstation {}", crypto::fingerprint(workstation.publicKey()));
    InitResult r;
    r.workstationFingerprint = crypto::fingerprint(workstation.publicKey());
    r.adminFingerprint = crypto::fingerprint(admin.publicKey());
    return r;
}

Result<UnlockedUser> Workstation::unlock(std::string_view userName, const crypto::SecureBuffer& passphrase)
{
    POSTERN_ASSIGN(record, userForUnlock(userName));
    POSTERN_ASSIGN(key, openUserKey(record.keyFile, passphrase));
    return finishUnlock(std::move(record), std::move(key));
}

Result<store::UserRecord> Workstation::userForUnlock(std::string_view userName)
{
    auto record = m_store->users().byName(userName);
    if (!record)
        return fail(Errc::NotFound,
                    "there is no user called \"" + std::string(userName) + "\"; `postern-cli user list` shows them");
    if (record->disabled)
        return fail(Errc::NotAuthorised, "the account \"" + std::string(userName) + "\" is disabled");
    return std::move(record).value();
}

Result<crypto::SigningKey> Workstation::openUserKey(std::string_view keyFile, const crypto::SecureBuffer& passphrase)
{
    POSTERN_ASSIGN(opened, crypto::openKeyFile(keyFile, crypto::KeyKind::Ed25519, passphrase));
    return crypto::SigningKey::fromSeed(opened.secret.view());
}

Result<UnlockedUser> Workstation::finishUnlock(store::UserRecord record, crypto::SigningKey key)
{
    if (!crypto::equalConstantTime(key.publicKey(), record.publicKey))
        return fail(Errc::BadKeyFile, "the key file of \"" + record.name + "\" holds another user's key");
    UnlockedUser user{std::move(record), std::move(key)};
    POSTERN_TRY(m_store->audit().append(user.key, "login", user.record.name, "", m_clock.now()));
    return user;
}

Status Workstation::requireRole(const UnlockedUser& user, domain::Role role, std::string_view action) const
{
    if (!user.record.hasRole(static_cast<store::RoleMask>(role)))
        return fail(Errc::NotAuthorised,
                    user.record.name + " cannot " + std::string(action) + ": that needs the "
                        + domain::formatRoles(static_cast<domain::RoleSet>(role)) + " role");
    return {};
}

Result<crypto::SigningKey> Workstation::workstationKey(const UnlockedUser& user)
{
    auto sealed = m_store->users().grantFor(user.record.id);
    if (!sealed)
        return fail(Errc::NotAuthorised,
                    user.record.name
                        + " holds no copy of the workstation key; "
                          "only operators and admins do");
    POSTERN_ASSIGN(seed, crypto::openSealedWith(user.key.boxSecret(), sealed.value()));
    POSTERN_ASSIGN(key, crypto::SigningKey::fromSeed(seed.view()));
    POSTERN_ASSIGN(ws, m_store->workstation());
    if (!crypto::equalConstantTime(key.publicKey(), ws.publicKey))
        return fail(Errc::BadKeyFile, "the workstation-key grant of " + user.record.name + " holds another key");
    return key;
}

Result<domain::SignedPolicy> Workstation::currentPolicy()
{
    POSTERN_ASSIGN(record, m_store->trust().latestPolicy());
    return domain::readPolicyFile(record.text);
}

Result<domain::SignedPolicy>
Workstation::publishPolicy(const UnlockedUser& admin, domain::Policy next, const crypto::SigningKey* coSigner)
{
    POSTERN_ASSIGN(current, currentPolicy());
    next.version = current.policy.version + 1;
    next.created = m_clock.now();
    next.workstation = current.policy.workstation;
    if (current.policy.adminThreshold > 1)
        return fail(Errc::NotAuthorised,
                    "this policy needs " + std::to_string(current.policy.adminThreshold)
                        + " admin signatures; this version of Postern signs with one admin");
    std::vector<const crypto::SigningKey*> signers{&admin.key};
    if (coSigner)
        signers.push_back(coSigner); // an admin re-keying themselves: the next version's admin signs too
    POSTERN_ASSIGN(signedNext, domain::signPolicy(next, signers));
    POSTERN_TRY(domain::verifyPolicySuccessor(current, signedNext));
    POSTERN_TRY(m_store->trust().addPolicy(signedNext.policy.version, signedNext.fileText, m_clock.now()));
    return signedNext;
}

Result<NewUserKey>
Workstation::makeUserKey(std::string_view name, const crypto::SecureBuffer& passphrase, const crypto::KdfParams& kdf)
{
    auto key = crypto::SigningKey::generate();
    POSTERN_ASSIGN(keyFile, sealUserKey(key, passphrase, kdf, name));
    return NewUserKey{std::move(key), std::move(keyFile)};
}

Result<store::UserRecord> Workstation::addUser(const UnlockedUser& admin,
                                               std::string_view name,
                                               domain::RoleSet roles,
                                               const crypto::SecureBuffer& passphrase,
                                               const crypto::KdfParams& kdf)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "add users"));
    if (roles == 0)
        return fail(Errc::InvalidArgument, "give the new user at least one role");
    // The cheap refusals above come before the seconds of sealing.
    POSTERN_ASSIGN(made, makeUserKey(name, passphrase, kdf));
    return addUser(admin, name, roles, std::move(made));
}

Result<store::UserRecord>
Workstation::addUser(const UnlockedUser& admin, std::string_view name, domain::RoleSet roles, NewUserKey made)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "add users"));
    if (roles == 0)
        return fail(Errc::InvalidArgument, "give the new user at least one role");
    const auto& key = made.key;
    const std::string& keyFile = made.keyFile;
    const bool holdsWorkstationKey =
        domain::hasRole(roles, domain::Role::Operator) || domain::hasRole(roles, domain::Role::Admin);
    std::optional<Bytes> grant;
    if (holdsWorkstationKey) {
        POSTERN_ASSIGN(ws, workstationKey(admin));
        POSTERN_ASSIGN(g, grantTo(key.publicKey(), ws));
        grant = std::move(g);
    }
    POSTERN_ASSIGN(current, currentPolicy());
    domain::Policy next = current.policy;
    next.users.push_back({std::string(name), key.publicKey(), roles});
    const std::int64_t now = m_clock.now();
    std::optional<store::UserRecord> added;
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_ASSIGN(user, m_store->users().add({std::string(name), key.publicKey(), roles, keyFile, now}));
        if (grant)
            POSTERN_TRY(m_store->users().addGrant(user.id, *grant, now));
        POSTERN_ASSIGN(policy, publishPolicy(admin, next));
        POSTERN_TRY(m_store->audit().append(admin.key,
                                            "user-add",
                                            name,
                                            domain::formatRoles(roles) + " " + crypto::fingerprint(key.publicKey())
                                                + " policy v" + std::to_string(policy.policy.version),
                                            now));
        added = std::move(user);
        return {};
    }));
    return *added;
}

Result<domain::UploaderIdentity> Workstation::trustUploader(const UnlockedUser& admin,
                                                            std::string_view identityText,
                                                            std::string_view confirmedFingerprint)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "trust an uploader"));
    POSTERN_ASSIGN(id, domain::readUploaderIdentity(identityText));
    if (confirmedFingerprint != id.fingerprint())
        return fail(Errc::BadValue,
                    "the fingerprint you confirmed (" + std::string(confirmedFingerprint)
                        + ") is not this uploader's; compare it again with the uploader host");
    const std::int64_t now = m_clock.now();
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->trust().trustUploader({id.name, id.boxKey, id.signKey, id.fileText, now}));
        POSTERN_TRY(m_store->audit().append(admin.key, "uploader-trust", id.name, id.fingerprint(), now));
        return {};
    }));
    return id;
}

Result<std::string> Workstation::exportIdentity(const UnlockedUser& admin)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "export the workstation identity"));
    POSTERN_ASSIGN(ws, workstationKey(admin));
    POSTERN_ASSIGN(record, m_store->workstation());
    POSTERN_ASSIGN(policies, m_store->trust().policies());
    std::vector<std::string> texts;
    for (const auto& p : policies)
        texts.push_back(p.text);
    POSTERN_ASSIGN(text, domain::makeWorkstationIdentity(record.name, ws, texts));
    POSTERN_TRY(m_store->audit().append(admin.key,
                                        "identity-export",
                                        record.name,
                                        "policy v" + std::to_string(policies.back().version),
                                        m_clock.now()));
    return text;
}

Result<domain::SignedPolicy> Workstation::setPolicy(const UnlockedUser& admin,
                                                    const std::vector<ChannelRuleInput>& rules)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "change the approval policy"));
    POSTERN_ASSIGN(current, currentPolicy());
    domain::Policy next = current.policy;
    next.channels.clear();
    for (const auto& r : rules) {
        domain::ChannelRule rule;
        rule.channel = r.channel;
        rule.required = r.required;
        rule.maxLifetime = r.maxLifetime;
        for (const auto& name : r.approvers) {
            const domain::PolicyUser* u = next.userByName(name);
            if (!u)
                return fail(Errc::NotFound,
                            "policy for " + r.channel.str() + " names \"" + name
                                + "\", who is not a user; add them first with `postern-cli user add`");
            if (!domain::hasRole(u->roles, domain::Role::Approver))
                return fail(Errc::ApproverNotAuthorised,
                            name + " is listed as an approver for " + r.channel.str()
                                + " but does not have the approver role");
            rule.approvers.push_back(u->key);
        }
        next.channels.push_back(std::move(rule));
    }
    std::optional<domain::SignedPolicy> result;
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_ASSIGN(policy, publishPolicy(admin, next));
        POSTERN_TRY(m_store->audit().append(admin.key,
                                            "policy-set",
                                            "policy v" + std::to_string(policy.policy.version),
                                            std::to_string(rules.size()) + " channel rule(s)",
                                            m_clock.now()));
        // Approved posts whose approvals no longer meet the new rules go back to review.
        POSTERN_TRY(afterUserChange(admin, policy, 0, true));
        result = std::move(policy);
        return {};
    }));
    return *result;
}

Status Workstation::auditVerify()
{
    return m_store->audit().verify();
}

} // namespace postern::workflow
