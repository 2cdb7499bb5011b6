// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Spec.h"

namespace postern::test {

/**
 * kitProgram is a small program in the shape of postern-cli: global options, a single command
 * with options, a group with sub-commands, repeatable options, a command with no options.
 */
inline clikit::ProgramSpec kitProgram()
{
    clikit::ProgramSpec p;
    p.name = "kit";
    p.version = "9.9";
    p.usage = "[--store DIR] COMMAND [ARGS] [OPTIONS]";
    p.description = "A program for the kit's tests.\n";
    p.globals = {{"store", "DIR", "the store"},
                 {"as", "USER", "who acts"},
                 {"help", "", "this text"},
                 {"version", "", "print the version"}};
    p.epilogue = "exit codes: 0 ok, 1 usage\n";
    p.commands = {
        {"list",
         {"list [--limit N] [--json]"},
         {{"limit", "N", "at most N posts"}, {"json", "", "JSON instead of a table"}},
         "posts",
         {{"list", "posts as a table"}}},
        {"draft new",
         {"draft new --channel C..."},
         {{"channel", "C", "a channel", true},
          {"media", "FILE", "a file to attach", true},
          {"alt", "TEXT", "alt text of the --media just before it", true},
          {"text", "TEXT", "the text"}},
         "posts",
         {{"draft new ...", "write a post"}}},
        {"draft edit", {"draft edit POST ..."}, {{"text", "TEXT", "the text"}}, "posts", {{"draft edit POST", "edit"}}},
        {"user add",
         {"user add NAME --roles R"},
         {{"roles", "R[,R...]", "the roles"}},
         "setup",
         {{"user add NAME --roles R", "add a user"}}},
        {"user list", {"user list"}, {}, "setup", {{"user list", "users"}}},
        {"check", {"check POST"}, {}, "posts", {}},
    };
    p.groups = {{"draft", "Drafts are posts not yet submitted.\n", "example:\n  kit draft new --text hi\n", "flags"}};
    return p;
}

} // namespace postern::test
