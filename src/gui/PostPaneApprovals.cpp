// SPDX-License-Identifier: GPL-3.0-or-later
// PostPane: what a post in review still needs, in words and names ("Bluesky press.example.org
// needs 2 more approvals: carol and dave"), instead of the core's sentence with a post id.
#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/PostPane.h"
#include "gui/Session.h"

#include <algorithm>

namespace postern::gui {

QString whoCanApprove(std::int64_t need, const QStringList& candidates)
{
    // Say whether everyone left must approve, or any of them may.
    if (candidates.size() <= need)
        return listInWords(candidates, QObject::tr("and"));
    if (need == 1)
        return listInWords(candidates, QObject::tr("or"));
    return QObject::tr("any %1 of %2").arg(need).arg(listInWords(candidates, QObject::tr("or")));
}

QString approvalsNeeded(const workflow::PostDetail& detail)
{
    const auto& view = detail.view;
    const auto approved = [&](const std::string& name) {
        return std::find(view.approverNames.begin(), view.approverNames.end(), name) != view.approverNames.end();
    };
    QStringList lines;
    for (const auto& channel : detail.approvers) {
        const QString title = channelTitle(channel.channel);
        if (!channel.hasRule) {
            lines << QObject::tr("%1 has no approval rule: an administrator must add one.").arg(title);
            continue;
        }
        std::int64_t have = 0;
        QStringList candidates;
        for (const auto& name : channel.names) {
            if (approved(name))
                ++have;
            else if (name != view.authorName) // authors never approve their own posts
                candidates << QString::fromStdString(name);
        }
        candidates.sort(); // the policy keeps keys in key order; people read names alphabetically
        const std::int64_t need = channel.required - have;
        if (need <= 0)
            continue;
        QString line = need == 1 ? QObject::tr("%1 needs 1 more approval").arg(title)
                                 : QObject::tr("%1 needs %2 more approvals").arg(title).arg(need);
        if (!candidates.isEmpty())
            line += QStringLiteral(": ") + whoCanApprove(need, candidates);
        if (candidates.size() < need)
            line += QObject::tr(". Not enough approvers can still approve it (the author cannot): an administrator "
                                "must add an approver to this channel or lower the number needed");
        lines << line + QStringLiteral(".");
    }
    return lines.join(QLatin1Char(' '));
}

} // namespace postern::gui
