// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/Records.h"
#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/** kSealedGrantBytes is a sealed 32-byte workstation seed: seed plus crypto::kSealOverhead. */
constexpr std::size_t kSealedGrantBytes = 32 + 48;

/**
 * UserRepository holds the accounts and the workstation-key grants. A user is never deleted,
 * only disabled, so every audit entry and approval keeps pointing at a real key.
 */
class UserRepository
{
public:
    /** UserRepository is created by WorkstationStore; it borrows the store's connection. */
    explicit UserRepository(StoreConnection& connection) : m_connection(connection) {}

    /**
     * add creates a user and returns the new row. The key file must hold `publicKey` (checked
     * with crypto::keyFilePublicKey, no passphrase needed). Errors: invalid-argument (name,
     * roles), bad-key-file, already-exists (name, ignoring ASCII case, or key already used).
     */
    [[nodiscard]] Result<UserRecord> add(const NewUser& user);

    /** byId returns the user or not-found. */
    [[nodiscard]] Result<UserRecord> byId(std::int64_t id);
    /** byName looks a user up ignoring ASCII case; not-found otherwise. */
    [[nodiscard]] Result<UserRecord> byName(std::string_view name);
    /** byKey looks a user up by Ed25519 public key; not-found otherwise. */
    [[nodiscard]] Result<UserRecord> byKey(const crypto::PublicKey& key);
    /** list returns every user, disabled ones included, ordered by name. */
    [[nodiscard]] Result<std::vector<UserRecord>> list();

    /**
     * setRoles replaces a user's roles. Dropping both operator and admin also removes the
     * user's workstation-key grant, since only those roles may hold one.
     */
    [[nodiscard]] Status setRoles(std::int64_t userId, RoleMask roles);

    /**
     * rename gives an account a new name (same rules as add). Key rotation uses it to retire
     * the old account under a new name so the successor account can take the person's name.
     * Errors: invalid-argument, not-found, already-exists (name taken, ignoring ASCII case).
     */
    [[nodiscard]] Status rename(std::int64_t userId, std::string_view newName);

    /** setKeyFile replaces the stored key file after a passphrase change; the key must not change. */
    [[nodiscard]] Status setKeyFile(std::int64_t userId, std::string_view keyFile);

    /**
     * disable locks the account for good and removes its workstation-key grant. Its key stays
     * known so its past audit entries and approvals still verify. Disabling twice is a no-op.
     */
    [[nodiscard]] Status disable(std::int64_t userId);

    /**
     * addGrant stores the workstation signing seed sealed (crypto::sealTo) to the user's X25519
     * key, crypto::boxPublicFromSigning(user.publicKey). Only enabled operators and admins may
     * hold one: not-authorised otherwise. Errors: invalid-argument (not kSealedGrantBytes),
     * not-found, already-exists (remove the old grant first when re-keying).
     */
    [[nodiscard]] Status addGrant(std::int64_t userId, ByteView sealed, std::int64_t at);

    /** grantFor returns the sealed seed for the user; not-found if they hold none. */
    [[nodiscard]] Result<Bytes> grantFor(std::int64_t userId);

    /** removeGrant deletes a user's grant (workstation re-keying, role change); not-found if none. */
    [[nodiscard]] Status removeGrant(std::int64_t userId);

private:
    StoreConnection& m_connection;
};

} // namespace postern::store
