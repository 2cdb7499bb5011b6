// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Io.h"
#include "postern/util/Clock.h"

#include <span>

namespace postern::cli {

/**
 * run is postern-cli without its process: it parses `args` (the words after the program name),
 * answers --help and --version, sets up logging, runs one command and returns the exit status
 * (docs/cli.md, "Exit codes"). Everything it prints goes to `io`; tests call it in-process with
 * string streams. main() hardens the process and checks the crypto library first.
 */
[[nodiscard]] int run(std::span<const char* const> args, const clikit::Io& io, const Clock& clock);

/** run with the system clock. */
[[nodiscard]] int run(std::span<const char* const> args, const clikit::Io& io);

} // namespace postern::cli
