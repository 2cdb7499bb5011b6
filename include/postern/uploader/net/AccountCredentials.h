// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/AccountStore.h"

#include <cstdint>
#include <string_view>

namespace postern::uploader {

/** kMaxCredentialsFileBytes caps a credentials file (a token answer is well under 8 KiB). */
inline constexpr std::size_t kMaxCredentialsFileBytes = 64u << 10;

/**
 * parseCredentials reads the OAuth credentials file an operator gives to `account add` for a
 * TikTok or X account: the JSON object the platform's token endpoint answered, with the app's
 * client id (and secret) added (docs/uploader.md, "Accounts"). Members:
 *
 *   client_id (required), client_secret, access_token (required), refresh_token (required),
 *   expires_in and refresh_expires_in (seconds from `now`), open_id or user_id, scope,
 *   token_type ("bearer", any case).
 *
 * Any other member is refused by name (unknown-field), so a typo is never silently ignored.
 * Errors: too-large, syntax, missing-field, unknown-field, bad-value (empty token, a
 * non-bearer token type, an expiry out of range), wrong-type (a number given as text), truncated.
 */
[[nodiscard]] Result<AccountSecrets> parseCredentials(std::string_view text, std::int64_t now);

} // namespace postern::uploader
