// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/KeyFile.h"
#include "postern/crypto/Keys.h"
#include "postern/util/Result.h"

#include <string>
#include <string_view>

namespace postern::workflow {

/**
 * sealUserKey encrypts a user's signing key under their new passphrase (which must meet the
 * minimum), labelled with their name. Used for new users, rotated keys and passphrase changes,
 * so every user key file has the same form.
 */
[[nodiscard]] Result<std::string> sealUserKey(const crypto::SigningKey& key,
                                              const crypto::SecureBuffer& passphrase,
                                              const crypto::KdfParams& kdf,
                                              std::string_view name);

} // namespace postern::workflow
