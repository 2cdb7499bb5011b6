// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/ExportDialog.h"

#include "gui/BusyIndicator.h"
#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/Session.h"
#include "ui_ExportDialog.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLocale>
#include <QThread>
#include <QTimeZone>

#include <algorithm>

namespace postern::gui {

namespace {

constexpr int kIdRole = Qt::UserRole;
constexpr int kChannelsRole = Qt::UserRole + 1;
constexpr int kOrderRole = Qt::UserRole + 2; ///< true: the item is a cancel or retract order

QString sizeText(std::uint64_t bytes)
{
    return QLocale().formattedDataSize(static_cast<qint64>(bytes));
}

QString phaseText(bundle::SealPhase phase)
{
    return phase == bundle::SealPhase::Sealing ? QObject::tr("Sealing the bundle and writing it to the drive…")
                                               : QObject::tr("Reading back from the drive to check every byte…");
}

/** twoRows shows the 8 fingerprint groups as two rows of four, the way the form has them. */
QString twoRows(const std::string& fingerprint)
{
    const QStringList groups = QString::fromStdString(fingerprint).split(QLatin1Char('-'));
    if (groups.size() != 8)
        return QString::fromStdString(fingerprint);
    return groups.mid(0, 4).join(QLatin1Char(' ')) + QStringLiteral("\n") + groups.mid(4, 4).join(QLatin1Char(' '));
}

} // namespace

ExportDialog::ExportDialog(Session& session, const QStringList& postIds, QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::ExportDialog>()), m_session(session)
{
    m_ui->setupUi(this);
    setModal(true);
    m_ui->pages->setCurrentWidget(m_ui->choosePage);
    m_ui->postList->header()->setStretchLastSection(false);
    m_ui->postList->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_ui->postList->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_ui->postList->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_ui->driveList->header()->setStretchLastSection(false);
    m_ui->driveList->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_ui->driveList->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_ui->driveList->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSize(20);
    mono.setBold(true);
    m_ui->fingerprintLabel->setFont(mono);
    m_ui->fingerprintLabel->setAccessibleName(tr("Bundle fingerprint"));
    m_ui->postList->setAccessibleName(tr("Posts to export"));
    m_ui->postList->setAccessibleDescription(tr("Tick or untick a post with Space"));
    m_ui->driveList->setAccessibleName(tr("Removable drives"));
    m_ui->lifetimeSpin->setAccessibleName(tr("Hours the uploader has to publish"));
    m_ui->exportButton->setDefault(true);
    m_busy = new BusyIndicator(this);
    m_busy->followKeyWork(m_session);
    m_ui->chooseButtons->insertWidget(0, m_busy, 1);

    connect(m_ui->postList, &QTreeWidget::itemChanged, this, [this] {
        updateLifetimeBound();
        updateExportButton();
    });
    connect(m_ui->driveList, &QTreeWidget::itemSelectionChanged, this, [this] {
        const auto items = m_ui->driveList->selectedItems();
        if (!items.isEmpty())
            setDestination(items.first()->data(0, kIdRole).toString(), true);
    });
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &ExportDialog::refreshDrives);
    connect(m_ui->chooseFolderButton, &QPushButton::clicked, this, &ExportDialog::chooseFolder);
    connect(m_ui->exportButton, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_ui->closeChooseButton, &QPushButton::clicked, this, &ExportDialog::reject);
    connect(m_ui->cancelExportButton, &QPushButton::clicked, this, &ExportDialog::reject);
    connect(m_ui->closeButton, &QPushButton::clicked, this, &ExportDialog::accept);
    for (auto* box : m_ui->checklistBox->findChildren<QCheckBox*>())
        connect(box, &QCheckBox::toggled, this, &ExportDialog::updateChecklist);
    connect(&m_session, &Session::locked, this, [this] {
        // Nobody is at the keyboard: stop, change nothing, and do not leave the dialog open.
        if (isExporting()) {
            m_closeAfterExport = true;
            m_cancel = true;
        } else {
            QDialog::reject();
        }
    });

    loadPosts(postIds);
    refreshDrives();
}

ExportDialog::~ExportDialog()
{
    if (m_worker) {
        m_cancel = true;
        m_worker->wait();
        delete m_worker;
        m_session.setBusy(false);
    }
}

void ExportDialog::setSystemPaths(const system::SystemPaths& paths)
{
    m_paths = paths;
    refreshDrives();
}

QString ExportDialog::destination() const
{
    return m_destination;
}

