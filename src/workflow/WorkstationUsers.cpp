// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: changing users after they exist — roles, disabling, key rotation, passphrase.
// Every change that touches a user in the signed policy publishes the next policy version in
// the same transaction as the store change and its audit entry, so the uploader (which only
// trusts the policy) and the workstation never disagree about who may do what.
#include "postern/workflow/Workstation.h"

#include "UserKeys.h"

#include <algorithm>

namespace postern::workflow {

namespace {
bool holdsWorkstationKey(domain::RoleSet roles)
{
    return domain::hasRole(roles, domain::Role::Operator) || domain::hasRole(roles, domain::Role::Admin);
}

/** dropApprover takes `key` off every channel's approver list; bad-value if a rule then cannot be met. */
Status dropApprover(domain::Policy& policy, const crypto::PublicKey& key, std::string_view name)
{
    for (auto& rule : policy.channels) {
        auto it = std::find(rule.approvers.begin(), rule.approvers.end(), key);
        if (it == rule.approvers.end())
            continue;
        rule.approvers.erase(it);
        if (static_cast<std::size_t>(rule.required) > rule.approvers.size())
            return fail(Errc::BadValue,
                        rule.channel.str() + " needs " + std::to_string(rule.required)
                            + " approvals and would have only " + std::to_string(rule.approvers.size())
                            + " approver(s) without " + std::string(name)
                            + "; first add another approver to that channel or lower its required approvals");
    }
    return {};
}

/** retiredName is "NAME (retired XXXX-XXXX)", shortened to the 64-character limit on a code point boundary. */
std::string retiredName(const std::string& name, const crypto::PublicKey& oldKey)
{
    const std::string suffix = " (retired " + crypto::fingerprint(oldKey).substr(0, 9) + ")";
    const std::size_t maxBase = store::kMaxUserNameChars - suffix.size();
    std::size_t chars = 0;
    std::size_t end = 0;
    while (end < name.size() && chars < maxBase) {
        ++end;
        while (end < name.size() && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80)
            ++end; // stay on a code point boundary
        ++chars;
    }
    std::string base = name.substr(0, end);
    while (!base.empty() && base.back() == ' ')
        base.pop_back();
    return base + suffix;
}
} // namespace

Status Workstation::afterUserChange(const UnlockedUser& admin,
                                    const domain::SignedPolicy& policy,
                                    std::int64_t affectedUserId,
                                    bool stillAuthor)
{
    const std::int64_t now = m_clock.now();
    const std::string version = "policy v" + std::to_string(policy.policy.version);
    auto eachPost = [&](store::PostFilter filter, const std::function<Status(const store::PostRecord&)>& fn) -> Status {
        filter.limit = 500;
        for (filter.offset = 0;; filter.offset += filter.limit) {
            POSTERN_ASSIGN(page, m_store->posts().list(filter));
            for (const auto& p : page)
                POSTERN_TRY(fn(p));
            if (static_cast<std::int64_t>(page.size()) < filter.limit)
                return {};
        }
    };
    // The uploader accepts only posts whose author is in the policy with the author role, so an
    // author who is gone can no longer take a post through review: send it back to draft.
    if (!stillAuthor) {
        const std::string reason = "the author's account was disabled, re-keyed or lost the author role (" + version
                                   + "); an author must copy the text into a new post";
        for (const auto state : {store::PostState::InReview, store::PostState::Approved}) {
            store::PostFilter filter;
            filter.state = state;
            filter.authorId = affectedUserId;
            // Moving a post out of the filtered state shifts the pages, so restart from the top.
            while (true) {
                filter.limit = 500;
                POSTERN_ASSIGN(page, m_store->posts().list(filter));
                for (const auto& p : page) {
                    POSTERN_TRY(m_store->reviews().transition(p.id, {state}, store::PostState::Draft, reason, now));
                    POSTERN_TRY(m_store->audit().append(admin.key, "post-return", p.id, reason, now));
                }
                if (static_cast<std::int64_t>(page.size()) < filter.limit)
                    break;
            }
        }
    }
    // Approved posts whose approvals no longer meet the new policy go back to review.
    std::vector<std::string> requeue;
    store::PostFilter approved;
    approved.state = store::PostState::Approved;
    POSTERN_TRY(eachPost(approved, [&](const store::PostRecord& p) -> Status {
        POSTERN_ASSIGN(current, currentVersion(p));
        POSTERN_ASSIGN(approvals, approvalsOf(p, current.content, policy.policy));
        if (!domain::checkApprovals(current.content, current.digest, approvals, policy.policy).ok())
            requeue.push_back(p.id);
        return {};
    }));
    const std::string reason = "its approvals no longer meet " + version + "; it needs a fresh approval";
    for (const auto& id : requeue) {
        POSTERN_TRY(
            m_store->reviews().transition(id, {store::PostState::Approved}, store::PostState::InReview, reason, now));
        POSTERN_TRY(m_store->audit().append(admin.key, "post-requeue", id, reason, now));
    }
    return {};
}

Status Workstation::setUserRoles(const UnlockedUser& admin, std::string_view name, domain::RoleSet roles)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "change users' roles"));
    if (roles == 0)
        return fail(Errc::InvalidArgument,
                    "give " + std::string(name) + " at least one role; to remove an account, disable it instead");
    POSTERN_ASSIGN(target, m_store->users().byName(name));
    if (target.disabled)
        return fail(Errc::InvalidState, target.name + " is disabled; a disabled account cannot be given roles");
    const bool wasAdmin = domain::hasRole(target.roles, domain::Role::Admin);
    const bool staysAdmin = domain::hasRole(roles, domain::Role::Admin);
    if (wasAdmin && !staysAdmin) {
        if (target.id == admin.record.id)
            return fail(Errc::InvalidState,
                        "you cannot take away your own admin role; ask another admin to do it, so the policy "
                        "version that removes it is signed by an admin who stays one");
        POSTERN_ASSIGN(users, m_store->users().list());
        const auto admins = std::count_if(users.begin(), users.end(), [&](const store::UserRecord& u) {
            return !u.disabled && u.id != target.id && u.hasRole(store::kRoleAdmin);
        });
        if (admins == 0)
            return fail(Errc::InvalidState,
                        target.name + " is the last enabled admin; make someone else an admin first");
    }

    POSTERN_ASSIGN(current, currentPolicy());
    domain::Policy next = current.policy;
    for (auto& u : next.users)
        if (crypto::equalConstantTime(u.key, target.publicKey))
            u.roles = roles;
    if (!domain::hasRole(roles, domain::Role::Approver))
        POSTERN_TRY(dropApprover(next, target.publicKey, target.name));

    std::optional<Bytes> grant;
    const bool hadGrant = m_store->users().grantFor(target.id).ok();
    if (holdsWorkstationKey(roles) && !hadGrant) {
        POSTERN_ASSIGN(ws, workstationKey(admin));
        POSTERN_ASSIGN(boxKey, crypto::boxPublicFromSigning(target.publicKey));
        POSTERN_ASSIGN(g, crypto::sealTo(boxKey, ws.seed().view()));
        grant = std::move(g);
    }
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        // UserRepository::setRoles removes the grant itself when both operator and admin go.
        POSTERN_TRY(m_store->users().setRoles(target.id, roles));
        if (grant)
            POSTERN_TRY(m_store->users().addGrant(target.id, *grant, now));
        POSTERN_ASSIGN(policy, publishPolicy(admin, next));
        POSTERN_TRY(m_store->audit().append(admin.key,
                                            "user-roles",
                                            target.name,
                                            domain::formatRoles(target.roles) + " -> " + domain::formatRoles(roles)
                                                + " policy v" + std::to_string(policy.policy.version),
                                            now));
        return afterUserChange(admin, policy, target.id, domain::hasRole(roles, domain::Role::Author));
    });
}

