// SPDX-License-Identifier: GPL-3.0-or-later
// Private to postern_compose: turning OPSEC rules into QRegularExpressions.
#pragma once

#include "postern/compose/OpsecRules.h"

#include <QRegularExpression>

#include <string>
#include <string_view>
#include <vector>

namespace postern::compose {

/** splitCodeWords splits a Words pattern at commas and newlines, trimming spaces, dropping empties. */
[[nodiscard]] std::vector<std::string> splitCodeWords(std::string_view pattern);

/**
 * hasNestedQuantifier is a conservative check for the classic catastrophic shape: a group
 * containing an unbounded repeat (+, *, {n,}) that is itself repeated without bound, such as
 * "(a+)+" or "(?:x*y)*". It can refuse a safe pattern; an admin can then bound the outer repeat.
 */
[[nodiscard]] bool hasNestedQuantifier(std::string_view pattern);

/**
 * compileRule builds the expression of a rule (Unicode properties on; Words also
 * case-insensitive and whole-word). An empty word list compiles to a pattern that never
 * matches. Errors: syntax (with Qt's message and the offset in the pattern).
 */
[[nodiscard]] Result<QRegularExpression> compileRule(const OpsecRule& rule);

} // namespace postern::compose
