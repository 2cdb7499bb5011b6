// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Keys.h"
#include "postern/store/Records.h"
#include "postern/util/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/** kAuditContext separates audit hashes and signatures from every other Postern hash and signature. */
constexpr std::string_view kAuditContext = "postern/v1/audit";

/** kMaxAuditFieldBytes bounds action, subject and details so one entry stays small. */
constexpr std::size_t kMaxAuditFieldBytes = 64u << 10;

/**
 * auditHashInput is the canonical encoding hashed for one entry: seven fields, each written as
 * an unsigned 64-bit big-endian byte length followed by the bytes (integers as 8-byte big-endian
 * two's complement). Every field is length-prefixed, so no two different entries share an
 * encoding. docs/store.md gives the layout byte by byte.
 */
[[nodiscard]] Bytes auditHashInput(std::int64_t seq,
                                   std::int64_t at,
                                   const crypto::PublicKey& actorKey,
                                   std::string_view action,
                                   std::string_view subject,
                                   std::string_view details,
                                   const crypto::Digest& prevHash);

/** auditEntryHash is BLAKE2b-256(kAuditContext || NUL || auditHashInput(...)). */
[[nodiscard]] crypto::Digest auditEntryHash(std::int64_t seq,
                                            std::int64_t at,
                                            const crypto::PublicKey& actorKey,
                                            std::string_view action,
                                            std::string_view subject,
                                            std::string_view details,
                                            const crypto::Digest& prevHash);

/**
 * AuditLog is the workstation's hash-chained, signed record of every action. Each entry hashes
 * its predecessor's hash and is signed by the acting user's key, so editing, deleting,
 * reordering or inserting an entry breaks verify(). Cutting entries off the end is only visible
 * against a head recorded elsewhere (see verify's `expected`).
 *
 * append joins the caller's transaction when there is one (WorkstationStore::transaction), so
 * the entry commits or rolls back together with the change it records.
 */
class AuditLog
{
public:
    /** AuditLog is created by WorkstationStore; it borrows the store's connection. */
    explicit AuditLog(StoreConnection& connection) : m_connection(connection) {}

    /**
     * append adds the next entry signed by `actor`. The actor must be a known user key or the
     * workstation key, otherwise verify() could never accept the entry: unknown-signer.
     * Fields must be UTF-8 of at most kMaxAuditFieldBytes; action must not be empty.
     */
    [[nodiscard]] Result<AuditRecord> append(const crypto::SigningKey& actor,
                                             std::string_view action,
                                             std::string_view subject,
                                             std::string_view details,
                                             std::int64_t at);

    /**
     * verify walks the whole chain in seq order. It fails with audit-chain-broken naming the
     * first bad seq and the reason: a gap in seq, a broken link (prev_hash is not the previous
     * hash), a hash mismatch (a field was edited), a signer that is not a known user key, or a
     * bad signature. With `expected` (a head recorded earlier, e.g. printed on paper or kept by
     * the uploader), it also fails if that entry is no longer in the chain, which is the only way
     * to notice that the newest entries were removed.
     */
    [[nodiscard]] Status verify(const std::optional<AuditHead>& expected = std::nullopt);

    /** head returns the newest entry's seq and hash, or {0, zeros} for an empty log. */
    [[nodiscard]] Result<AuditHead> head();

    /** count returns the number of entries. */
    [[nodiscard]] Result<std::int64_t> count();

    /** entries returns up to `limit` (1..10000) entries in seq order, skipping `offset`. */
    [[nodiscard]] Result<std::vector<AuditRecord>> entries(std::int64_t offset, std::int64_t limit);

private:
    StoreConnection& m_connection;
};

} // namespace postern::store
