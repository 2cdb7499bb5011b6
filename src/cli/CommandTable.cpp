// SPDX-License-Identifier: GPL-3.0-or-later
// postern-cli's program definition: name, global options, the prose of `postern-cli --help`,
// and the table of commands (filled in by SetupCommandTable.cpp, PostCommandTable.cpp and
// RecordCommandTable.cpp). docs/cli.md says the same at more length; keep the two in step.
#include "CommandTable.h"

#include "postern/clikit/Help.h"
#include "postern/clikit/Parser.h"

#include "CommandLine.h"

namespace postern::cli {

namespace {

/** What each exit code means, for the help; the numbers come from ExitCode itself. */
const std::pair<ExitCode, std::string_view> kExitCodeMeanings[] = {
    {ExitCode::Ok, "ok"},
    {ExitCode::Usage, "usage error (command line, input)"},
    {ExitCode::Environment, "I/O or environment error"},
    {ExitCode::Refused,
     "refused by a rule: role, state, policy, self-approval, already exported, or a check failed (audit chain, "
     "receipt signature)"},
    {ExitCode::SomeFailed, "receipt imported, but posts failed there"},
    {ExitCode::NotReady, "no store here, or no uploader trusted yet"},
    {ExitCode::KeyProblem, "wrong passphrase or key problem"},
};

clikit::ProgramSpec program()
{
    clikit::ProgramSpec p;
    p.name = "postern-cli";
    p.version = "0.1.0";
    p.usage = "[--store DIR] COMMAND [ARGS] [OPTIONS]";
    p.description = R"(The offline Postern workstation without the GUI: accounts and keys, approval policy,
drafting, review, export of signed bundles for the uploader, and the audit log. It has no
network code; bundles and receipts cross the gap on removable media.
)";
    p.globals = {
        {"store", "DIR", "the store (default $POSTERN_STORE, else $HOME/.local/share/postern)"},
        {"as", "USER", "the user who acts; commands that change something need it"},
        {"passphrase-file",
         "FILE",
         "read the acting user's passphrase from the first line of FILE instead of asking on the terminal (keep it "
         "0600, on tmpfs)"},
        {"new-passphrase-file",
         "FILE",
         "init and user add: the new user's passphrase, instead of asking twice on the terminal (12 characters or "
         "more)"},
        {"kdf",
         "PROFILE",
         "init and user add: Argon2id cost of the new key: interactive, moderate (default) or sensitive"},
        {"log-level", "LEVEL", "trace, debug, info, warn (default), error, critical, off"},
        {"log-file", "FILE", "also log to FILE (rotated at 5 MiB, 3 files kept)"},
        {"help", "", "this text; `postern-cli COMMAND --help` for one command"},
        {"version", "", "print the version"},
    };
    std::vector<std::pair<std::string, std::string>> codes;
    for (const auto& [code, meaning] : kExitCodeMeanings)
        codes.emplace_back(std::to_string(exitStatus(code)), std::string(meaning));
    p.epilogue = "POST is a post id or a unique prefix of at least 6 hex digits (`list` shows 12).\n\n"
                 + clikit::table("exit codes", codes)
                 + "\nErrors go to stderr as `postern-cli: <what happened>`, often followed by\n"
                   "`postern-cli: hint: <what to do>`. See docs/cli.md for the full reference.\n";
    return p;
}

} // namespace

const Registry& commands()
{
    static const Registry kRegistry = [] {
        Registry r(program());
        addSetupCommands(r);
        addPostCommands(r);
        addRecordCommands(r);
        return r;
    }();
    return kRegistry;
}

} // namespace postern::cli
