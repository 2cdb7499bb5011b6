// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/workflow/Workstation.h"

#include <QWidget>

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

    /** approve asks for the passphrase, then signs the current version's digest. */
    void approve();
    /** reject asks for the reason the author will see, then rejects. */
    void reject();

signals:
    void reviseRequested(const QString& postId);
    void submitRequested(const QString& postId);

private:
    void render(const workflow::PostView& view);
    void renderMedia(const workflow::PostView& view);
    void renderReview(const workflow::PostView& view);
    void renderDiff(const workflow::PostView& view);
    void renderOpsec();
    void updateButtons(const workflow::PostView& view);

    Session& m_session;
    std::unique_ptr<Ui::PostPane> m_ui;
    QString m_postId;
};

} // namespace postern::gui
