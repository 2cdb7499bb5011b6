// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/clikit/Start.h"

#include "postern/clikit/Help.h"
#include "postern/clikit/Parser.h"

#include <ostream>

namespace postern::clikit {

Start start(const ProgramSpec& program, const std::vector<std::string>& argv, const Io& io)
{
    const Parser parser(program);
    auto parsed = parser.parse(argv);
    if (!parsed) {
        const std::string group = parser.groupOf(argv);
        Reporter(io, program.name)
            .error(parsed.error().message,
                   "run `" + program.name + " " + (group.empty() ? std::string() : group + " ") + "--help` for usage");
        return {std::nullopt, kExitUsage};
    }
    Arguments& args = *parsed;
    if (args.has("version")) {
        io.out << program.name << " " << program.version << "\n";
        return {std::nullopt, kExitOk};
    }
    if (args.has("help") || args.group.empty()) {
        const auto help = groupHelp(program, args.group);
        io.out << (help ? *help : programHelp(program));
        io.out.flush();
        return {std::nullopt, args.group.empty() && !args.has("help") ? kExitUsage : kExitOk};
    }
    return {std::move(args), kExitOk};
}

} // namespace postern::clikit
