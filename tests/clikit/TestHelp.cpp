// SPDX-License-Identifier: GPL-3.0-or-later
// Help generated from the definitions the parser reads.
#include "postern/clikit/Help.h"

#include "KitProgram.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace postern;
using namespace postern::clikit;

namespace {

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

} // namespace

TEST_CASE("the program's help lists every listed command and every global option", "[clikit][help]")
{
    const ProgramSpec p = test::kitProgram();
    const std::string help = programHelp(p);
    CHECK(help.rfind("usage: kit [--store DIR] COMMAND [ARGS] [OPTIONS]\n\nA program for the kit's tests.\n", 0) == 0);
    for (const auto& c : p.commands) {
        for (const auto& l : c.listed)
            CHECK(contains(help, "  " + l.synopsis + "  "));
    }
    for (const auto& o : p.globals)
        CHECK(contains(help, "  --" + o.name));
    CHECK(contains(help, "\nposts:\n"));
    CHECK(contains(help, "\nsetup:\n"));
    CHECK(contains(help, "global options:\n  --store DIR  the store\n"));
    CHECK(contains(help, "exit codes: 0 ok, 1 usage\n"));
    // `check` has no listing, so it is not in the list.
    CHECK_FALSE(contains(help, "check POST"));
    // One column for the whole list, across sections.
    const auto all = lines(help);
    const auto column = [](const std::string& line) { return line.find("  ", 2); };
    std::size_t listColumn = 0;
    for (const auto& line : all) {
        if (line.rfind("  list ", 0) == 0 || line.rfind("  user add", 0) == 0) {
            const auto at = line.find_first_not_of(' ', column(line));
            listColumn = listColumn == 0 ? at : listColumn;
            CHECK(at == listColumn);
        }
    }
    CHECK(listColumn > 0);
}

TEST_CASE("a group's help has every usage line, its prose and its options", "[clikit][help]")
{
    const ProgramSpec p = test::kitProgram();
    const auto draft = groupHelp(p, "draft");
    REQUIRE(draft);
    CHECK(draft->rfind("usage: kit draft new --channel C...\n       kit draft edit POST ...\n\n", 0) == 0);
    CHECK(contains(*draft, "Drafts are posts not yet submitted.\n\nflags:\n"));
    CHECK(contains(*draft, "  --channel C   a channel; repeatable\n"));
    CHECK(contains(*draft, "  --alt TEXT    alt text of the --media just before it; repeatable\n"));
    // --text is declared by both sub-commands and listed once.
    std::size_t texts = 0;
    for (const auto& line : lines(*draft))
        texts += line.rfind("  --text TEXT", 0) == 0 ? 1 : 0;
    CHECK(texts == 1);
    CHECK(draft->size() > 2);
    CHECK(draft->substr(draft->size() - 2) != "\n\n");
    CHECK(contains(*draft, "example:\n  kit draft new --text hi\n"));

    const auto check = groupHelp(p, "check");
    REQUIRE(check);
    CHECK(*check == "usage: kit check POST\n");
    CHECK_FALSE(groupHelp(p, "frobnicate").has_value());
    CHECK_FALSE(groupHelp(p, "new").has_value());
}

TEST_CASE("long texts wrap under their column; long labels get a line of their own", "[clikit][help]")
{
    const std::string text(200, 'x');
    CHECK(wrap("one two three", 4, 12) == "one two\n    three");
    CHECK(wrap("first\nsecond", 2, 80) == "first\n  second");
    CHECK(wrap("e.g.\n  an example", 4, 80) == "e.g.\n      an example"); // indentation after a break stays
    CHECK(wrap(text, 2, 80) == text);                                     // a word longer than the line stays whole

    std::vector<OptionSpec> options = {
        {"channel-text", "PLATFORM:ACCOUNT=FILE", "this channel's own text"},
        {"out",
         "FILE",
         "where to write the bundle, e.g. on removable media; never overwritten, and the words go on to show the "
         "wrapping"}};
    const auto rendered = lines(optionList("options", options));
    REQUIRE(rendered.size() == 5);
    CHECK(rendered[0] == "options:");
    CHECK(rendered[1] == "  --channel-text PLATFORM:ACCOUNT=FILE");
    CHECK(rendered[2] == "              this channel's own text");
    CHECK(rendered[3].rfind("  --out FILE  where to write the bundle", 0) == 0);
    CHECK(rendered[4].rfind("              ", 0) == 0);
    for (const auto& line : rendered)
        CHECK(line.size() <= 94);
}
