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

    bool validateCurrentPage() override;

    /** addUser adds the person typed on the users page (also the "Add this person" button). */
    bool addUser();
    /** addChannel adds the channel typed on the channels page. */
    bool addChannel();

private:
    bool createStore();
    bool savePolicy();
    void showSummary();

    Session& m_session;
    std::unique_ptr<Ui::FirstRunWizard> m_ui;
    QString m_workstationFingerprint;
    QString m_adminFingerprint;
};

} // namespace postern::gui
