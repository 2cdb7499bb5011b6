// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/MainWindow.h"

#include "gui/AdminDialog.h"
#include "gui/AirGapIndicator.h"
#include "gui/AuditText.h"
#include "gui/BusyIndicator.h"
#include "gui/ComposeDialog.h"
#include "gui/Dialogs.h"
#include "gui/ExportDialog.h"
#include "gui/LockScreen.h"
#include "gui/PlatformPreview.h"
#include "gui/PostListModel.h"
#include "gui/PostPane.h"
#include "gui/ReceiptDialog.h"
#include "gui/ReceiptFinder.h"
#include "gui/ScreenFit.h"
#include "gui/Session.h"
#include "ui_MainWindow.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QTextCharFormat>
#include <QTimer>

namespace postern::gui {

namespace {

struct Queue
{
    std::optional<store::PostState> state;
    const char* title;
    const char* icon;
};

const std::array<Queue, 10> kQueues = {{
    {store::PostState::Draft, QT_TRANSLATE_NOOP("MainWindow", "Drafts"), ":/icons/edit.svg"},
    {store::PostState::InReview, QT_TRANSLATE_NOOP("MainWindow", "In review"), ":/icons/submit.svg"},
    {store::PostState::Approved, QT_TRANSLATE_NOOP("MainWindow", "Approved"), ":/icons/approve.svg"},
    {store::PostState::Exported, QT_TRANSLATE_NOOP("MainWindow", "Exported"), ":/icons/export.svg"},
    {store::PostState::Published, QT_TRANSLATE_NOOP("MainWindow", "Published"), ":/icons/receipt.svg"},
    {store::PostState::Rejected, QT_TRANSLATE_NOOP("MainWindow", "Rejected"), ":/icons/reject.svg"},
    {store::PostState::Failed, QT_TRANSLATE_NOOP("MainWindow", "Failed"), ":/icons/reject.svg"},
    {store::PostState::Cancelled, QT_TRANSLATE_NOOP("MainWindow", "Cancelled"), ":/icons/reject.svg"},
    {store::PostState::Retracted, QT_TRANSLATE_NOOP("MainWindow", "Retracted"), ":/icons/reject.svg"},
    {std::nullopt, QT_TRANSLATE_NOOP("MainWindow", "All posts"), ":/icons/calendar.svg"},
}};

} // namespace

MainWindow::MainWindow(Session& session, QWidget* parent)
    : QMainWindow(parent), m_session(session), m_ui(std::make_unique<Ui::MainWindow>())
{
    m_ui->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/postern.svg")));

    m_lockScreen = new LockScreen(m_session, m_ui->lockPage);
    m_ui->lockLayout->addWidget(m_lockScreen);

    m_model = new PostListModel(m_session, this);
    m_ui->postTable->setModel(m_model);
    m_ui->postTable->horizontalHeader()->setSectionResizeMode(PostListModel::Title, QHeaderView::Stretch);
    m_ui->postTable->horizontalHeader()->setStretchLastSection(false);
    m_ui->postTable->horizontalHeader()->setSortIndicator(PostListModel::Updated, Qt::DescendingOrder);
    m_ui->postTable->setColumnWidth(PostListModel::Channels, 220);
    m_ui->postTable->setColumnWidth(PostListModel::Schedule, 130);
    m_ui->postTable->setColumnWidth(PostListModel::Updated, 130);
    m_pane = new PostPane(m_session, m_ui->detailHost);
    m_ui->detailLayout->addWidget(m_pane);
    // A receipt back on a drive is offered above the list: one press imports it.
    m_receiptBanner = new ReceiptBanner(m_session, m_ui->postsTab);
    m_ui->postsLayout->insertWidget(0, m_receiptBanner);
    connect(m_receiptBanner, &ReceiptBanner::importRequested, this, &MainWindow::importFoundReceipt);
    m_ui->postsSplitter->setStretchFactor(0, 2);
    m_ui->postsSplitter->setStretchFactor(1, 3);

    for (const auto& queue : kQueues) {
        auto* item = new QListWidgetItem(QIcon(QString::fromLatin1(queue.icon)), tr(queue.title), m_ui->queueList);
        item->setData(Qt::UserRole, queue.state ? static_cast<int>(*queue.state) : -1);
    }
    m_userLabel = new QLabel(this);
    m_userLabel->setObjectName("userLabel");
    statusBar()->addWidget(m_userLabel, 1);
    auto* busy = new BusyIndicator(this);
    busy->setObjectName("statusBusyIndicator");
    busy->followKeyWork(m_session); // approvals and unlocking check a passphrase for seconds
    statusBar()->addWidget(busy, 1);
    statusBar()->addPermanentWidget(new AirGapIndicator(this));

    // Typing in the filter waits for a short pause so every keystroke is not a query.
    m_filterTimer = new QTimer(this);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(150);
    connect(m_filterTimer, &QTimer::timeout, this, &MainWindow::applyFilter);
    connect(m_ui->filterEdit, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(m_ui->channelFilter, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilter);
    connect(m_ui->queueList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < static_cast<int>(kQueues.size()))
            selectQueue(kQueues[static_cast<std::size_t>(row)].state);
    });
    connect(m_ui->postTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showSelected();
        updateActions();
    });
    connect(m_model, &PostListModel::modelReset, this, [this] {
        m_ui->countLabel->setText(tr("%n post(s)", nullptr, static_cast<int>(m_model->totalCount())));
        showSelected();
        updateActions();
    });
    connect(m_model, &PostListModel::loadFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Could not read the post list: %1").arg(message), 10000);
    });
    connect(m_ui->postTable, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto* record = m_model->record(index.row());
        if (record && record->authorId == (m_session.isUnlocked() ? m_session.user().record.id : -1))
            revisePost(m_model->postId(index.row()));
    });

    connect(m_ui->actionNewPost, &QAction::triggered, this, &MainWindow::newPost);
    connect(m_ui->actionEditPost, &QAction::triggered, this, [this] {
        const auto ids = selectedPostIds();
        if (!ids.isEmpty())
            revisePost(ids.first());
    });
    connect(m_ui->actionSubmit, &QAction::triggered, this, &MainWindow::submitSelected);
    connect(m_ui->actionExport, &QAction::triggered, this, &MainWindow::exportSelected);
    connect(m_ui->actionImportReceipt, &QAction::triggered, this, &MainWindow::importReceipt);
    connect(m_ui->actionAdmin, &QAction::triggered, this, &MainWindow::openAdministration);
    connect(m_ui->actionLock, &QAction::triggered, &m_session, &Session::lock);

    connect(m_pane, &PostPane::reviseRequested, this, &MainWindow::revisePost);
    connect(m_pane, &PostPane::submitRequested, this, [this](const QString&) { submitSelected(); });

    connect(m_ui->calendar, &QCalendarWidget::currentPageChanged, this, &MainWindow::loadCalendarMonth);
    connect(m_ui->calendar, &QCalendarWidget::selectionChanged, this, [this] {
        showDay(m_ui->calendar->selectedDate());
    });
    connect(m_ui->tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_ui->tabs->widget(index) == m_ui->auditTab)
            loadAudit();
        else if (m_ui->tabs->widget(index) == m_ui->calendarTab)
            loadCalendarMonth(m_ui->calendar->yearShown(), m_ui->calendar->monthShown());
    });
    connect(m_ui->verifyChainButton, &QPushButton::clicked, this, &MainWindow::verifyAudit);
    connect(m_ui->dayList, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        m_ui->tabs->setCurrentWidget(m_ui->postsTab);
        selectQueue(std::nullopt);
        selectPost(item->data(Qt::UserRole).toString());
    });

    setupMenus();

    connect(&m_session, &Session::unlocked, this, &MainWindow::onUnlocked);
    connect(&m_session, &Session::locked, this, &MainWindow::onLocked);
    connect(&m_session, &Session::changed, this, &MainWindow::refresh);

    if (m_session.isUnlocked())
        onUnlocked();
    else
        onLocked();
    fitToScreen(this); // 1366×768 laptops, 1920×1080 at 150%: the status bar stays on screen
}

