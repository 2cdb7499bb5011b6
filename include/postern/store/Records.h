// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Crypto.h"
#include "postern/media/Sanitize.h"

#include <cstdint>
#include <optional>
#include <string>

namespace postern::store {

/**
 * RoleMask is the users.roles bitmask. The values are the same as domain::Role so the GUI can
 * pass a domain::RoleSet straight through; the store only needs them to police grants.
 */
using RoleMask = std::uint8_t;

/** kRoleAuthor drafts and revises posts. */
constexpr RoleMask kRoleAuthor = 1;
/** kRoleApprover signs or rejects versions under review. */
constexpr RoleMask kRoleApprover = 2;
/** kRoleOperator exports bundles and imports receipts; holds a workstation-key grant. */
constexpr RoleMask kRoleOperator = 4;
/** kRoleAdmin manages users, policy and the key ceremony; holds a workstation-key grant. */
constexpr RoleMask kRoleAdmin = 8;
/** kAllRoles is every defined bit; anything outside it is refused. */
constexpr RoleMask kAllRoles = 15;

/** kMaxUserNameChars bounds users.name (counted in Unicode code points). */
constexpr std::size_t kMaxUserNameChars = 64;

/** WorkstationRecord is the singleton row describing this workstation. */
struct WorkstationRecord
{
    std::string name;
    crypto::PublicKey publicKey{}; ///< the workstation's Ed25519 signing key
    std::int64_t createdAt = 0;
    std::int64_t nextSequence = 1; ///< next export sequence that reserveSequence() hands out
};

/** NewUser is what an admin supplies to create an account. */
struct NewUser
{
    std::string name;              ///< 1..64 code points, unique ignoring ASCII case
    crypto::PublicKey publicKey{}; ///< Ed25519; unique across users
    RoleMask roles = 0;
    std::string keyFile; ///< crypto::sealKeyFile output, stored verbatim
    std::int64_t createdAt = 0;
};

/** UserRecord is one row of the users table. */
struct UserRecord
{
    std::int64_t id = 0;
    std::string name;
    crypto::PublicKey publicKey{};
    RoleMask roles = 0;
    std::string keyFile;
    std::int64_t createdAt = 0;
    bool disabled = false;

    /** hasRole is true when every bit of `role` is held. */
    [[nodiscard]] bool hasRole(RoleMask role) const noexcept { return (roles & role) == role; }
};

/** UploaderRecord is an uploader identity accepted at the key ceremony. */
struct UploaderRecord
{
    std::int64_t id = 0;
    std::string name;
    crypto::PublicKey boxKey{};  ///< X25519: bundles are encrypted to it
    crypto::PublicKey signKey{}; ///< Ed25519: receipts and profiles are signed with it
    std::string identityText;    ///< the identity file exactly as imported
    std::int64_t trustedAt = 0;
    bool active = false;
};

/** PolicyRecord is one version of the signed approval policy, kept verbatim. */
struct PolicyRecord
{
    std::int64_t version = 0;
    std::string text;
    std::int64_t createdAt = 0;
};

/** MediaRecord describes one content-addressed file under media/. */
struct MediaRecord
{
    std::string hash; ///< 64 lowercase hex digits of BLAKE2b-256(file)
    std::uint64_t size = 0;
    std::string mime;
    std::string originalName; ///< for display only; never used to build a path
    std::int64_t createdAt = 0;
    /** sanitized is what the sanitizer removed (media.stripped); nullopt if it never ran on this file. */
    std::optional<media::SanitizeReport> sanitized;
};

/** AuditRecord is one stored entry of the hash-chained audit log (docs/store.md, "Audit chain"). */
struct AuditRecord
{
    std::int64_t seq = 0;
    std::int64_t at = 0;
    crypto::PublicKey actorKey{};
    std::string action;
    std::string subject;
    std::string details;
    crypto::Digest prevHash{};
    crypto::Digest hash{};
    crypto::Signature signature{};
};

/** AuditHead names the newest entry; record it outside the store to detect tail truncation. */
struct AuditHead
{
    std::int64_t seq = 0;  ///< 0 for an empty log
    crypto::Digest hash{}; ///< all zero for an empty log

    friend bool operator==(const AuditHead&, const AuditHead&) = default;
};

} // namespace postern::store
