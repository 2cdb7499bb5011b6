// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow's menu bar, keyboard shortcuts, focus order and accessible names: every toolbar
// action is also in a menu with a mnemonic and a shortcut, so the whole workflow runs from the
// keyboard, and Tab walks the window instead of the post list's cells.
#include "gui/Dialogs.h"
#include "gui/FocusFrame.h"
#include "gui/MainWindow.h"
#include "gui/PostListModel.h"
#include "gui/PostPane.h"
#include "ui_MainWindow.h"

#include <QApplication>
#include <QMenuBar>
#include <QStatusBar>

namespace postern::gui {

void MainWindow::setupMenus()
{
    m_approveAction = new QAction(QIcon(QStringLiteral(":/icons/approve.svg")), tr("&Approve…"), this);
    m_approveAction->setObjectName("actionApprove");
    m_approveAction->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    m_approveAction->setToolTip(tr("Sign the selected post with your key"));
    m_rejectAction = new QAction(QIcon(QStringLiteral(":/icons/reject.svg")), tr("Re&ject…"), this);
    m_rejectAction->setObjectName("actionReject");
    m_rejectAction->setShortcut(QKeySequence(tr("Ctrl+Shift+J")));
    m_rejectAction->setToolTip(tr("Send the selected post back to its author with a reason"));
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setObjectName("actionQuit");
    m_quitAction->setShortcut(QKeySequence(tr("Ctrl+Q"))); // not every platform theme defines Quit
    m_helpAction = new QAction(tr("&Keyboard and help"), this);
    m_helpAction->setObjectName("actionHelp");
    m_helpAction->setShortcut(QKeySequence(tr("F1")));
    auto* focusList = new QAction(tr("Go to the post &list"), this);
    focusList->setObjectName("actionFocusList");
    focusList->setShortcut(QKeySequence(tr("Ctrl+1")));
    auto* focusQueues = new QAction(tr("Go to the &queues"), this);
    focusQueues->setObjectName("actionFocusQueues");
    focusQueues->setShortcut(QKeySequence(tr("Ctrl+0")));
    auto* focusFilter = new QAction(tr("&Find in the list"), this);
    focusFilter->setObjectName("actionFocusFilter");
    focusFilter->setShortcut(QKeySequence(tr("Ctrl+F")));

    connect(m_approveAction, &QAction::triggered, this, [this] {
        if (m_pane->canApprove())
            m_pane->approve();
    });
    connect(m_rejectAction, &QAction::triggered, this, [this] {
        if (m_pane->canReject())
            m_pane->reject();
    });
    connect(m_quitAction, &QAction::triggered, qApp, &QApplication::closeAllWindows);
    connect(m_helpAction, &QAction::triggered, this, &MainWindow::showHelp);
    connect(focusList, &QAction::triggered, this, &MainWindow::focusPostList);
    connect(focusQueues, &QAction::triggered, m_ui->queueList, [this] {
        m_ui->queueList->setFocus(Qt::ShortcutFocusReason);
    });
    connect(focusFilter, &QAction::triggered, m_ui->filterEdit, [this] {
        m_ui->filterEdit->setFocus(Qt::ShortcutFocusReason);
        m_ui->filterEdit->selectAll();
    });
    connect(m_pane, &PostPane::actionsChanged, this, &MainWindow::updateActions);

    // The toolbar also carries Approve and Reject: they were only in the pane, out of reach.
    m_ui->mainToolBar->insertAction(m_ui->actionExport, m_approveAction);
    m_ui->mainToolBar->insertAction(m_ui->actionExport, m_rejectAction);
    m_ui->mainToolBar->insertSeparator(m_ui->actionExport);

    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_ui->actionNewPost);
    file->addSeparator();
    file->addAction(m_ui->actionExport);
    file->addAction(m_ui->actionImportReceipt);
    file->addSeparator();
    file->addAction(m_ui->actionLock);
    file->addAction(m_quitAction);
    auto* post = menuBar()->addMenu(tr("&Post"));
    post->addAction(m_ui->actionEditPost);
    post->addAction(m_ui->actionSubmit);
    post->addSeparator();
    post->addAction(m_approveAction);
    post->addAction(m_rejectAction);
    auto* view = menuBar()->addMenu(tr("&View"));
    view->addAction(focusQueues);
    view->addAction(focusList);
    view->addAction(focusFilter);
    auto* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(m_ui->actionAdmin);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_helpAction);

    // Show each action's shortcut in its toolbar tooltip, so mouse users learn them too; the
    // toolbar's short labels drop the menus' "&" and "…".
    for (QAction* action : m_ui->mainToolBar->actions()) {
        if (action->isSeparator())
            continue;
        action->setIconText(QString(action->text()).remove(QLatin1Char('&')).remove(QChar(0x2026)));
        if (!action->shortcut().isEmpty())
            action->setToolTip(action->toolTip() + QStringLiteral("  (")
                               + action->shortcut().toString(QKeySequence::NativeText) + QStringLiteral(")"));
    }

    // Focus order: queues, filter, channel, list, then the pane's buttons before its text.
    setTabOrder(m_ui->queueList, m_ui->filterEdit);
    setTabOrder(m_ui->filterEdit, m_ui->channelFilter);
    setTabOrder(m_ui->channelFilter, m_ui->postTable);
    m_pane->setFocusOrderAfter(m_ui->postTable);

    // Names and descriptions for screen readers where no label or text gives one.
    const auto name = [](QWidget* w, const QString& n, const QString& d) {
        w->setAccessibleName(n);
        w->setAccessibleDescription(d);
    };
    name(m_ui->queueList, tr("Queues"), tr("Posts grouped by where they are in the workflow, with counts"));
    name(m_ui->filterEdit, tr("Filter by text"), tr("Shows only posts whose text contains this"));
    name(m_ui->channelFilter, tr("Channel filter"), tr("Shows only posts for one channel"));
    name(m_ui->postTable, tr("Posts"), tr("The posts in the chosen queue; the selected one is shown below"));
    name(m_ui->tabs, tr("Views"), tr("Posts, calendar and audit log"));
    name(m_ui->calendar, tr("Calendar"), tr("Days with scheduled posts are marked"));
    name(m_ui->dayList, tr("Posts on the selected day"), tr("Press Enter to open one"));
    name(m_ui->auditTable, tr("Audit log"), tr("Every action, who did it and when, newest first"));
    name(m_ui->verifyChainButton, tr("Verify chain"), tr("Checks that no audit entry was changed or removed"));
    name(m_ui->mainToolBar, tr("Actions"), {});

    new FocusFrame(this);
}

