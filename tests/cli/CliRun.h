// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "TempDir.h"

#include <filesystem>
#include <string>
#include <vector>

namespace postern::test {

/** Ran is one in-process run of postern-cli: its exit status and what it wrote where. */
struct Ran
{
    int code = -1;
    std::string out;
    std::string err;
};

/**
 * runCli runs postern-cli in-process (cli::run) with string streams for stdout, stderr and
 * stdin. `input` is what the command may read (an answer to a question); `terminal` makes the
 * input count as a terminal. The process's own std::cout and std::cerr are captured meanwhile
 * and must stay empty: a command that wrote there directly fails the test.
 */
[[nodiscard]] Ran runCli(const std::vector<std::string>& args, const std::string& input = {}, bool terminal = false);

/** CliStore is a temporary folder for a store plus helpers for the files the commands read. */
struct CliStore
{
    TempDir dir;
    [[nodiscard]] std::string store() const { return (dir / "store").string(); }
    /** passphraseFile writes a 0600 file holding one passphrase line and returns its path. */
    [[nodiscard]] std::string passphraseFile(const std::string& name, const std::string& passphrase) const;
    /** file writes a file under the folder and returns its path. */
    [[nodiscard]] std::string file(const std::string& name, const std::string& content) const;
    /** as runs `--store S --passphrase-file PASS ARGS...` (PASS "" for none). */
    [[nodiscard]] Ran run(const std::string& pass, std::vector<std::string> args) const;
};

/** contains tells whether text contains part. */
[[nodiscard]] bool contains(const std::string& text, std::string_view part);

} // namespace postern::test
