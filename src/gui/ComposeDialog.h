// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/compose/DraftCheck.h"
#include "postern/workflow/Workstation.h"

#include <QDialog>
#include <QMap>

#include <memory>

namespace Ui {
class ComposeDialog;
}

class QListWidgetItem;
class QPlainTextEdit;

namespace postern::gui {

class PlatformOptionsBox;
class Session;

/**
 * ComposeDialog writes a new post or the next version of one. The channels come from the
 * approval policy; the text is shared or per channel; counters and limit checks run on every
 * keystroke with the same rules the workflow enforces at submit (postern_compose), and a post
 * that breaks one cannot be submitted: the checks list says which limit and where, and the
 * part of the text past a limit is highlighted. Attached files are imported at once through
 * the workflow, which strips location and camera metadata; the dialog shows what was removed.
 */
class ComposeDialog : public QDialog
{
    Q_OBJECT

public:
    /** An empty `postId` composes a new post; otherwise the dialog revises that post. */
    ComposeDialog(Session& session, const QString& postId = {}, QWidget* parent = nullptr);
    ~ComposeDialog() override;

    /** attachFiles imports files (the file dialog and drag and drop both end here). */
    void attachFiles(const QStringList& files);
    /** refreshChecks recomputes counters, violations and previews (runs on every edit). */
    void refreshChecks();
    [[nodiscard]] const std::vector<compose::Violation>& violations() const noexcept { return m_violations; }
    /** warningCount is how many OPSEC and alt-text warnings Checks shows (they do not block). */
    [[nodiscard]] int warningCount() const noexcept { return m_warnings; }
    /** savedPostId is the post written by the last successful save (new posts get an id then). */
    [[nodiscard]] QString savedPostId() const { return m_postId; }
    /** save stores the draft (new post or next version); false after showing the error. */
    bool save();
    /** saveAndSubmit saves, then submits for review; false after showing the error. */
    bool saveAndSubmit();
    /** textEditFor is the editor holding a channel's text (the shared one unless per-channel). */
    [[nodiscard]] QPlainTextEdit* textEditFor(const QString& channel) const;

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void setupKeyboard();
    struct Attached
    {
        std::string hash;
        std::uint64_t size = 0;
        std::string mime;
        std::string name;
        std::string alt;
    };

    void loadChannels();
    void loadPost();
    void setPerChannel(bool on);
    /** addOptionBoxes builds one PlatformOptionsBox per platform with composer options. */
    void addOptionBoxes();
    /** updateOptionBoxes shows the boxes of the platforms of the ticked channels. */
    void updateOptionBoxes();
    [[nodiscard]] PlatformOptionsBox* optionBox(domain::Platform platform) const;
    void addMediaItem(const Attached& media);
    void showSelectedMedia();
    void jumpTo(int violationRow);
    [[nodiscard]] QStringList selectedChannels() const;
    [[nodiscard]] QString textFor(const QString& channel) const;
    [[nodiscard]] Json optionsFor(domain::Platform platform) const;
    [[nodiscard]] workflow::DraftInput draftInput() const;
    [[nodiscard]] compose::DraftCheckInput checkInput() const;
    void highlightOverflow(QPlainTextEdit* edit, std::int64_t offsetUtf8);
    // While drafting (ComposeDialogDraft.cpp): what reviewers will see flagged, the preview
    // with the pictures, and the confirmation before the post goes to the approvers.
    /** addDraftWarnings lists OPSEC matches and pictures without alt text under Checks. */
    void addDraftWarnings(const compose::DraftCheckInput& input);
    void renderPreview(const compose::DraftCheckInput& input);
    /** jumpToWarning goes to the alt text a warning is about; false if it is about none. */
    bool jumpToWarning(QListWidgetItem* item);
    /** confirmSubmit asks before submitting, saying who must approve next; false if not. */
    [[nodiscard]] bool confirmSubmit();
    /** approversNext says per channel who can approve a post of the logged-in author. */
    [[nodiscard]] QString approversNext() const;

    Session& m_session;
    std::unique_ptr<Ui::ComposeDialog> m_ui;
    QString m_postId;
    std::vector<Attached> m_media;
    QMap<QString, QPlainTextEdit*> m_channelEdits;
    std::vector<PlatformOptionsBox*> m_optionBoxes; ///< owned by the form, in menu order
    std::vector<compose::Violation> m_violations;
    std::vector<compose::OpsecRule> m_opsecRules; ///< read once: the admin's list
    int m_warnings = 0;                           ///< OPSEC and alt-text lines under Checks
    bool m_loading = false;
};

} // namespace postern::gui
