// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/publish/Outcome.h"

namespace postern::uploader {

bool isBundleRejection(Errc code) noexcept
{
    switch (code) {
    // Problems of this host or of the request, not of the bundle: the bundle is kept untouched
    // and no rejection receipt is written, because the same bundle may pass once fixed.
    case Errc::Ok:
    case Errc::InvalidArgument:
    case Errc::Io:
    case Errc::NotFound:
    case Errc::AlreadyExists:
    case Errc::PermissionDenied:
    case Errc::Cancelled:
    case Errc::Internal:
    case Errc::CryptoInit:
    case Errc::SelfTestFailed:
    case Errc::WrongPassphrase:
    case Errc::BadKeyFile:
    case Errc::InvalidState:
    case Errc::Suspended:
    case Errc::Damaged:
        return false;
    default:
        return true;
    }
}

} // namespace postern::uploader
