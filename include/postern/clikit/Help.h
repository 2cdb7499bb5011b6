// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Spec.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postern::clikit {

/**
 * programHelp renders `PROGRAM --help` from the program's definitions: usage, description, the
 * command list (each command's listings under its section heading), the global options and the
 * epilogue.
 */
[[nodiscard]] std::string programHelp(const ProgramSpec& program);

/**
 * groupHelp renders `PROGRAM GROUP --help`: the usage lines of every command of the group, the
 * group's description, the options those commands accept (generated from the same OptionSpecs
 * the parser reads) and the epilogue. nullopt when no command belongs to the group.
 */
[[nodiscard]] std::optional<std::string> groupHelp(const ProgramSpec& program, std::string_view group);

/**
 * optionList renders options as an aligned, wrapped list under `title` ("options:"): labels
 * such as "--out FILE" in one column, meanings in the next; a label too long for the column
 * gets its own line.
 */
[[nodiscard]] std::string optionList(std::string_view title, const std::vector<OptionSpec>& options);

/** table renders rows of (label, text) like optionList: "exit codes:" and its codes, say. */
[[nodiscard]] std::string table(std::string_view title, const std::vector<std::pair<std::string, std::string>>& rows);

/**
 * wrap breaks text into lines of at most `width` columns (a longer word stays whole); every line
 * after the first is indented by `indent` spaces. '\n' in the text forces a break.
 */
[[nodiscard]] std::string wrap(std::string_view text, std::size_t indent, std::size_t width);

} // namespace postern::clikit