Status Workstation::disableUser(const UnlockedUser& admin, std::string_view name)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "disable users"));
    POSTERN_ASSIGN(target, m_store->users().byName(name));
    if (target.disabled)
        return {};
    if (target.id == admin.record.id)
        return fail(Errc::NotAuthorised,
                    "you cannot disable your own account while logged in with it; ask another admin to do it");
    if (target.hasRole(store::kRoleAdmin)) {
        POSTERN_ASSIGN(users, m_store->users().list());
        const auto admins = std::count_if(users.begin(), users.end(), [&](const store::UserRecord& u) {
            return !u.disabled && u.id != target.id && u.hasRole(store::kRoleAdmin);
        });
        if (admins == 0)
            return fail(Errc::InvalidState,
                        target.name + " is the last enabled admin; make someone else an admin first");
    }
    POSTERN_ASSIGN(current, currentPolicy());
    domain::Policy next = current.policy;
    POSTERN_TRY(dropApprover(next, target.publicKey, target.name));
    std::erase_if(next.users,
                  [&](const domain::PolicyUser& u) { return crypto::equalConstantTime(u.key, target.publicKey); });
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->users().disable(target.id));
        POSTERN_ASSIGN(policy, publishPolicy(admin, next));
        POSTERN_TRY(m_store->audit().append(admin.key,
                                            "user-disable",
                                            target.name,
                                            domain::keyFingerprint(target.publicKey) + " policy v"
                                                + std::to_string(policy.policy.version),
                                            now));
        return afterUserChange(admin, policy, target.id, false);
    });
}

Result<store::UserRecord> Workstation::rotateUserKey(const UnlockedUser& admin,
                                                     std::string_view name,
                                                     const crypto::SecureBuffer& newPassphrase,
                                                     const crypto::KdfParams& kdf)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "replace users' keys"));
    POSTERN_ASSIGN(target, m_store->users().byName(name));
    if (target.disabled)
        return fail(Errc::InvalidState, target.name + " is disabled; a disabled account keeps its old key");
    // The cheap refusals above come before the seconds of sealing.
    POSTERN_ASSIGN(made, makeUserKey(target.name, newPassphrase, kdf));
    return rotateUserKey(admin, target.name, std::move(made));
}

