// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/KeyWork.h"

#include "postern/workflow/Workstation.h"

namespace postern::gui {

void openKeyInBackground(QObject* context,
                         std::string keyFile,
                         crypto::SecureBuffer passphrase,
                         std::function<void(Result<crypto::SigningKey>)> done)
{
    auto secret = std::make_shared<crypto::SecureBuffer>(std::move(passphrase));
    runInBackground<crypto::SigningKey>(
        context,
        [secret, keyFile = std::move(keyFile)]() -> Result<crypto::SigningKey> {
            auto key = workflow::Workstation::openUserKey(keyFile, *secret);
            *secret = crypto::SecureBuffer(); // wiped now, not when the last copy of the pointer goes
            return key;
        },
        std::move(done));
}

} // namespace postern::gui
