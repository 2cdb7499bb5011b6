// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/KeyWork.h"

#include "postern/workflow/Workstation.h"

#include <QObject>
#include <QThread>

#include <memory>
#include <optional>

namespace postern::gui {

void openKeyInBackground(QObject* context,
                         std::string keyFile,
                         crypto::SecureBuffer passphrase,
                         std::function<void(Result<crypto::SigningKey>)> done)
{
    // Shared between the worker and the GUI thread; the worker writes `result` before it
    // finishes and the GUI thread reads it after `finished`, so no lock is needed.
    auto secret = std::make_shared<crypto::SecureBuffer>(std::move(passphrase));
    auto result = std::make_shared<std::optional<Result<crypto::SigningKey>>>();
    QThread* worker = QThread::create([secret, result, keyFile = std::move(keyFile)] {
        result->emplace(workflow::Workstation::openUserKey(keyFile, *secret));
        *secret = crypto::SecureBuffer(); // wiped now, not when the last copy of the pointer goes
    });
    worker->setObjectName("keyWorker");
    QObject::connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    QObject::connect(worker, &QThread::finished, context, [result, done = std::move(done)] {
        if (!result->has_value())
            result->emplace(fail(Errc::Internal, "the key work stopped without a result"));
        done(std::move(**result));
    });
    worker->start();
}

} // namespace postern::gui
