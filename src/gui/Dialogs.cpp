// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/Dialogs.h"

#include <QAbstractButton>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QQueue>

#include <spdlog/spdlog.h>

namespace postern::gui {

namespace {

struct Seams
{
    QQueue<Dialogs::Answer> answers;
    QQueue<std::optional<QString>> texts;
    QQueue<QStringList> files;
    QStringList recorded;
};

Seams& seams()
{
    static Seams s;
    return s;
}

void record(const QString& title, const QString& text)
{
    seams().recorded << title + QStringLiteral(": ") + text;
}

} // namespace

QString sentence(const QString& message)
{
    QString text = message.trimmed();
    if (text.isEmpty())
        return text;
    text[0] = text[0].toUpper();
    if (!text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('?')) && !text.endsWith(QLatin1Char('!')))
        text += QLatin1Char('.');
    return text;
}

QString errorText(const Error& error)
{
    switch (error.code) {
    case Errc::WrongPassphrase:
        // The core adds "(or the key file was altered)", true but alarming for a typo.
        return QObject::tr("That passphrase is not right.");
    case Errc::BadMagic:
        return QObject::tr("This file is not a Postern file of the expected kind.");
    default:
        return sentence(QString::fromStdString(error.message));
    }
}

QString listInWords(const QStringList& names, const QString& conjunction)
{
    if (names.size() <= 1)
        return names.join(QString());
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" ") + conjunction
           + QStringLiteral(" ") + names.last();
}

QString errorHint(Errc code)
{
    switch (code) {
    case Errc::WrongPassphrase:
        return QObject::tr("Check the passphrase (Caps Lock?) and try again. If it is lost, an administrator "
                           "can give you a new key and passphrase (Administration → Users → Replace key).");
    case Errc::BadKeyFile:
        return QObject::tr("Your key in the store is damaged. Ask an administrator to restore the store from a "
                           "backup.");
    case Errc::SelfApproval:
        return QObject::tr("Another approver must approve it: authors never approve their own posts.");
    case Errc::ThresholdNotMet:
    case Errc::NotApproved:
        return QObject::tr("More approvals are needed. The post's details say which channel lacks them.");
    case Errc::AlreadyExported:
        return QObject::tr("A post version is exported only once. If the uploader reports it failed, import "
                           "the receipt, then revise, submit and approve it again.");
    case Errc::NoUploader:
        return QObject::tr("An administrator must import the uploader's identity first (Administration → "
                           "Uploader).");
    case Errc::NotAuthorised:
        return QObject::tr("Your account does not have the role for this. Ask an administrator.");
    case Errc::InvalidState:
        return QObject::tr("The post has moved on since you opened it. Look at its current state and try "
                           "again.");
    case Errc::ChannelNotInPolicy:
        return QObject::tr("An administrator must add an approval rule for this channel (Administration → "
                           "Approval policy).");
    case Errc::ApproverNotAuthorised:
        return QObject::tr("The approval policy does not let you approve for this post's channels.");
    case Errc::LifetimeExceedsPolicy:
        return QObject::tr("Choose a shorter validity period for the bundle.");
    case Errc::ScheduleInPast:
        return QObject::tr("Choose a later publication time.");
    case Errc::BadSignature:
    case Errc::BadManifestSignature:
        return QObject::tr("The file was not signed by the trusted uploader, or it was altered. Fetch it again "
                           "from the uploader.");
    case Errc::ApprovalWrongVersion:
        return QObject::tr("The post changed since; review the current version.");
    case Errc::Io:
    case Errc::PermissionDenied:
        return QObject::tr("Check that the drive is still inserted, not write-protected and not full, then try "
                           "again.");
    case Errc::NotFound:
        return QObject::tr("Check the name or the file and try again.");
    case Errc::AlreadyExists:
        return QObject::tr("Choose another name.");
    case Errc::TooLarge:
        return QObject::tr("Use a smaller file.");
    case Errc::Cancelled:
        return QObject::tr("Nothing was changed.");
    case Errc::UnsupportedVersion:
        return QObject::tr("This store was made by a newer Postern; use that version.");
    default:
        return QObject::tr("Nothing was changed. If this keeps happening, note the message and tell an "
                           "administrator.");
    }
}

void Dialogs::error(QWidget* parent, const QString& title, const Error& err)
{
    // The code goes to the log for whoever investigates; the screen gets words.
    spdlog::warn("{}: {}", title.toStdString(), err.what());
    error(parent, title, errorText(err), errorHint(err.code));
}

void Dialogs::error(QWidget* parent, const QString& title, const QString& what, const QString& todo)
{
    const QString text = todo.isEmpty() ? what : what + QStringLiteral("\n\n") + QObject::tr("What to do: ") + todo;
    record(title, text);
    if (!seams().answers.isEmpty()) {
        seams().answers.dequeue();
        return;
    }
    QMessageBox box(QMessageBox::Critical, title, what, QMessageBox::Ok, parent);
    box.setObjectName("errorBox");
    if (!todo.isEmpty())
        box.setInformativeText(QObject::tr("What to do: ") + todo);
    box.exec();
}

