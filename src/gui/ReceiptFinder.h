// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/system/SystemInfo.h"

#include <QFrame>
#include <QString>

#include <optional>

class QLabel;
class QPushButton;
class QTimer;

namespace postern::gui {

class Session;

/** FoundReceipt is a receipt file waiting to be imported, and where it was found in words. */
struct FoundReceipt
{
    QString path;
    QString place; ///< "TRANSFER 1" (a drive's label), or "the folder “transfer”"
    bool onDrive = false;
};

/**
 * findNewReceipt looks for a receipt this workstation has not imported yet: at the top of every
 * mounted removable drive, and in the folders the recent bundles were written to (where the
 * uploader writes BUNDLE.receipt). A file counts only if it is small enough, signed by the
 * trusted uploader, and answers a bundle exported from here; one already imported with the
 * same text is skipped. Reads only: the import itself is Workstation::importReceipt.
 */
[[nodiscard]] std::optional<FoundReceipt> findNewReceipt(Session& session, const system::SystemPaths& paths);

/**
 * ReceiptBanner offers the one-action import: "Import the receipt found on TRANSFER 1". It
 * shows for operators only, while such a receipt is there, and looks again every few seconds
 * (a drive may be plugged in at any time) and whenever the store changes.
 */
class ReceiptBanner : public QFrame
{
    Q_OBJECT

public:
    ReceiptBanner(Session& session, QWidget* parent = nullptr);

    void setSystemPaths(const system::SystemPaths& paths);
    /** rescan looks for a receipt now and shows or hides the banner. */
    void rescan();
    [[nodiscard]] const std::optional<FoundReceipt>& found() const noexcept { return m_found; }

signals:
    /** importRequested: the operator pressed the button for the receipt at `path`. */
    void importRequested(const QString& path);

private:
    Session& m_session;
    system::SystemPaths m_paths;
    std::optional<FoundReceipt> m_found;
    QLabel* m_label = nullptr;
    QPushButton* m_button = nullptr;
    QTimer* m_timer = nullptr;
};

} // namespace postern::gui
