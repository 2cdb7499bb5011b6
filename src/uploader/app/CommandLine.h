// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Arguments.h"

namespace postern::uploader::cli {

/** Arguments is a parsed postern-uploader command line (clikit's, read against commands()). */
using Arguments = clikit::Arguments;

} // namespace postern::uploader::cli
