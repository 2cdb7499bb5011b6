// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/SecretText.h"
#include "postern/crypto/SecureBuffer.h"
#include "postern/uploader/ledger/Ledger.h"
#include "postern/util/Clock.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace postern::uploader {

/**
 * AccountSecrets are what an account needs to talk to its platform. Which fields a platform
 * uses (docs/uploader.md, "Accounts"):
 *
 *  - Bluesky: password (an app password, only to create a session), did, and the cached
 *    session's access and refresh tokens;
 *  - Mastodon: accessToken (a long-lived user token with write:statuses and write:media);
 *  - TikTok: clientId (client_key), clientSecret, accessToken and refreshToken with their
 *    expiry times, userId (open_id); a refresh rotates the refresh token;
 *  - X: clientId (OAuth 2.0 client id), clientSecret (empty for a public client),
 *    accessToken and refreshToken with expiry times, userId.
 *
 * They are never logged and are wiped when the object goes away.
 */
struct AccountSecrets
{
    // The credentials are in guarded memory (crypto::SecretText); the ids next to them are not secret.
    crypto::SecretText password;     ///< Bluesky app password
    std::string did;                 ///< Bluesky: the account's DID, learnt from createSession
    crypto::SecretText accessToken;  ///< empty: no cached session / token
    crypto::SecretText refreshToken; ///< empty: none
    std::string clientId;            ///< OAuth client id (TikTok client_key, X client id)
    crypto::SecretText clientSecret; ///< OAuth client secret (empty for a public X client)
    std::string userId;              ///< the platform's id of the account (TikTok open_id, X user id)
    std::int64_t accessExpires = 0;  ///< seconds since 1970; 0 = unknown or never
    std::int64_t refreshExpires = 0; ///< seconds since 1970; 0 = unknown or never
};

/** Account is one stored account with its secrets opened. */
struct Account
{
    std::string channel;
    std::string handle;
    std::string service;
    AccountSecrets secrets;
};

/**
 * AccountStore keeps platform credentials on the uploader host only, in the ledger's
 * `accounts` table, each row's secrets sealed with libsodium's crypto_secretbox (XSalsa20-
 * Poly1305, random nonce) under the host key `keys/host.key` (32 random bytes, 0600, made by
 * the first `account add`). The sealed text names its channel, so a row copied onto another
 * account does not open. A refreshed session replaces the sealed bytes in one SQLite
 * statement (atomic, durable with synchronous=FULL).
 *
 * The host key protects a copy of the ledger (a backup, a stolen disk image without keys/);
 * it does not protect against someone who can read both files on a running host.
 */
class AccountStore
{
public:
    AccountStore(Ledger& ledger, std::filesystem::path hostKeyPath, const Clock& clock);

    /** add stores a new account (already-exists if the channel has one); creates the host key if needed. */
    [[nodiscard]] Status add(const std::string& channel,
                             const std::string& handle,
                             const std::string& service,
                             const crypto::SecureBuffer& password);
    /** add stores a new account with secrets already filled in (tokens from an OAuth grant). */
    [[nodiscard]] Status add(const std::string& channel,
                             const std::string& handle,
                             const std::string& service,
                             const AccountSecrets& secrets);
    /** list returns every account without opening any secret. */
    [[nodiscard]] Result<std::vector<AccountRecord>> list();
    [[nodiscard]] Status remove(const std::string& channel);
    /** load opens one account's secrets; nullopt if the channel has no account. */
    [[nodiscard]] Result<std::optional<Account>> load(const std::string& channel);
    /** saveSecrets seals and stores new secrets (a created or refreshed session). */
    [[nodiscard]] Status saveSecrets(const std::string& channel, const AccountSecrets& secrets);

private:
    [[nodiscard]] Result<crypto::SecureBuffer> hostKey(bool create);
    [[nodiscard]] Result<Bytes> seal(const std::string& channel, const AccountSecrets& secrets);
    [[nodiscard]] Result<AccountSecrets> open(const std::string& channel, ByteView sealed);

    Ledger& m_ledger;
    std::filesystem::path m_hostKeyPath;
    const Clock& m_clock;
};

} // namespace postern::uploader
