// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/CommandRegistry.h"
#include "postern/clikit/Io.h"
#include "postern/clikit/Start.h"
#include "postern/util/Clock.h"

#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace postern::clikit {

/**
 * runProgram is the body of both programs' run(): the front door (usage errors, --help,
 * --version), the program's set-up from its global options, the command's handler, and the exit
 * status. What differs is passed in: `Context` is the program's own and must have `io`, `args`
 * and `clock` members; `setUp(ctx)` returns an exit code when the global options are wrong;
 * `unknown(ctx)` answers a command the registry does not know; `status(code)` is the number.
 */
template <typename Context, typename Handler, typename SetUp, typename Unknown, typename Status>
int runProgram(const CommandRegistry<Handler>& registry,
               std::span<const char* const> args,
               const Io& io,
               const Clock& clock,
               SetUp setUp,
               Unknown unknown,
               Status status)
{
    const std::vector<std::string> argv(args.begin(), args.end());
    auto start = clikit::start(registry.program(), argv, io);
    if (!start.args)
        return start.status;
    Context ctx;
    ctx.io = &io;
    ctx.args = std::move(*start.args);
    ctx.clock = &clock;
    const auto code = [&] {
        if (auto problem = setUp(ctx))
            return *problem;
        if (const Handler handler = registry.find(ctx.args.command))
            return handler(ctx);
        return unknown(ctx);
    }();
    io.out.flush();
    return status(code);
}

} // namespace postern::clikit