void MainWindow::focusPostList()
{
    m_ui->tabs->setCurrentWidget(m_ui->postsTab);
    m_ui->postTable->setFocus(Qt::ShortcutFocusReason);
    if (m_model->rowCount() == 0 && m_model->canFetchMore({}))
        m_model->fetchMore({});
    if (!m_ui->postTable->selectionModel()->hasSelection() && m_model->rowCount() > 0)
        m_ui->postTable->selectRow(0);
}

void MainWindow::showHelp()
{
    QStringList lines;
    for (QAction* action : findChildren<QAction*>()) {
        if (action->shortcut().isEmpty() || action->text().isEmpty())
            continue;
        lines << action->shortcut().toString(QKeySequence::NativeText) + QStringLiteral("\t")
                     + QString(action->text()).remove(QLatin1Char('&'));
    }
    lines.sort();
    Dialogs::information(this,
                         tr("Keyboard and help"),
                         tr("Every action has a key. Tab moves between parts of the window; Alt with the underlined "
                            "letter opens a menu or presses a button.\n\n%1\n\nThe user guide (user-guide.md) is in "
                            "the documentation folder installed with Postern, usually /usr/share/doc/postern.")
                             .arg(lines.join(QLatin1Char('\n'))));
}

} // namespace postern::gui
