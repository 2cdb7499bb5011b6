// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Arguments.h"
#include "postern/util/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::uploader::cli {

/** Arguments is a parsed postern-uploader command line (clikit's, read against commands()). */
using Arguments = clikit::Arguments;

/**
 * parseCommandLine reads argv[1..] against the command table: options may come before or after
 * the command, as "--name value" or "--name=value"; "--" ends options. Options are checked
 * against the global set plus the command's own; anything else is invalid-argument with a
 * message that names it.
 */
[[nodiscard]] Result<Arguments> parseCommandLine(const std::vector<std::string>& argv);

/** mainHelp is the text of `postern-uploader --help`, generated from the command table. */
[[nodiscard]] std::string mainHelp();
/** commandHelp is the text of `postern-uploader COMMAND --help`, or nullopt for an unknown command. */
[[nodiscard]] std::optional<std::string> commandHelp(std::string_view command);

} // namespace postern::uploader::cli
