// SPDX-License-Identifier: GPL-3.0-or-later
// PostPane: the Orders section and its buttons (cancel, retract, approve, decline, withdraw).
#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/PostListModel.h"
#include "gui/PostPane.h"
#include "gui/Session.h"

#include <QPushButton>

#include <algorithm>

namespace postern::gui {

namespace {

QString orderStateTitle(store::OrderState state)
{
    switch (state) {
    case store::OrderState::Pending:
        return QObject::tr("waiting for approval");
    case store::OrderState::Approved:
        return QObject::tr("approved, waiting for export");
    case store::OrderState::Declined:
        return QObject::tr("declined");
    case store::OrderState::Withdrawn:
        return QObject::tr("withdrawn");
    case store::OrderState::Exported:
        return QObject::tr("sent, waiting for the receipt");
    case store::OrderState::Done:
        return QObject::tr("carried out");
    case store::OrderState::PartlyFailed:
        return QObject::tr("partly failed");
    case store::OrderState::Failed:
        return QObject::tr("failed");
    }
    return {};
}

bool wasExported(store::PostState s)
{
    return s == store::PostState::Exported || s == store::PostState::Published || s == store::PostState::Failed;
}

} // namespace

QString PostPane::renderOrders(const workflow::PostDetail& detail)
{
    const auto& view = detail.view;
    const bool author = m_session.userHas(domain::Role::Author);
    const bool approver = m_session.userHas(domain::Role::Approver);
    if (wasExported(view.record.state) && (author || approver)) {
        const bool anyOpen = !orderChoicesFrom(detail.exported, domain::OrderAction::Retract).empty();
        m_retractOrderButton->setVisible(anyOpen);
        m_cancelOrderButton->setVisible(anyOpen);
        const auto cancellable = orderChoicesFrom(detail.exported, domain::OrderAction::Cancel);
        m_cancelOrderButton->setEnabled(
            std::any_of(cancellable.begin(), cancellable.end(), [](const auto& c) { return c.enabled; }));
        m_cancelOrderButton->setToolTip(m_cancelOrderButton->isEnabled()
                                            ? tr("Stop this post where it is not published yet")
                                            : tr("It is published everywhere it can be stopped: use Retract"));
    }

    if (detail.orders.empty())
        return {};
    QString html = QStringLiteral("<h3>") + tr("Cancel and retract orders") + QStringLiteral("</h3>");
    const auto& me = m_session.user().record;
    for (const auto& order : detail.orders) {
        const auto& o = order.record;
        QStringList progress;
        for (const auto& p : order.progress)
            progress
                << tr("%1: %2 of %3").arg(channelTitle(p.channel).toHtmlEscaped()).arg(p.approvals).arg(p.required);
        const QString action = o.action == "retract" ? tr("Retract") : tr("Cancel");
        html += QStringLiteral("<p><b>") + action + QStringLiteral("</b> ")
                + tr("on %1").arg(channelsTitle(QString::fromStdString(o.channels)).toHtmlEscaped())
                + QStringLiteral(" — <i>") + orderStateTitle(o.state) + QStringLiteral("</i><br>")
                + tr("Requested by %1, %2: “%3”")
                      .arg(QString::fromStdString(order.requesterName).toHtmlEscaped(),
                           formatTime(o.createdAt),
                           QString::fromStdString(o.reason).toHtmlEscaped());
        if (o.state == store::OrderState::Pending || o.state == store::OrderState::Approved)
            html += QStringLiteral("<br>") + tr("Approvals: %1").arg(progress.join(QStringLiteral("; ")));
        if (!o.lastReason.empty() && o.state != store::OrderState::Withdrawn)
            html += QStringLiteral("<br><span style='color:#a4262c'>")
                    + QString::fromStdString(o.lastReason).toHtmlEscaped() + QStringLiteral("</span>");
        for (const auto& r : order.results)
            html += QStringLiteral("<br>") + channelTitle(QString::fromStdString(r.channel)).toHtmlEscaped()
                    + QStringLiteral(": ") + QString::fromStdString(std::string(store::orderOutcomeName(r.outcome)))
                    + (r.reason.empty() ? QString()
                                        : QStringLiteral(" — ") + QString::fromStdString(r.reason).toHtmlEscaped());
        html += QStringLiteral("</p>");

        // The buttons act on the newest open order this user can do something about.
        if (!m_actionOrderId.isEmpty())
            continue;
        const bool mine = o.requestedBy == me.id;
        const bool open = o.state == store::OrderState::Pending || o.state == store::OrderState::Approved;
        if (mine && open) {
            m_actionOrderId = QString::fromStdString(o.id);
            m_withdrawOrderButton->show();
        } else if (approver && !mine && open) {
            m_actionOrderId = QString::fromStdString(o.id);
            const bool signed_ =
                std::find(order.approverNames.begin(), order.approverNames.end(), me.name) != order.approverNames.end();
            m_approveOrderButton->setVisible(o.state == store::OrderState::Pending);
            m_approveOrderButton->setEnabled(!signed_);
            m_approveOrderButton->setToolTip(signed_ ? tr("You have approved this order; it waits for others")
                                                     : tr("Sign this order with your key"));
            m_declineOrderButton->show();
        }
    }
    return html;
}

std::vector<OrderDialog::ChannelChoice> PostPane::orderChoices(domain::OrderAction action) const
{
    auto exported = m_session.workstation().queries().exportedChannels(m_postId.toStdString());
    if (!exported)
        return {};
    return orderChoicesFrom(*exported, action);
}

std::vector<OrderDialog::ChannelChoice>
PostPane::orderChoicesFrom(const std::vector<workflow::ExportedChannel>& exported, domain::OrderAction action)
{
    std::vector<OrderDialog::ChannelChoice> out;
    for (const auto& channel : exported) {
        OrderDialog::ChannelChoice choice{channel.channel, tr("not reported yet"), true};
        if (const auto outcome = channel.outcome) {
            choice.state = QString::fromStdString(std::string(store::publishOutcomeName(*outcome)));
            const bool stopped =
                *outcome == store::PublishOutcome::Cancelled || *outcome == store::PublishOutcome::Retracted;
            choice.enabled =
                !stopped && !(action == domain::OrderAction::Cancel && *outcome == store::PublishOutcome::Published);
            if (stopped)
                continue; // nothing left to do there
        }
        out.push_back(std::move(choice));
    }
    return out;
}

void PostPane::requestOrder(domain::OrderAction action)
{
    if (m_postId.isEmpty())
        return;
    auto view = m_session.workstation().show(m_postId.toStdString());
    const QString title = view ? QString::fromStdString(view->record.title) : m_postId;
    OrderDialog dialog(action, title, orderChoices(action), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const Status status = submitOrder(action, dialog.channels(), dialog.reason());
    if (!status)
        Dialogs::error(this, tr("Order not requested"), status.error());
}

Status
PostPane::submitOrder(domain::OrderAction action, const std::vector<domain::ChannelId>& channels, const QString& reason)
{
    auto order = m_session.workstation().requestOrder(m_session.user(),
                                                      m_postId.toStdString(),
                                                      action,
                                                      channels,
                                                      reason.trimmed().toStdString());
    if (!order)
        return std::move(order).error();
    m_session.notifyChanged();
    showPost(m_postId);
    return {};
}

void PostPane::approveOrder()
{
    if (m_actionOrderId.isEmpty())
        return;
    const QString orderId = m_actionOrderId;
    withSigner(tr("Approve order"),
               tr("Your approval signs exactly this order. Enter your passphrase to sign:"),
               tr("Order not approved"),
               [this, orderId](const workflow::UnlockedUser& approver) {
                   auto result = m_session.workstation().approveOrder(approver, orderId.toStdString());
                   if (!result) {
                       Dialogs::error(this, tr("Order not approved"), result.error());
                       return;
                   }
                   m_session.notifyChanged();
                   showPost(m_postId);
               });
}

void PostPane::declineOrder()
{
    if (m_actionOrderId.isEmpty())
        return;
    const auto reason =
        Dialogs::text(this, tr("Decline order"), tr("Say why the order should not go. The requester sees this:"), true);
    if (!reason)
        return;
    if (reason->trimmed().isEmpty()) {
        Dialogs::error(this,
                       tr("Order not declined"),
                       tr("Declining needs a reason."),
                       tr("Write why, then decline again."));
        return;
    }
    const Status status = m_session.workstation().declineOrder(m_session.user(),
                                                               m_actionOrderId.toStdString(),
                                                               reason->trimmed().toStdString());
    if (!status) {
        Dialogs::error(this, tr("Order not declined"), status.error());
        return;
    }
    m_session.notifyChanged();
    showPost(m_postId);
}

void PostPane::withdrawOrder()
{
    if (m_actionOrderId.isEmpty())
        return;
    if (Dialogs::question(this,
                          tr("Withdraw order"),
                          tr("Withdraw your order? It will not be sent. You can request a new one later."),
                          tr("Withdraw"))
        != Dialogs::Answer::Yes)
        return;
    const Status status = m_session.workstation().withdrawOrder(m_session.user(), m_actionOrderId.toStdString());
    if (!status) {
        Dialogs::error(this, tr("Order not withdrawn"), status.error());
        return;
    }
    m_session.notifyChanged();
    showPost(m_postId);
}

} // namespace postern::gui
