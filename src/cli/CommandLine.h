// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Arguments.h"
#include "postern/util/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::cli {

/** Arguments is a parsed postern-cli command line (clikit's, read against commands()). */
using Arguments = clikit::Arguments;

/**
 * parseCommandLine reads argv[1..] against the command table: options before or after the
 * command, "--name value" or "--name=value", "--" ends options, groups take a sub-command.
 * Each option is checked against the global set plus the command's own, and only repeatable
 * options may be given twice; anything else is invalid-argument with a message that names it.
 */
[[nodiscard]] Result<Arguments> parseCommandLine(const std::vector<std::string>& argv);

/** mainHelp is the text of `postern-cli --help`, generated from the command table. */
[[nodiscard]] std::string mainHelp();

/** commandHelp is the help of a command group ("draft" covers draft new and draft edit). */
[[nodiscard]] std::optional<std::string> commandHelp(std::string_view group);

} // namespace postern::cli
