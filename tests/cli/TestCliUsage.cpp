// SPDX-License-Identifier: GPL-3.0-or-later
// postern-cli's usage errors in-process: each mistake's message, its hint and exit code 1, as
// docs/cli.md and tests/e2e/cli_errors.sh expect them.
#include "CliRun.h"

#include <catch2/catch.hpp>

using namespace postern;
using postern::test::contains;
using postern::test::runCli;

namespace {

struct UsageCase
{
    std::vector<std::string> args;
    std::string message; ///< the whole first line of stderr, without the "postern-cli: " prefix
    std::string hint;    ///< the whole second line, without "postern-cli: hint: "
};

} // namespace

TEST_CASE("each usage error says what is wrong and where to read on, with exit 1", "[cli][usage]")
{
    const std::string mainHint = "run `postern-cli --help` for usage";
    const std::vector<UsageCase> cases = {
        {{"frobnicate"}, "unknown command \"frobnicate\"", mainHint},
        {{"user", "frobnicate"},
         "unknown command \"user frobnicate\"; use user add, list, roles, disable or rotate-key",
         "run `postern-cli user --help` for usage"},
        {{"user"},
         "user needs a sub-command: add, list, roles, disable or rotate-key",
         "run `postern-cli user --help` for usage"},
        {{"order", "cancel", "--as", "a", "--bogus"},
         "unknown option --bogus",
         "run `postern-cli order --help` for usage"},
        {{"list", "--reason", "x"},
         "option --reason does not apply to `list`",
         "run `postern-cli list --help` for usage"},
        {{"--limit", "5"}, "option --limit needs a command", mainHint},
        {{"list", "--limit", "5", "--limit", "6"},
         "option --limit is given twice",
         "run `postern-cli list --help` for usage"},
        {{"list", "--limit"}, "option --limit needs a value", "run `postern-cli list --help` for usage"},
        {{"list", "--json=yes"}, "option --json takes no value", "run `postern-cli list --help` for usage"},
        {{"--as", "x", "--as", "y", "list"}, "option --as is given twice", "run `postern-cli list --help` for usage"},
    };
    for (const auto& c : cases) {
        INFO(c.message);
        auto r = runCli(c.args);
        CHECK(r.code == 1);
        CHECK(r.out.empty());
        CHECK(r.err == "postern-cli: " + c.message + "\npostern-cli: hint: " + c.hint + "\n");
    }
}

TEST_CASE("bad global option values are usage errors before any store is touched", "[cli][usage]")
{
    test::TempDir dir;
    const std::string nowhere = (dir / "nowhere").string();
    auto kdf = runCli({"--store", nowhere, "--kdf", "enormous", "list"});
    CHECK(kdf.code == 1);
    CHECK(contains(kdf.err, "postern-cli: "));
    CHECK(contains(kdf.err, "enormous"));
    auto level = runCli({"--store", nowhere, "--log-level", "loud", "list"});
    CHECK(level.code == 1);
    CHECK(contains(level.err, "unknown log level"));
    // A store that is not there is not a usage error: exit 6, and the hint says what to run.
    auto missing = runCli({"--store", nowhere, "list"});
    CHECK(missing.code == 6);
    CHECK(contains(missing.err, "postern-cli: hint: run `postern-cli init --name WORKSTATION --admin NAME`"));
    CHECK(contains(missing.err, nowhere));
    CHECK_FALSE(std::filesystem::exists(nowhere));
}
