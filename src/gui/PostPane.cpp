// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/PostPane.h"

#include "postern/compose/TextDiff.h"

#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/PostListModel.h"
#include "gui/Session.h"
#include "gui/Thumbnails.h"
#include "ui_PostPane.h"

#include <QRegularExpression>

namespace postern::gui {

PostPane::PostPane(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session), m_ui(std::make_unique<Ui::PostPane>())
{
    m_ui->setupUi(this);
    m_ui->paneSplitter->setStretchFactor(0, 3);
    m_ui->paneSplitter->setStretchFactor(1, 2);
    connect(m_ui->approveButton, &QPushButton::clicked, this, &PostPane::approve);
    connect(m_ui->rejectButton, &QPushButton::clicked, this, &PostPane::reject);
    connect(m_ui->reviseButton, &QPushButton::clicked, this, [this] { emit reviseRequested(m_postId); });
    connect(m_ui->submitButton, &QPushButton::clicked, this, [this] { emit submitRequested(m_postId); });
    // Order buttons sit with the review buttons; PostPaneOrders.cpp decides when they show.
    auto addButton = [this](const char* name, const QString& text, const char* icon) {
        auto* b = new QPushButton(QIcon(QString::fromLatin1(icon)), text, this);
        b->setObjectName(QString::fromLatin1(name));
        m_ui->headerLayout->addWidget(b);
        return b;
    };
    m_cancelOrderButton = addButton("cancelOrderButton", tr("Cancel publishing…"), ":/icons/reject.svg");
    m_retractOrderButton = addButton("retractOrderButton", tr("Retract…"), ":/icons/reject.svg");
    m_withdrawOrderButton = addButton("withdrawOrderButton", tr("Withdraw order"), ":/icons/edit.svg");
    m_declineOrderButton = addButton("declineOrderButton", tr("Decline order…"), ":/icons/reject.svg");
    m_approveOrderButton = addButton("approveOrderButton", tr("Approve order…"), ":/icons/approve.svg");
    connect(m_cancelOrderButton, &QPushButton::clicked, this, [this] { requestOrder(domain::OrderAction::Cancel); });
    connect(m_retractOrderButton, &QPushButton::clicked, this, [this] { requestOrder(domain::OrderAction::Retract); });
    connect(m_approveOrderButton, &QPushButton::clicked, this, &PostPane::approveOrder);
    connect(m_declineOrderButton, &QPushButton::clicked, this, &PostPane::declineOrder);
    connect(m_withdrawOrderButton, &QPushButton::clicked, this, &PostPane::withdrawOrder);
    // Screen readers: the preview and side tabs have no label of their own.
    m_ui->contentView->setAccessibleName(tr("Post as it will be published"));
    m_ui->contentView->setAccessibleDescription(tr("Each channel's text, media and schedule, then any results"));
    m_ui->sideTabs->setAccessibleName(tr("Media, changes, OPSEC and history"));
    m_ui->mediaList->setAccessibleName(tr("Media with alt text"));
    m_ui->diffView->setAccessibleName(tr("Changes since the last reviewed version"));
    m_ui->opsecList->setAccessibleName(tr("OPSEC warnings"));
    m_ui->historyView->setAccessibleName(tr("History"));
    m_ui->contentView->setTabChangesFocus(true); // a reader, not an editor: Tab moves on
    m_ui->diffView->setTabChangesFocus(true);
    m_ui->historyView->setTabChangesFocus(true);
    showPost({});
}

PostPane::~PostPane() = default;

void PostPane::showPost(const QString& postId)
{
    load(postId);
    // The main window mirrors Approve and Reject in its menu and shortcuts.
    emit actionsChanged();
}

bool PostPane::canApprove() const
{
    return !m_ui->approveButton->isHidden() && m_ui->approveButton->isEnabled();
}

bool PostPane::canReject() const
{
    return !m_ui->rejectButton->isHidden() && m_ui->rejectButton->isEnabled();
}

void PostPane::setFocusOrderAfter(QWidget* before)
{
    QWidget* previous = before;
    for (QWidget* next : std::initializer_list<QWidget*>{m_ui->submitButton,
                                                         m_ui->reviseButton,
                                                         m_ui->rejectButton,
                                                         m_ui->approveButton,
                                                         m_cancelOrderButton,
                                                         m_retractOrderButton,
                                                         m_withdrawOrderButton,
                                                         m_declineOrderButton,
                                                         m_approveOrderButton,
                                                         m_ui->contentView,
                                                         m_ui->sideTabs}) {
        setTabOrder(previous, next);
        previous = next;
    }
}

void PostPane::load(const QString& postId)
{
    m_postId = postId;
    m_ui->contentView->clear();
    m_ui->mediaList->clear();
    m_ui->diffView->clear();
    m_ui->opsecList->clear();
    m_ui->historyView->clear();
    m_ui->statusLabel->clear();
    m_ui->blockedLabel->clear();
    m_ui->blockedLabel->hide();
    // Counts belong to the post shown: none are left over from the previous one or user.
    m_ui->sideTabs->setTabText(m_ui->sideTabs->indexOf(m_ui->mediaTab), tr("Media"));
    m_ui->sideTabs->setTabText(m_ui->sideTabs->indexOf(m_ui->opsecTab), tr("OPSEC"));
    m_ui->sideTabs->setTabText(m_ui->sideTabs->indexOf(m_ui->changesTab), tr("Changes"));
    for (auto* button : {m_ui->approveButton,
                         m_ui->rejectButton,
                         m_ui->reviseButton,
                         m_ui->submitButton,
                         m_cancelOrderButton,
                         m_retractOrderButton,
                         m_approveOrderButton,
                         m_declineOrderButton,
                         m_withdrawOrderButton})
        button->hide();
    m_actionOrderId.clear();
    if (postId.isEmpty() || !m_session.isUnlocked()) {
        m_ui->titleLabel->setText(tr("<i>Select a post to see it as it will be published.</i>"));
        return;
    }
    auto detail = m_session.workstation().queries().postDetail(postId.toStdString());
    if (!detail) {
        m_ui->titleLabel->setText(tr("This post cannot be shown: %1").arg(errorText(detail.error())));
        return;
    }
    render(*detail);
}

void PostPane::render(const workflow::PostDetail& detail)
{
    const auto& view = detail.view;
    const auto& record = view.record;
    m_ui->titleLabel->setText(tr("<b>%1</b> &nbsp; version %2 by %3")
                                  .arg(stateTitle(record.state))
                                  .arg(record.currentVersion)
                                  .arg(QString::fromStdString(view.authorName).toHtmlEscaped()));
    m_ui->titleLabel->setToolTip(tr("Post %1").arg(QString::fromStdString(record.id))); // for support only
    QString status;
    if (!view.approverNames.empty()) {
        QStringList names;
        for (const auto& n : view.approverNames)
            names << QString::fromStdString(n).toHtmlEscaped();
        status += tr("Approved by: %1. ").arg(names.join(QStringLiteral(", ")));
    }
    if (record.state == store::PostState::InReview && !view.approvalStatus.empty())
        status += approvalsNeeded(detail).toHtmlEscaped();
    if ((record.state == store::PostState::Rejected || record.state == store::PostState::Failed)
        && !record.lastReason.empty())
        status += QStringLiteral("<span style='color:#a4262c'><b>")
                  + (record.state == store::PostState::Rejected ? tr("Rejected: ") : tr("Publishing failed: "))
                  + QStringLiteral("</b>") + QString::fromStdString(record.lastReason).toHtmlEscaped()
                  + QStringLiteral("</span> ") + tr("Revise the post, then submit it again.");
    m_ui->statusLabel->setText(status);

    QString html;
    for (const auto& channel : view.content.channels)
        html += channelCardHtml(channel, view.content.media, view.content.schedule);
    for (const auto& result : view.results) {
        const QString channel = channelTitle(QString::fromStdString(result.channel)).toHtmlEscaped();
        if (result.outcome == store::PublishOutcome::Published && result.url.rfind("file://", 0) == 0)
            // An outbox: a path on the uploader means nothing here.
            html += QStringLiteral("<p>✔ ")
                    + tr("Ready for manual posting on %1, in the uploader's outbox").arg(channel)
                    + QStringLiteral("</p>");
        else if (result.outcome == store::PublishOutcome::Published)
            html += QStringLiteral("<p>✔ ") + tr("Published on %1: ").arg(channel) + QStringLiteral("<code>")
                    + QString::fromStdString(result.url).toHtmlEscaped() + QStringLiteral("</code></p>");
        else if (result.outcome == store::PublishOutcome::Failed)
            html += QStringLiteral("<p style='color:#a4262c'>✘ ") + tr("Failed on %1: ").arg(channel)
                    + QString::fromStdString(result.reason).toHtmlEscaped() + QStringLiteral("</p>");
        else if (result.outcome == store::PublishOutcome::Cancelled)
            html += QStringLiteral("<p style='color:#6b5200'>⊘ ")
                    + tr("Cancelled on %1 before it was published").arg(channel) + QStringLiteral("</p>");
        else if (result.outcome == store::PublishOutcome::Retracted)
            html += QStringLiteral("<p style='color:#6b5200'>⊘ ")
                    + tr("Retracted on %1 (deleted from the platform)").arg(channel) + QStringLiteral("</p>");
        else
            html += QStringLiteral("<p>") + tr("Scheduled on %1: the uploader publishes it at its time").arg(channel)
                    + QStringLiteral("</p>");
    }
    html += renderOrders(detail);
    m_ui->contentView->setHtml(html);
    renderMedia(view);
    renderReview(view);
    updateButtons(view);
}

void PostPane::renderMedia(const workflow::PostView& view)
{
    for (const auto& m : view.content.media) {
        const std::string hash = toHex(m.hash);
        const QIcon icon = mediaThumbnail(m_session, hash, m.mime, 192);
        QString label = QString::fromStdString(m.name) + QStringLiteral("\n")
                        + (m.alt.empty() ? tr("(no alt text)") : QString::fromStdString(m.alt));
        auto* item = new QListWidgetItem(icon, label, m_ui->mediaList);
        item->setToolTip(tr("%1, %2 bytes, BLAKE2b %3…")
                             .arg(QString::fromStdString(m.mime))
                             .arg(m.size)
                             .arg(QString::fromStdString(hash.substr(0, 16))));
    }
    m_ui->sideTabs->setTabText(m_ui->sideTabs->indexOf(m_ui->mediaTab),
                               tr("Media (%1)").arg(view.content.media.size()));
}

void PostPane::renderReview(const workflow::PostView& view)
{
    QString history;
    for (const auto& rejection : view.rejections)
        history += QStringLiteral("<p><b>") + tr("Version %1 rejected").arg(rejection.version) + QStringLiteral("</b> ")
                   + formatTime(rejection.createdAt) + QStringLiteral("<br>")
                   + QString::fromStdString(rejection.reason).toHtmlEscaped() + QStringLiteral("</p>");
    history +=
        QStringLiteral("<p>")
        + tr("Created %1, last changed %2.").arg(formatTime(view.record.createdAt), formatTime(view.record.updatedAt))
        + QStringLiteral("</p>");
    m_ui->historyView->setHtml(history);
    renderDiff(view);
    renderOpsec();
}

void PostPane::renderDiff(const workflow::PostView& view)
{
    auto previous = m_session.workstation().previousReviewedVersion(m_postId.toStdString());
    if (!previous) {
        m_ui->diffView->setHtml(
            tr("<i>The earlier version cannot be read: %1</i>").arg(errorText(previous.error()).toHtmlEscaped()));
        return;
    }
    const int tab = m_ui->sideTabs->indexOf(m_ui->changesTab);
    if (!previous->has_value()) {
        m_ui->diffView->setHtml(tr("<i>No earlier version was reviewed: everything here is new.</i>"));
        m_ui->sideTabs->setTabText(tab, tr("Changes"));
        return;
    }
    const auto& before = **previous;
    QString html = QStringLiteral("<p>")
                   + tr("Compared with version %1, the last one a reviewer approved or rejected:").arg(before.version)
                   + QStringLiteral("</p>");
    for (const auto& change : compose::describeContentChanges(before, view.content))
        html += QStringLiteral("<p>• ") + QString::fromStdString(change).toHtmlEscaped() + QStringLiteral("</p>");
    for (const auto& channel : view.content.channels) {
        std::string old;
        for (const auto& c : before.channels)
            if (c.channel == channel.channel)
                old = c.text;
        html += QStringLiteral("<p><b>") + channelTitle(channel.channel).toHtmlEscaped() + QStringLiteral("</b><br>");
        for (const auto& span : compose::diffWords(old, channel.text)) {
            const QString text =
                QString::fromStdString(span.text).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
            if (span.kind == compose::DiffSpan::Added)
                html += QStringLiteral("<span style='background:#c8f0c8'>") + text + QStringLiteral("</span>");
            else if (span.kind == compose::DiffSpan::Removed)
                html += QStringLiteral("<span style='background:#f4c7c3;text-decoration:line-through'>") + text
                        + QStringLiteral("</span>");
            else
                html += text;
        }
        html += QStringLiteral("</p>");
    }
    m_ui->diffView->setHtml(html);
    m_ui->sideTabs->setTabText(tab, tr("Changes since v%1").arg(before.version));
}

QString opsecFlagText(const compose::OpsecFlag& flag)
{
    // The scanner names the place as a field path ("text", "media[1].alt", 0-based); people
    // count images from 1.
    static const QRegularExpression altField(QStringLiteral("^media\\[(\\d+)\\]\\.alt$"));
    const QString field = QString::fromStdString(flag.field);
    QString where;
    if (const auto m = altField.match(field); m.hasMatch())
        where = QObject::tr("the alt text of image %1").arg(m.captured(1).toInt() + 1);
    else if (flag.channel.empty())
        where = QObject::tr("the text");
    else
        where = QObject::tr("the %1 text").arg(channelTitle(QString::fromStdString(flag.channel)));
    return QObject::tr("%1: “%2” in %3")
        .arg(QString::fromStdString(flag.ruleName), QString::fromStdString(flag.match), where);
}

void PostPane::renderOpsec()
{
    const int tab = m_ui->sideTabs->indexOf(m_ui->opsecTab);
    auto flags = m_session.workstation().opsecFlags(m_postId.toStdString());
    if (!flags) {
        auto* item = new QListWidgetItem(tr("The OPSEC rules could not run: %1. Review the text by eye and tell an "
                                            "administrator.")
                                             .arg(errorText(flags.error())),
                                         m_ui->opsecList);
        item->setForeground(QColor("#a4262c"));
        m_ui->sideTabs->setTabText(tab, tr("OPSEC (!)"));
        return;
    }
    for (const auto& flag : *flags) {
        auto* item =
            new QListWidgetItem(QIcon(QStringLiteral(":/icons/reject.svg")), opsecFlagText(flag), m_ui->opsecList);
        item->setForeground(QColor("#8a4b00"));
    }
    if (flags->empty())
        new QListWidgetItem(QIcon(QStringLiteral(":/icons/approve.svg")),
                            tr("No OPSEC rule matched."),
                            m_ui->opsecList);
    m_ui->sideTabs->setTabText(tab, flags->empty() ? tr("OPSEC") : tr("OPSEC (%1)").arg(flags->size()));
    if (!flags->empty() && m_session.userHas(domain::Role::Approver))
        m_ui->sideTabs->setCurrentWidget(m_ui->opsecTab); // flags first: they are why a reviewer looks twice
}

void PostPane::updateButtons(const workflow::PostView& view)
{
    const auto& record = view.record;
    const bool mine = record.authorId == m_session.user().record.id;
    const bool author = m_session.userHas(domain::Role::Author);
    const bool approver = m_session.userHas(domain::Role::Approver);
    const bool inReview = record.state == store::PostState::InReview;

    m_ui->submitButton->setVisible(mine && record.state == store::PostState::Draft);
    m_ui->reviseButton->setVisible(
        author && record.state != store::PostState::Exported && record.state != store::PostState::Published
        && record.state != store::PostState::Cancelled && record.state != store::PostState::Retracted);
    m_ui->approveButton->setVisible(approver && inReview);
    m_ui->rejectButton->setVisible(approver && inReview);

    QString blocked;
    bool alreadyApproved = false;
    for (const auto& name : view.approverNames)
        alreadyApproved = alreadyApproved || name == m_session.user().record.name;
    if (approver && inReview && mine)
        blocked = tr("You wrote this post, so you cannot approve or reject it: another approver must review it.");
    else if (approver && inReview && alreadyApproved)
        blocked = tr("You have already approved this version; it is waiting for other approvers.");
    m_ui->approveButton->setEnabled(blocked.isEmpty());
    m_ui->rejectButton->setEnabled(!mine);
    m_ui->approveButton->setToolTip(blocked.isEmpty() ? tr("Sign this exact version with your key") : blocked);
    if (!blocked.isEmpty()) {
        m_ui->blockedLabel->setText(blocked);
        m_ui->blockedLabel->show();
    }
}

void PostPane::approve()
{
    if (m_postId.isEmpty())
        return;
    const QString postId = m_postId;
    withSigner(tr("Approve post"),
               tr("Your approval signs exactly this version. Enter your passphrase to sign:"),
               tr("Not approved"),
               [this, postId](const workflow::UnlockedUser& approver) {
                   auto result = m_session.workstation().approve(approver, postId.toStdString());
                   if (!result) {
                       Dialogs::error(this, tr("Not approved"), result.error());
                       return;
                   }
                   m_session.notifyChanged();
                   showPost(m_postId);
               });
}

void PostPane::withSigner(const QString& title,
                          const QString& prompt,
                          const QString& failTitle,
                          std::function<void(const workflow::UnlockedUser&)> sign)
{
    if (m_session.isKeyWorkRunning())
        return; // the last press is still being checked
    const auto pass = Dialogs::passphrase(this, title, prompt);
    if (!pass)
        return;
    m_session.confirmInBackground(*pass,
                                  this,
                                  [this, failTitle, sign = std::move(sign)](Result<workflow::UnlockedUser> confirmed) {
                                      if (!confirmed) {
                                          Dialogs::error(this, failTitle, confirmed.error());
                                          return;
                                      }
                                      sign(*confirmed);
                                  });
}

void PostPane::reject()
{
    if (m_postId.isEmpty())
        return;
    const auto reason =
        Dialogs::text(this, tr("Reject post"), tr("Say what must change. The author sees this reason:"), true);
    if (!reason)
        return;
    if (reason->trimmed().isEmpty()) {
        Dialogs::error(this,
                       tr("Not rejected"),
                       tr("A rejection needs a reason."),
                       tr("Write what the author should change, then reject again."));
        return;
    }
    const Status status =
        m_session.workstation().reject(m_session.user(), m_postId.toStdString(), reason->trimmed().toStdString());
    if (!status) {
        Dialogs::error(this, tr("Not rejected"), status.error());
        return;
    }
    m_session.notifyChanged();
    showPost(m_postId);
}

} // namespace postern::gui
