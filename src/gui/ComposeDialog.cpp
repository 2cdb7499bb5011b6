// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/ComposeDialog.h"

#include "postern/compose/PlatformRules.h"
#include "postern/compose/TextCounter.h"

#include "gui/Dialogs.h"
#include "gui/PlatformOptionsBox.h"
#include "gui/PlatformPreview.h"
#include "gui/ScreenFit.h"
#include "gui/Session.h"
#include "gui/Thumbnails.h"
#include "ui_ComposeDialog.h"

#include <QApplication>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QShortcut>
#include <QTextBlock>

#include <algorithm>
#include <set>

namespace postern::gui {

namespace {

constexpr int kChannelRole = Qt::UserRole;

/** qtOffset converts a UTF-8 byte offset into `text` to a QString (UTF-16) position. */
int qtOffset(const QString& text, std::int64_t utf8Offset)
{
    const QByteArray utf8 = text.toUtf8();
    const auto clamped = std::clamp<std::int64_t>(utf8Offset, 0, utf8.size());
    return static_cast<int>(QString::fromUtf8(utf8.left(static_cast<qsizetype>(clamped))).size());
}

QString describeReport(const workflow::MediaImport& imported)
{
    const QString name = QString::fromStdString(imported.name);
    const auto& report = imported.report;
    if (!report.inspected)
        return QObject::tr("%1: %2").arg(name, QString::fromStdString(report.note));
    if (report.removed.empty())
        return QObject::tr("%1: no location or camera metadata found.").arg(name);
    QStringList parts;
    for (const auto& item : report.removed)
        parts << QObject::tr("%1 (%2 bytes)").arg(QString::fromStdString(item.what)).arg(item.bytes);
    return QObject::tr("Removed from %1: %2. The picture itself is unchanged.")
        .arg(name, parts.join(QStringLiteral("; ")));
}

} // namespace

ComposeDialog::ComposeDialog(Session& session, const QString& postId, QWidget* parent)
    : QDialog(parent), m_session(session), m_ui(std::make_unique<Ui::ComposeDialog>()), m_postId(postId)
{
    m_ui->setupUi(this);
    setWindowTitle(postId.isEmpty() ? tr("New post") : tr("Revise post"));
    // Small screens: the editor scrolls, while "Publish at" stays with Save and Submit under it.
    auto* scroll = new QScrollArea;
    scroll->setObjectName("editorScroll");
    scroll->setAccessibleName(tr("Post editor"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_ui->composeSplitter->replaceWidget(m_ui->composeSplitter->indexOf(m_ui->editorColumn), scroll);
    scroll->setWidget(m_ui->editorColumn);
    m_ui->editorLayout->removeItem(m_ui->scheduleLayout);
    m_ui->dialogLayout->insertLayout(1, m_ui->scheduleLayout);
    m_ui->composeSplitter->setStretchFactor(0, 3);
    m_ui->composeSplitter->setStretchFactor(1, 2);

    addOptionBoxes();
    m_ui->scheduleEdit->setDateTime(QDateTime::currentDateTime().addSecs(3600));

    if (auto rules = m_session.workstation().opsecRules())
        m_opsecRules = std::move(rules).value();
    loadChannels();
    if (!m_postId.isEmpty())
        loadPost();

    const auto changed = [this] { refreshChecks(); };
    connect(m_ui->sharedTextEdit, &QPlainTextEdit::textChanged, this, changed);
    connect(m_ui->channelList, &QListWidget::itemChanged, this, [this] {
        if (m_ui->perChannelCheck->isChecked())
            setPerChannel(true); // add or drop tabs for the channels ticked
        updateOptionBoxes();
        refreshChecks();
    });
    connect(m_ui->perChannelCheck, &QCheckBox::toggled, this, &ComposeDialog::setPerChannel);
    connect(m_ui->scheduleCheck, &QCheckBox::toggled, m_ui->scheduleEdit, &QWidget::setEnabled);
    connect(m_ui->scheduleCheck, &QCheckBox::toggled, this, changed);
    connect(m_ui->scheduleEdit, &QDateTimeEdit::dateTimeChanged, this, changed);
    for (auto* box : m_optionBoxes)
        connect(box, &PlatformOptionsBox::changed, this, changed);

    connect(m_ui->addMediaButton, &QPushButton::clicked, this, [this] {
        attachFiles(Dialogs::openFiles(this,
                                       tr("Attach media"),
                                       tr("Images and videos (*.jpg *.jpeg *.png *.webp *.gif *.mp4 *.mov *.webm)")));
    });
    connect(m_ui->removeMediaButton, &QPushButton::clicked, this, [this] {
        const int row = m_ui->mediaList->currentRow();
        if (row < 0)
            return;
        m_media.erase(m_media.begin() + row);
        delete m_ui->mediaList->takeItem(row);
        refreshChecks();
    });
    connect(m_ui->mediaList, &QListWidget::currentRowChanged, this, &ComposeDialog::showSelectedMedia);
    connect(m_ui->altTextEdit, &QLineEdit::textEdited, this, [this](const QString& text) {
        const int row = m_ui->mediaList->currentRow();
        if (row < 0)
            return;
        m_media[static_cast<std::size_t>(row)].alt = text.toStdString();
        m_ui->mediaList->item(row)->setToolTip(text);
        refreshChecks();
    });
    connect(m_ui->violationList, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        if (!jumpToWarning(item))
            jumpTo(m_ui->violationList->row(item));
    });
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_ui->saveButton, &QPushButton::clicked, this, [this] {
        if (save())
            accept();
    });
    connect(m_ui->submitButton, &QPushButton::clicked, this, [this] {
        if (saveAndSubmit())
            accept();
    });

    setupKeyboard();
    showSelectedMedia();
    updateOptionBoxes();
    refreshChecks();
    fitToScreen(this);
}

ComposeDialog::~ComposeDialog() = default;

void ComposeDialog::setupKeyboard()
{
    // Tab leaves the text (a post has no use for tab characters) instead of trapping the user.
    m_ui->sharedTextEdit->setTabChangesFocus(true);
    // Shortcuts besides the buttons' Alt mnemonics (setShortcut would replace those).
    auto* submit = new QShortcut(QKeySequence(tr("Ctrl+Return")), this);
    connect(submit, &QShortcut::activated, this, [this] {
        if (m_ui->submitButton->isEnabled())
            m_ui->submitButton->click();
    });
    auto* save = new QShortcut(QKeySequence(tr("Ctrl+S")), this);
    connect(save, &QShortcut::activated, this, [this] {
        if (m_ui->saveButton->isEnabled())
            m_ui->saveButton->click();
    });
    m_ui->channelList->setAccessibleName(tr("Publish to"));
    m_ui->channelList->setAccessibleDescription(tr("Tick each channel with Space"));
    m_ui->sharedTextEdit->setAccessibleName(tr("Post text"));
    m_ui->textTabs->setAccessibleName(tr("Text for all channels or for each"));
    m_ui->countersLabel->setAccessibleName(tr("Length per channel"));
    m_ui->mediaList->setAccessibleName(tr("Media"));
    m_ui->altTextEdit->setAccessibleName(tr("Alt text for the selected image"));
    m_ui->violationList->setAccessibleName(tr("Checks"));
    m_ui->violationList->setAccessibleDescription(tr("Press Enter on a problem to go to it"));
    m_ui->previewView->setAccessibleName(tr("Preview"));
    m_ui->previewView->setTabChangesFocus(true);
    m_ui->scheduleEdit->setAccessibleName(tr("Publish at"));
    // The focus starts in the channel list on the first channel, ready for Space.
    if (m_ui->channelList->count() > 0 && !m_ui->channelList->currentItem())
        m_ui->channelList->setCurrentRow(0);
    m_ui->channelList->setFocus();
}

void ComposeDialog::loadChannels()
{
    auto policy = m_session.workstation().currentPolicy();
    if (!policy)
        return;
    for (const auto& rule : policy->policy.channels) {
        const QString id = QString::fromStdString(rule.channel.str());
        auto* item = new QListWidgetItem(platformTitle(rule.channel.platform) + QStringLiteral("  ")
                                             + QString::fromStdString(rule.channel.account),
                                         m_ui->channelList);
        item->setData(kChannelRole, id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(policy->policy.channels.size() == 1 ? Qt::Checked : Qt::Unchecked);
        item->setForeground(QColor(platformColor(rule.channel.platform)));
    }
    if (policy->policy.channels.empty())
        m_ui->footerLabel->setText(tr("No channels yet: an administrator must add them under Administration → "
                                      "Approval policy."));
}

void ComposeDialog::loadPost()
{
    auto view = m_session.workstation().show(m_postId.toStdString());
    if (!view) {
        m_ui->footerLabel->setText(tr("This post cannot be loaded: %1").arg(errorText(view.error())));
        return;
    }
    m_loading = true;
    const auto& content = view->content;
    bool sameText = true;
    for (const auto& channel : content.channels)
        sameText = sameText && channel.text == content.channels.front().text;
    for (int i = 0; i < m_ui->channelList->count(); ++i) {
        auto* item = m_ui->channelList->item(i);
        const std::string id = item->data(kChannelRole).toString().toStdString();
        bool used = false;
        for (const auto& channel : content.channels)
            used = used || channel.channel.str() == id;
        item->setCheckState(used ? Qt::Checked : Qt::Unchecked);
    }
    if (!content.channels.empty())
        m_ui->sharedTextEdit->setPlainText(QString::fromStdString(content.channels.front().text));
    if (!sameText) {
        m_ui->perChannelCheck->setChecked(true);
        setPerChannel(true);
        for (const auto& channel : content.channels)
            if (auto* edit = textEditFor(QString::fromStdString(channel.channel.str())))
                edit->setPlainText(QString::fromStdString(channel.text));
    }
    for (const auto& channel : content.channels) {
        if (auto* box = optionBox(channel.channel.platform))
            box->load(channel.options);
    }
    for (const auto& m : content.media) {
        Attached a{toHex(m.hash), m.size, m.mime, m.name, m.alt};
        m_media.push_back(a);
        addMediaItem(a);
    }
    if (content.schedule != 0) {
        m_ui->scheduleCheck->setChecked(true);
        m_ui->scheduleEdit->setDateTime(QDateTime::fromSecsSinceEpoch(content.schedule));
    }
    if (!view->record.lastReason.empty())
        m_ui->footerLabel->setText(
            tr("<b>Last reason:</b> %1").arg(QString::fromStdString(view->record.lastReason).toHtmlEscaped()));
    m_loading = false;
}

QStringList ComposeDialog::selectedChannels() const
{
    QStringList ids;
    for (int i = 0; i < m_ui->channelList->count(); ++i)
        if (m_ui->channelList->item(i)->checkState() == Qt::Checked)
            ids << m_ui->channelList->item(i)->data(kChannelRole).toString();
    return ids;
}

void ComposeDialog::setPerChannel(bool on)
{
    const QStringList channels = on ? selectedChannels() : QStringList();
    // Drop tabs of channels no longer used; keep typed text for those that stay.
    for (auto it = m_channelEdits.begin(); it != m_channelEdits.end();) {
        if (!channels.contains(it.key())) {
            const int index = m_ui->textTabs->indexOf(it.value()->parentWidget());
            if (index >= 0)
                delete m_ui->textTabs->widget(index);
            it = m_channelEdits.erase(it);
        } else {
            ++it;
        }
    }
    for (const QString& id : channels) {
        if (m_channelEdits.contains(id))
            continue;
        auto* page = new QWidget;
        auto* layout = new QVBoxLayout(page);
        auto* edit = new QPlainTextEdit(page);
        edit->setObjectName(QStringLiteral("text_") + id);
        edit->setTabChangesFocus(true);
        edit->setAccessibleName(tr("Text for %1").arg(id));
        edit->setPlainText(m_ui->sharedTextEdit->toPlainText());
        layout->addWidget(edit);
        m_ui->textTabs->addTab(page, id);
        m_channelEdits.insert(id, edit);
        connect(edit, &QPlainTextEdit::textChanged, this, [this] { refreshChecks(); });
    }
    m_ui->textTabs->setTabText(0, on ? tr("Default text") : tr("Text for all channels"));
    m_ui->textTabs->setTabVisible(0, !on);
    refreshChecks();
}

QPlainTextEdit* ComposeDialog::textEditFor(const QString& channel) const
{
    if (m_ui->perChannelCheck->isChecked() && m_channelEdits.contains(channel))
        return m_channelEdits.value(channel);
    return m_ui->sharedTextEdit;
}

QString ComposeDialog::textFor(const QString& channel) const
{
    return textEditFor(channel)->toPlainText();
}

void ComposeDialog::addOptionBoxes()
{
    // One box per platform the composer offers options for, from its descriptor, placed where
    // the form leaves room (optionsLayout) and, for the keyboard, right after "Publish at".
    QWidget* previous = m_ui->scheduleEdit;
    for (const domain::Platform platform : menuPlatforms()) {
        const domain::PlatformDescriptor& descriptor = domain::descriptorFor(platform);
        if (!PlatformOptionsBox::hasControls(descriptor))
            continue;
        auto* box = new PlatformOptionsBox(descriptor, m_ui->editorColumn);
        m_ui->optionsLayout->addWidget(box);
        m_optionBoxes.push_back(box);
        for (QWidget* control : box->controls()) {
            QWidget::setTabOrder(previous, control);
            previous = control;
        }
    }
}

PlatformOptionsBox* ComposeDialog::optionBox(domain::Platform platform) const
{
    for (auto* box : m_optionBoxes) {
        if (box->platform() == platform)
            return box;
    }
    return nullptr;
}

void ComposeDialog::updateOptionBoxes()
{
    std::set<domain::Platform> ticked;
    for (const QString& id : selectedChannels()) {
        if (auto channel = domain::ChannelId::parse(id.toStdString()))
            ticked.insert(channel->platform);
    }
    for (auto* box : m_optionBoxes)
        box->setVisible(ticked.count(box->platform()) > 0);
}

Json ComposeDialog::optionsFor(domain::Platform platform) const
{
    const PlatformOptionsBox* box = optionBox(platform);
    return box ? box->options() : Json{Json::Object{}};
}

workflow::DraftInput ComposeDialog::draftInput() const
{
    workflow::DraftInput input;
    for (const QString& id : selectedChannels()) {
        auto channel = domain::ChannelId::parse(id.toStdString());
        if (!channel)
            continue;
        workflow::ChannelText text;
        text.channel = *channel;
        text.text = textFor(id).toStdString();
        text.options = optionsFor(channel->platform);
        input.channels.push_back(std::move(text));
    }
    for (const auto& m : m_media) {
        workflow::MediaInput media;
        media.hash = m.hash;
        media.alt = m.alt;
        input.media.push_back(std::move(media));
    }
    input.schedule = m_ui->scheduleCheck->isChecked() ? m_ui->scheduleEdit->dateTime().toSecsSinceEpoch() : 0;
    return input;
}

compose::DraftCheckInput ComposeDialog::checkInput() const
{
    compose::DraftCheckInput input;
    for (auto& channel : draftInput().channels)
        input.channels.push_back({channel.channel, std::move(channel.text), std::move(channel.options)});
    for (const auto& m : m_media)
        input.media.push_back({m.mime, m.size, m.alt, m.name});
    // The imported platform profile's live limits (none when it expired or no longer verifies).
    if (auto limits = m_session.workstation().channelLimits())
        input.channelLimits = std::move(limits).value();
    return input;
}

void ComposeDialog::refreshChecks()
{
    if (m_loading)
        return;
    const auto input = checkInput();
    m_violations = compose::checkDraft(input);

    // Counters, one line per selected channel.
    QStringList lines;
    for (const auto& channel : input.channels) {
        QStringList counts;
        auto counters = compose::countText(channel.channel.platform, channel.text, channel.options);
        if (const auto live = input.channelLimits.find(channel.channel.str()); live != input.channelLimits.end()) {
            const auto rules = compose::applyProfile(compose::rulesFor(channel.channel.platform), live->second);
            for (std::size_t i = 0; i < counters.size() && i < rules.textLimits.size(); ++i)
                counters[i].max = rules.textLimits[i].max;
        }
        for (const auto& counter : counters) {
            const QString unit = QString::fromUtf8(compose::countUnitName(counter.unit).data(),
                                                   static_cast<int>(compose::countUnitName(counter.unit).size()));
            const QString value = tr("%1 of %2 %3").arg(counter.used).arg(counter.max).arg(unit);
            counts << (counter.over() ? QStringLiteral("<b style='color:#a4262c'>") + value + QStringLiteral("</b>")
                                      : value);
        }
        lines << QStringLiteral("<span style='color:") + platformColor(channel.channel.platform) + QStringLiteral("'>")
                     + channelTitle(channel.channel).toHtmlEscaped() + QStringLiteral("</span>: ")
                     + counts.join(QStringLiteral(", "));
    }
    m_ui->countersLabel->setText(lines.isEmpty() ? tr("Tick at least one channel.")
                                                 : lines.join(QStringLiteral("<br>")));
    // One line per channel, always all of them: the layout otherwise squeezes the label to one.
    m_ui->countersLabel->setMinimumHeight(
        m_ui->countersLabel->fontMetrics().lineSpacing() * static_cast<int>(std::max<qsizetype>(1, lines.size())) + 4);

    // Violations, and the text past a limit highlighted in its editor.
    m_ui->violationList->clear();
    for (auto* edit : m_channelEdits)
        edit->setExtraSelections({});
    m_ui->sharedTextEdit->setExtraSelections({});
    for (const auto& v : m_violations) {
        auto* item = new QListWidgetItem(QIcon(QStringLiteral(":/icons/reject.svg")),
                                         QString::fromStdString(v.message),
                                         m_ui->violationList);
        item->setForeground(QColor("#a4262c"));
        if (v.field == "text" && v.offsetUtf8 >= 0)
            highlightOverflow(textEditFor(QString::fromStdString(v.channel)), v.offsetUtf8);
    }
    const bool empty = input.channels.empty();
    const bool blank = std::all_of(input.channels.begin(),
                                   input.channels.end(),
                                   [](const auto& c) { return QString::fromStdString(c.text).trimmed().isEmpty(); })
                       && m_media.empty();
    if (m_violations.empty())
        new QListWidgetItem(QIcon(QStringLiteral(":/icons/approve.svg")),
                            empty   ? tr("Choose the channels to publish to.")
                            : blank ? tr("Write something to see how it fits each platform's limits.")
                                    : tr("Within every platform's limits."),
                            m_ui->violationList);
    m_ui->submitButton->setEnabled(m_violations.empty() && !empty);
    m_ui->submitButton->setToolTip(m_violations.empty() ? tr("Save this version and send it to the approvers")
                                                        : tr("Fix the problems listed under Checks first"));
    m_ui->saveButton->setEnabled(!empty);
    addDraftWarnings(input);
    renderPreview(input);
}

void ComposeDialog::highlightOverflow(QPlainTextEdit* edit, std::int64_t offsetUtf8)
{
    if (edit == nullptr)
        return;
    QTextEdit::ExtraSelection overflow;
    overflow.format.setBackground(QColor(0xf4, 0xc7, 0xc3));
    overflow.cursor = QTextCursor(edit->document());
    overflow.cursor.setPosition(qtOffset(edit->toPlainText(), offsetUtf8));
    overflow.cursor.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    auto selections = edit->extraSelections();
    selections.append(overflow);
    edit->setExtraSelections(selections);
}

void ComposeDialog::jumpTo(int row)
{
    if (row < 0 || row >= static_cast<int>(m_violations.size()))
        return;
    const auto& v = m_violations[static_cast<std::size_t>(row)];
    if (v.field == "text") {
        auto* edit = textEditFor(QString::fromStdString(v.channel));
        if (edit->parentWidget())
            m_ui->textTabs->setCurrentWidget(edit->parentWidget());
        QTextCursor cursor(edit->document());
        cursor.setPosition(qtOffset(edit->toPlainText(), std::max<std::int64_t>(0, v.offsetUtf8)));
        edit->setTextCursor(cursor);
        edit->setFocus();
    } else if (v.field.rfind("media[", 0) == 0) {
        const int index = std::atoi(v.field.c_str() + 6);
        m_ui->mediaList->setCurrentRow(index);
        if (v.field.find(".alt") != std::string::npos)
            m_ui->altTextEdit->setFocus();
    } else if (v.field.rfind("options.", 0) == 0) {
        const auto channel = domain::ChannelId::parse(v.channel);
        const PlatformOptionsBox* box = channel ? optionBox(channel->platform) : nullptr;
        if (QWidget* control = box ? box->control(std::string_view(v.field).substr(8)) : nullptr)
            control->setFocus();
    } else if (v.field == "media") {
        m_ui->addMediaButton->setFocus();
    }
}

void ComposeDialog::addMediaItem(const Attached& media)
{
    auto* item = new QListWidgetItem(mediaThumbnail(m_session, media.hash, media.mime, 160),
                                     QString::fromStdString(media.name),
                                     m_ui->mediaList);
    item->setToolTip(media.alt.empty() ? tr("No alt text yet") : QString::fromStdString(media.alt));
    m_ui->mediaList->setCurrentItem(item);
}

void ComposeDialog::showSelectedMedia()
{
    const int row = m_ui->mediaList->currentRow();
    m_ui->altTextEdit->setEnabled(row >= 0);
    m_ui->removeMediaButton->setEnabled(row >= 0);
    m_ui->altTextEdit->setText(row >= 0 ? QString::fromStdString(m_media[static_cast<std::size_t>(row)].alt)
                                        : QString());
}

void ComposeDialog::attachFiles(const QStringList& files)
{
    QStringList reports;
    for (const QString& file : files) {
        if (file.isEmpty())
            continue;
        QApplication::setOverrideCursor(Qt::WaitCursor);
        auto imported = m_session.workstation().importMedia(m_session.user(), file.toStdString());
        QApplication::restoreOverrideCursor();
        if (!imported) {
            Dialogs::error(this, tr("Not attached: %1").arg(QFileInfo(file).fileName()), imported.error());
            continue;
        }
        Attached a{imported->hash, imported->size, imported->mime, imported->name, {}};
        m_media.push_back(a);
        addMediaItem(a);
        reports << describeReport(*imported);
    }
    if (!reports.isEmpty())
        m_ui->mediaReportLabel->setText(reports.join(QStringLiteral("\n")));
    showSelectedMedia();
    refreshChecks();
}

void ComposeDialog::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void ComposeDialog::dropEvent(QDropEvent* event)
{
    QStringList files;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            files << url.toLocalFile();
    attachFiles(files);
    event->acceptProposedAction();
}

bool ComposeDialog::save()
{
    const auto input = draftInput();
    if (input.channels.empty()) {
        Dialogs::error(this,
                       tr("Not saved"),
                       tr("The post has no channel."),
                       tr("Tick at least one channel under "
                          "“Publish to”."));
        return false;
    }
    auto& ws = m_session.workstation();
    auto record = m_postId.isEmpty() ? ws.newDraft(m_session.user(), input)
                                     : ws.editDraft(m_session.user(), m_postId.toStdString(), input);
    if (!record) {
        Dialogs::error(this, tr("Not saved"), record.error());
        return false;
    }
    m_postId = QString::fromStdString(record->id);
    m_session.notifyChanged();
    return true;
}

bool ComposeDialog::saveAndSubmit()
{
    refreshChecks();
    if (!m_violations.empty()) {
        Dialogs::error(this,
                       tr("Not submitted"),
                       QString::fromStdString(compose::summariseViolations(m_violations)),
                       tr("Fix the problems listed under Checks, then submit again."));
        return false;
    }
    if (!confirmSubmit())
        return false;
    if (!save())
        return false;
    const Status status = m_session.workstation().submit(m_session.user(), m_postId.toStdString());
    if (!status) {
        Dialogs::error(this, tr("Saved, but not submitted"), status.error());
        return false;
    }
    m_session.notifyChanged();
    return true;
}

} // namespace postern::gui
