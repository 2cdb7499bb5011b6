// SPDX-License-Identifier: GPL-3.0-or-later
// AdminDialog: construction, the Users tab and what every tab shares. The other tabs are in
// AdminDialogPolicy.cpp, AdminDialogTrust.cpp and AdminDialogOpsec.cpp.
#include "gui/AdminDialog.h"

#include "postern/domain/Identity.h"

#include "gui/BusyIndicator.h"
#include "gui/Dialogs.h"
#include "gui/Session.h"
#include "ui_AdminDialog.h"

#include <QDateTime>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPushButton>

namespace postern::gui {

namespace {

enum UserColumn {
    kUserName,
    kUserRoles,
    kUserFingerprint,
    kUserCreated,
    kUserState,
    kUserColumns
};

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString rolesText(domain::RoleSet roles)
{
    QStringList names;
    for (const auto& r : domain::roleNames(roles))
        names << q(r);
    return names.join(QStringLiteral(", "));
}

} // namespace

AdminDialog::AdminDialog(Session& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_ui(std::make_unique<Ui::AdminDialog>())
{
    m_ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/admin.svg")));
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_available = session.isOpen() && session.isUnlocked() && session.userHas(domain::Role::Admin);
    if (!m_available) {
        // Say why instead of showing an empty or half-working desk.
        auto* refused = new QLabel(this);
        refused->setObjectName("notAdminLabel");
        refused->setWordWrap(true);
        refused->setText(tr("Administration is only for administrators. You are logged in as %1, who is not "
                            "an admin. Ask an administrator to make the change, or lock the screen and let "
                            "them log in.")
                             .arg(session.isUnlocked() ? q(session.user().record.name) : tr("nobody")));
        m_ui->mainLayout->insertWidget(0, refused);
        m_ui->tabs->setEnabled(false);
        return;
    }

    // Names for screen readers where no label is the control's buddy (the tabs, tables,
    // lists, the second passphrase field, the OPSEC kind and test text).
    const std::pair<QWidget*, QString> names[] = {
        {m_ui->tabs, tr("Administration sections")},
        {m_ui->usersTable, tr("People")},
        {m_ui->newUserNameEdit, tr("Name of the new person")},
        {m_ui->newUserPassEdit, tr("Passphrase of the new person")},
        {m_ui->newUserPass2Edit, tr("Repeat the passphrase")},
        {m_ui->rulesTable, tr("Approval rules per channel")},
        {m_ui->approversList, tr("Approvers for this channel")},
        {m_ui->opsecTable, tr("OPSEC rules")},
        {m_ui->opsecKindCombo, tr("Kind of OPSEC rule")},
        {m_ui->opsecTestEdit, tr("Text to test the OPSEC rules on")},
    };
    for (const auto& [widget, name] : names)
        widget->setAccessibleName(name);

    m_ui->usersTable->setColumnCount(kUserColumns);
    m_ui->usersTable->setHorizontalHeaderLabels(
        {tr("Name"), tr("Roles"), tr("Key fingerprint"), tr("Created"), tr("State")});
    m_ui->usersTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->usersTable->horizontalHeader()->setStretchLastSection(true);
    m_ui->usersTable->verticalHeader()->setVisible(false);
    connect(m_ui->usersTable, &QTableWidget::itemSelectionChanged, this, [this] { userSelected(); });
    connect(m_ui->addUserButton, &QPushButton::clicked, this, [this] { addUser(); });
    connect(m_ui->saveRolesButton, &QPushButton::clicked, this, [this] { saveRoles(); });
    connect(m_ui->rotateKeyButton, &QPushButton::clicked, this, [this] { rotateKey(); });
    connect(m_ui->disableUserButton, &QPushButton::clicked, this, [this] { disableUser(); });
    connect(m_ui->changePassphraseButton, &QPushButton::clicked, this, [this] { changeOwnPassphrase(); });

    // Passphrase checks and key sealing take seconds off the GUI thread: say so, and take no
    // second change (or a close) until the first one is written.
    auto* busy = new BusyIndicator(this);
    busy->setObjectName(QStringLiteral("adminBusyIndicator"));
    busy->followKeyWork(m_session);
    m_ui->mainLayout->insertWidget(m_ui->mainLayout->indexOf(m_ui->buttonBox), busy);
    connect(&m_session, &Session::keyWorkChanged, this, [this](bool running) {
        m_ui->tabs->setEnabled(!running);
        m_ui->buttonBox->setEnabled(!running);
    });

    setupPolicyTab();
    setupTrustTabs();
    setupOpsecTab();
    reload();
}

AdminDialog::~AdminDialog() = default;

void AdminDialog::reject()
{
    if (m_session.isKeyWorkRunning())
        return;
    QDialog::reject();
}

void AdminDialog::reload()
{
    if (!m_available)
        return;
    loadUsers();
    loadPolicy();
    loadTrust();
    loadOpsec();
}

void AdminDialog::confirmAdmin(const QString& action, std::function<void(AdminKey)> then)
{
    const auto typed = Dialogs::passphrase(this,
                                           action,
                                           tr("This change is signed with your key. Type your passphrase "
                                              "to confirm: %1")
                                               .arg(action));
    if (!typed)
        return;
    m_session.confirmInBackground(*typed,
                                  this,
                                  [this, action, then = std::move(then)](Result<workflow::UnlockedUser> admin) {
                                      if (!admin) {
                                          showError(action, admin.error());
                                          return;
                                      }
                                      then(std::make_shared<const workflow::UnlockedUser>(std::move(admin).value()));
                                  });
}

bool AdminDialog::stillSignedIn(const workflow::UnlockedUser& admin, const QString& action)
{
    if (m_session.isUnlocked() && m_session.user().record.id == admin.record.id)
        return true;
    Dialogs::error(this,
                   action,
                   tr("The screen was locked while the key was being made, so nothing was changed."),
                   tr("Log in again and repeat the change."));
    return false;
}

void AdminDialog::showError(const QString& title, const Error& error, const QString& todo)
{
    if (!todo.isEmpty()) {
        Dialogs::error(this, title, errorText(error), todo);
        return;
    }
    // The workflow's own sentence already says what to do for these; the generic hint
    // (written for posts) would only confuse.
    if (error.code == Errc::InvalidState || error.code == Errc::BadValue)
        Dialogs::error(this, title, errorText(error), tr("Nothing was changed."));
    else
        Dialogs::error(this, title, error);
}

void AdminDialog::changed()
{
    m_session.notifyChanged();
}

// ---- Users ----

void AdminDialog::loadUsers()
{
    const QString keep = selectedUserName();
    auto users = m_session.workstation().queries().users();
    if (!users) {
        showError(tr("Cannot read the users"), users.error());
        return;
    }
    QSignalBlocker block(m_ui->usersTable);
    m_ui->usersTable->setRowCount(static_cast<int>(users->size()));
    int row = 0;
    for (const auto& u : *users) {
        const QString fp = q(domain::keyFingerprint(u.publicKey));
        const QString created =
            QDateTime::fromSecsSinceEpoch(u.createdAt, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
        const QString cells[kUserColumns] = {q(u.name),
                                             rolesText(u.roles),
                                             fp.left(9) + QStringLiteral("…"),
                                             created,
                                             u.disabled ? tr("disabled") : tr("active")};
        for (int c = 0; c < kUserColumns; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == kUserFingerprint)
                item->setToolTip(fp);
            if (u.disabled)
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
            item->setData(Qt::UserRole, q(u.name));
            item->setData(Qt::UserRole + 1, static_cast<int>(u.roles));
            item->setData(Qt::UserRole + 2, u.disabled);
            m_ui->usersTable->setItem(row, c, item);
        }
        if (q(u.name) == keep)
            m_ui->usersTable->selectRow(row);
        ++row;
    }
    userSelected();
}

QString AdminDialog::selectedUserName() const
{
    const auto rows =
        m_ui->usersTable->selectionModel() ? m_ui->usersTable->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty())
        return {};
    return m_ui->usersTable->item(rows.first().row(), kUserName)->data(Qt::UserRole).toString();
}

void AdminDialog::userSelected()
{
    const auto rows = m_ui->usersTable->selectionModel()->selectedRows();
    const bool has = !rows.isEmpty();
    bool disabled = false;
    int roles = 0;
    if (has) {
        const auto* item = m_ui->usersTable->item(rows.first().row(), kUserName);
        roles = item->data(Qt::UserRole + 1).toInt();
        disabled = item->data(Qt::UserRole + 2).toBool();
        m_ui->selectedUserLabel->setText(disabled ? tr("%1 (disabled)").arg(item->text()) : item->text());
    } else {
        m_ui->selectedUserLabel->setText(tr("Select a person in the list."));
    }
    const std::pair<QCheckBox*, domain::Role> boxes[] = {{m_ui->editRoleAuthor, domain::Role::Author},
                                                         {m_ui->editRoleApprover, domain::Role::Approver},
                                                         {m_ui->editRoleOperator, domain::Role::Operator},
                                                         {m_ui->editRoleAdmin, domain::Role::Admin}};
    for (const auto& [box, role] : boxes) {
        box->setChecked(domain::hasRole(static_cast<domain::RoleSet>(roles), role));
        box->setEnabled(has && !disabled);
    }
    m_ui->saveRolesButton->setEnabled(has && !disabled);
    m_ui->rotateKeyButton->setEnabled(has && !disabled);
    m_ui->disableUserButton->setEnabled(has && !disabled);
}

void AdminDialog::addUser()
{
    m_ui->addUserErrorLabel->clear();
    const QString name = m_ui->newUserNameEdit->text().trimmed();
    domain::RoleSet roles = 0;
    if (m_ui->newRoleAuthor->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Author);
    if (m_ui->newRoleApprover->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Approver);
    if (m_ui->newRoleOperator->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Operator);
    if (m_ui->newRoleAdmin->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Admin);
    if (name.isEmpty()) {
        m_ui->addUserErrorLabel->setText(tr("Type the person's name."));
        return;
    }
    if (roles == 0) {
        m_ui->addUserErrorLabel->setText(tr("Tick at least one role."));
        return;
    }
    if (const QString problem = newPassphraseProblem(m_ui->newUserPassEdit->text(), m_ui->newUserPass2Edit->text());
        !problem.isEmpty()) {
        m_ui->addUserErrorLabel->setText(problem);
        return;
    }
    confirmAdmin(tr("Add %1").arg(name), [this, name, roles](AdminKey admin) {
        // The new key is sealed off the GUI thread too: seconds of Argon2id, like the check.
        const QString passphrase = m_ui->newUserPassEdit->text();
        m_ui->newUserPassEdit->clear();
        m_ui->newUserPass2Edit->clear();
        m_session.makeUserKeyInBackground(
            name,
            passphrase,
            this,
            [this, name, roles, admin](Result<workflow::NewUserKey> made) {
                if (!stillSignedIn(*admin, tr("Add %1").arg(name)))
                    return;
                auto added =
                    made ? m_session.workstation().addUser(*admin, name.toStdString(), roles, std::move(made).value())
                         : Result<store::UserRecord>(made.error());
                if (!added) {
                    m_ui->addUserErrorLabel->setText(errorText(added.error()));
                    showError(tr("%1 was not added").arg(name), added.error());
                    return;
                }
                m_ui->newUserNameEdit->clear();
                changed();
                reload();
            });
    });
}

void AdminDialog::saveRoles()
{
    const QString name = selectedUserName();
    if (name.isEmpty())
        return;
    domain::RoleSet roles = 0;
    if (m_ui->editRoleAuthor->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Author);
    if (m_ui->editRoleApprover->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Approver);
    if (m_ui->editRoleOperator->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Operator);
    if (m_ui->editRoleAdmin->isChecked())
        roles |= static_cast<domain::RoleSet>(domain::Role::Admin);
    m_ui->usersStatusLabel->clear();
    confirmAdmin(tr("Change the roles of %1").arg(name), [this, name, roles](AdminKey admin) {
        if (auto s = m_session.workstation().setUserRoles(*admin, name.toStdString(), roles); !s) {
            showError(tr("The roles of %1 were not changed").arg(name), s.error());
        } else {
            // Said on the tab, not in a box to click away: the change is signed and in force.
            m_ui->usersStatusLabel->setText(
                tr("Saved: %1 is now %2. This is in force here at once; the uploader takes it in with the next "
                   "bundle.")
                    .arg(name,
                         roles ? q(domain::formatRoles(roles)).replace(QStringLiteral(","), QStringLiteral(", "))
                               : tr("without any role")));
        }
        changed();
        reload();
    });
}

void AdminDialog::rotateKey()
{
    const QString name = selectedUserName();
    if (name.isEmpty())
        return;
    if (Dialogs::question(this,
                          tr("Replace the key of %1").arg(name),
                          tr("%1 gets a new key and passphrase, for a lost passphrase or a key that may be "
                             "compromised. The old key stops working at once, and approvals %1 gave to posts "
                             "not yet exported no longer count: those posts go back to review. The old account "
                             "stays in the list, disabled, so the audit log still checks out.")
                              .arg(name),
                          tr("Replace key"))
        != Dialogs::Answer::Yes)
        return;
    const auto first = Dialogs::passphrase(this,
                                           tr("New passphrase for %1").arg(name),
                                           tr("%1 types their new passphrase (at least 12 characters):").arg(name));
    if (!first)
        return;
    const auto second = Dialogs::passphrase(this, tr("New passphrase for %1").arg(name), tr("Repeat it:"));
    if (!second)
        return;
    if (*first != *second) {
        Dialogs::error(this,
                       tr("The key of %1 was not replaced").arg(name),
                       tr("The two passphrases differ."),
                       tr("Try again and type the same passphrase twice."));
        return;
    }
    confirmAdmin(tr("Replace the key of %1").arg(name), [this, name, newPassphrase = *first](AdminKey admin) {
        // The new key is sealed off the GUI thread too: seconds of Argon2id, like the check.
        m_session.makeUserKeyInBackground(name,
                                          newPassphrase,
                                          this,
                                          [this, name, admin](Result<workflow::NewUserKey> made) {
                                              if (!stillSignedIn(*admin, tr("Replace the key of %1").arg(name)))
                                                  return;
                                              finishRotation(*admin, name, std::move(made));
                                          });
    });
}

void AdminDialog::finishRotation(const workflow::UnlockedUser& admin,
                                 const QString& name,
                                 Result<workflow::NewUserKey> made)
{
    const bool self = name.compare(q(admin.record.name), Qt::CaseInsensitive) == 0;
    auto rotated = made ? m_session.workstation().rotateUserKey(admin, name.toStdString(), std::move(made).value())
                        : Result<store::UserRecord>(made.error());
    if (!rotated) {
        showError(tr("The key of %1 was not replaced").arg(name), rotated.error());
        return;
    }
    Dialogs::information(this,
                         tr("Key replaced"),
                         tr("%1 now has a new key, fingerprint %2. Export the workstation identity or any "
                            "bundle to take it to the uploader.")
                             .arg(name, q(domain::keyFingerprint(rotated->publicKey))));
    changed();
    if (self) {
        // The key this session holds is the retired one: log in again with the new passphrase.
        m_session.lock();
        accept();
        return;
    }
    reload();
}

void AdminDialog::disableUser()
{
    const QString name = selectedUserName();
    if (name.isEmpty())
        return;
    if (Dialogs::question(this,
                          tr("Disable %1").arg(name),
                          tr("%1 will no longer be able to log in, and this cannot be undone. Approvals %1 gave "
                             "to posts not yet exported stop counting; posts %1 wrote that are in review go back "
                             "to draft.")
                              .arg(name),
                          tr("Disable"))
        != Dialogs::Answer::Yes)
        return;
    confirmAdmin(tr("Disable %1").arg(name), [this, name](AdminKey admin) {
        if (auto s = m_session.workstation().disableUser(*admin, name.toStdString()); !s)
            showError(tr("%1 was not disabled").arg(name), s.error());
        changed();
        reload();
    });
}

void AdminDialog::changeOwnPassphrase()
{
    const QString title = tr("Change my passphrase");
    const auto old = Dialogs::passphrase(this, title, tr("Your current passphrase:"));
    if (!old)
        return;
    const auto first = Dialogs::passphrase(this, title, tr("Your new passphrase (at least 12 characters):"));
    if (!first)
        return;
    const auto second = Dialogs::passphrase(this, title, tr("Repeat the new passphrase:"));
    if (!second)
        return;
    if (*first != *second) {
        Dialogs::error(this, title, tr("The two new passphrases differ."), tr("Try again."));
        return;
    }
    // Two Argon2id runs (open with the old passphrase, seal under the new one): off the GUI
    // thread, with the busy bar, like every other key work here.
    m_session.changePassphraseInBackground(*old, *first, this, [this, title](Status s) {
        if (!s) {
            showError(tr("Your passphrase was not changed"), s.error());
            return;
        }
        Dialogs::information(this, title, tr("Your passphrase is changed. Use the new one from now on."));
        changed();
    });
}

} // namespace postern::gui
