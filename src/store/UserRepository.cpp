// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/UserRepository.h"

#include "postern/crypto/KeyFile.h"

#include "StoreConnection.h"

namespace postern::store {

namespace {

constexpr std::string_view kSelectUser =
    "SELECT id, name, public_key, roles, key_file, created_at, disabled FROM users ";
constexpr std::size_t kMaxKeyFileBytes = 4096;

Result<UserRecord> readUser(const SqliteStatement& st)
{
    UserRecord u;
    u.id = st.columnInt(0);
    u.name = st.columnText(1);
    POSTERN_ASSIGN(key, columnFixed<crypto::kPublicKeyBytes>(st, 2, "users"));
    u.publicKey = key;
    u.roles = static_cast<RoleMask>(st.columnInt(3) & kAllRoles);
    u.keyFile = st.columnText(4);
    u.createdAt = st.columnInt(5);
    u.disabled = st.columnInt(6) != 0;
    return u;
}

Result<UserRecord> readOne(SqliteStatement& st, const std::string& notFound)
{
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, notFound);
    return readUser(st);
}

Status checkName(std::string_view name)
{
    POSTERN_TRY(checkText(name, "user name", 4 * kMaxUserNameChars));
    const std::size_t n = codePoints(name);
    if (n < 1 || n > kMaxUserNameChars)
        return fail(Errc::InvalidArgument, "a user name is 1 to 64 characters");
    for (const char c : name) {
        // Control characters would let one name pose as another in lists and audit output.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return fail(Errc::InvalidArgument, "a user name cannot contain control characters");
    }
    if (name.front() == ' ' || name.back() == ' ')
        return fail(Errc::InvalidArgument, "a user name cannot start or end with a space");
    return {};
}

Status checkRoles(RoleMask roles)
{
    if ((roles & ~kAllRoles) != 0)
        return fail(Errc::InvalidArgument, "unknown role bits " + std::to_string(roles));
    return {};
}

Status checkKeyFile(std::string_view keyFile, const crypto::PublicKey& publicKey)
{
    if (keyFile.size() > kMaxKeyFileBytes)
        return fail(Errc::BadKeyFile, "the key file is too large to be a Postern key file");
    POSTERN_ASSIGN(filePublic, crypto::keyFilePublicKey(keyFile));
    if (!crypto::equalConstantTime(filePublic, publicKey))
        return fail(Errc::BadKeyFile, "the key file holds a different key than the one given for this user");
    return {};
}

bool mayHoldGrant(RoleMask roles)
{
    return (roles & (kRoleOperator | kRoleAdmin)) != 0;
}

Status deleteGrant(SqliteDatabase& db, std::int64_t userId)
{
    POSTERN_ASSIGN(del, db.prepare("DELETE FROM workstation_grants WHERE user_id = ?1"));
    del.bind(1, userId);
    return del.run();
}

} // namespace

Result<UserRecord> UserRepository::add(const NewUser& user)
{
    POSTERN_TRY(checkName(user.name));
    POSTERN_TRY(checkRoles(user.roles));
    if (!crypto::isValidEd25519PublicKey(user.publicKey))
        return fail(Errc::BadEncoding, "the user's public key is not a valid Ed25519 key");
    POSTERN_TRY(checkKeyFile(user.keyFile, user.publicKey));

    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    // Check first so the message says which constraint clashed; the UNIQUE constraints still
    // guard against a race with another process.
    if (byName(user.name).ok())
        return fail(Errc::AlreadyExists, "a user named \"" + user.name + "\" already exists");
    if (byKey(user.publicKey).ok())
        return fail(Errc::AlreadyExists, "this key already belongs to another user");
    std::int64_t id = 0;
    {
        POSTERN_ASSIGN(
            ins,
            m_connection.db().prepare("INSERT INTO users(name, public_key, roles, key_file, created_at, disabled) "
                                      "VALUES(?1, ?2, ?3, ?4, ?5, 0)"));
        ins.bind(1, user.name).bindBlob(2, user.publicKey).bind(3, static_cast<std::int64_t>(user.roles));
        ins.bind(4, user.keyFile).bind(5, user.createdAt);
        POSTERN_TRY(ins.run());
        id = m_connection.db().lastInsertRowId();
    }
    POSTERN_TRY(tx.commit());
    return UserRecord{id, user.name, user.publicKey, user.roles, user.keyFile, user.createdAt, false};
}

Result<UserRecord> UserRepository::byId(std::int64_t id)
{
    POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectUser) + "WHERE id = ?1"));
    st.bind(1, id);
    return readOne(st, "no user with id " + std::to_string(id));
}

Result<UserRecord> UserRepository::byName(std::string_view name)
{
    POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectUser) + "WHERE name = ?1"));
    st.bind(1, name);
    return readOne(st, "no user named \"" + std::string(name) + "\"; check the spelling");
}

