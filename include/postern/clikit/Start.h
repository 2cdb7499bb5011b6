// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Arguments.h"
#include "postern/clikit/ExitStatus.h"
#include "postern/clikit/Io.h"
#include "postern/clikit/Spec.h"

#include <optional>
#include <string>
#include <vector>

namespace postern::clikit {

/** Start is what the front door decided: run the command in `args`, or stop with `status`. */
struct Start
{
    std::optional<Arguments> args; ///< set when a command is to run
    int status = kExitOk;          ///< when `args` is empty: the exit status
};

/**
 * start is the front door both programs share. It parses argv (without the program name) and
 * answers what needs no command: a usage error (the message and `hint: run `PROGRAM [GROUP]
 * --help` for usage`, exit 1), `--version`, `--help` (the program's or the group's, exit 0) and
 * a missing command (the program's help, exit 1). Otherwise it returns the arguments to run.
 */
[[nodiscard]] Start start(const ProgramSpec& program, const std::vector<std::string>& argv, const Io& io);

} // namespace postern::clikit
