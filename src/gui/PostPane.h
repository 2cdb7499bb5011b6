// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "gui/OrderDialog.h"

#include <QWidget>

class QPushButton;

#include <functional>
#include <memory>
#include <optional>

namespace Ui {
class PostPane;
}

namespace postern::gui {

class Session;

/**
 * PostPane shows one post as it will be published, per channel, with its media, alt text,
 * schedule and options, the changes since the last reviewed version, OPSEC flags and history;
 * and it is where approvers approve or reject. Buttons a user cannot use stay visible but
 * disabled, and the pane says why (an author looking at their own post is told another approver
 * must approve it).
 */
class PostPane : public QWidget
{
    Q_OBJECT

public:
    explicit PostPane(Session& session, QWidget* parent = nullptr);
    ~PostPane() override;

    /** showPost loads and shows a post; an empty id clears the pane. */
    void showPost(const QString& postId);
    [[nodiscard]] QString postId() const { return m_postId; }

    /** setFocusOrderAfter puts the pane's buttons, in the order shown, then its text after `before`. */
    void setFocusOrderAfter(QWidget* before);
    /** canApprove / canReject: the logged-in user may act on the post shown (the buttons show). */
    [[nodiscard]] bool canApprove() const;
    [[nodiscard]] bool canReject() const;
    /** approve asks for the passphrase, then signs the current version's digest. */
    void approve();
    /** reject asks for the reason the author will see, then rejects. */
    void reject();

    // ---- Cancel and retract orders (PostPaneOrders.cpp) ----
    /** requestOrder opens the OrderDialog for this post and, if accepted, submits the order. */
    void requestOrder(domain::OrderAction action);
    /** submitOrder requests an order as the logged-in user (the dialog's OK; tests call it). */
    Status
    submitOrder(domain::OrderAction action, const std::vector<domain::ChannelId>& channels, const QString& reason);
    /** orderChoices lists the exported version's channels for the OrderDialog. */
    [[nodiscard]] std::vector<OrderDialog::ChannelChoice> orderChoices(domain::OrderAction action) const;
    /** orderChoicesFrom is orderChoices over channels already read (PostDetail::exported). */
    [[nodiscard]] static std::vector<OrderDialog::ChannelChoice>
    orderChoicesFrom(const std::vector<workflow::ExportedChannel>& exported, domain::OrderAction action);
    /** approveOrder asks for the passphrase, then signs the pending order shown in the pane. */
    void approveOrder();
    /** declineOrder asks for the reason the requester will see. */
    void declineOrder();
    /** withdrawOrder takes back the user's own order before it is exported. */
    void withdrawOrder();
    /** actionOrderId is the order the approve/decline/withdraw buttons act on ("" if none). */
    [[nodiscard]] QString actionOrderId() const { return m_actionOrderId; }
    // ---- end of orders block ----

signals:
    void reviseRequested(const QString& postId);
    void submitRequested(const QString& postId);
    /** actionsChanged: what canApprove() and canReject() answer may have changed. */
    void actionsChanged();

private:
    void load(const QString& postId);
    void render(const workflow::PostDetail& detail);
    void renderMedia(const workflow::PostView& view);
    void renderReview(const workflow::PostView& view);
    void renderDiff(const workflow::PostView& view);
    void renderOpsec();
    void updateButtons(const workflow::PostView& view);
    /** renderOrders returns the Orders section's HTML and sets up the order buttons. */
    QString renderOrders(const workflow::PostDetail& detail);
    /**
     * withSigner asks for the passphrase before a signature (an approval is one) and re-checks
     * it off the GUI thread (a busy bar shows meanwhile), then calls `sign` with the confirmed
     * key; if they cancel or it is wrong, `sign` is not called (a wrong one is said under
     * `failTitle`).
     */
    void withSigner(const QString& title,
                    const QString& prompt,
                    const QString& failTitle,
                    std::function<void(const workflow::UnlockedUser&)> sign);

    Session& m_session;
    std::unique_ptr<Ui::PostPane> m_ui;
    QString m_postId;
    QPushButton* m_cancelOrderButton = nullptr;
    QPushButton* m_retractOrderButton = nullptr;
    QPushButton* m_approveOrderButton = nullptr;
    QPushButton* m_declineOrderButton = nullptr;
    QPushButton* m_withdrawOrderButton = nullptr;
    QString m_actionOrderId;
};

/** whoCanApprove names the approvers as the need reads: "carol and dave" when all of them are
 *  needed, "carol or dave" when any one will do, "any 2 of carol, dave or frank" otherwise. */
[[nodiscard]] QString whoCanApprove(std::int64_t need, const QStringList& candidates);

/** opsecFlagText is one OPSEC flag for the reviewer, in words: the rule, what matched and where
 *  ("the Bluesky press.example.org text", "the alt text of image 2"), never a field path. */
[[nodiscard]] QString opsecFlagText(const compose::OpsecFlag& flag);

/** approvalsNeeded says per channel how many approvals a post in review lacks and who can give them. */
[[nodiscard]] QString approvalsNeeded(const workflow::PostDetail& detail);

} // namespace postern::gui
