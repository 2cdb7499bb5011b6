// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace postern {

/** LogOptions selects where log lines go and how many. */
struct LogOptions
{
    std::string level = "warn"; ///< trace, debug, info, warn, error, critical, off
    std::filesystem::path file; ///< rotating file sink; empty = none
    std::size_t maxFileBytes = 5u << 20;
    std::size_t maxFiles = 3;
    bool console = true; ///< stderr sink
};

/**
 * initLogging installs the default spdlog logger. Log lines name keys only by fingerprint;
 * passphrases, secret keys, tokens and post texts are never passed to the logger (see
 * docs/threat-model.md, "What is logged").
 */
[[nodiscard]] Status initLogging(const std::string& programName, const LogOptions& options);

/**
 * escapeForLog makes an outside string safe for one log line: control characters (C0, DEL,
 * C1), line and paragraph separators, bidirectional controls and malformed UTF-8 bytes become
 * visible escapes (\x0a, \u202e). initLogging's formatter applies it to every message.
 */
[[nodiscard]] std::string escapeForLog(std::string_view text);

} // namespace postern
