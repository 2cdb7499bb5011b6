// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/PostRecords.h"
#include "postern/system/SystemInfo.h"

#include <QMainWindow>

#include <memory>
#include <optional>

namespace Ui {
class MainWindow;
}

class QAction;
class QLabel;
class QListWidgetItem;

namespace postern::gui {

class LockScreen;
class PostListModel;
class PostPane;
class ReceiptBanner;
class Session;

/**
 * MainWindow holds the lock screen and the workspace: the queues (one per post state), the
 * post list with its filter, the selected post's pane, the calendar and the audit log. Actions
 * are enabled by the logged-in user's roles; the core still checks every one of them.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(Session& session, QWidget* parent = nullptr);
    ~MainWindow() override;

    /** selectQueue shows one state's queue (nullopt = all posts). */
    void selectQueue(std::optional<store::PostState> state);
    /** selectPost selects a post in the current list if it is loaded. */
    bool selectPost(const QString& postId);
    [[nodiscard]] QStringList selectedPostIds() const;
    [[nodiscard]] PostListModel& postModel() { return *m_model; }
    [[nodiscard]] PostPane& postPane() { return *m_pane; }

    // The toolbar actions, callable from tests.
    void newPost();
    void revisePost(const QString& postId);
    void submitSelected();
    void exportSelected();
    void importReceipt();
    /** importFoundReceipt imports a receipt file in one step and shows its results. */
    void importFoundReceipt(const QString& path);
    /** setSystemPaths points drive detection (export, receipts found) at a fake /proc, /sys, /dev. */
    void setSystemPaths(const system::SystemPaths& paths);
    void openAdministration();
    /** focusPostList puts the keyboard focus on the post list, selecting the first post. */
    void focusPostList();

private:
    // Menu bar, shortcuts, focus order and accessible names (MainWindowMenus.cpp).
    void setupMenus();
    void showHelp();
    void onUnlocked();
    void onLocked();
    void refresh();
    void refreshQueues();
    void applyFilter();
    void updateActions();
    void showSelected();
    void loadChannelFilter();
    void loadCalendarMonth(int year, int month);
    void showDay(const QDate& day);
    void loadAudit();
    void verifyAudit();

    Session& m_session;
    std::unique_ptr<Ui::MainWindow> m_ui;
    LockScreen* m_lockScreen = nullptr;
    PostListModel* m_model = nullptr;
    PostPane* m_pane = nullptr;
    ReceiptBanner* m_receiptBanner = nullptr;
    system::SystemPaths m_systemPaths;
    QLabel* m_userLabel = nullptr;
    std::optional<store::PostState> m_queue;
    QTimer* m_filterTimer = nullptr;
    QAction* m_approveAction = nullptr;
    QAction* m_rejectAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_helpAction = nullptr;
};

} // namespace postern::gui