MainWindow::~MainWindow() = default;

void MainWindow::onLocked()
{
    m_ui->stack->setCurrentWidget(m_ui->lockPage);
    m_ui->mainToolBar->setEnabled(false);
    m_ui->mainToolBar->hide();
    menuBar()->hide(); // nothing in it can be used while locked
    m_userLabel->setText(tr("Locked"));
    m_pane->showPost({});
    m_lockScreen->reload();
}

void MainWindow::onUnlocked()
{
    m_ui->stack->setCurrentWidget(m_ui->workPage);
    m_ui->mainToolBar->show();
    m_ui->mainToolBar->setEnabled(true);
    menuBar()->show();
    const auto& user = m_session.user().record;
    m_userLabel->setText(tr("Logged in as %1 (%2)")
                             .arg(QString::fromStdString(user.name),
                                  QString::fromStdString(domain::formatRoles(user.roles))
                                      .replace(QLatin1Char(','), QStringLiteral(", "))));
    // The air-gap warning beside it is long; without this the status bar cuts the name off.
    m_userLabel->setMinimumWidth(m_userLabel->sizeHint().width());
    // Each role starts where its work is: approvers at the review queue, operators at Approved.
    std::optional<store::PostState> start = store::PostState::Draft;
    if (m_session.userHas(domain::Role::Approver) && !m_session.userHas(domain::Role::Author))
        start = store::PostState::InReview;
    else if (m_session.userHas(domain::Role::Operator) && !m_session.userHas(domain::Role::Author))
        start = store::PostState::Approved;
    loadChannelFilter();
    selectQueue(start);
    // The keyboard starts where the work is: the first post of the user's queue.
    focusPostList();
}