Result<UserRecord> UserRepository::byKey(const crypto::PublicKey& key)
{
    POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectUser) + "WHERE public_key = ?1"));
    st.bindBlob(1, key);
    return readOne(st, "no user has the key " + crypto::fingerprint(key));
}

Result<std::vector<UserRecord>> UserRepository::list()
{
    POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectUser) + "ORDER BY name, id"));
    std::vector<UserRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        POSTERN_ASSIGN(u, readUser(st));
        out.push_back(std::move(u));
    }
    return out;
}

Status UserRepository::setRoles(std::int64_t userId, RoleMask roles)
{
    POSTERN_TRY(checkRoles(roles));
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(user, byId(userId));
    if (user.disabled)
        return fail(Errc::InvalidState, "user \"" + user.name + "\" is disabled; create a new account instead");
    {
        POSTERN_ASSIGN(up, m_connection.db().prepare("UPDATE users SET roles = ?1 WHERE id = ?2"));
        up.bind(1, static_cast<std::int64_t>(roles)).bind(2, userId);
        POSTERN_TRY(up.run());
    }
    if (!mayHoldGrant(roles))
        POSTERN_TRY(deleteGrant(m_connection.db(), userId));
    return tx.commit();
}

Status UserRepository::rename(std::int64_t userId, std::string_view newName)
{
    POSTERN_TRY(checkName(newName));
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(user, byId(userId));
    if (auto other = byName(newName); other.ok() && other->id != userId)
        return fail(Errc::AlreadyExists, "a user named \"" + std::string(newName) + "\" already exists");
    {
        POSTERN_ASSIGN(up, m_connection.db().prepare("UPDATE users SET name = ?1 WHERE id = ?2"));
        up.bind(1, newName).bind(2, user.id);
        POSTERN_TRY(up.run());
    }
    return tx.commit();
}

Status UserRepository::setKeyFile(std::int64_t userId, std::string_view keyFile)
{
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(user, byId(userId));
    // A new passphrase re-encrypts the same key; a new key would orphan approvals and grants.
    POSTERN_TRY(checkKeyFile(keyFile, user.publicKey));
    {
        POSTERN_ASSIGN(up, m_connection.db().prepare("UPDATE users SET key_file = ?1 WHERE id = ?2"));
        up.bind(1, keyFile).bind(2, userId);
        POSTERN_TRY(up.run());
    }
    return tx.commit();
}

Status UserRepository::disable(std::int64_t userId)
{
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(user, byId(userId));
    {
        POSTERN_ASSIGN(up, m_connection.db().prepare("UPDATE users SET disabled = 1 WHERE id = ?1"));
        up.bind(1, user.id);
        POSTERN_TRY(up.run());
    }
    // A disabled operator must not keep a copy of the workstation key in the store.
    POSTERN_TRY(deleteGrant(m_connection.db(), user.id));
    return tx.commit();
}

Status UserRepository::addGrant(std::int64_t userId, ByteView sealed, std::int64_t at)
{
    if (sealed.size() != kSealedGrantBytes)
        return fail(Errc::InvalidArgument,
                    "a workstation-key grant is a sealed 32-byte seed (" + std::to_string(kSealedGrantBytes)
                        + " bytes)");
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(user, byId(userId));
    if (user.disabled || !mayHoldGrant(user.roles))
        return fail(Errc::NotAuthorised,
                    "only enabled operators and admins may hold the workstation key; \"" + user.name + "\" is not one");
    if (grantFor(userId).ok())
        return fail(Errc::AlreadyExists, "\"" + user.name + "\" already holds a workstation-key grant");
    {
        POSTERN_ASSIGN(ins,
                       m_connection.db().prepare(
                           "INSERT INTO workstation_grants(user_id, sealed, created_at) VALUES(?1, ?2, ?3)"));
        ins.bind(1, userId).bindBlob(2, sealed).bind(3, at);
        POSTERN_TRY(ins.run());
    }
    return tx.commit();
}

Result<Bytes> UserRepository::grantFor(std::int64_t userId)
{
    POSTERN_ASSIGN(st, m_connection.db().prepare("SELECT sealed FROM workstation_grants WHERE user_id = ?1"));
    st.bind(1, userId);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound,
                    "this user holds no workstation-key grant; an admin must grant the workstation "
                    "key to them first");
    return st.columnBlob(0);
}

Status UserRepository::removeGrant(std::int64_t userId)
{
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(deleteGrant(m_connection.db(), userId));
    if (m_connection.db().changes() == 0)
        return fail(Errc::NotFound, "user " + std::to_string(userId) + " holds no workstation-key grant");
    return tx.commit();
}

} // namespace postern::store
