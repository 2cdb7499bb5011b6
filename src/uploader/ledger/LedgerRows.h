// SPDX-License-Identifier: GPL-3.0-or-later
// Reading ledger rows that more than one Ledger source file selects (internal to the core).
#pragma once

#include "postern/uploader/ledger/LedgerRecords.h"
#include "postern/util/Sqlite.h"

namespace postern::uploader {

/** kTargetColumns is the column list readTargetRow expects, in order (table alias `t`). */
inline constexpr std::string_view kTargetColumns =
    "t.bundle_id, t.post_index, t.channel_index, t.post_id, t.version, t.channel, t.state, t.platform_id, "
    "t.url, t.reason, t.updated_at, t.idempotency_key, t.due_at";

/** readTargetRow reads the current row of a statement that selected kTargetColumns. */
[[nodiscard]] Result<TargetRecord> readTargetRow(SqliteStatement& st);
/** readTargetRows steps through every row of a statement that selected kTargetColumns. */
[[nodiscard]] Result<std::vector<TargetRecord>> readTargetRows(SqliteStatement& st);

} // namespace postern::uploader
