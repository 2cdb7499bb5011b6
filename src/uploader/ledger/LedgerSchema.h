// SPDX-License-Identifier: GPL-3.0-or-later
// The ledger's numbered schema steps (internal to the core). Ledger::open applies all of them;
// tests build the ledger an older uploader left behind with the first few.
#pragma once

#include "postern/util/Sqlite.h"

#include <limits>
#include <vector>

namespace postern::uploader {

/**
 * ledgerMigrations is the ledger's schema steps (Ledger.cpp) with a version up to `upTo`, in
 * order: all of them by default, or the ledger of an uploader that stopped at `upTo`.
 */
[[nodiscard]] std::vector<SqliteMigration> ledgerMigrations(int upTo = std::numeric_limits<int>::max());

} // namespace postern::uploader
