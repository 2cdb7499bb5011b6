// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Policy.h"

#include "postern/util/Checked.h"

#include <algorithm>

namespace postern::domain {

const PolicyUser* Policy::userByKey(const crypto::PublicKey& key) const
{
    for (const auto& u : users) {
        if (crypto::equalConstantTime(u.key, key))
            return &u;
    }
    return nullptr;
}

const PolicyUser* Policy::userByName(std::string_view name) const
{
    for (const auto& u : users) {
        if (u.name == name)
            return &u;
    }
    return nullptr;
}

const ChannelRule* Policy::rule(const ChannelId& channel) const
{
    for (const auto& r : channels) {
        if (r.channel == channel)
            return &r;
    }
    return nullptr;
}

std::vector<crypto::PublicKey> Policy::admins() const
{
    std::vector<crypto::PublicKey> out;
    for (const auto& u : users) {
        if (hasRole(u.roles, Role::Admin))
            out.push_back(u.key);
    }
    return out;
}

std::int64_t Policy::longestLifetime() const
{
    std::int64_t longest = 0;
    for (const auto& r : channels)
        longest = std::max(longest, r.maxLifetime);
    return longest;
}

Json Policy::toJson() const
{
    std::vector<PolicyUser> sortedUsers = users;
    std::sort(sortedUsers.begin(), sortedUsers.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    Json usersJson(Json::Array{});
    for (const auto& u : sortedUsers) {
        Json roles(Json::Array{});
        for (const auto& r : roleNames(u.roles))
            roles.push(r);
        Json o(Json::Object{});
        o.set("key", toHex(u.key)).set("name", u.name).set("roles", std::move(roles));
        usersJson.push(std::move(o));
    }
    std::vector<ChannelRule> sortedRules = channels;
    std::sort(sortedRules.begin(), sortedRules.end(), [](const auto& a, const auto& b) {
        return a.channel < b.channel;
    });
    Json rulesJson(Json::Array{});
    for (auto r : sortedRules) {
        std::sort(r.approvers.begin(), r.approvers.end());
        Json approvers(Json::Array{});
        for (const auto& k : r.approvers)
            approvers.push(toHex(k));
        Json o(Json::Object{});
        o.set("approvers", std::move(approvers))
            .set("channel", r.channel.str())
            .set("max_lifetime", r.maxLifetime)
            .set("required", r.required);
        rulesJson.push(std::move(o));
    }
    Json body(Json::Object{});
    body.set("admin_threshold", adminThreshold)
        .set("channels", std::move(rulesJson))
        .set("created", created)
        .set("type", std::string(kPolicyType))
        .set("users", std::move(usersJson))
        .set("version", version)
        .set("workstation", toHex(workstation));
    return body;
}

namespace {

Result<PolicyUser> parseUser(const Json& node, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    PolicyUser u;
    POSTERN_ASSIGN(keyHex, f.string("key"));
    POSTERN_ASSIGN(name, f.string("name", 64));
    POSTERN_ASSIGN(roles, f.array("roles", 4));
    POSTERN_TRY(f.finish());
    POSTERN_ASSIGN(key, crypto::keyFromHex(keyHex));
    if (!crypto::isValidEd25519PublicKey(key))
        return fail(Errc::BadValue, where + ".key is not a valid Ed25519 public key");
    if (name.empty() || !isValidUtf8(name))
        return fail(Errc::BadValue, where + ".name must be 1 to 64 bytes of UTF-8");
    u.key = key;
    u.name = name;
    Role previous{};
    for (std::size_t i = 0; i < roles->asArray().size(); ++i) {
        const Json& r = roles->asArray()[i];
        if (r.type() != Json::Type::String)
            return fail(Errc::WrongType, where + ".roles must be strings");
        // parseRole answers invalid-argument for the command line; in a file an unknown role
        // is a value outside its rule (§6).
        auto role = parseRole(r.asString());
        if (!role)
            return fail(Errc::BadValue, where + ".roles: " + role.error().message);
        if (i > 0 && *role == previous)
            return fail(Errc::DuplicateField, where + ".roles lists " + r.asString() + " twice");
        if (i > 0 && static_cast<int>(*role) < static_cast<int>(previous))
            return fail(Errc::NonCanonical, where + ".roles must be in the order author, approver, operator, admin");
        previous = *role;
        u.roles |= static_cast<RoleSet>(*role);
    }
    if (u.roles == 0)
        return fail(Errc::BadValue, where + " has no role");
    return u;
}

Result<ChannelRule> parseRule(const Json& node, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    ChannelRule r;
    POSTERN_ASSIGN(approvers, f.array("approvers", kMaxPolicyUsers));
    POSTERN_ASSIGN(channel, f.string("channel"));
    POSTERN_ASSIGN(lifetime, f.integer("max_lifetime", kMinLifetime, kMaxLifetime));
    POSTERN_ASSIGN(required, f.integer("required", 1, 64));
    POSTERN_TRY(f.finish());
    POSTERN_ASSIGN(id, ChannelId::parse(channel));
    r.channel = id;
    r.maxLifetime = lifetime;
    r.required = required;
    for (const auto& a : approvers->asArray()) {
        if (a.type() != Json::Type::String)
            return fail(Errc::WrongType, where + ".approvers must be hex keys");
        POSTERN_ASSIGN(key, crypto::keyFromHex(a.asString()));
        if (!r.approvers.empty() && !(r.approvers.back() < key))
            return fail(r.approvers.back() == key ? Errc::DuplicateApprover : Errc::NonCanonical,
                        where + ".approvers must be sorted with no key twice");
        r.approvers.push_back(key);
    }
    if (static_cast<std::size_t>(r.required) > r.approvers.size())
        return fail(Errc::BadValue,
                    where + " requires " + std::to_string(r.required) + " approvals but lists only "
                        + std::to_string(r.approvers.size()) + " approvers");
    return r;
}

} // namespace

Result<Policy> Policy::fromJson(const Json& body)
{
    if (!body.isObject())
        return fail(Errc::WrongType, "policy body must be an object");
    JsonFields f(body, "policy");
    Policy p;
    POSTERN_ASSIGN(threshold, f.integer("admin_threshold", 1, 16));
    POSTERN_ASSIGN(channels, f.array("channels", kMaxPolicyChannels));
    POSTERN_ASSIGN(created, f.integer("created", 0, INT64_MAX));
    POSTERN_ASSIGN(type, f.string("type"));
    POSTERN_ASSIGN(users, f.array("users", kMaxPolicyUsers));
    POSTERN_ASSIGN(version, f.integer("version", 1, INT64_MAX));
    POSTERN_ASSIGN(ws, f.string("workstation"));
    POSTERN_TRY(f.finish());
    if (type != kPolicyType)
        return fail(Errc::WrongDocumentType, "not a policy document");
    p.adminThreshold = threshold;
    p.created = created;
    p.version = version;
    POSTERN_ASSIGN(wsKey, crypto::keyFromHex(ws));
    p.workstation = wsKey;
    for (std::size_t i = 0; i < users->asArray().size(); ++i) {
        POSTERN_ASSIGN(u, parseUser(users->asArray()[i], "policy.users[" + std::to_string(i) + "]"));
        if (!p.users.empty() && !(p.users.back().key < u.key))
            return fail(p.users.back().key == u.key ? Errc::DuplicateField : Errc::NonCanonical,
                        "policy.users must be sorted by key with no key twice");
        if (p.userByName(u.name))
            return fail(Errc::DuplicateField, "two policy users are named \"" + u.name + "\"");
        p.users.push_back(std::move(u));
    }
    for (std::size_t i = 0; i < channels->asArray().size(); ++i) {
        const std::string where = "policy.channels[" + std::to_string(i) + "]";
        POSTERN_ASSIGN(r, parseRule(channels->asArray()[i], where));
        if (!p.channels.empty() && !(p.channels.back().channel < r.channel))
            return fail(p.channels.back().channel == r.channel ? Errc::DuplicateField : Errc::NonCanonical,
                        "policy.channels must be sorted with no channel twice");
        for (const auto& k : r.approvers) {
            const PolicyUser* u = p.userByKey(k);
            if (!u || !hasRole(u->roles, Role::Approver))
                return fail(Errc::ApproverNotAuthorised,
                            where + " lists an approver who is not a policy user with the approver role");
        }
        p.channels.push_back(std::move(r));
    }
    if (static_cast<std::size_t>(p.adminThreshold) > p.admins().size())
        return fail(Errc::BadValue,
                    "policy needs " + std::to_string(p.adminThreshold) + " admin signatures but names only "
                        + std::to_string(p.admins().size()) + " admins");
    return p;
}

Result<SignedPolicy> parseSignedPolicy(const Json& node, std::string_view documentText)
{
    POSTERN_ASSIGN(doc, parseSignedDocument(node, documentText, kPolicyType, 16));
    POSTERN_ASSIGN(policy, Policy::fromJson(doc.body));
    SignedPolicy out;
    out.policy = std::move(policy);
    out.fileText = std::string(node.rawIn(documentText)) + "\n";
    out.envelope = node;
    out.document = std::move(doc);
    return out;
}

Result<SignedPolicy> readPolicyFile(std::string_view fileText)
{
    if (fileText.size() > kMaxPolicyBytes)
        return fail(Errc::TooLarge, "policy file is larger than 1 MiB");
    if (fileText.empty() || fileText.back() != '\n')
        return fail(Errc::Truncated, "policy file must end with one newline");
    const std::string_view text = fileText.substr(0, fileText.size() - 1);
    JsonLimits limits;
    limits.maxBytes = kMaxPolicyBytes;
    POSTERN_ASSIGN(parsed, parseCanonicalJson(text, limits));
    return parseSignedPolicy(parsed, text);
}

Result<SignedPolicy> signPolicy(const Policy& policy, const std::vector<const crypto::SigningKey*>& admins)
{
    const Json env = makeSignedDocument(policy.toJson(), admins);
    const std::string text = signedFileText(env);
    return readPolicyFile(text);
}

namespace {
Status requireThreshold(const SignedPolicy& signedDoc, const Policy& by, const std::string& which)
{
    const auto signers = signedDoc.document.validSigners(by.admins());
    if (static_cast<std::int64_t>(signers.size()) < by.adminThreshold)
        return fail(Errc::ThresholdNotMet,
                    "policy version " + std::to_string(signedDoc.policy.version) + " has "
                        + std::to_string(signers.size()) + " valid signature(s) from " + which + "; "
                        + std::to_string(by.adminThreshold) + " required");
    return {};
}
} // namespace

Status verifyPolicyRoot(const SignedPolicy& root)
{
    if (root.policy.version != 1)
        return fail(Errc::PolicyVersionSkipped,
                    "the first trusted policy must be version 1, got version " + std::to_string(root.policy.version));
    return requireThreshold(root, root.policy, "its own admins");
}

Status verifyPolicySuccessor(const SignedPolicy& trusted, const SignedPolicy& next)
{
    const auto have = trusted.policy.version;
    const auto got = next.policy.version;
    if (got <= have)
        return fail(Errc::PolicyRollback,
                    "policy version " + std::to_string(got) + " is not newer than the trusted version "
                        + std::to_string(have));
    if (got != have + 1)
        return fail(Errc::PolicyVersionSkipped,
                    "policy version " + std::to_string(got) + " skips version " + std::to_string(have + 1));
    if (!crypto::equalConstantTime(trusted.policy.workstation, next.policy.workstation))
        return fail(Errc::UnknownWorkstation,
                    "a policy update cannot change the workstation key; "
                    "introduce a new workstation with a new key ceremony");
    POSTERN_TRY(requireThreshold(next, trusted.policy, "admins of version " + std::to_string(have)));
    return requireThreshold(next, next.policy, "its own admins");
}

Result<SignedPolicy> advancePolicy(const SignedPolicy& trusted,
                                   const std::vector<SignedPolicy>& chain,
                                   const std::function<std::optional<std::string>(std::int64_t)>& known)
{
    if (chain.empty())
        return fail(Errc::MissingField, "no policy was carried");
    // The whole chain, from the root the ceremony pinned: a chain that starts later would let a
    // reader that trusts nothing yet, or trusts an older version, accept what another refuses.
    if (chain.front().policy.version != 1)
        return fail(Errc::PolicyVersionSkipped,
                    "the carried policy chain starts at version " + std::to_string(chain.front().policy.version)
                        + "; it must carry every version from 1");
    SignedPolicy current = trusted;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const auto& p = chain[i];
        if (i > 0 && p.policy.version != saturatingAdd<std::int64_t>(chain[i - 1].policy.version, 1))
            return fail(Errc::PolicyVersionSkipped,
                        "the carried policy chain jumps from version " + std::to_string(chain[i - 1].policy.version)
                            + " to " + std::to_string(p.policy.version));
        if (p.policy.version <= current.policy.version) {
            // Every version up to the trusted one was stored when it was accepted; one this
            // uploader holds no copy of cannot be shown identical, so it is not taken on faith.
            const auto stored = known ? known(p.policy.version) : std::nullopt;
            if (!stored || *stored != p.fileText)
                return fail(Errc::PolicyFork,
                            "policy version " + std::to_string(p.policy.version)
                                + (stored ? " differs from the one this uploader accepted before"
                                          : " is not one this uploader accepted before"));
            continue;
        }
        POSTERN_TRY(verifyPolicySuccessor(current, p));
        current = p;
    }
    if (chain.back().policy.version < trusted.policy.version)
        return fail(Errc::PolicyRollback,
                    "the bundle carries policy version " + std::to_string(chain.back().policy.version) + " but version "
                        + std::to_string(trusted.policy.version)
                        + " is already trusted; the workstation's store is older than the uploader's");
    return current;
}

} // namespace postern::domain