void MainWindow::refresh()
{
    if (!m_session.isUnlocked())
        return;
    const QStringList selected = selectedPostIds();
    loadChannelFilter();
    refreshQueues();
    m_model->reload();
    if (!selected.isEmpty())
        selectPost(selected.first());
    showSelected();
    updateActions();
}

void MainWindow::refreshQueues()
{
    auto counts = m_session.workstation().queries().postCounts();
    std::int64_t total = 0;
    for (int row = 0; row < m_ui->queueList->count(); ++row) {
        auto* item = m_ui->queueList->item(row);
        const auto& queue = kQueues[static_cast<std::size_t>(row)];
        std::int64_t n = 0;
        if (counts) {
            for (const auto& c : *counts) {
                if (queue.state && c.state == *queue.state)
                    n = c.count;
                if (!queue.state)
                    total += c.count;
            }
        }
        if (!queue.state)
            n = total;
        item->setText(QString(QStringLiteral("%1  (%2)")).arg(tr(queue.title)).arg(n));
    }
}

void MainWindow::selectQueue(std::optional<store::PostState> state)
{
    m_queue = state;
    for (std::size_t i = 0; i < kQueues.size(); ++i) {
        if (kQueues[i].state == state && m_ui->queueList->currentRow() != static_cast<int>(i)) {
            const QSignalBlocker block(m_ui->queueList);
            m_ui->queueList->setCurrentRow(static_cast<int>(i));
        }
    }
    refreshQueues();
    applyFilter();
}

void MainWindow::applyFilter()
{
    store::PostFilter filter;
    filter.state = m_queue;
    filter.text = m_ui->filterEdit->text().trimmed().toStdString();
    filter.channel = m_ui->channelFilter->currentData().toString().toStdString();
    m_model->setFilter(filter);
}

void MainWindow::loadChannelFilter()
{
    const QString current = m_ui->channelFilter->currentData().toString();
    const QSignalBlocker block(m_ui->channelFilter);
    m_ui->channelFilter->clear();
    m_ui->channelFilter->addItem(tr("All channels"), QString());
    if (auto policy = m_session.workstation().currentPolicy()) {
        for (const auto& rule : policy->policy.channels) {
            const QString id = QString::fromStdString(rule.channel.str());
            m_ui->channelFilter->addItem(channelTitle(rule.channel), id);
        }
    }
    const int keep = m_ui->channelFilter->findData(current);
    m_ui->channelFilter->setCurrentIndex(keep >= 0 ? keep : 0);
}

QStringList MainWindow::selectedPostIds() const
{
    QStringList ids;
    for (const auto& index : m_ui->postTable->selectionModel()->selectedRows())
        ids << m_model->postId(index.row());
    return ids;
}

bool MainWindow::selectPost(const QString& postId)
{
    int row = m_model->rowOf(postId);
    while (row < 0 && m_model->canFetchMore({})) {
        m_model->fetchMore({});
        row = m_model->rowOf(postId);
        if (m_model->rowCount() > 5000)
            break; // far down a huge queue: the filter finds it faster than scrolling
    }
    if (row < 0)
        return false;
    m_ui->postTable->selectRow(row);
    m_ui->postTable->scrollTo(m_model->index(row, 0));
    return true;
}

