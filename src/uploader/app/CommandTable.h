// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/CommandRegistry.h"

#include "ExitCode.h"

namespace postern::uploader::cli {

struct Context;

/** Handler runs one command; it prints to the context's streams and returns the exit code. */
using Handler = ExitCode (*)(const Context&);
using Registry = clikit::CommandRegistry<Handler>;

/**
 * commands is postern-uploader's command table: every command with its options, its place in
 * the help and the function that runs it (built once, on first use). The parser, the help text
 * and the dispatch all read this one table.
 */
[[nodiscard]] const Registry& commands();

} // namespace postern::uploader::cli
