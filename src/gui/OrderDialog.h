// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Order.h"

#include <QDialog>

#include <vector>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;

namespace postern::gui {

/**
 * OrderDialog asks for what a cancel or retract order needs: the channels it covers (check
 * boxes, every channel the order can still change ticked) and a required reason, which the
 * approvers decide on and the uploader's log shows. The OK button stays disabled until at
 * least one channel is ticked and a reason is written, and says why in a line under the form.
 */
class OrderDialog : public QDialog
{
    Q_OBJECT

public:
    /** ChannelChoice is one channel of the exported version and whether the order can reach it. */
    struct ChannelChoice
    {
        domain::ChannelId channel;
        QString state;       ///< what the post is there now: "published", "scheduled", ...
        bool enabled = true; ///< false: already cancelled or retracted, or published for a cancel
    };

    OrderDialog(domain::OrderAction action,
                const QString& postTitle,
                const std::vector<ChannelChoice>& channels,
                QWidget* parent = nullptr);

    [[nodiscard]] std::vector<domain::ChannelId> channels() const;
    [[nodiscard]] QString reason() const;

private:
    void updateOk();

    std::vector<std::pair<QCheckBox*, domain::ChannelId>> m_boxes;
    QPlainTextEdit* m_reason = nullptr;
    QLabel* m_hint = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace postern::gui