void ExportDialog::loadPosts(const QStringList& preselected)
{
    const QSignalBlocker blocker(m_ui->postList);
    m_ui->postList->clear();
    store::PostFilter filter;
    filter.state = store::PostState::Approved;
    filter.limit = 10000;
    filter.order = store::PostOrder::UpdatedDesc;
    auto posts = m_session.workstation().list(filter);
    if (!posts) {
        m_ui->postCountLabel->setText(
            tr("Could not read the approved posts: %1").arg(QString::fromStdString(posts.error().message)));
        return;
    }
    for (const auto& p : *posts) {
        const QString id = QString::fromStdString(p.id);
        auto* item = new QTreeWidgetItem(m_ui->postList);
        item->setText(0, p.title.empty() ? tr("(no text)") : QString::fromStdString(p.title));
        item->setText(1, channelsTitle(QString::fromStdString(p.channels)));
        item->setToolTip(0, tr("Post %1").arg(id));
        item->setText(2,
                      p.schedule == 0
                          ? tr("On arrival")
                          : QLocale().toString(QDateTime::fromSecsSinceEpoch(p.schedule), QLocale::ShortFormat));
        item->setData(0, kIdRole, id);
        item->setData(0, kChannelsRole, QString::fromStdString(p.channels));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, preselected.isEmpty() || preselected.contains(id) ? Qt::Checked : Qt::Unchecked);
    }
    // Approved cancel and retract orders travel in the same bundle, listed after the posts.
    store::OrderFilter orderFilter;
    orderFilter.state = store::OrderState::Approved;
    orderFilter.limit = 10000;
    auto orders = m_session.workstation().listOrders(orderFilter);
    std::size_t orderCount = 0;
    if (orders) {
        for (const auto& o : *orders) {
            const QString id = QString::fromStdString(o.id);
            auto post = m_session.workstation().queries().post(o.postId);
            const QString title = post ? QString::fromStdString(post->title) : QString();
            auto* item = new QTreeWidgetItem(m_ui->postList);
            item->setText(0,
                          (o.action == "retract" ? tr("Retract order: %1") : tr("Cancel order: %1"))
                              .arg(title.isEmpty() ? tr("(no text)") : title));
            item->setToolTip(0, tr("Reason: %1").arg(QString::fromStdString(o.reason)));
            item->setText(1, channelsTitle(QString::fromStdString(o.channels)));
            item->setText(2, tr("On arrival"));
            item->setData(0, kIdRole, id);
            item->setData(0, kChannelsRole, QString::fromStdString(o.channels));
            item->setData(0, kOrderRole, true);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(0, preselected.isEmpty() || preselected.contains(id) ? Qt::Checked : Qt::Unchecked);
            ++orderCount;
        }
    }
    if (posts->empty() && orderCount == 0)
        m_ui->postCountLabel->setText(tr("No post or order is approved and waiting for export."));
    updateLifetimeBound();
    updateExportButton();
}

QStringList ExportDialog::checkedPostIds() const
{
    QStringList ids;
    for (int i = 0; i < m_ui->postList->topLevelItemCount(); ++i) {
        const auto* item = m_ui->postList->topLevelItem(i);
        if (item->checkState(0) == Qt::Checked && !item->data(0, kOrderRole).toBool())
            ids << item->data(0, kIdRole).toString();
    }
    return ids;
}

QStringList ExportDialog::checkedOrderIds() const
{
    QStringList ids;
    for (int i = 0; i < m_ui->postList->topLevelItemCount(); ++i) {
        const auto* item = m_ui->postList->topLevelItem(i);
        if (item->checkState(0) == Qt::Checked && item->data(0, kOrderRole).toBool())
            ids << item->data(0, kIdRole).toString();
    }
    return ids;
}

void ExportDialog::updateLifetimeBound()
{
    // The shortest maximum among the chosen posts' channels: the export would refuse more.
    std::int64_t bound = domain::kMaxLifetime;
    auto policy = m_session.workstation().currentPolicy();
    int checked = 0;
    for (int i = 0; i < m_ui->postList->topLevelItemCount(); ++i) {
        const auto* item = m_ui->postList->topLevelItem(i);
        if (item->checkState(0) != Qt::Checked)
            continue;
        ++checked;
        for (const auto& ch : store::splitChannels(item->data(0, kChannelsRole).toString().toStdString())) {
            auto id = domain::ChannelId::parse(ch);
            const auto* rule = (policy && id) ? policy->policy.rule(*id) : nullptr;
            if (rule)
                bound = std::min(bound, rule->maxLifetime);
        }
    }
    m_maxLifetime = std::max<std::int64_t>(bound, domain::kMinLifetime);
    const int maxHours = static_cast<int>(std::max<std::int64_t>(1, m_maxLifetime / 3600));
    m_ui->lifetimeSpin->setMaximum(maxHours);
    m_ui->lifetimeHint->setText(maxHours == 1 ? tr("(the approval policy allows at most 1 hour)")
                                              : tr("(the approval policy allows at most %1 hours)").arg(maxHours));
    if (m_ui->postList->topLevelItemCount() > 0)
        m_ui->postCountLabel->setText(
            tr("%1 of %2 approved posts and orders selected.").arg(checked).arg(m_ui->postList->topLevelItemCount()));
}

