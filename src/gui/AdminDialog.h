// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/compose/OpsecRules.h"
#include "postern/workflow/Workstation.h"

#include <QDialog>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QLabel;

namespace Ui {
class AdminDialog;
}

namespace postern::gui {

class Session;

/**
 * AdminDialog is the admin's desk after first run: users and roles, key replacement, the
 * approval policy per channel, the uploader key ceremony, the workstation identity and idle
 * lock, and the OPSEC rules. Every change is one call into workflow::Workstation, made after
 * the admin types their passphrase again (checked off the GUI thread, Session::confirmInBackground), and followed by
 * Session::notifyChanged(). Opened by someone who is not an unlocked admin, it explains that
 * and offers nothing (isAvailable() is false).
 */
class AdminDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AdminDialog(Session& session, QWidget* parent = nullptr);
    ~AdminDialog() override;

    /** isAvailable is false when the logged-in user is not an admin (everything is disabled). */
    [[nodiscard]] bool isAvailable() const noexcept { return m_available; }

    /** reload re-reads users, policy, uploader, workstation and OPSEC rules from the store. */
    void reload();
    /** reject waits while a change is being checked and written (Escape then would hide it half-done). */
    void reject() override;

private:
    // Users tab (AdminDialog.cpp)
    void loadUsers();
    void userSelected();
    void addUser();
    void saveRoles();
    void rotateKey();
    void disableUser();
    void changeOwnPassphrase();
    /** finishRotation writes a key made for `name` once `admin` was confirmed. */
    void finishRotation(const workflow::UnlockedUser& admin, const QString& name, Result<workflow::NewUserKey> made);
    [[nodiscard]] QString selectedUserName() const;

    // Approval policy tab (AdminDialogPolicy.cpp)
    void setupPolicyTab();
    void loadPolicy();
    void showRules();
    void ruleSelected();
    void applyRule();
    void removeRule();
    void savePolicy();
    void setPolicyDirty(bool dirty);
    /** showPolicyWarnings names every author whose posts a rule being edited can never approve. */
    void showPolicyWarnings();

    // Uploader and workstation tabs (AdminDialogTrust.cpp)
    void setupTrustTabs();
    void loadTrust();
    void chooseUploader();
    void trustUploader();
    void exportIdentity();
    // Platform profile box on the Uploader tab (AdminDialogProfile.cpp)
    void setupProfileBox();
    void loadProfile();
    void importProfile();

    // OPSEC rules tab (AdminDialogOpsec.cpp)
    void setupOpsecTab();
    void loadOpsec();
    void showOpsecRules();
    void opsecSelected();
    void newOpsecRule();
    void applyOpsecRule();
    void removeOpsecRule();
    void resetOpsecRules();
    void saveOpsecRules();
    void runOpsecTest();

    /** AdminKey is the admin's key confirmed for one change, kept through a second key step. */
    using AdminKey = std::shared_ptr<const workflow::UnlockedUser>;
    /**
     * confirmAdmin asks for the admin's passphrase before a signed change and checks it off the
     * GUI thread (busy bar, tabs disabled meanwhile); `then` runs with the admin's key once it
     * is right. Nothing runs when the admin cancels or types it wrong (the error is shown).
     */
    void confirmAdmin(const QString& action, std::function<void(AdminKey)> then);
    /** stillSignedIn is false when the screen was locked (or another user logged in) since `admin` was confirmed. */
    [[nodiscard]] bool stillSignedIn(const workflow::UnlockedUser& admin, const QString& action);
    /** showError reports a failed action with errorHint, or `todo` when given. */
    void showError(const QString& title, const Error& error, const QString& todo = {});
    void changed();

    Session& m_session;
    std::unique_ptr<Ui::AdminDialog> m_ui;
    bool m_available = false;

    std::vector<workflow::ChannelRuleInput> m_rules; ///< the policy being edited
    bool m_policyDirty = false;
    QLabel* m_policyWarningLabel = nullptr;

    std::string m_uploaderText;       ///< the identity file chosen, not yet trusted
    QString m_uploaderFingerprint;    ///< its fingerprint, compared with the typed one, never shown
    QLabel* m_profileLabel = nullptr; ///< the imported platform profile's dates, or why it is ignored

    std::vector<compose::OpsecRule> m_opsec; ///< the OPSEC rules being edited
    bool m_opsecDirty = false;
};

/** groupFingerprint normalises typed fingerprint text: upper case, groups of four joined by "-". */
[[nodiscard]] QString groupFingerprint(const QString& typed);

} // namespace postern::gui
