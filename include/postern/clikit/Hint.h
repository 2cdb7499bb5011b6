// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Error.h"

#include <span>
#include <string>
#include <string_view>

namespace postern::clikit {

/**
 * Hint says what to do next about one kind of error. Each program keeps one table of them
 * (its HintTable.cpp), so the advice for an error code is written once, whichever command
 * reports it; a call site with better advice passes its own.
 */
struct Hint
{
    Errc code;
    std::string_view text;
};

/** hintFor looks an error code up in a hint table; "" when the message says it all. */
[[nodiscard]] std::string hintFor(std::span<const Hint> table, Errc code);

} // namespace postern::clikit
