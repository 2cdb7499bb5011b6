// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Error.h"

namespace postern::uploader {

/**
 * PublishOutcome is how a publishing pass ended, in the service's own terms. The command line
 * turns it into an exit code (src/uploader/app/ExitCode.h); the service knows no exit codes.
 */
enum class PublishOutcome {
    Done,       ///< every target answered (published, or waiting for its scheduled time), none failed
    SomeFailed, ///< every target answered and the receipt is written, but a target or an order failed
    Unfinished, ///< a target is pending for a reason other than its schedule (an error, a suspension,
                ///< a stop request), or a receipt that was due is not written: `resume` goes on
    Refused,    ///< the bundle was not taken (PublishReport::rejection says why); nothing was published
};

/**
 * isBundleRejection tells a verdict about the bundle (its bytes, signatures, approvals, age
 * or id) apart from a problem of this host (I/O, cancellation). Only rejections earn a
 * rejection receipt; environment problems leave the bundle untouched for a retry.
 */
[[nodiscard]] bool isBundleRejection(Errc code) noexcept;

} // namespace postern::uploader
