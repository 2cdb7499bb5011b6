// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/FirstRunWizard.h"

#include "postern/crypto/Passphrase.h"

#include "gui/BusyIndicator.h"
#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/Session.h"
#include "ui_FirstRunWizard.h"

#include <QApplication>
#include <QPushButton>

#include <utility>

namespace postern::gui {

namespace {

class BusyCursor
{
public:
    BusyCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
    ~BusyCursor() { QApplication::restoreOverrideCursor(); }
    BusyCursor(const BusyCursor&) = delete;
    BusyCursor& operator=(const BusyCursor&) = delete;
};

} // namespace

FirstRunWizard::FirstRunWizard(Session& session, QWidget* parent)
    : QWizard(parent), m_session(session), m_ui(std::make_unique<Ui::FirstRunWizard>())
{
    m_ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/postern.svg")));
    for (auto platform : menuPlatforms())
        m_ui->platformCombo->addItem(platformTitle(platform),
                                     QString::fromUtf8(domain::platformName(platform).data(),
                                                       static_cast<int>(domain::platformName(platform).size())));
    m_ui->platformCombo->setToolTip(tr("Outbox is a folder on the uploader where approved posts are left for "
                                       "someone to post by hand, for platforms Postern cannot reach itself."));
    m_ui->roleAuthor->setChecked(true);
    connect(m_ui->addUserButton, &QPushButton::clicked, this, [this] { addUser(); });
    connect(m_ui->addChannelButton, &QPushButton::clicked, this, [this] { addChannel(); });
    // Making a key takes seconds (Argon2id) and runs off the GUI thread: the page says so.
    auto* storeBusy = new BusyIndicator(m_ui->storePage);
    storeBusy->setObjectName(QStringLiteral("storeBusyIndicator"));
    storeBusy->followKeyWork(m_session);
    m_ui->storeForm->addRow(storeBusy);
    auto* usersBusy = new BusyIndicator(m_ui->usersPage);
    usersBusy->setObjectName(QStringLiteral("usersBusyIndicator"));
    usersBusy->followKeyWork(m_session);
    m_ui->usersLayout->addWidget(usersBusy);
}

FirstRunWizard::~FirstRunWizard() = default;

bool FirstRunWizard::validateCurrentPage()
{
    if (m_session.isKeyWorkRunning())
        return false; // the page's work is still running; it moves on by itself
    QWizardPage* page = currentPage();
    if (page == m_ui->storePage) {
        if (m_session.isOpen() && m_session.isUnlocked())
            return true;
        createStore();
        return false;
    }
    if (page == m_ui->usersPage) {
        // A name typed but not yet added is added now rather than silently dropped.
        if (!m_ui->userNameEdit->text().trimmed().isEmpty()) {
            m_advanceWhenAdded = addUser();
            return false;
        }
        return true;
    }
    if (page == m_ui->channelsPage) {
        if (!m_ui->accountEdit->text().trimmed().isEmpty() && !addChannel())
            return false;
        if (!savePolicy())
            return false;
        showSummary();
        return true;
    }
    return true;
}

void FirstRunWizard::reject()
{
    if (m_session.isKeyWorkRunning())
        return;
    QWizard::reject();
}

void FirstRunWizard::setWorking(bool working)
{
    // Every field and button of the page waits; the busy bar stays lit.
    for (auto* w : currentPage()->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly))
        if (qobject_cast<BusyIndicator*>(w) == nullptr)
            w->setEnabled(!working);
    for (auto which : {QWizard::BackButton, QWizard::NextButton, QWizard::CancelButton})
        if (auto* b = button(which))
            b->setEnabled(!working);
}

