// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/CommandRegistry.h"

#include "ExitCode.h"

namespace postern::cli {

struct Context;

/** Handler runs one command; it prints to the context's streams and returns the exit code. */
using Handler = ExitCode (*)(const Context&);
using Registry = clikit::CommandRegistry<Handler>;

/**
 * commands is postern-cli's command table: every command with its options, its place in the
 * help and the function that runs it (built once, on first use). The parser, the help text and
 * the dispatch all read this one table.
 */
[[nodiscard]] const Registry& commands();

// The table is filled in three parts, in the order of `postern-cli --help`.
void addSetupCommands(Registry& r); ///< init, user, passphrase, uploader, identity, policy (SetupCommandTable.cpp)
void addPostCommands(Registry& r);  ///< draft, submit, approve, reject, list, show, check, order (PostCommandTable.cpp)
void addRecordCommands(
    Registry& r); ///< export, receipt, audit, backup, restore, opsec, profile (RecordCommandTable.cpp)

} // namespace postern::cli
