// SPDX-License-Identifier: GPL-3.0-or-later
// The adapter interface's defaults: a platform that cannot delete or read back says so in one
// sentence.
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

CollectAbility PublishAdapter::collectAbility() const
{
    return {false, false, "this uploader cannot read posts back from this platform yet"};
}

Result<Collection> PublishAdapter::collect(const CollectTarget& target)
{
    return fail(Errc::InvalidArgument,
                std::string(domain::platformName(target.channel.platform)) + ": " + collectAbility().note);
}

} // namespace postern::uploader
