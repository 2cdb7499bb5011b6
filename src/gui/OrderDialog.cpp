// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/OrderDialog.h"

#include "gui/PlatformPreview.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace postern::gui {

OrderDialog::OrderDialog(domain::OrderAction action,
                         const QString& postTitle,
                         const std::vector<ChannelChoice>& channels,
                         QWidget* parent)
    : QDialog(parent)
{
    const bool retract = action == domain::OrderAction::Retract;
    setObjectName("orderDialog");
    setWindowTitle(retract ? tr("Retract post") : tr("Cancel publishing"));
    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel((retract ? tr("<b>Retract “%1”.</b> The uploader deletes it where it was published and the platform "
                                 "allows deletion, and stops it where it is not published yet.")
                            : tr("<b>Cancel publishing “%1”.</b> The uploader stops it where it is not published yet. "
                                 "A cancel cannot take a published post down: use Retract for that."))
                       .arg(postTitle.toHtmlEscaped()),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* note = new QLabel(tr("Like a post, the order needs the approvals the policy asks for on each channel, "
                               "then an operator carries it to the uploader in the next bundle."),
                            this);
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: #555;"));
    layout->addWidget(note);

    auto* group = new QGroupBox(tr("Channels"), this);
    auto* groupLayout = new QVBoxLayout(group);
    for (const auto& c : channels) {
        auto* box =
            new QCheckBox(channelTitle(c.channel) + QStringLiteral("  (") + c.state + QStringLiteral(")"), group);
        box->setObjectName(QStringLiteral("channel:") + QString::fromStdString(c.channel.str()));
        box->setChecked(c.enabled);
        box->setEnabled(c.enabled);
        connect(box, &QCheckBox::toggled, this, &OrderDialog::updateOk);
        groupLayout->addWidget(box);
        m_boxes.emplace_back(box, c.channel);
    }
    layout->addWidget(group);

    layout->addWidget(new QLabel(tr("Reason (required; approvers and the uploader's log see it):"), this));
    m_reason = new QPlainTextEdit(this);
    m_reason->setObjectName("reasonEdit");
    m_reason->setPlaceholderText(tr("e.g. The date in the text is wrong"));
    m_reason->setMaximumHeight(90);
    // A reason is a sentence or two: wrap it, never scroll sideways.
    m_reason->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_reason->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_reason, &QPlainTextEdit::textChanged, this, &OrderDialog::updateOk);
    layout->addWidget(m_reason);

    m_hint = new QLabel(this);
    m_hint->setObjectName("hintLabel");
    m_hint->setStyleSheet(QStringLiteral("color: #6b5200;"));
    m_hint->setWordWrap(true);
    layout->addWidget(m_hint);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(retract ? tr("Request retraction") : tr("Request cancellation"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    updateOk();
}

std::vector<domain::ChannelId> OrderDialog::channels() const
{
    std::vector<domain::ChannelId> out;
    for (const auto& [box, channel] : m_boxes) {
        if (box->isChecked() && box->isEnabled())
            out.push_back(channel);
    }
    return out;
}

QString OrderDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

void OrderDialog::updateOk()
{
    QString hint;
    if (channels().empty())
        hint = tr("Tick at least one channel.");
    else if (reason().isEmpty())
        hint = tr("Write the reason: approvers decide on it.");
    else if (reason().toUtf8().size() > static_cast<qsizetype>(domain::kMaxOrderReasonBytes))
        hint = tr("The reason is too long: at most 500 bytes.");
    m_hint->setText(hint);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(hint.isEmpty());
}

} // namespace postern::gui
