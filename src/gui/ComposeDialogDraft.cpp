// SPDX-License-Identifier: GPL-3.0-or-later
// ComposeDialog while drafting: the OPSEC flags and missing alt text reviewers would see, shown
// to the author as they type (warnings: they do not block a submit); the preview with the
// attached pictures; and a plain-words confirmation before the post goes to the approvers.
#include "gui/ComposeDialog.h"
#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/PostPane.h"
#include "gui/Session.h"
#include "gui/Thumbnails.h"
#include "ui_ComposeDialog.h"

#include <QTextDocument>

namespace postern::gui {

namespace {

constexpr int kWarningRole = Qt::UserRole + 1; ///< "alt:N" jumps to picture N's alt text
constexpr int kPreviewImagePixels = 240;

QListWidgetItem* warningItem(QListWidget* list, const QString& text, const QString& jump = {})
{
    auto* item = new QListWidgetItem(QIcon(QStringLiteral(":/icons/reject.svg")), text, list);
    item->setForeground(QColor("#8a4b00"));
    item->setData(kWarningRole, jump);
    return item;
}

} // namespace

void ComposeDialog::addDraftWarnings(const compose::DraftCheckInput& input)
{
    m_warnings = 0;
    for (const auto& channel : input.channels) {
        auto flags = compose::scanOpsecText(channel.text, m_opsecRules);
        if (!flags) {
            warningItem(m_ui->violationList,
                        tr("The OPSEC checks could not run on the %1 text: %2")
                            .arg(channelTitle(channel.channel), errorText(flags.error())));
            ++m_warnings;
            continue;
        }
        for (const auto& flag : *flags) {
            warningItem(m_ui->violationList,
                        tr("OPSEC: %1 “%2” in the %3 text. Reviewers will ask about it.")
                            .arg(QString::fromStdString(flag.ruleName),
                                 QString::fromStdString(flag.match),
                                 channelTitle(channel.channel)));
            ++m_warnings;
        }
    }
    for (std::size_t i = 0; i < m_media.size(); ++i) {
        const auto& m = m_media[i];
        const QString name = QString::fromStdString(m.name);
        if (QString::fromStdString(m.alt).trimmed().isEmpty()) {
            warningItem(m_ui->violationList,
                        tr("%1 has no alt text: describe it for people who cannot see it.").arg(name),
                        QString(QStringLiteral("alt:%1")).arg(i));
            ++m_warnings;
            continue;
        }
        if (auto flags = compose::scanOpsecText(m.alt, m_opsecRules))
            for (const auto& flag : *flags) {
                warningItem(m_ui->violationList,
                            tr("OPSEC: %1 “%2” in the alt text of %3.")
                                .arg(QString::fromStdString(flag.ruleName), QString::fromStdString(flag.match), name),
                            QString(QStringLiteral("alt:%1")).arg(i));
                ++m_warnings;
            }
    }
}

bool ComposeDialog::jumpToWarning(QListWidgetItem* item)
{
    const QString jump = item->data(kWarningRole).toString();
    if (!jump.startsWith(QStringLiteral("alt:")))
        return false;
    m_ui->mediaList->setCurrentRow(jump.mid(4).toInt());
    m_ui->altTextEdit->setFocus();
    return true;
}

void ComposeDialog::renderPreview(const compose::DraftCheckInput& input)
{
    std::vector<domain::MediaRef> refs;
    auto* document = m_ui->previewView->document();
    for (const auto& m : m_media) {
        domain::MediaRef ref;
        if (auto hash = fromHex(m.hash, ref.hash.size()))
            std::copy(hash->begin(), hash->end(), ref.hash.begin());
        ref.mime = m.mime;
        ref.name = m.name;
        ref.alt = m.alt;
        ref.size = m.size;
        if (m.mime.rfind("image/", 0) == 0) // the picture as the platform will show it, scaled down
            document->addResource(
                QTextDocument::ImageResource,
                mediaImageUrl(ref),
                mediaThumbnail(m_session, m.hash, m.mime, kPreviewImagePixels).pixmap(kPreviewImagePixels).toImage());
        refs.push_back(std::move(ref));
    }
    const std::int64_t schedule =
        m_ui->scheduleCheck->isChecked() ? m_ui->scheduleEdit->dateTime().toSecsSinceEpoch() : 0;
    QString html;
    for (const auto& channel : input.channels)
        html += channelCardHtml({channel.channel, channel.text, channel.options}, refs, schedule, true);
    m_ui->previewView->setHtml(html);
}

QString ComposeDialog::approversNext() const
{
    std::vector<domain::ChannelId> channels;
    for (const QString& id : selectedChannels())
        if (auto channel = domain::ChannelId::parse(id.toStdString()))
            channels.push_back(*channel);
    auto approvers = m_session.workstation().queries().channelApprovers(channels);
    if (!approvers)
        return {};
    QStringList lines;
    for (const auto& channel : *approvers) {
        if (!channel.hasRule)
            continue;
        QStringList candidates;
        for (const auto& name : channel.names)
            if (name != m_session.user().record.name)
                candidates << QString::fromStdString(name); // authors never approve their own
        candidates.sort();
        const std::int64_t required = channel.required;
        QString line = required == 1 ? tr("%1 needs 1 approval").arg(channelTitle(channel.channel))
                                     : tr("%1 needs %2 approvals").arg(channelTitle(channel.channel)).arg(required);
        if (!candidates.isEmpty())
            line += QStringLiteral(": ") + whoCanApprove(required, candidates);
        if (candidates.size() < required)
            line += tr(", more than can approve your post (you cannot approve your own): ask an administrator");
        lines << line + QStringLiteral(".");
    }
    return lines.join(QLatin1Char('\n'));
}

bool ComposeDialog::confirmSubmit()
{
    QString text = tr("Send this post to the approvers?") + QStringLiteral("\n\n") + approversNext()
                   + QStringLiteral("\n\n")
                   + tr("If you change it later, the change is a new version and needs their approval again.");
    if (m_warnings > 0)
        text += QStringLiteral("\n\n")
                + (m_warnings == 1 ? tr("Checks lists 1 warning the approvers will also see.")
                                   : tr("Checks lists %1 warnings the approvers will also see.").arg(m_warnings));
    return Dialogs::question(this, tr("Submit for review"), text, tr("Submit")) == Dialogs::Answer::Yes;
}

} // namespace postern::gui
