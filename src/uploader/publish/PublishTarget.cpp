// SPDX-License-Identifier: GPL-3.0-or-later
// The adapter interface's defaults: a platform that cannot delete says so in one sentence.
#include "postern/uploader/publish/PublishTarget.h"

namespace postern::uploader {

std::string cannotRetract(const RetractTarget& target)
{
    const std::string& what = target.url.empty() ? target.platformId : target.url;
    return std::string(domain::platformName(target.channel.platform))
           + " posts cannot be deleted by this uploader; delete " + what + " by hand";
}

Status PublishAdapter::retract(const RetractTarget& target)
{
    return fail(Errc::InvalidArgument, cannotRetract(target));
}

} // namespace postern::uploader