void FirstRunWizard::createStore()
{
    m_ui->storeErrorLabel->clear();
    const QString name = m_ui->workstationNameEdit->text().trimmed();
    const QString admin = m_ui->adminNameEdit->text().trimmed();
    if (name.isEmpty() || admin.isEmpty()) {
        m_ui->storeErrorLabel->setText(tr("Give the workstation a name and type the administrator's name."));
        return;
    }
    if (auto problem = newPassphraseProblem(m_ui->adminPassEdit->text(), m_ui->adminPass2Edit->text());
        !problem.isEmpty()) {
        m_ui->storeErrorLabel->setText(problem);
        return;
    }
    const QString passphrase = m_ui->adminPassEdit->text();
    if (m_session.isOpen()) {
        unlockAdmin(admin, passphrase); // made before, but the login after it failed
        return;
    }
    setWorking(true);
    m_session.initialiseInBackground(name,
                                     admin,
                                     passphrase,
                                     this,
                                     [this, admin, passphrase](Result<workflow::InitResult> result) {
                                         if (!result) {
                                             setWorking(false);
                                             m_ui->storeErrorLabel->setText(errorText(result.error()));
                                             return;
                                         }
                                         m_workstationFingerprint =
                                             QString::fromStdString(result->workstationFingerprint);
                                         m_adminFingerprint = QString::fromStdString(result->adminFingerprint);
                                         unlockAdmin(admin, passphrase);
                                     });
}

void FirstRunWizard::unlockAdmin(const QString& admin, const QString& passphrase)
{
    setWorking(true);
    m_session.unlockInBackground(admin, passphrase, this, [this, admin](Status unlocked) {
        setWorking(false);
        if (!unlocked) {
            m_ui->storeErrorLabel->setText(errorText(unlocked.error()));
            return;
        }
        m_ui->adminPassEdit->clear();
        m_ui->adminPass2Edit->clear();
        m_ui->usersList->addItem(tr("%1: administrator (you)").arg(admin));
        next();
    });
}

bool FirstRunWizard::addUser()
{
    if (m_session.isKeyWorkRunning())
        return false;
    m_ui->userErrorLabel->clear();
    const QString name = m_ui->userNameEdit->text().trimmed();
    domain::RoleSet roles = 0;
    if (m_ui->roleAuthor->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Author);
    if (m_ui->roleApprover->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Approver);
    if (m_ui->roleOperator->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Operator);
    if (m_ui->roleAdmin->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Admin);
    if (name.isEmpty() || roles == 0) {
        m_ui->userErrorLabel->setText(tr("Type the person's name and tick at least one role."));
        return false;
    }
    if (auto problem = newPassphraseProblem(m_ui->userPassEdit->text(), m_ui->userPass2Edit->text());
        !problem.isEmpty()) {
        m_ui->userErrorLabel->setText(problem);
        return false;
    }
    const QString passphrase = m_ui->userPassEdit->text();
    m_ui->userPassEdit->clear();
    m_ui->userPass2Edit->clear();
    setWorking(true);
    m_session.makeUserKeyInBackground(name, passphrase, this, [this, name, roles](Result<workflow::NewUserKey> made) {
        setWorking(false);
        const bool advance = std::exchange(m_advanceWhenAdded, false);
        if (made && !m_session.isUnlocked())
            made = fail(Errc::InvalidState, "the screen was locked; log in again and add the person once more");
        auto added =
            made ? m_session.workstation().addUser(m_session.user(), name.toStdString(), roles, std::move(made).value())
                 : Result<store::UserRecord>(made.error());
        if (!added) {
            m_ui->userErrorLabel->setText(errorText(added.error()));
            return;
        }
        m_ui->usersList->addItem(name + QStringLiteral(": ") + QString::fromStdString(domain::formatRoles(roles)));
        m_ui->userNameEdit->clear();
        m_ui->userNameEdit->setFocus();
        if (advance)
            next();
    });
    return true;
}

bool FirstRunWizard::addChannel()
{
    const QString account = m_ui->accountEdit->text().trimmed();
    const QString id = m_ui->platformCombo->currentData().toString() + QStringLiteral(":") + account;
    auto parsed = domain::ChannelId::parse(id.toStdString());
    if (!parsed) {
        m_ui->channelErrorLabel->setText(errorText(parsed.error()));
        return false;
    }
    for (int i = 0; i < m_ui->channelsList->count(); ++i) {
        if (m_ui->channelsList->item(i)->data(Qt::UserRole).toString() == id) {
            m_ui->channelErrorLabel->setText(tr("%1 is already in the list.").arg(channelTitle(id)));
            return false;
        }
    }
    auto* item = new QListWidgetItem(
        (m_ui->requiredSpin->value() == 1
             ? tr("%1: 1 approval needed")
             : tr("%1: %2 approvals needed").arg(QStringLiteral("%1")).arg(m_ui->requiredSpin->value()))
            .arg(channelTitle(id)),
        m_ui->channelsList);
    item->setData(Qt::UserRole, id);
    item->setData(Qt::UserRole + 1, m_ui->requiredSpin->value());
    m_ui->accountEdit->clear();
    m_ui->channelErrorLabel->clear();
    return true;
}

