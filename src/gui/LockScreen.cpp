// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/LockScreen.h"

#include "gui/BusyIndicator.h"
#include "gui/Dialogs.h"
#include "gui/Session.h"
#include "ui_LockScreen.h"

#include <QIcon>

namespace postern::gui {

LockScreen::LockScreen(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session), m_ui(std::make_unique<Ui::LockScreen>())
{
    m_ui->setupUi(this);
    m_ui->logoLabel->setPixmap(QIcon(QStringLiteral(":/icons/postern.svg")).pixmap(72, 72));
    QFont title = m_ui->titleLabel->font();
    title.setPointSizeF(title.pointSizeF() * 1.5);
    title.setBold(true);
    m_ui->titleLabel->setFont(title);
    m_ui->userCombo->setAccessibleName(tr("User"));
    m_ui->passphraseEdit->setAccessibleName(tr("Passphrase"));
    m_ui->errorLabel->setAccessibleName(tr("Unlock problem"));
    m_busy = new BusyIndicator(this);
    m_busy->followKeyWork(m_session);
    m_ui->cardLayout->insertWidget(m_ui->cardLayout->indexOf(m_ui->unlockButton), m_busy);
    connect(m_ui->unlockButton, &QPushButton::clicked, this, &LockScreen::tryUnlock);
    connect(m_ui->passphraseEdit, &QLineEdit::returnPressed, this, &LockScreen::tryUnlock);
    connect(m_ui->userCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_ui->errorLabel->clear();
        m_ui->passphraseEdit->setFocus();
    });
    reload();
}

LockScreen::~LockScreen() = default;

void LockScreen::reload()
{
    m_ui->passphraseEdit->clear();
    m_ui->errorLabel->clear();
    if (!m_session.isOpen())
        return;
    m_ui->workstationLabel->setText(tr("Workstation “%1”").arg(m_session.workstationName()));
    const QString previous = m_session.lastUser();
    m_ui->userCombo->clear();
    auto users = m_session.workstation().queries().users();
    if (!users) {
        m_ui->errorLabel->setText(errorText(users.error()));
        return;
    }
    for (const auto& user : *users) {
        if (user.disabled)
            continue;
        const QString name = QString::fromStdString(user.name);
        m_ui->userCombo->addItem(name + QStringLiteral("  (") + QString::fromStdString(domain::formatRoles(user.roles))
                                     + QStringLiteral(")"),
                                 name);
    }
    const int keep = m_ui->userCombo->findData(previous);
    if (keep >= 0)
        m_ui->userCombo->setCurrentIndex(keep);
    m_ui->passphraseEdit->setFocus();
}

void LockScreen::tryUnlock()
{
    const QString name = m_ui->userCombo->currentData().toString();
    if (name.isEmpty()) {
        m_ui->errorLabel->setText(tr("Choose your name first."));
        return;
    }
    if (m_ui->passphraseEdit->text().isEmpty()) {
        m_ui->errorLabel->setText(tr("Enter your passphrase, then press Unlock."));
        return;
    }
    // The key work runs on a worker thread: the window keeps drawing, the bar moves, and the
    // last attempt's error is gone as soon as this one starts.
    m_ui->errorLabel->clear();
    m_ui->unlockButton->setEnabled(false);
    m_ui->passphraseEdit->setEnabled(false);
    m_session.unlockInBackground(name, m_ui->passphraseEdit->text(), this, [this](Status status) {
        m_ui->unlockButton->setEnabled(true);
        m_ui->passphraseEdit->setEnabled(true);
        m_ui->passphraseEdit->clear();
        if (!status) {
            m_ui->errorLabel->setText(errorText(status.error()) + QStringLiteral("\n") + errorHint(status.code()));
            m_ui->passphraseEdit->setFocus();
        }
    });
    m_ui->passphraseEdit->clear(); // the worker has its own copy in locked memory
}

} // namespace postern::gui