void MainWindow::showSelected()
{
    const QStringList ids = selectedPostIds();
    m_pane->showPost(ids.size() == 1 ? ids.first() : QString());
}

void MainWindow::updateActions()
{
    const bool unlocked = m_session.isUnlocked();
    const QStringList ids = selectedPostIds();
    const store::PostRecord* first = ids.size() == 1 ? m_model->record(m_model->rowOf(ids.first())) : nullptr;
    const bool mine = first && unlocked && first->authorId == m_session.user().record.id;
    const bool editable =
        first && first->state != store::PostState::Exported && first->state != store::PostState::Published;
    m_ui->actionNewPost->setEnabled(unlocked && m_session.userHas(domain::Role::Author));
    m_ui->actionEditPost->setEnabled(unlocked && m_session.userHas(domain::Role::Author) && editable);
    m_ui->actionSubmit->setEnabled(mine && first->state == store::PostState::Draft);
    m_ui->actionExport->setEnabled(unlocked && m_session.userHas(domain::Role::Operator));
    m_ui->actionImportReceipt->setEnabled(unlocked && m_session.userHas(domain::Role::Operator));
    m_ui->actionAdmin->setEnabled(unlocked && m_session.userHas(domain::Role::Admin));
    if (m_approveAction) { // null only while the constructor runs
        m_approveAction->setEnabled(unlocked && m_pane->canApprove());
        m_rejectAction->setEnabled(unlocked && m_pane->canReject());
    }
    m_ui->actionSubmit->setToolTip(mine || !first ? tr("Send the selected draft to the approvers")
                                                  : tr("Only the author of a post submits it"));
}

void MainWindow::submitSelected()
{
    const QStringList ids = selectedPostIds();
    if (ids.size() != 1)
        return;
    const Status status = m_session.workstation().submit(m_session.user(), ids.first().toStdString());
    if (!status) {
        Dialogs::error(this, tr("Not submitted"), status.error());
        return;
    }
    statusBar()->showMessage(tr("Submitted for review."), 5000);
    m_session.notifyChanged();
}

void MainWindow::loadCalendarMonth(int year, int month)
{
    if (!m_session.isUnlocked())
        return;
    m_ui->calendar->setDateTextFormat(QDate(), QTextCharFormat()); // clear earlier marks
    const QDate first(year, month, 1);
    store::PostFilter filter;
    filter.scheduledFrom = QDateTime(first.addDays(-7), QTime(0, 0)).toSecsSinceEpoch();
    filter.scheduledUntil = QDateTime(first.addMonths(1).addDays(7), QTime(0, 0)).toSecsSinceEpoch();
    filter.limit = 10000;
    filter.order = store::PostOrder::ScheduleAsc;
    auto posts = m_session.workstation().list(filter);
    if (!posts)
        return;
    QHash<QDate, int> perDay;
    for (const auto& post : *posts)
        ++perDay[QDateTime::fromSecsSinceEpoch(post.schedule).date()];
    QTextCharFormat marked;
    marked.setFontWeight(QFont::Bold);
    marked.setBackground(QColor(0xe8, 0xb0, 0x4a, 90));
    for (auto it = perDay.cbegin(); it != perDay.cend(); ++it) {
        marked.setToolTip(tr("%n scheduled post(s)", nullptr, it.value()));
        m_ui->calendar->setDateTextFormat(it.key(), marked);
    }
    showDay(m_ui->calendar->selectedDate());
}

void MainWindow::showDay(const QDate& day)
{
    m_ui->dayList->clear();
    m_ui->dayLabel->setText(tr("Scheduled on %1").arg(QLocale().toString(day, QLocale::LongFormat)));
    if (!m_session.isUnlocked())
        return;
    store::PostFilter filter;
    filter.scheduledFrom = QDateTime(day, QTime(0, 0)).toSecsSinceEpoch();
    filter.scheduledUntil = QDateTime(day.addDays(1), QTime(0, 0)).toSecsSinceEpoch();
    filter.limit = 1000;
    filter.order = store::PostOrder::ScheduleAsc;
    auto posts = m_session.workstation().list(filter);
    if (!posts)
        return;
    for (const auto& post : *posts) {
        auto* item = new QListWidgetItem(QDateTime::fromSecsSinceEpoch(post.schedule).toString(QStringLiteral("HH:mm"))
                                             + QStringLiteral("  ") + stateTitle(post.state) + QStringLiteral("  ")
                                             + QString::fromStdString(post.title).simplified().left(80),
                                         m_ui->dayList);
        item->setData(Qt::UserRole, QString::fromStdString(post.id));
        item->setToolTip(channelsTitle(QString::fromStdString(post.channels)));
    }
    if (posts->empty())
        m_ui->dayList->addItem(tr("Nothing scheduled."));
}

