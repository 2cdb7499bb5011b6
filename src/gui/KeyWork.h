// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Keys.h"
#include "postern/crypto/SecureBuffer.h"
#include "postern/util/Result.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace postern::gui {

/**
 * runInBackground runs `work` on a worker thread, so the window keeps drawing and answering
 * through seconds of Argon2id, then calls `done` with its result on `context`'s thread. `work`
 * must touch no store and no Qt object: give it copies and secrets in locked memory. If
 * `context` is destroyed first, `done` is not called and the result is dropped (wiped, for
 * keys) on the GUI thread.
 */
template <typename T>
void runInBackground(QObject* context, std::function<Result<T>()> work, std::function<void(Result<T>)> done)
{
    // Shared between the worker and the GUI thread; the worker writes `result` before it
    // finishes and the GUI thread reads it after `finished`, so no lock is needed.
    auto result = std::make_shared<std::optional<Result<T>>>();
    QThread* worker = QThread::create([result, work = std::move(work)] { result->emplace(work()); });
    worker->setObjectName(QStringLiteral("keyWorker"));
    QObject::connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    QObject::connect(worker, &QThread::finished, context, [result, done = std::move(done)] {
        if (!result->has_value())
            result->emplace(fail(Errc::Internal, "the key work stopped without a result"));
        done(std::move(**result));
    });
    worker->start();
}

/**
 * openKeyInBackground decrypts a user's key file (Argon2id: seconds at the production cost)
 * with runInBackground. The passphrase moves into the worker in locked memory and is wiped
 * there as soon as it is used; the key comes back in locked memory too.
 */
void openKeyInBackground(QObject* context,
                         std::string keyFile,
                         crypto::SecureBuffer passphrase,
                         std::function<void(Result<crypto::SigningKey>)> done);

} // namespace postern::gui
