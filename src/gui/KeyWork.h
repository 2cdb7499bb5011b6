// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Keys.h"
#include "postern/crypto/SecureBuffer.h"
#include "postern/util/Result.h"

#include <functional>
#include <string>

class QObject;

namespace postern::gui {

/**
 * openKeyInBackground decrypts a user's key file (Argon2id: seconds at the production cost) on
 * a worker thread, so the window keeps drawing and answering, then calls `done` on `context`'s
 * thread with the key. The worker touches no store and no Qt object: it gets the key file text
 * and the passphrase, which moves into the worker in locked memory and is wiped with it; the
 * key comes back in locked memory too. If `context` is destroyed first, `done` is not called
 * and the key is wiped.
 */
void openKeyInBackground(QObject* context,
                         std::string keyFile,
                         crypto::SecureBuffer passphrase,
                         std::function<void(Result<crypto::SigningKey>)> done);

} // namespace postern::gui