bool FirstRunWizard::savePolicy()
{
    if (m_ui->channelsList->count() == 0)
        return true; // channels can be added later under Administration
    auto users = m_session.workstation().queries().users();
    if (!users) {
        m_ui->channelErrorLabel->setText(errorText(users.error()));
        return false;
    }
    std::vector<std::string> approvers;
    for (const auto& user : *users)
        if (!user.disabled && user.hasRole(store::kRoleApprover))
            approvers.push_back(user.name);
    std::vector<workflow::ChannelRuleInput> rules;
    for (int i = 0; i < m_ui->channelsList->count(); ++i) {
        const auto* item = m_ui->channelsList->item(i);
        workflow::ChannelRuleInput rule;
        rule.channel = *domain::ChannelId::parse(item->data(Qt::UserRole).toString().toStdString());
        rule.required = item->data(Qt::UserRole + 1).toInt();
        rule.approvers = approvers;
        if (static_cast<std::size_t>(rule.required) > approvers.size()) {
            m_ui->channelErrorLabel->setText(
                tr("%1 needs %2 approvals but only %3 people have the approver role. Go back and add approvers, "
                   "or lower the number.")
                    .arg(channelTitle(item->data(Qt::UserRole).toString()))
                    .arg(rule.required)
                    .arg(approvers.size()));
            return false;
        }
        rules.push_back(std::move(rule));
    }
    BusyCursor busy;
    auto policy = m_session.workstation().setPolicy(m_session.user(), rules);
    if (!policy) {
        m_ui->channelErrorLabel->setText(errorText(policy.error()));
        return false;
    }
    return true;
}

void FirstRunWizard::showSummary()
{
    QString html = QStringLiteral("<h3>") + tr("Workstation fingerprint")
                   + QStringLiteral("</h3><p style='font-family:monospace;font-size:14pt'>")
                   + m_workstationFingerprint.toHtmlEscaped() + QStringLiteral("</p><h3>")
                   + tr("Administrator fingerprint") + QStringLiteral("</h3><p style='font-family:monospace'>")
                   + m_adminFingerprint.toHtmlEscaped() + QStringLiteral("</p><h3>") + tr("Next steps")
                   + QStringLiteral("</h3><ol><li>")
                   + tr("Export the workstation identity (Administration → Workstation) and carry it to the "
                        "uploader; read the fingerprint aloud there.")
                   + QStringLiteral("</li><li>")
                   + tr("Import the uploader's identity (Administration → Uploader) and confirm its "
                        "fingerprint.")
                   + QStringLiteral("</li><li>") + tr("Each person unlocks with their own name and passphrase.")
                   + QStringLiteral("</li></ol>");
    // Who can export is the first thing the team needs after this: say it, or how to fix it.
    QStringList operators;
    if (auto users = m_session.workstation().queries().users())
        for (const auto& u : *users)
            if (!u.disabled && u.hasRole(static_cast<store::RoleMask>(domain::Role::Operator)))
                operators << QString::fromStdString(u.name).toHtmlEscaped();
    html += QStringLiteral("<h3>") + tr("Who carries bundles") + QStringLiteral("</h3><p>")
            + (operators.isEmpty()
                   ? QStringLiteral("<b>")
                         + tr("Nobody is an operator yet, so nobody can export bundles or import receipts.")
                         + QStringLiteral("</b> ")
                         + tr("An administrator gives someone the operator role: Administration → Users, select "
                              "the person, tick Operator, Save roles.")
                   : tr("Operators export bundles and import receipts: %1.").arg(operators.join(QStringLiteral(", "))))
            + QStringLiteral("</p>");
    m_ui->summaryView->setHtml(html);
}

} // namespace postern::gui
