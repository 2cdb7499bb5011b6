// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Arguments.h"

namespace postern::cli {

/** Arguments is a parsed postern-cli command line (clikit's, read against commands()). */
using Arguments = clikit::Arguments;

} // namespace postern::cli
