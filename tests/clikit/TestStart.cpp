// SPDX-License-Identifier: GPL-3.0-or-later
// The front door both programs share, and the error format: what lands on which stream, with
// which exit status.
#include "postern/clikit/Hint.h"
#include "postern/clikit/Start.h"

#include "KitProgram.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace postern;
using namespace postern::clikit;

namespace {

struct Door
{
    Start start;
    std::string out;
    std::string err;
};

Door knock(const std::vector<std::string>& argv)
{
    static const ProgramSpec program = test::kitProgram();
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in;
    const Io io{out, err, in};
    Door d{start(program, argv, io), {}, {}};
    d.out = out.str();
    d.err = err.str();
    return d;
}

} // namespace

TEST_CASE("the front door answers help, version and usage errors itself", "[clikit][start]")
{
    auto none = knock({});
    CHECK_FALSE(none.start.args);
    CHECK(none.start.status == kExitUsage);
    CHECK(none.out.rfind("usage: kit ", 0) == 0);
    CHECK(none.err.empty());

    auto help = knock({"--help"});
    CHECK(help.start.status == kExitOk);
    CHECK(help.out == none.out);

    auto group = knock({"draft", "new", "--help"});
    CHECK(group.start.status == kExitOk);
    CHECK(group.out.rfind("usage: kit draft new", 0) == 0);

    auto version = knock({"list", "--version"});
    CHECK(version.start.status == kExitOk);
    CHECK(version.out == "kit 9.9\n");

    auto bad = knock({"draft", "new", "--bogus"});
    CHECK_FALSE(bad.start.args);
    CHECK(bad.start.status == kExitUsage);
    CHECK(bad.out.empty());
    CHECK(bad.err == "kit: unknown option --bogus\nkit: hint: run `kit draft --help` for usage\n");
    CHECK(knock({"frobnicate"}).err == "kit: unknown command \"frobnicate\"\nkit: hint: run `kit --help` for usage\n");

    auto run = knock({"list", "--limit", "2"});
    REQUIRE(run.start.args);
    CHECK(run.start.args->command == "list");
    CHECK(run.out.empty());
    CHECK(run.err.empty());
}

TEST_CASE("errors and hints go to the error stream after the output so far", "[clikit][start]")
{
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in;
    const Io io{out, err, in};
    out << "partial result\n";
    Reporter(io, "kit").error("it broke", "do this next");
    Reporter(io, "kit").error("no hint here");
    CHECK(out.str() == "partial result\n");
    CHECK(err.str() == "kit: it broke\nkit: hint: do this next\nkit: no hint here\n");
}

TEST_CASE("a hint table answers by error code", "[clikit][hint]")
{
    constexpr Hint kTable[] = {{Errc::WrongPassphrase, "try the other one"}, {Errc::NotFound, "look elsewhere"}};
    CHECK(hintFor(kTable, Errc::WrongPassphrase) == "try the other one");
    CHECK(hintFor(kTable, Errc::NotFound) == "look elsewhere");
    CHECK(hintFor(kTable, Errc::Io).empty());
}

TEST_CASE("checkProgram refuses definitions the parser cannot honour", "[clikit][spec]")
{
    CHECK(checkProgram(test::kitProgram()).ok());
    const auto broken = [](auto change) {
        ProgramSpec p = test::kitProgram();
        change(p);
        auto s = checkProgram(p);
        CHECK(s.code() == Errc::InvalidArgument);
        return s.ok() ? std::string() : s.error().message;
    };
    CHECK(broken([](ProgramSpec& p) { p.commands[2].options[0].value.clear(); })
          == "--text takes a value in one place and not in \"draft edit\"");
    CHECK(broken([](ProgramSpec& p) {
              p.commands.push_back({"list", {"list"}});
          })
          == "the command \"list\" is declared twice");
    CHECK(broken([](ProgramSpec& p) {
              p.commands.push_back({"draft", {"draft"}});
          })
          == "\"draft\" is both a command and a group with sub-commands");
    CHECK(broken([](ProgramSpec& p) {
              p.commands.push_back({"a b c", {"a b c"}});
          })
          == "\"a b c\" is not a command name of one or two words");
    CHECK(broken([](ProgramSpec& p) { p.commands.push_back({"new"}); }) == "the command \"new\" has no usage line");
    CHECK(broken([](ProgramSpec& p) {
              p.commands[0].options.push_back({"store", "DIR", "again"});
          })
          == "--store is declared twice for \"list\"");
    CHECK(broken([](ProgramSpec& p) { p.globals.pop_back(); }) == "the global option --version is missing");
}
