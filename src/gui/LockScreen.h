// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include <memory>

namespace Ui {
class LockScreen;
}

namespace postern::gui {

class BusyIndicator;
class Session;

/**
 * LockScreen is the start screen: pick a user, enter the passphrase, unlock. It is also what
 * locking shows, so switching user always goes through it.
 */
class LockScreen : public QWidget
{
    Q_OBJECT

public:
    explicit LockScreen(Session& session, QWidget* parent = nullptr);
    ~LockScreen() override;

    /** reload refills the user list (after users change) and clears the passphrase. */
    void reload();

private:
    void tryUnlock();

    Session& m_session;
    std::unique_ptr<Ui::LockScreen> m_ui;
    BusyIndicator* m_busy = nullptr;
};

} // namespace postern::gui