void ExportDialog::refreshDrives()
{
    const QSignalBlocker blocker(m_ui->driveList);
    m_ui->driveList->clear();
    auto drives = system::listDrives(m_paths);
    if (!drives) {
        m_ui->statusLabel->setText(tr("Could not list the drives (%1). Use \"Choose another folder…\".")
                                       .arg(QString::fromStdString(drives.error().message)));
        return;
    }
    QTreeWidgetItem* current = nullptr;
    for (const auto& d : *drives) {
        if (!d.removable || d.readOnly)
            continue;
        auto* item = new QTreeWidgetItem(m_ui->driveList);
        const QString device = QString::fromStdString(d.device);
        item->setText(0,
                      d.label.empty()
                          ? tr("Removable drive (%1)").arg(device)
                          : QString::fromStdString(d.label) + QStringLiteral(" (") + device + QStringLiteral(")"));
        item->setText(1, QString::fromStdString(d.mountPoint));
        item->setText(2,
                      d.totalBytes ? tr("%1 free of %2").arg(sizeText(d.freeBytes), sizeText(d.totalBytes))
                                   : tr("unknown"));
        item->setData(0, kIdRole, QString::fromStdString(d.mountPoint));
        item->setIcon(0, QIcon(QStringLiteral(":/icons/export.svg")));
        if (QString::fromStdString(d.mountPoint) == m_destination)
            current = item;
    }
    if (!current && m_ui->driveList->topLevelItemCount() > 0 && m_destination.isEmpty())
        current = m_ui->driveList->topLevelItem(0);
    if (current) {
        current->setSelected(true);
        setDestination(current->data(0, kIdRole).toString(), true);
    } else if (m_ui->driveList->topLevelItemCount() == 0 && m_destination.isEmpty()) {
        m_ui->destinationLabel->setText(
            tr("No removable drive is mounted. Insert one, wait a moment, then press \"Refresh drives\"."));
    }
    updateExportButton();
}

void ExportDialog::chooseFolder()
{
    const QString folder = Dialogs::directory(this, tr("Choose the folder for the bundle"));
    if (folder.isEmpty())
        return;
    auto drive = system::driveFor(folder.toStdString(), m_paths);
    const bool removable = drive && drive->removable;
    if (!removable) {
        const auto answer = Dialogs::question(
            this,
            tr("Not a removable drive"),
            tr("%1 is not on a removable drive.\n\nA bundle should leave this workstation only on a removable drive "
               "that is then carried to the uploader. Export to this folder anyway?")
                .arg(folder),
            tr("Export anyway"));
        if (answer != Dialogs::Answer::Yes)
            return;
    }
    {
        const QSignalBlocker blocker(m_ui->driveList);
        m_ui->driveList->clearSelection();
    }
    setDestination(folder, removable);
}

void ExportDialog::setDestination(const QString& folder, bool removable)
{
    m_destination = folder;
    m_removable = removable;
    QString text = tr("The bundle will be written to <b>%1</b>.").arg(folder.toHtmlEscaped());
    if (!removable)
        text += QStringLiteral(" <span style='color:#b00020'>") + tr("This folder is not on a removable drive.")
                + QStringLiteral("</span>");
    m_ui->destinationLabel->setText(text);
    updateExportButton();
}

void ExportDialog::updateExportButton()
{
    m_ui->exportButton->setEnabled(!isExporting() && !m_checking && !m_destination.isEmpty()
                                   && (!checkedPostIds().isEmpty() || !checkedOrderIds().isEmpty()));
}

std::filesystem::path ExportDialog::bundlePath() const
{
    // Named by the UTC time of the export; a suffix keeps an earlier bundle from being replaced.
    const QString stamp = QDateTime::fromSecsSinceEpoch(m_session.clock().now(), QTimeZone::utc())
                              .toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QDir dir(m_destination);
    QString name = QStringLiteral("postern-") + stamp + QStringLiteral(".postern");
    for (int n = 2; QFileInfo::exists(dir.filePath(name)) && n < 1000; ++n)
        name =
            QStringLiteral("postern-") + stamp + QStringLiteral("-") + QString::number(n) + QStringLiteral(".postern");
    return dir.filePath(name).toStdString();
}

