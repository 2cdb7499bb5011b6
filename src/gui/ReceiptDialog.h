// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/workflow/Workstation.h"

#include <QDialog>

#include <memory>
#include <optional>

namespace Ui {
class ReceiptDialog;
}

namespace postern::gui {

class Session;

/**
 * ReceiptDialog imports the receipt the uploader wrote for a bundle (operator role) and shows,
 * per post and channel, what happened: published with its address (selectable text only; this
 * workstation has no network, so nothing here opens a link) or failed with the platform's
 * reason and a way to revise the post. A bundle the uploader refused as a whole is explained
 * with what the refusal means and what to do.
 */
class ReceiptDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ReceiptDialog(Session& session, QWidget* parent = nullptr);
    ~ReceiptDialog() override;

    /** importFile reads (size-capped), verifies and imports one receipt; false if refused. */
    bool importFile(const QString& path);

    /** summary is the last imported receipt, if any. */
    [[nodiscard]] const std::optional<workflow::ReceiptSummary>& summary() const noexcept { return m_summary; }

    /** describe says in words what a receipt reported ("2 published, 1 failed" or the refusal). */
    [[nodiscard]] static QString describe(const workflow::ReceiptSummary& summary);
    /** explainRejection says what the uploader's refusal code means and what to do next. */
    [[nodiscard]] static QString explainRejection(const std::string& code);

signals:
    /** reviseRequested asks the main window to open the composer on a failed post. */
    void reviseRequested(const QString& postId);
    /** imported reports a receipt taken in (posts changed state). */
    void imported(const QString& bundleId);

private:
    void choose();
    void showResults();
    void selectionChanged();

    Session& m_session;
    std::unique_ptr<Ui::ReceiptDialog> m_ui;
    std::optional<workflow::ReceiptSummary> m_summary;
};

} // namespace postern::gui
