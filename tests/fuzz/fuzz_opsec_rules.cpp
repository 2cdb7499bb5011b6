// SPDX-License-Identifier: GPL-3.0-or-later
// OPSEC rule lists come from an admin's file (parseOpsecRulesText, ordinary JSON) and from the
// store (canonical JSON, opsecRulesFromJson). Every accepted list must re-serialise to a list
// that parses back to the same rules, and must scan a sample text within its limits.
#include "postern/compose/OpsecRules.h"

#include <cstdint>
#include <string_view>

using namespace postern;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    JsonLimits limits;
    limits.maxBytes = compose::kMaxOpsecRulesJsonBytes;
    limits.maxStringBytes = compose::kMaxOpsecWordsBytes;
    if (auto json = parseCanonicalJson(text, limits); json.ok())
        (void)compose::opsecRulesFromJson(*json);
    auto rules = compose::parseOpsecRulesText(text);
    if (!rules.ok())
        return 0;
    const Json canonical = compose::opsecRulesToJson(*rules);
    auto again = compose::opsecRulesFromJson(canonical);
    if (!again.ok() || *again != *rules)
        __builtin_trap();
    auto flags = compose::scanOpsecText("Call +44 20 7946 0958 or press@example.org at TQ 300 800, nightjar.", *rules);
    if (flags.ok() && flags->size() > compose::kMaxOpsecFlags)
        __builtin_trap();
    return 0;
}