void ExportDialog::startExport()
{
    const QStringList ids = checkedPostIds();
    const QStringList orderIdList = checkedOrderIds();
    if ((ids.isEmpty() && orderIdList.isEmpty()) || m_destination.isEmpty() || isExporting() || m_checking)
        return;
    if (!QFileInfo(m_destination).isDir()) {
        Dialogs::error(this,
                       tr("Export not started"),
                       tr("The folder %1 is no longer there.").arg(m_destination),
                       tr("Check that the drive is still inserted, press \"Refresh drives\" and choose it again."));
        refreshDrives();
        return;
    }
    const auto passphrase = Dialogs::passphrase(
        this,
        tr("Sign the bundle"),
        tr("Enter your passphrase to sign and seal %1 for the uploader.")
            .arg(orderIdList.isEmpty() ? (ids.size() == 1 ? tr("1 post") : tr("%1 posts").arg(ids.size()))
                                       : tr("%1 post(s) and %2 order(s)").arg(ids.size()).arg(orderIdList.size())));
    if (!passphrase)
        return;
    // Argon2id takes seconds: off the GUI thread, with the bar moving and the last message gone.
    m_ui->statusLabel->clear();
    m_checking = true;
    updateExportButton();
    m_session.confirmInBackground(*passphrase, this, [this, ids, orderIdList](Result<workflow::UnlockedUser> signer) {
        m_checking = false;
        if (!signer) {
            updateExportButton();
            Dialogs::error(this, tr("Export not started"), signer.error());
            return;
        }
        runExport(std::move(signer).value(), ids, orderIdList);
    });
}

void ExportDialog::runExport(workflow::UnlockedUser signer, const QStringList& ids, const QStringList& orderIdList)
{
    m_signer = std::move(signer);
    std::vector<std::string> postIds;
    for (const auto& id : ids)
        postIds.push_back(id.toStdString());
    std::vector<std::string> orderIds;
    for (const auto& id : orderIdList)
        orderIds.push_back(id.toStdString());
    const std::int64_t lifetime =
        std::min<std::int64_t>(static_cast<std::int64_t>(m_ui->lifetimeSpin->value()) * 3600, m_maxLifetime);
    const std::filesystem::path out = bundlePath();
    m_bundleFile = out;

    m_cancel = false;
    m_result.reset();
    m_ui->statusLabel->clear();
    m_ui->pages->setCurrentWidget(m_ui->progressPage);
    m_ui->cancelExportButton->setEnabled(true);
    onProgress(static_cast<int>(bundle::SealPhase::Sealing), 0, 0);
    m_worker = QThread::create([this, postIds, orderIds, out, lifetime] {
        bundle::SealProgress progress;
        progress.cancel = &m_cancel;
        auto phase = std::make_shared<int>(0); // both callbacks run on this worker thread
        auto lastStep = std::make_shared<int>(-1);
        progress.onPhase = [this, phase, lastStep](bundle::SealPhase p) {
            *phase = static_cast<int>(p);
            *lastStep = -1;
            QMetaObject::invokeMethod(
                this,
                [this, p] { onProgress(static_cast<int>(p), 0, 0); },
                Qt::QueuedConnection);
        };
        progress.onProgress = [this, phase, lastStep](std::uint64_t done, std::uint64_t total) {
            const int step = total ? static_cast<int>(done * 1000 / total) : 0;
            if (step == *lastStep) // at most 1000 updates per phase reach the GUI thread
                return;
            *lastStep = step;
            const int p = *phase;
            QMetaObject::invokeMethod(
                this,
                [this, p, done, total] { onProgress(p, done, total); },
                Qt::QueuedConnection);
        };
        m_result = m_session.workstation().exportBundle(*m_signer, postIds, orderIds, out, lifetime, progress);
    });
    connect(m_worker, &QThread::finished, this, &ExportDialog::onFinished);
    // The store is used by one thread at a time: no idle lock while the worker holds it.
    m_session.setBusy(true);
    m_worker->start();
    updateExportButton();
}