Result<store::UserRecord> Workstation::rotateUserKey(const UnlockedUser& admin, std::string_view name, NewUserKey made)
{
    POSTERN_TRY(requireRole(admin, domain::Role::Admin, "replace users' keys"));
    POSTERN_ASSIGN(target, m_store->users().byName(name));
    if (target.disabled)
        return fail(Errc::InvalidState, target.name + " is disabled; a disabled account keeps its old key");
    const auto& key = made.key;
    const std::string& keyFile = made.keyFile;
    std::optional<Bytes> grant;
    if (holdsWorkstationKey(target.roles)) {
        POSTERN_ASSIGN(ws, workstationKey(admin));
        POSTERN_ASSIGN(boxKey, crypto::boxPublicFromSigning(key.publicKey()));
        POSTERN_ASSIGN(g, crypto::sealTo(boxKey, ws.seed().view()));
        grant = std::move(g);
    }

    // The next policy names the same person with the new key, wherever the old key stood.
    POSTERN_ASSIGN(current, currentPolicy());
    domain::Policy next = current.policy;
    for (auto& u : next.users)
        if (crypto::equalConstantTime(u.key, target.publicKey))
            u.key = key.publicKey();
    for (auto& rule : next.channels)
        std::replace(rule.approvers.begin(), rule.approvers.end(), target.publicKey, key.publicKey());
    // An admin re-keying themselves is not an admin of the next version under the old key, so
    // the new key co-signs (verifyPolicySuccessor wants the threshold of both versions' admins).
    const bool coSign = target.id == admin.record.id;

    const std::string retired = retiredName(target.name, target.publicKey);
    const std::int64_t now = m_clock.now();
    std::optional<store::UserRecord> added;
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        // Users are never deleted: the old account keeps its key (its audit entries and past
        // approvals still verify) under a new name, and the successor takes the name.
        POSTERN_TRY(m_store->users().rename(target.id, retired));
        POSTERN_TRY(m_store->users().disable(target.id));
        POSTERN_ASSIGN(user, m_store->users().add({target.name, key.publicKey(), target.roles, keyFile, now}));
        if (grant)
            POSTERN_TRY(m_store->users().addGrant(user.id, *grant, now));
        POSTERN_ASSIGN(policy, publishPolicy(admin, next, coSign ? &key : nullptr));
        POSTERN_TRY(m_store->audit().append(admin.key,
                                            "user-rotate-key",
                                            target.name,
                                            domain::keyFingerprint(target.publicKey) + " -> "
                                                + domain::keyFingerprint(key.publicKey()) + " policy v"
                                                + std::to_string(policy.policy.version),
                                            now));
        POSTERN_TRY(afterUserChange(admin, policy, target.id, false));
        added = std::move(user);
        return {};
    }));
    return *added;
}

Status Workstation::changePassphrase(const UnlockedUser& self,
                                     const crypto::SecureBuffer& oldPass,
                                     const crypto::SecureBuffer& newPass,
                                     const crypto::KdfParams& kdf)
{
    POSTERN_ASSIGN(record, m_store->users().byId(self.record.id));
    if (record.disabled)
        return fail(Errc::NotAuthorised, "the account \"" + record.name + "\" is disabled");
    POSTERN_ASSIGN(keyFile, resealOwnKey(record.keyFile, record.name, self.key.publicKey(), oldPass, newPass, kdf));
    return saveOwnKey(self, record.keyFile, std::move(keyFile));
}

Result<std::string> Workstation::resealOwnKey(std::string_view storedKeyFile,
                                              std::string_view name,
                                              const crypto::PublicKey& expected,
                                              const crypto::SecureBuffer& oldPass,
                                              const crypto::SecureBuffer& newPass,
                                              const crypto::KdfParams& kdf)
{
    // Asking for the old passphrase again means an unattended, unlocked session cannot be used
    // to take over the account by setting a passphrase only the intruder knows.
    POSTERN_ASSIGN(key, openUserKey(storedKeyFile, oldPass));
    if (!crypto::equalConstantTime(key.publicKey(), expected))
        return fail(Errc::BadKeyFile, "the stored key file of " + std::string(name) + " holds another key");
    return sealUserKey(key, newPass, kdf, name);
}

Status Workstation::saveOwnKey(const UnlockedUser& self, std::string_view sealedFrom, std::string keyFile)
{
    POSTERN_ASSIGN(record, m_store->users().byId(self.record.id));
    if (record.disabled)
        return fail(Errc::NotAuthorised, "the account \"" + record.name + "\" is disabled");
    // The old passphrase was checked against this file; if it changed meanwhile, that check
    // proves nothing about the file now stored.
    if (record.keyFile != sealedFrom)
        return fail(Errc::InvalidState, "the key of " + record.name + " changed while the new one was sealed");
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->users().setKeyFile(record.id, keyFile));
        POSTERN_TRY(m_store->audit().append(self.key, "passphrase-change", record.name, "", now));
        return {};
    });
}

} // namespace postern::workflow
