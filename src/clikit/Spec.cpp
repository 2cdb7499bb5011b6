// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/clikit/Spec.h"

#include <algorithm>
#include <map>
#include <set>

namespace postern::clikit {

namespace {

std::string groupOf(const std::string& command)
{
    return command.substr(0, command.find(' '));
}

} // namespace

Status checkProgram(const ProgramSpec& program)
{
    std::map<std::string, bool> takesValue; // option name -> takes a value
    std::set<std::string> globals;
    const auto meaning = [&](const OptionSpec& o, const std::string& where) -> Status {
        const auto [it, inserted] = takesValue.emplace(o.name, !o.value.empty());
        if (!inserted && it->second != !o.value.empty())
            return fail(Errc::InvalidArgument, "--" + o.name + " takes a value in one place and not in " + where);
        return {};
    };
    for (const auto& o : program.globals) {
        if (!globals.insert(o.name).second)
            return fail(Errc::InvalidArgument, "the global option --" + o.name + " is declared twice");
        POSTERN_TRY(meaning(o, "the global options"));
    }
    for (const char* needed : {"help", "version"}) {
        if (globals.count(needed) == 0)
            return fail(Errc::InvalidArgument, std::string("the global option --") + needed + " is missing");
    }
    std::set<std::string> names;
    std::map<std::string, bool> hasSubs; // group -> whether its commands are sub-commands
    for (const auto& c : program.commands) {
        const auto words = std::count(c.name.begin(), c.name.end(), ' ') + 1;
        if (c.name.empty() || words > 2 || c.name.front() == ' ' || c.name.back() == ' ')
            return fail(Errc::InvalidArgument, "\"" + c.name + "\" is not a command name of one or two words");
        if (!names.insert(c.name).second)
            return fail(Errc::InvalidArgument, "the command \"" + c.name + "\" is declared twice");
        const auto [it, inserted] = hasSubs.emplace(groupOf(c.name), words == 2);
        if (!inserted && it->second != (words == 2))
            return fail(Errc::InvalidArgument,
                        "\"" + groupOf(c.name) + "\" is both a command and a group with sub-commands");
        if (c.usage.empty())
            return fail(Errc::InvalidArgument, "the command \"" + c.name + "\" has no usage line");
        std::set<std::string> own;
        for (const auto& o : c.options) {
            if (globals.count(o.name) != 0 || !own.insert(o.name).second)
                return fail(Errc::InvalidArgument, "--" + o.name + " is declared twice for \"" + c.name + "\"");
            POSTERN_TRY(meaning(o, "\"" + c.name + "\""));
        }
    }
    return {};
}

} // namespace postern::clikit
