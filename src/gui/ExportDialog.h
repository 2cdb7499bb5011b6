// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/system/SystemInfo.h"
#include "postern/workflow/Workstation.h"

#include <QDialog>
#include <QStringList>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>

class QThread;
class QTreeWidgetItem;

namespace Ui {
class ExportDialog;
}

namespace postern::gui {

class BusyIndicator;
class Session;

/**
 * ExportDialog seals approved posts into a bundle on a removable drive: choose posts, a drive
 * and a validity period; confirm with the passphrase; watch the bundle being written and read
 * back from the drive (cancellable); then read out its fingerprint and tick the carry-across
 * checklist. Every step is Workstation::exportBundle: this dialog only asks and shows.
 *
 * Threading: the export runs on a worker thread so the window stays responsive, and the
 * dialog is modal, so no other window touches the store meanwhile: the store's connection is
 * used by one thread at a time. Progress reaches the GUI thread through queued calls; Cancel
 * sets the atomic flag the export checks between chunks. If the session locks during an
 * export, the export is cancelled (nothing is changed) and the dialog closes.
 */
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    /** postIds preselects posts; when empty every approved post is preselected. */
    ExportDialog(Session& session, const QStringList& postIds, QWidget* parent = nullptr);
    ~ExportDialog() override;

    /** setSystemPaths points drive detection at a fake /proc, /sys, /dev (tests). */
    void setSystemPaths(const system::SystemPaths& paths);
    /** isExporting is true while the worker thread runs. */
    [[nodiscard]] bool isExporting() const noexcept { return m_worker != nullptr; }
    /** destination is the folder the bundle will be written to (empty until chosen). */
    [[nodiscard]] QString destination() const;

public slots:
    void refreshDrives();
    void reject() override;

signals:
    /** exported is emitted once the bundle was written, read back and recorded. */
    void exported(const QString& bundleId);

private:
    void loadPosts(const QStringList& preselected);
    void updateLifetimeBound();
    void updateExportButton();
    void chooseFolder();
    void setDestination(const QString& folder, bool removable);
    void startExport();
    /** runExport seals the bundle on a worker thread with the confirmed key. */
    void runExport(workflow::UnlockedUser signer, const QStringList& ids, const QStringList& orderIdList);
    void onProgress(int phase, quint64 done, quint64 total);
    void onFinished();
    void showDone(const workflow::ExportResult& result);
    void updateChecklist();
    [[nodiscard]] QStringList checkedPostIds() const;
    /** checkedOrderIds lists the approved cancel and retract orders ticked for the bundle. */
    [[nodiscard]] QStringList checkedOrderIds() const;
    [[nodiscard]] std::filesystem::path bundlePath() const;

    std::unique_ptr<Ui::ExportDialog> m_ui;
    Session& m_session;
    system::SystemPaths m_paths;
    QString m_destination;
    bool m_removable = false; ///< the destination is on a removable drive (decides the checklist)
    std::filesystem::path m_bundleFile;
    std::int64_t m_maxLifetime = 86400;
    std::atomic<bool> m_cancel{false};
    QThread* m_worker = nullptr;
    std::optional<workflow::UnlockedUser> m_signer;
    std::optional<Result<workflow::ExportResult>> m_result;
    bool m_closeAfterExport = false;
    bool m_checking = false; ///< the passphrase is being checked in the background
    BusyIndicator* m_busy = nullptr;
};

} // namespace postern::gui
