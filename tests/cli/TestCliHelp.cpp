// SPDX-License-Identifier: GPL-3.0-or-later
// postern-cli's help comes from the command table that parses and dispatches: every command,
// every option, every global option and every exit code shows up, and nothing else is needed.
#include "postern/clikit/Parser.h"

#include "CliRun.h"
#include "CommandTable.h"

#include <catch2/catch.hpp>

#include <set>

using namespace postern;
using postern::test::contains;
using postern::test::runCli;

TEST_CASE("postern-cli --help lists every command, global option and exit code", "[cli][help]")
{
    const auto& program = cli::commands().program();
    auto help = runCli({"--help"});
    CHECK(help.code == 0);
    CHECK(help.err.empty());
    CHECK(help.out.rfind("usage: postern-cli [--store DIR] COMMAND [ARGS] [OPTIONS]\n", 0) == 0);
    for (const auto& c : program.commands) {
        INFO(c.name);
        CHECK_FALSE(c.listed.empty()); // every postern-cli command is in the list
        for (const auto& l : c.listed)
            CHECK(contains(help.out, "\n  " + l.synopsis + "  "));
    }
    for (const auto& o : program.globals)
        CHECK(contains(help.out, "\n  --" + o.name));
    CHECK(contains(help.out, "\nexit codes:\n"));
    for (const char* code : {"0  ok",
                             "1  usage error",
                             "2  I/O",
                             "3  refused by a rule",
                             "5  receipt imported",
                             "6  no store",
                             "7  wrong passphrase"})
        CHECK(contains(help.out, std::string("\n  ") + code));
    CHECK(contains(help.out, "postern-cli: hint: <what to do>"));
    // No command at all prints the same help, but as a usage error.
    auto none = runCli({});
    CHECK(none.code == 1);
    CHECK(none.out == help.out);
}

TEST_CASE("postern-cli GROUP --help shows each command's usage and every option it accepts", "[cli][help]")
{
    const auto& program = cli::commands().program();
    std::set<std::string> groups;
    for (const auto& c : program.commands)
        groups.emplace(clikit::groupName(c.name));
    CHECK(groups.size() == 21);
    for (const auto& group : groups) {
        INFO(group);
        auto help = runCli({group, "--help"});
        CHECK(help.code == 0);
        CHECK(help.out.rfind("usage: postern-cli " + group, 0) == 0);
        for (const auto& c : program.commands) {
            if (clikit::groupName(c.name) != group)
                continue;
            for (const auto& u : c.usage)
                CHECK(contains(help.out, "postern-cli " + u + "\n"));
            for (const auto& o : c.options)
                CHECK(contains(help.out, "\n  --" + o.name + (o.value.empty() ? "" : " " + o.value)));
        }
    }
    // A sub-command's help is its group's.
    CHECK(runCli({"draft", "new", "--help"}).out == runCli({"draft", "--help"}).out);
    CHECK(contains(runCli({"draft", "edit", "--help"}).out, "--channel-text PLATFORM:ACCOUNT=FILE"));
    // --help wins over options that do not apply, and over a missing sub-command.
    CHECK(runCli({"list", "--reason", "x", "--help"}).code == 0);
    CHECK(runCli({"user", "--help"}).code == 0);
}

TEST_CASE("every command in the table has a handler, and --version answers", "[cli][help]")
{
    const auto checked = clikit::checkProgram(cli::commands().program());
    INFO((checked.ok() ? std::string() : checked.error().message));
    CHECK(checked.ok());
    for (const auto& c : cli::commands().program().commands) {
        INFO(c.name);
        CHECK(cli::commands().find(c.name) != nullptr);
        CHECK_FALSE(c.usage.empty());
    }
    CHECK(cli::commands().find("frobnicate") == nullptr);
    auto version = runCli({"--version"});
    CHECK(version.code == 0);
    CHECK(version.out == "postern-cli 0.1.0\n");
}
