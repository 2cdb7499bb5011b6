// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWizard>

#include <memory>

namespace Ui {
class FirstRunWizard;
}

namespace postern::gui {

class Session;

/**
 * FirstRunWizard walks the first administrator through a new workstation: the store with its
 * key and the admin account, the team's accounts, the channels with their approval rules, and
 * the fingerprints to read aloud at the uploader. Each page's work is done by the workflow
 * service when the page is left, so a failure is shown on that page and nothing is half-made.
 */
class FirstRunWizard : public QWizard
{
    Q_OBJECT

public:
    explicit FirstRunWizard(Session& session, QWidget* parent = nullptr);
    ~FirstRunWizard() override;

    /**
     * validateCurrentPage does the page's work. Making keys takes seconds, so the store page
     * and a typed person start it off the GUI thread and return false; the wizard moves on by
     * itself when the work succeeds, or shows why not on the page.
     */
    bool validateCurrentPage() override;
    /** reject waits while keys are being made: closing then would leave a half-made store. */
    void reject() override;

    /**
     * addUser starts adding the person typed on the users page (also the "Add this person"
     * button): false when refused at once (the reason is on the page); the person is listed
     * once their key is made off the GUI thread.
     */
    bool addUser();
    /** addChannel adds the channel typed on the channels page. */
    bool addChannel();

private:
    void createStore();
    /** unlockAdmin logs the new administrator in (off the GUI thread), then moves on. */
    void unlockAdmin(const QString& admin, const QString& passphrase);
    /** setWorking disables the page and the wizard's buttons while keys are made. */
    void setWorking(bool working);
    bool savePolicy();
    void showSummary();

    Session& m_session;
    std::unique_ptr<Ui::FirstRunWizard> m_ui;
    QString m_workstationFingerprint;
    QString m_adminFingerprint;
    bool m_advanceWhenAdded = false; ///< Next was pressed with a person typed: move on once added
};

} // namespace postern::gui
