// SPDX-License-Identifier: GPL-3.0-or-later
// The kit's parser: the documented syntax, and one plain message for each kind of mistake.
#include "postern/clikit/Parser.h"

#include "KitProgram.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::clikit;

namespace {

Result<Arguments> parse(const std::vector<std::string>& argv)
{
    static const ProgramSpec program = test::kitProgram();
    return Parser(program).parse(argv);
}

/** message is the error message of a command line that must not parse. */
std::string message(const std::vector<std::string>& argv)
{
    auto r = parse(argv);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == Errc::InvalidArgument);
    return r.error().message;
}

} // namespace

TEST_CASE("options go before or after the command, with a space or an equals sign", "[clikit][parser]")
{
    auto a = parse({"--store", "/s", "list", "--limit=5", "--json"});
    REQUIRE(a.ok());
    CHECK(a->group == "list");
    CHECK(a->command == "list");
    CHECK(a->positionals.empty());
    CHECK(*a->value("store") == "/s");
    CHECK(*a->value("limit") == "5");
    CHECK(a->has("json"));
    CHECK(*a->value("json") == "");
    CHECK_FALSE(a->has("as"));
    CHECK(a->value("as") == nullptr);

    // A command's own option may even stand before the command.
    auto before = parse({"--limit", "3", "list"});
    REQUIRE(before.ok());
    CHECK(before->command == "list");
    CHECK(*before->value("limit") == "3");
}

TEST_CASE("a group takes its sub-command; the words after it are positionals", "[clikit][parser]")
{
    auto a = parse({"user", "--as", "root", "add", "bob", "--roles", "author,approver"});
    REQUIRE(a.ok());
    CHECK(a->group == "user");
    CHECK(a->command == "user add");
    CHECK(a->positionals == std::vector<std::string>{"bob"});
    CHECK(*a->value("roles") == "author,approver");
    CHECK(*a->value("as") == "root");

    // A word after the command is a positional even when it names another command.
    auto words = parse({"check", "list", "user"});
    REQUIRE(words.ok());
    CHECK(words->command == "check");
    CHECK(words->positionals == std::vector<std::string>{"list", "user"});
}

TEST_CASE("values and positionals may look like options", "[clikit][parser]")
{
    // A value is the next word, whatever it looks like.
    auto value = parse({"draft", "new", "--text", "--not-an-option", "--channel", "-x"});
    REQUIRE(value.ok());
    CHECK(*value->value("text") == "--not-an-option");
    CHECK(*value->value("channel") == "-x");
    // An empty value stays empty and takes nothing after it.
    auto empty = parse({"draft", "new", "--text=", "--channel", "c"});
    REQUIRE(empty.ok());
    CHECK(*empty->value("text") == "");
    CHECK(*empty->value("channel") == "c");
    // "--" ends the options; a single dash is a word.
    auto dashes = parse({"check", "-abc", "--", "--json", "x"});
    REQUIRE(dashes.ok());
    CHECK(dashes->positionals == std::vector<std::string>{"-abc", "--json", "x"});
    CHECK_FALSE(dashes->has("json"));
}

TEST_CASE("repeatable options keep their order, interleaved with each other", "[clikit][parser]")
{
    auto a = parse({"draft",
                    "new",
                    "--media",
                    "a.png",
                    "--alt",
                    "first",
                    "--channel",
                    "outbox:p",
                    "--media",
                    "b.png",
                    "--alt",
                    "second",
                    "--store",
                    "s"});
    REQUIRE(a.ok());
    CHECK(a->values("media") == std::vector<std::string>{"a.png", "b.png"});
    CHECK(a->values("alt") == std::vector<std::string>{"first", "second"});
    const std::vector<std::pair<std::string, std::string>> expected = {{"media", "a.png"},
                                                                       {"alt", "first"},
                                                                       {"channel", "outbox:p"},
                                                                       {"media", "b.png"},
                                                                       {"alt", "second"},
                                                                       {"store", "s"}};
    CHECK(a->options == expected);
}

TEST_CASE("each mistake gets one message that names it", "[clikit][parser]")
{
    CHECK(message({"list", "--bogus"}) == "unknown option --bogus");
    CHECK(message({"list", "--json=yes"}) == "option --json takes no value");
    CHECK(message({"list", "--limit"}) == "option --limit needs a value");
    CHECK(message({"frobnicate"}) == "unknown command \"frobnicate\"");
    CHECK(message({"user", "frobnicate"}) == "unknown command \"user frobnicate\"; use user add or list");
    CHECK(message({"user"}) == "user needs a sub-command: add or list");
    CHECK(message({"list", "--roles", "x"}) == "option --roles does not apply to `list`");
    CHECK(message({"--limit", "5"}) == "option --limit needs a command");
    CHECK(message({"list", "--limit", "5", "--limit", "6"}) == "option --limit is given twice");
    CHECK(message({"list", "--json", "--json"}) == "option --json is given twice");
    CHECK(message({"--store", "a", "list", "--store", "b"}) == "option --store is given twice");
    CHECK(message({"draft", "new", "--text", "a", "--text", "b"}) == "option --text is given twice");
}

TEST_CASE("--help needs no complete command and skips the options' places", "[clikit][parser]")
{
    auto group = parse({"user", "--help"});
    REQUIRE(group.ok());
    CHECK(group->group == "user");
    CHECK(group->command.empty());
    CHECK(group->has("help"));
    auto misplaced = parse({"list", "--roles", "x", "--help"});
    REQUIRE(misplaced.ok());
    CHECK(misplaced->command == "list");
    // An unknown option is still an error.
    CHECK(message({"list", "--bogus", "--help"}) == "unknown option --bogus");
}

TEST_CASE("groupOf finds the group of a line that does not parse", "[clikit][parser]")
{
    const ProgramSpec program = test::kitProgram();
    const Parser parser(program);
    CHECK(parser.groupOf({"--store", "user", "draft", "new", "--bogus"}) == "draft");
    CHECK(parser.groupOf({"--bogus", "list"}) == "list");
    CHECK(parser.groupOf({"frobnicate"}).empty());
    CHECK(parser.groupOf({"--", "user"}) == "user");
    CHECK(parser.groupOf({}).empty());
    CHECK(parser.isGroup("draft"));
    CHECK_FALSE(parser.isGroup("new"));
    CHECK(parser.subCommandsOf("draft") == std::vector<std::string>{"new", "edit"});
    CHECK(parser.subCommandsOf("list").empty());
}
