// SPDX-License-Identifier: GPL-3.0-or-later
// Platform credentials, sealed at rest under the host key (docs/uploader.md, "Accounts").
#include "postern/uploader/net/AccountStore.h"

#include "postern/util/FileIO.h"
#include "postern/util/Json.h"

#include <sodium.h>
#include <sys/stat.h>

namespace postern::uploader {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kHostKeyBytes = crypto_secretbox_KEYBYTES;
constexpr std::size_t kMaxSecretBytes = 16u << 10;

} // namespace

AccountStore::AccountStore(Ledger& ledger, fs::path hostKeyPath, const Clock& clock)
    : m_ledger(ledger), m_hostKeyPath(std::move(hostKeyPath)), m_clock(clock)
{
}

Result<crypto::SecureBuffer> AccountStore::hostKey(bool create)
{
    std::error_code ec;
    if (!fs::exists(m_hostKeyPath, ec)) {
        if (!create)
            return fail(Errc::NotFound,
                        "the host key " + m_hostKeyPath.string()
                            + " is missing, so stored accounts cannot be opened; restore it from a backup or "
                              "remove and add the accounts again");
        crypto::SecureBuffer fresh(kHostKeyBytes);
        randombytes_buf(fresh.data(), fresh.size());
        POSTERN_TRY(writeFileAtomic(m_hostKeyPath,
                                    std::string_view(reinterpret_cast<const char*>(fresh.data()), fresh.size()),
                                    0600));
        return fresh;
    }
    struct stat st
    {
    };
    if (::stat(m_hostKeyPath.c_str(), &st) != 0 || (st.st_mode & 077) != 0)
        return fail(Errc::PermissionDenied,
                    "the host key " + m_hostKeyPath.string()
                        + " is readable by other users; make it private (chmod 600) and check who read it");
    POSTERN_ASSIGN(text, readFileCapped(m_hostKeyPath, 4096));
    if (text.size() != kHostKeyBytes) {
        sodium_memzero(text.data(), text.size());
        return fail(Errc::BadKeyFile, "the host key " + m_hostKeyPath.string() + " is damaged (wrong size)");
    }
    crypto::SecureBuffer key(asBytes(text));
    sodium_memzero(text.data(), text.size());
    return key;
}

Result<Bytes> AccountStore::seal(const std::string& channel, const AccountSecrets& s)
{
    POSTERN_ASSIGN(key, hostKey(true));
    Json doc(Json::Object{});
    doc.set("access_expires", s.accessExpires);
    // The Json tree holds ordinary copies until it is dropped below (after the seal).
    doc.set("access_token", std::string(s.accessToken.view()));
    doc.set("channel", channel);
    doc.set("client_id", s.clientId);
    doc.set("client_secret", std::string(s.clientSecret.view()));
    doc.set("did", s.did);
    doc.set("password", std::string(s.password.view()));
    doc.set("refresh_expires", s.refreshExpires);
    doc.set("refresh_token", std::string(s.refreshToken.view()));
    doc.set("user_id", s.userId);
    std::string plain = doc.serialize();
    Bytes out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
    randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()),
                          plain.size(),
                          out.data(),
                          key.data());
    crypto::wipeString(plain);
    doc = Json(Json::Object{}); // the copies inside doc are ordinary strings; drop them now
    return out;
}

