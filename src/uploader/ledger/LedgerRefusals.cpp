// SPDX-License-Identifier: GPL-3.0-or-later
// Refusals and stored receipts (ledger v5): what makes a signed answer final. A bundle id that
// was accepted or refused is answered from here before any other check, and its receipt is
// written again from the stored text, never replaced by a new verdict.
#include "postern/uploader/ledger/Ledger.h"

namespace postern::uploader {

Status Ledger::addRefusal(const RefusalRecord& r)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("INSERT INTO refusals(bundle_id, workstation, sequence, code, reason, receipt_path, "
                                "refused_at) VALUES(?, ?, ?, ?, ?, ?, ?)"));
    st.bind(1, toHex(r.id))
        .bindBlob(2, r.workstation)
        .bind(3, static_cast<std::int64_t>(r.sequence))
        .bind(4, r.code)
        .bind(5, r.reason)
        .bind(6, r.receiptPath)
        .bind(7, r.refusedAt);
    return st.run();
}

Result<std::optional<RefusalRecord>> Ledger::refusal(const bundle::BundleId& id)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT workstation, sequence, code, reason, receipt_path, refused_at FROM refusals "
                                "WHERE bundle_id = ?"));
    st.bind(1, toHex(id));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<RefusalRecord>();
    RefusalRecord r;
    r.id = id;
    POSTERN_ASSIGN(ws, crypto::toKey(st.columnBlob(0)));
    r.workstation = ws;
    r.sequence = static_cast<std::uint64_t>(st.columnInt(1));
    r.code = st.columnText(2);
    r.reason = st.columnText(3);
    r.receiptPath = st.columnText(4);
    r.refusedAt = st.columnInt(5);
    return std::optional<RefusalRecord>(std::move(r));
}

Result<bool> Ledger::knowsBundle(const bundle::BundleId& id)
{
    POSTERN_ASSIGN(st,
                   m_db.prepare("SELECT 1 FROM bundles WHERE bundle_id = ?1 "
                                "UNION ALL SELECT 1 FROM refusals WHERE bundle_id = ?1"));
    st.bind(1, toHex(id));
    return st.step();
}

Status Ledger::storeReceipt(const bundle::BundleId& id, std::string_view text, std::int64_t at)
{
    POSTERN_ASSIGN(st, m_db.prepare("INSERT INTO receipts(bundle_id, text, written_at) VALUES(?, ?, ?)"));
    st.bind(1, toHex(id)).bind(2, text).bind(3, at);
    return st.run();
}

Result<std::optional<std::string>> Ledger::storedReceipt(const bundle::BundleId& id)
{
    POSTERN_ASSIGN(st, m_db.prepare("SELECT text FROM receipts WHERE bundle_id = ?"));
    st.bind(1, toHex(id));
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<std::string>();
    return std::optional<std::string>(st.columnText(0));
}

} // namespace postern::uploader