void ExportDialog::onProgress(int phase, quint64 done, quint64 total)
{
    if (m_ui->pages->currentWidget() != m_ui->progressPage || m_cancel)
        return;
    m_ui->phaseLabel->setText(QStringLiteral("<b>") + phaseText(static_cast<bundle::SealPhase>(phase)).toHtmlEscaped()
                              + QStringLiteral("</b>"));
    m_ui->progressBar->setValue(total ? static_cast<int>(done * 1000 / total) : 0);
    m_ui->progressDetailLabel->setText(total ? tr("%1 of %2").arg(sizeText(done), sizeText(total)) : QString());
}

void ExportDialog::onFinished()
{
    m_worker->wait();
    m_worker->deleteLater();
    m_worker = nullptr;
    m_session.setBusy(false);
    m_signer.reset(); // the confirmed key copy is wiped now
    if (!m_result) {
        m_result = Result<workflow::ExportResult>(fail(Errc::Internal, "the export stopped without a result"));
    }
    auto result = std::move(*m_result);
    m_result.reset();
    if (result) {
        emit exported(QString::fromStdString(result->bundleId));
        m_session.notifyChanged();
    }
    if (m_closeAfterExport) {
        QDialog::reject();
        return;
    }
    if (result) {
        showDone(*result);
        return;
    }
    m_ui->pages->setCurrentWidget(m_ui->choosePage);
    const QStringList keep = checkedPostIds() + checkedOrderIds();
    loadPosts(keep);
    if (result.code() == Errc::Cancelled) {
        m_ui->statusLabel->setText(tr("Export cancelled. Nothing was left on the drive and no post was changed."));
    } else {
        m_ui->statusLabel->setText(tr("The export failed; nothing was marked exported."));
        Dialogs::error(this, tr("Export failed"), result.error());
    }
    updateExportButton();
}

void ExportDialog::showDone(const workflow::ExportResult& result)
{
    m_ui->bundleFileLabel->setText(QString::fromStdString(m_bundleFile.string()));
    m_ui->pages->setCurrentWidget(m_ui->donePage);
    m_ui->fingerprintLabel->setText(twoRows(result.fingerprint));
    m_ui->sizeLabel->setText(tr("%1 (%2 bytes)").arg(sizeText(result.fileBytes)).arg(result.fileBytes));
    QString done = result.postIds.size() == 1 ? tr("1 post marked exported")
                                              : tr("%1 posts marked exported").arg(result.postIds.size());
    if (!result.orderIds.empty())
        done += tr(", %1 order(s) sent").arg(result.orderIds.size());
    m_ui->donePostsLabel->setText(done);
    // Ask only what is true for the medium: a folder is neither ejected nor sealed in a bag.
    m_ui->checkEjected->setHidden(!m_removable);
    m_ui->checkSealed->setHidden(!m_removable);
    for (auto* box : m_ui->checklistBox->findChildren<QCheckBox*>())
        if (box->isHidden())
            box->setChecked(false);
    updateChecklist();
    m_ui->checkFingerprint->setFocus(); // the keyboard goes straight to the checklist
}

void ExportDialog::updateChecklist()
{
    const auto boxes = m_ui->checklistBox->findChildren<QCheckBox*>();
    const bool all =
        std::all_of(boxes.begin(), boxes.end(), [](const QCheckBox* b) { return b->isHidden() || b->isChecked(); });
    m_ui->closeButton->setEnabled(all);
    m_ui->closeButton->setDefault(all); // then Enter closes
    if (all && m_ui->checklistBox->isAncestorOf(focusWidget()))
        m_ui->closeButton->setFocus();
    m_ui->closeHint->setText(all ? tr("All done. You can close this window.")
                                 : tr("Tick each step as it is done; Close is enabled when all are ticked. The "
                                      "fingerprint is also kept in the audit log."));
}

void ExportDialog::reject()
{
    if (isExporting()) {
        // Cancel, then stay until the worker has cleaned up: the result page says what happened.
        m_cancel = true;
        m_ui->cancelExportButton->setEnabled(false);
        m_ui->phaseLabel->setText(QStringLiteral("<b>") + tr("Cancelling: removing what was written…").toHtmlEscaped()
                                  + QStringLiteral("</b>"));
        return;
    }
    if (m_ui->pages->currentWidget() == m_ui->donePage && !m_ui->closeButton->isEnabled()) {
        const auto answer = Dialogs::question(this,
                                              tr("Checklist not finished"),
                                              tr("Not every step of the carry-across checklist is ticked. The export "
                                                 "is recorded either way. Close anyway?"),
                                              tr("Close anyway"));
        if (answer != Dialogs::Answer::Yes)
            return;
    }
    QDialog::reject();
}

} // namespace postern::gui