Result<AccountSecrets> AccountStore::open(const std::string& channel, ByteView sealed)
{
    POSTERN_ASSIGN(key, hostKey(false));
    if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES
        || sealed.size() > kMaxSecretBytes + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return fail(Errc::BadKeyFile, "the stored secrets of " + channel + " are damaged");
    crypto::SecureBuffer plain(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES);
    if (crypto_secretbox_open_easy(plain.data(),
                                   sealed.data() + crypto_secretbox_NONCEBYTES,
                                   sealed.size() - crypto_secretbox_NONCEBYTES,
                                   sealed.data(),
                                   key.data())
        != 0)
        return fail(Errc::BadKeyFile,
                    "the stored secrets of " + channel
                        + " do not open under this host's key (keys/host.key was replaced?); remove the account "
                          "and add it again");
    const std::string_view text(reinterpret_cast<const char*>(plain.data()), plain.size());
    POSTERN_ASSIGN(doc, parseCanonicalJson(text, JsonLimits{kMaxSecretBytes, 2, 32, kMaxSecretBytes}));
    if (!doc.isObject())
        return fail(Errc::BadKeyFile, "the stored secrets of " + channel + " are damaged");
    JsonFields f(doc, "account secrets");
    AccountSecrets s;
    constexpr std::int64_t kMaxTime = std::int64_t{1} << 40;
    POSTERN_ASSIGN(accessExpires, f.integer("access_expires", 0, kMaxTime));
    POSTERN_ASSIGN(access, f.string("access_token", kMaxSecretBytes));
    POSTERN_ASSIGN(sealedFor, f.string("channel", 256));
    POSTERN_ASSIGN(clientId, f.string("client_id", 1024));
    POSTERN_ASSIGN(clientSecret, f.string("client_secret", 1024));
    POSTERN_ASSIGN(did, f.string("did", 2048));
    POSTERN_ASSIGN(password, f.string("password", 1024));
    POSTERN_ASSIGN(refreshExpires, f.integer("refresh_expires", 0, kMaxTime));
    POSTERN_ASSIGN(refresh, f.string("refresh_token", kMaxSecretBytes));
    POSTERN_ASSIGN(userId, f.string("user_id", 1024));
    POSTERN_TRY(f.finish());
    if (sealedFor != channel)
        return fail(Errc::BadKeyFile, "the stored secrets of " + channel + " belong to another account");
    s.accessToken = crypto::SecretText::take(access);
    s.did = std::move(did);
    s.password = crypto::SecretText::take(password);
    s.refreshToken = crypto::SecretText::take(refresh);
    s.clientId = std::move(clientId);
    s.clientSecret = crypto::SecretText::take(clientSecret);
    s.userId = std::move(userId);
    s.accessExpires = accessExpires;
    s.refreshExpires = refreshExpires;
    return s;
}

Status AccountStore::add(const std::string& channel,
                         const std::string& handle,
                         const std::string& service,
                         const crypto::SecureBuffer& password)
{
    AccountSecrets s;
    s.password = crypto::SecretText(std::string_view(reinterpret_cast<const char*>(password.data()), password.size()));
    return add(channel, handle, service, s);
}

Status AccountStore::add(const std::string& channel,
                         const std::string& handle,
                         const std::string& service,
                         const AccountSecrets& s)
{
    POSTERN_ASSIGN(sealed, seal(channel, s));
    AccountRecord r;
    r.channel = channel;
    r.handle = handle;
    r.service = service;
    r.sealed = std::move(sealed);
    r.addedAt = m_clock.now();
    r.updatedAt = r.addedAt;
    POSTERN_TRY(m_ledger.addAccount(r));
    return m_ledger.addEvent(r.addedAt, "account-added", "", channel + " (" + handle + " at " + service + ")");
}

Result<std::vector<AccountRecord>> AccountStore::list()
{
    return m_ledger.accounts();
}

Status AccountStore::remove(const std::string& channel)
{
    POSTERN_TRY(m_ledger.removeAccount(channel));
    return m_ledger.addEvent(m_clock.now(), "account-removed", "", channel);
}

Result<std::optional<Account>> AccountStore::load(const std::string& channel)
{
    POSTERN_ASSIGN(record, m_ledger.account(channel));
    if (!record)
        return std::optional<Account>();
    POSTERN_ASSIGN(secrets, open(channel, record->sealed));
    Account a;
    a.channel = record->channel;
    a.handle = record->handle;
    a.service = record->service;
    a.secrets = std::move(secrets);
    return std::optional<Account>(std::move(a));
}

Status AccountStore::saveSecrets(const std::string& channel, const AccountSecrets& secrets)
{
    POSTERN_ASSIGN(sealed, seal(channel, secrets));
    return m_ledger.updateAccountSecrets(channel, sealed, m_clock.now());
}

} // namespace postern::uploader
