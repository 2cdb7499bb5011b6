// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

namespace postern {

/**
 * hardenProcess disables core dumps (RLIMIT_CORE = 0 and PR_SET_DUMPABLE = 0, which also
 * blocks ptrace by other users' processes) and sets a 077 umask. Every executable calls it
 * first, before any secret is read.
 */
[[nodiscard]] Status hardenProcess();

/** coreDumpsDisabled reports whether hardenProcess took effect (used by tests). */
[[nodiscard]] bool coreDumpsDisabled();

} // namespace postern
