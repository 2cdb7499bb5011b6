// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/SecureBuffer.h"
#include "postern/util/Result.h"

#include <filesystem>
#include <string_view>

namespace postern::crypto {

/** readPassphraseFromTerminal prompts on /dev/tty with echo off; fails if there is no terminal. */
[[nodiscard]] Result<SecureBuffer> readPassphraseFromTerminal(std::string_view prompt);

/**
 * readPassphraseFile reads the first line of a file (at most 1 KiB, trailing LF removed) into
 * guarded memory. Used by scripts and tests; the file should be 0600 and on tmpfs.
 */
[[nodiscard]] Result<SecureBuffer> readPassphraseFile(const std::filesystem::path& path);

/** checkNewPassphrase enforces the minimum for new passphrases: 12 bytes or more. */
[[nodiscard]] Status checkNewPassphrase(const SecureBuffer& passphrase);

} // namespace postern::crypto
