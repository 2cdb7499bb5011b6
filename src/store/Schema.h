// SPDX-License-Identifier: GPL-3.0-or-later
// Private to the store: the numbered schema migrations (docs/store.md, "Schema").
#pragma once

#include "postern/util/Sqlite.h"

#include <vector>

namespace postern::store {

/** storeMigrations lists every schema step in order; never edit a released step, add one. */
[[nodiscard]] const std::vector<SqliteMigration>& storeMigrations();

} // namespace postern::store
