// SPDX-License-Identifier: GPL-3.0-or-later
// AdminDialog, Uploader tab: the uploader's signed platform profile (live limits the composer
// checks drafts against; docs/compose.md, "Platform profiles"). Built in code rather than in
// the form so the key ceremony's layout stays as it is.
#include "postern/util/FileIO.h"

#include "gui/AdminDialog.h"
#include "gui/Dialogs.h"
#include "gui/Session.h"
#include "ui_AdminDialog.h"

#include <QDateTime>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace postern::gui {

namespace {

QString utc(std::int64_t seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

} // namespace

void AdminDialog::setupProfileBox()
{
    auto* box = new QGroupBox(tr("Platform profile"), m_ui->uploaderTab);
    box->setObjectName("profileGroup");
    auto* layout = new QVBoxLayout(box);
    m_profileLabel = new QLabel(box);
    m_profileLabel->setObjectName("profileLabel");
    m_profileLabel->setWordWrap(true);
    m_profileLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* button = new QPushButton(tr("Import platform profile…"), box);
    button->setObjectName("importProfileButton");
    button->setToolTip(tr("Take in the file written by “postern-uploader profile export”: each account's live "
                          "limits, which the composer then checks drafts against."));
    layout->addWidget(m_profileLabel);
    layout->addWidget(button);
    // Above the spacer that closes the tab.
    m_ui->uploaderLayout->insertWidget(m_ui->uploaderLayout->count() - 1, box);
    connect(button, &QPushButton::clicked, this, [this] { importProfile(); });
}

void AdminDialog::loadProfile()
{
    auto current = m_session.workstation().currentProfile();
    if (!current) {
        m_profileLabel->setText(errorText(current.error()));
        return;
    }
    if (!current->has_value()) {
        m_profileLabel->setText(tr("No platform profile imported: drafts are checked against the built-in limits."));
        return;
    }
    const auto& s = **current;
    QString text;
    if (s.applies || s.expired)
        text = tr("Platform profile of %n channel(s), created %1, expires %2.", "", int(s.profile.channels.size()))
                   .arg(utc(s.profile.created), utc(s.profile.expires));
    if (!s.warning.empty())
        text += (text.isEmpty() ? QStringLiteral("") : QStringLiteral("\n")) + QString::fromStdString(s.warning);
    else
        text += QStringLiteral(" ") + tr("The composer checks drafts against its limits.");
    m_profileLabel->setText(text);
}

void AdminDialog::importProfile()
{
    const QString file = Dialogs::openFile(this, tr("Platform profile"), tr("Platform profile (*)"));
    if (file.isEmpty())
        return;
    auto text = readFileCapped(file.toStdString(), bundle::kMaxProfileBytes);
    if (!text) {
        showError(tr("The platform profile was not read"), text.error());
        return;
    }
    confirmAdmin(tr("Import the platform profile"), [this, text = std::move(text).value()](AdminKey admin) {
        auto imported = m_session.workstation().importProfile(*admin, text);
        if (!imported) {
            showError(tr("The platform profile was not imported"),
                      imported.error(),
                      tr("Nothing was changed. Export a fresh profile on the uploader (postern-uploader profile export "
                         "FILE) and import that."));
            return;
        }
        Dialogs::information(this,
                             tr("Platform profile imported"),
                             tr("Drafts are now checked against the live limits of %n channel(s) until %1.",
                                "",
                                int(imported->profile.channels.size()))
                                 .arg(utc(imported->profile.expires)));
        changed();
        reload();
    });
}

} // namespace postern::gui