void Dialogs::information(QWidget* parent, const QString& title, const QString& text)
{
    record(title, text);
    if (!seams().answers.isEmpty()) {
        seams().answers.dequeue();
        return;
    }
    QMessageBox::information(parent, title, text);
}

void Dialogs::warning(QWidget* parent, const QString& title, const QString& text)
{
    record(title, text);
    if (!seams().answers.isEmpty()) {
        seams().answers.dequeue();
        return;
    }
    QMessageBox::warning(parent, title, text);
}

Dialogs::Answer Dialogs::question(QWidget* parent, const QString& title, const QString& text, const QString& yesText)
{
    record(title, text);
    if (!seams().answers.isEmpty())
        return seams().answers.dequeue();
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::No, parent);
    if (!yesText.isEmpty())
        box.button(QMessageBox::Yes)->setText(yesText);
    box.setDefaultButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes ? Answer::Yes : Answer::No;
}

std::optional<QString> Dialogs::passphrase(QWidget* parent, const QString& title, const QString& prompt)
{
    record(title, prompt);
    if (!seams().texts.isEmpty())
        return seams().texts.dequeue();
    bool ok = false;
    QString value = QInputDialog::getText(parent, title, prompt, QLineEdit::Password, {}, &ok);
    if (!ok)
        return std::nullopt;
    return value;
}

std::optional<QString> Dialogs::text(QWidget* parent, const QString& title, const QString& prompt, bool multiline)
{
    record(title, prompt);
    if (!seams().texts.isEmpty())
        return seams().texts.dequeue();
    bool ok = false;
    QString value = multiline ? QInputDialog::getMultiLineText(parent, title, prompt, {}, &ok)
                              : QInputDialog::getText(parent, title, prompt, QLineEdit::Normal, {}, &ok);
    if (!ok)
        return std::nullopt;
    return value;
}

namespace {

QString& lastFolderSlot()
{
    static QString folder;
    return folder;
}

/** remember keeps the folder of a chosen path (a folder itself when `isFolder`); "" = cancelled. */
QString remember(const QString& path, bool isFolder = false)
{
    if (!path.isEmpty())
        lastFolderSlot() = isFolder ? path : QFileInfo(path).absolutePath();
    return path;
}

/** startIn is where a dialog opens: the suggested name inside the last folder, if there is one. */
QString startIn(const QString& suggested = {})
{
    const QString& folder = lastFolderSlot();
    if (folder.isEmpty() || QFileInfo(suggested).isAbsolute())
        return suggested;
    return suggested.isEmpty() ? folder : QDir(folder).filePath(suggested);
}

} // namespace

QString Dialogs::lastFolder()
{
    return lastFolderSlot();
}

QStringList Dialogs::openFiles(QWidget* parent, const QString& title, const QString& filter)
{
    QStringList files = !seams().files.isEmpty() ? seams().files.dequeue()
                                                 : QFileDialog::getOpenFileNames(parent, title, startIn(), filter);
    if (!files.isEmpty())
        remember(files.constFirst());
    return files;
}

QString Dialogs::openFile(QWidget* parent, const QString& title, const QString& filter)
{
    if (!seams().files.isEmpty())
        return remember(seams().files.dequeue().value(0));
    return remember(QFileDialog::getOpenFileName(parent, title, startIn(), filter));
}

QString Dialogs::saveFile(QWidget* parent, const QString& title, const QString& suggested)
{
    if (!seams().files.isEmpty())
        return remember(seams().files.dequeue().value(0));
    return remember(QFileDialog::getSaveFileName(parent, title, startIn(suggested)));
}

QString Dialogs::directory(QWidget* parent, const QString& title)
{
    if (!seams().files.isEmpty())
        return remember(seams().files.dequeue().value(0), true);
    return remember(QFileDialog::getExistingDirectory(parent, title, startIn()), true);
}

void Dialogs::queueAnswer(Answer answer)
{
    seams().answers.enqueue(answer);
}

void Dialogs::queueText(const QString& text)
{
    seams().texts.enqueue(text);
}

void Dialogs::queueCancelText()
{
    seams().texts.enqueue(std::nullopt);
}

void Dialogs::queueFiles(const QStringList& files)
{
    seams().files.enqueue(files);
}

void Dialogs::clearQueues()
{
    seams().answers.clear();
    seams().texts.clear();
    seams().files.clear();
}

QStringList Dialogs::recorded()
{
    return seams().recorded;
}

void Dialogs::clearRecorded()
{
    seams().recorded.clear();
}

} // namespace postern::gui
