// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/AuditLog.h"

#include "StoreConnection.h"

#include <algorithm>
#include <vector>

namespace postern::store {

namespace {

constexpr std::string_view kSelectColumns =
    "SELECT seq, at, actor_key, action, subject, details, prev_hash, hash, signature FROM audit ";

void putField(Bytes& out, ByteView field)
{
    putU64(out, field.size());
    out.insert(out.end(), field.begin(), field.end());
}

void putIntField(Bytes& out, std::int64_t value)
{
    Bytes eight;
    putU64(eight, static_cast<std::uint64_t>(value)); // two's complement, big-endian
    putField(out, eight);
}

Error broken(std::int64_t seq, const std::string& why)
{
    return fail(Errc::AuditChainBroken,
                "audit entry " + std::to_string(seq) + ": " + why
                    + "; the audit log was altered outside Postern. Keep this store "
                      "unchanged as evidence and tell your security officer");
}

// readRow maps the current row; nullopt means a blob has the wrong length, which verify
// reports as tampering and the listing reports as damage.
std::optional<AuditRecord> readRow(const SqliteStatement& st)
{
    AuditRecord r;
    r.seq = st.columnInt(0);
    r.at = st.columnInt(1);
    const Bytes actor = st.columnBlob(2);
    const Bytes prev = st.columnBlob(6);
    const Bytes hash = st.columnBlob(7);
    const Bytes sig = st.columnBlob(8);
    if (actor.size() != r.actorKey.size() || prev.size() != r.prevHash.size() || hash.size() != r.hash.size()
        || sig.size() != r.signature.size())
        return std::nullopt;
    std::copy(actor.begin(), actor.end(), r.actorKey.begin());
    std::copy(prev.begin(), prev.end(), r.prevHash.begin());
    std::copy(hash.begin(), hash.end(), r.hash.begin());
    std::copy(sig.begin(), sig.end(), r.signature.begin());
    r.action = st.columnText(3);
    r.subject = st.columnText(4);
    r.details = st.columnText(5);
    return r;
}

// knownSigners is every key allowed to sign audit entries: all users, including disabled ones
// (their old entries stay valid), and the workstation key itself.
Result<std::vector<crypto::PublicKey>> knownSigners(SqliteDatabase& db)
{
    std::vector<crypto::PublicKey> keys;
    POSTERN_ASSIGN(st, db.prepare("SELECT public_key FROM users UNION ALL SELECT public_key FROM workstation"));
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        const Bytes k = st.columnBlob(0);
        crypto::PublicKey key{};
        if (k.size() != key.size())
            continue; // a damaged key row simply is not a known signer
        std::copy(k.begin(), k.end(), key.begin());
        keys.push_back(key);
    }
    return keys;
}

bool isKnown(const std::vector<crypto::PublicKey>& keys, const crypto::PublicKey& key)
{
    return std::any_of(keys.begin(), keys.end(), [&](const crypto::PublicKey& k) {
        return crypto::equalConstantTime(k, key);
    });
}

Result<AuditHead> readHead(SqliteDatabase& db)
{
    POSTERN_ASSIGN(st, db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
    POSTERN_ASSIGN(row, st.step());
    AuditHead head;
    if (!row)
        return head;
    head.seq = st.columnInt(0);
    POSTERN_ASSIGN(hash, columnFixed<crypto::kDigestBytes>(st, 1, "audit"));
    head.hash = hash;
    return head;
}

} // namespace

Bytes auditHashInput(std::int64_t seq,
                     std::int64_t at,
                     const crypto::PublicKey& actorKey,
                     std::string_view action,
                     std::string_view subject,
                     std::string_view details,
                     const crypto::Digest& prevHash)
{
    Bytes out;
    out.reserve(7 * 8 + 8 + 8 + actorKey.size() + action.size() + subject.size() + details.size() + prevHash.size());
    putIntField(out, seq);
    putIntField(out, at);
    putField(out, actorKey);
    putField(out, asBytes(action));
    putField(out, asBytes(subject));
    putField(out, asBytes(details));
    putField(out, prevHash);
    return out;
}

crypto::Digest auditEntryHash(std::int64_t seq,
                              std::int64_t at,
                              const crypto::PublicKey& actorKey,
                              std::string_view action,
                              std::string_view subject,
                              std::string_view details,
                              const crypto::Digest& prevHash)
{
    return crypto::blake2b256(kAuditContext, auditHashInput(seq, at, actorKey, action, subject, details, prevHash));
}

Result<AuditRecord> AuditLog::append(const crypto::SigningKey& actor,
                                     std::string_view action,
                                     std::string_view subject,
                                     std::string_view details,
                                     std::int64_t at)
{
    if (action.empty())
        return fail(Errc::InvalidArgument, "an audit entry needs an action");
    POSTERN_TRY(checkText(action, "audit action", kMaxAuditFieldBytes));
    POSTERN_TRY(checkText(subject, "audit subject", kMaxAuditFieldBytes));
    POSTERN_TRY(checkText(details, "audit details", kMaxAuditFieldBytes));

    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(signers, knownSigners(db));
    if (!isKnown(signers, actor.publicKey()))
        return fail(Errc::UnknownSigner,
                    "the acting key " + crypto::fingerprint(actor.publicKey())
                        + " is neither a user of this workstation nor the workstation key");
    // Inside BEGIN IMMEDIATE no other writer can append between reading the head and inserting.
    POSTERN_ASSIGN(prev, readHead(db));

    AuditRecord r;
    r.seq = prev.seq + 1;
    r.at = at;
    r.actorKey = actor.publicKey();
    r.action = std::string(action);
    r.subject = std::string(subject);
    r.details = std::string(details);
    r.prevHash = prev.hash;
    r.hash = auditEntryHash(r.seq, r.at, r.actorKey, r.action, r.subject, r.details, r.prevHash);
    r.signature = actor.sign(kAuditContext, r.hash);

    POSTERN_ASSIGN(ins,
                   db.prepare("INSERT INTO audit(seq, at, actor_key, action, subject, details, prev_hash, hash, "
                              "signature) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    ins.bind(1, r.seq).bind(2, r.at).bindBlob(3, r.actorKey).bind(4, r.action).bind(5, r.subject);
    ins.bind(6, r.details).bindBlob(7, r.prevHash).bindBlob(8, r.hash).bindBlob(9, r.signature);
    POSTERN_TRY(ins.run());
    POSTERN_TRY(tx.commit());
    return r;
}

Status AuditLog::verify(const std::optional<AuditHead>& expected)
{
    SqliteDatabase& db = m_connection.db();
    // One read transaction so the signer list and the entries come from the same snapshot,
    // without holding the write lock for the whole walk.
    Transaction tx(m_connection, Transaction::Mode::Read);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(signers, knownSigners(db));
    POSTERN_ASSIGN(st, db.prepare(std::string(kSelectColumns) + "ORDER BY seq"));

    std::int64_t expectedSeq = 1;
    crypto::Digest prevHash{}; // the first entry links to 32 zero bytes
    bool sawExpected = !expected.has_value() || expected->seq == 0;
    while (true) {
        POSTERN_ASSIGN(more, st.step());
        if (!more)
            break;
        const std::int64_t seq = st.columnInt(0);
        if (seq != expectedSeq) {
            if (seq > expectedSeq)
                return broken(expectedSeq,
                              "is missing (the next entry is " + std::to_string(seq)
                                  + "): entries were deleted or renumbered");
            return broken(seq, "is out of order");
        }
        const auto row = readRow(st);
        if (!row)
            return broken(seq, "has a key, hash or signature of the wrong length");
        const AuditRecord& r = *row;
        if (!crypto::equalConstantTime(r.prevHash, prevHash))
            return broken(seq,
                          "broken link: its previous-hash does not match entry " + std::to_string(seq - 1)
                              + " (an entry before it was removed, inserted or reordered)");
        const crypto::Digest recomputed =
            auditEntryHash(r.seq, r.at, r.actorKey, r.action, r.subject, r.details, r.prevHash);
        if (!crypto::equalConstantTime(recomputed, r.hash))
            return broken(seq, "hash mismatch: a field of the entry was edited");
        if (!isKnown(signers, r.actorKey))
            return broken(seq, "signed by " + crypto::fingerprint(r.actorKey) + ", which is not a known user key");
        if (!crypto::verifySignature(r.actorKey, kAuditContext, r.hash, r.signature))
            return broken(seq, "bad signature: the entry was not signed by the key it names");
        if (expected && seq == expected->seq) {
            if (!crypto::equalConstantTime(r.hash, expected->hash))
                return broken(seq, "does not match the recorded head: the log was rewritten from here on");
            sawExpected = true;
        }
        prevHash = r.hash;
        ++expectedSeq;
    }
    if (!sawExpected)
        return broken(expected->seq,
                      "is missing: the log ends at entry " + std::to_string(expectedSeq - 1)
                          + ", so its newest entries were cut off");
    return tx.commit();
}

Result<AuditHead> AuditLog::head()
{
    return readHead(m_connection.db());
}

Result<std::int64_t> AuditLog::count()
{
    POSTERN_ASSIGN(st, m_connection.db().prepare("SELECT count(*) FROM audit"));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::Io, "cannot count audit entries");
    return st.columnInt(0);
}

Result<std::vector<AuditRecord>> AuditLog::entries(std::int64_t offset, std::int64_t limit)
{
    if (offset < 0 || limit < 1 || limit > 10000)
        return fail(Errc::InvalidArgument, "audit listing needs offset >= 0 and limit 1..10000");
    POSTERN_ASSIGN(st, m_connection.db().prepare(std::string(kSelectColumns) + "ORDER BY seq LIMIT ?1 OFFSET ?2"));
    st.bind(1, limit).bind(2, offset);
    std::vector<AuditRecord> out;
    while (true) {
        POSTERN_ASSIGN(more, st.step());
        if (!more)
            break;
        auto row = readRow(st);
        if (!row)
            return corruptRow("audit", "entry " + std::to_string(st.columnInt(0)) + " has a field of the wrong length");
        out.push_back(std::move(*row));
    }
    return out;
}

} // namespace postern::store
