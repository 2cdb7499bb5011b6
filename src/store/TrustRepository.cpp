// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/TrustRepository.h"

#include "StoreConnection.h"

namespace postern::store {

namespace {

constexpr std::string_view kSelectUploader =
    "SELECT id, name, box_key, sign_key, identity_text, trusted_at, active FROM uploaders ";
constexpr std::size_t kMaxDocumentBytes = 1u << 20;

Result<UploaderRecord> readUploader(const SqliteStatement& st)
{
    UploaderRecord u;
    u.id = st.columnInt(0);
    u.name = st.columnText(1);
    POSTERN_ASSIGN(box, columnFixed<crypto::kPublicKeyBytes>(st, 2, "uploaders"));
    POSTERN_ASSIGN(sign, columnFixed<crypto::kPublicKeyBytes>(st, 3, "uploaders"));
    u.boxKey = box;
    u.signKey = sign;
    u.identityText = st.columnText(4);
    u.trustedAt = st.columnInt(5);
    u.active = st.columnInt(6) != 0;
    return u;
}

PolicyRecord readPolicy(const SqliteStatement& st)
{
    return PolicyRecord{st.columnInt(0), st.columnText(1), st.columnInt(2)};
}

} // namespace

Result<UploaderRecord> TrustRepository::trustUploader(const NewUploader& uploader)
{
    if (uploader.name.empty())
        return fail(Errc::InvalidArgument, "an uploader needs a name");
    POSTERN_TRY(checkText(uploader.name, "uploader name", 256));
    POSTERN_TRY(checkText(uploader.identityText, "uploader identity", kMaxDocumentBytes));
    if (!crypto::isValidEd25519PublicKey(uploader.signKey))
        return fail(Errc::BadEncoding, "the uploader's signing key is not a valid Ed25519 key");

    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(m_connection.db().exec("UPDATE uploaders SET active = 0 WHERE active = 1"));
    std::int64_t id = 0;
    {
        POSTERN_ASSIGN(ins,
                       m_connection.db().prepare(
                           "INSERT INTO uploaders(name, box_key, sign_key, identity_text, trusted_at, active) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, 1)"));
        ins.bind(1, uploader.name).bindBlob(2, uploader.boxKey).bindBlob(3, uploader.signKey);
        ins.bind(4, uploader.identityText).bind(5, uploader.trustedAt);
        POSTERN_TRY(ins.run());
        id = m_connection.db().lastInsertRowId();
    }
    POSTERN_TRY(tx.commit());
    return UploaderRecord{id,
                          uploader.name,
                          uploader.boxKey,
                          uploader.signKey,
                          uploader.identityText,
                          uploader.trustedAt,
                          true};
}

Result<UploaderRecord> TrustRepository::activeUploader()
{
    POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectUploader) + "WHERE active = 1"));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NoUploader,
                    "no uploader is trusted yet; an admin must import the uploader's identity "
                    "at the key ceremony before anything can be exported");
    return readUploader(st);
}

Result<std::vector<UploaderRecord>> TrustRepository::uploaders()
{
    POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectUploader) + "ORDER BY id"));
    std::vector<UploaderRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        POSTERN_ASSIGN(u, readUploader(st));
        out.push_back(std::move(u));
    }
    return out;
}

Status TrustRepository::addPolicy(std::int64_t version, std::string_view text, std::int64_t at)
{
    POSTERN_TRY(checkText(text, "policy document", kMaxDocumentBytes));
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    std::int64_t latest = 0;
    {
        POSTERN_ASSIGN(st, m_connection.db().prepare("SELECT coalesce(max(version), 0) FROM policies"));
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            return fail(Errc::Io, "cannot read the policy version");
        latest = st.columnInt(0);
    }
    // Consecutive versions only, as the uploader enforces: a skipped or repeated number here
    // would produce a policy the uploader refuses.
    if (version != latest + 1)
        return fail(Errc::InvalidState,
                    "policy version " + std::to_string(version) + " cannot follow version " + std::to_string(latest)
                        + "; the next version must be " + std::to_string(latest + 1));
    {
        POSTERN_ASSIGN(ins,
                       m_connection.db().prepare("INSERT INTO policies(version, text, created_at) VALUES(?1, ?2, ?3)"));
        ins.bind(1, version).bind(2, text).bind(3, at);
        POSTERN_TRY(ins.run());
    }
    return tx.commit();
}

Result<PolicyRecord> TrustRepository::latestPolicy()
{
    POSTERN_ASSIGN(
        st,
        m_connection.db().prepare("SELECT version, text, created_at FROM policies ORDER BY version DESC LIMIT 1"));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, "no approval policy has been set; an admin must sign one first");
    return readPolicy(st);
}

Result<std::vector<PolicyRecord>> TrustRepository::policies()
{
    POSTERN_ASSIGN(st, m_connection.db().prepare("SELECT version, text, created_at FROM policies ORDER BY version"));
    std::vector<PolicyRecord> out;
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        out.push_back(readPolicy(st));
    }
    return out;
}

} // namespace postern::store