void MainWindow::loadAudit()
{
    constexpr std::int64_t kShown = 500;
    auto page = m_session.workstation().queries().auditTail(kShown);
    if (!page)
        return;
    AuditText words(m_session);
    m_ui->auditTable->clear();
    m_ui->auditTable->setColumnCount(4);
    m_ui->auditTable->setHorizontalHeaderLabels({tr("#"), tr("Time"), tr("Who"), tr("What")});
    m_ui->auditTable->setRowCount(static_cast<int>(page->entries.size()));
    int row = 0;
    for (auto it = page->entries.rbegin(); it != page->entries.rend(); ++it, ++row) {
        const auto& e = it->record;
        // Only accounts have names; any other key is shown by its first hex digits.
        const QString who = it->actorName.empty() ? QString::fromStdString(toHex(e.actorKey).substr(0, 8))
                                                  : QString::fromStdString(it->actorName);
        m_ui->auditTable->setItem(row, 0, new QTableWidgetItem(QString::number(e.seq)));
        m_ui->auditTable->setItem(row, 1, new QTableWidgetItem(formatTime(e.at)));
        m_ui->auditTable->setItem(row, 2, new QTableWidgetItem(who));
        auto* what = new QTableWidgetItem(words.what(e));
        what->setToolTip(AuditText::raw(e)); // ids and details for whoever investigates
        m_ui->auditTable->setItem(row, 3, what);
    }
    m_ui->auditTable->resizeColumnsToContents();
    const std::int64_t count = page->total;
    m_ui->auditStatusLabel->setText(count <= kShown
                                        ? tr("%1 entries in the log.").arg(count)
                                        : tr("%1 entries in the log; the newest %2 are shown.").arg(count).arg(kShown));
}

void MainWindow::verifyAudit()
{
    const Status status = m_session.workstation().auditVerify();
    if (status) {
        m_ui->auditStatusLabel->setText(tr("✔ The audit chain is intact: every entry is linked and signed."));
        m_ui->auditStatusLabel->setStyleSheet(QStringLiteral("color: #1d6b2f; font-weight: bold;"));
    } else {
        m_ui->auditStatusLabel->setText(tr("✘ The audit chain is broken: %1").arg(errorText(status.error())));
        m_ui->auditStatusLabel->setStyleSheet(QStringLiteral("color: #a4262c; font-weight: bold;"));
        Dialogs::error(this,
                       tr("Audit chain broken"),
                       errorText(status.error()),
                       tr("The store was changed outside Postern. Stop using this workstation and tell the "
                          "security officer; keep the store as evidence."));
    }
}

// Dialogs open window-modal with open(), not exec(): the event loop keeps running, so tests
// find the dialog by type and drive it like a user would.
void MainWindow::newPost()
{
    auto* dialog = new ComposeDialog(m_session, {}, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::revisePost(const QString& postId)
{
    if (postId.isEmpty())
        return;
    auto* dialog = new ComposeDialog(m_session, postId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::exportSelected()
{
    auto* dialog = new ExportDialog(m_session, selectedPostIds(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setSystemPaths(m_systemPaths);
    dialog->open();
}

void MainWindow::importReceipt()
{
    auto* dialog = new ReceiptDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ReceiptDialog::reviseRequested, this, &MainWindow::revisePost);
    dialog->open();
}

void MainWindow::importFoundReceipt(const QString& path)
{
    auto* dialog = new ReceiptDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ReceiptDialog::reviseRequested, this, &MainWindow::revisePost);
    if (!dialog->importFile(path)) { // it said why
        delete dialog;
        m_receiptBanner->rescan();
        return;
    }
    selectQueue(store::PostState::Published);
    dialog->open(); // the results, per post and channel
}

void MainWindow::setSystemPaths(const system::SystemPaths& paths)
{
    m_systemPaths = paths;
    m_receiptBanner->setSystemPaths(paths);
}

void MainWindow::openAdministration()
{
    auto* dialog = new AdminDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace postern::gui
