// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <QString>
#include <QStringList>

#include <optional>

class QWidget;

namespace postern::gui {

/**
 * Dialogs shows every modal question, message, file chooser and passphrase prompt the GUI asks.
 * Tests queue the next answers instead of clicking through real modal loops (the KeePassXC
 * MessageBox::setNextAnswer seam): when an answer is queued the dialog is not shown at all and
 * the call returns the queued answer; every message is also recorded for assertions.
 */
class Dialogs
{
public:
    enum class Answer {
        Ok,
        Cancel,
        Yes,
        No
    };

    /** error shows a failure as "what happened" plus "what to do next" (from errorHint). */
    static void error(QWidget* parent, const QString& title, const Error& error);
    static void error(QWidget* parent, const QString& title, const QString& what, const QString& todo);
    static void information(QWidget* parent, const QString& title, const QString& text);
    static void warning(QWidget* parent, const QString& title, const QString& text);
    /** question asks Yes/No; `yesText` names the action ("Export anyway"). */
    [[nodiscard]] static Answer
    question(QWidget* parent, const QString& title, const QString& text, const QString& yesText = {});

    /** passphrase asks the logged-in user to confirm a signature; nullopt when cancelled. */
    [[nodiscard]] static std::optional<QString>
    passphrase(QWidget* parent, const QString& title, const QString& prompt);
    /** text asks for one required line of text (a rejection reason); nullopt when cancelled. */
    [[nodiscard]] static std::optional<QString>
    text(QWidget* parent, const QString& title, const QString& prompt, bool multiline = false);

    [[nodiscard]] static QStringList openFiles(QWidget* parent, const QString& title, const QString& filter);
    [[nodiscard]] static QString openFile(QWidget* parent, const QString& title, const QString& filter);
    [[nodiscard]] static QString saveFile(QWidget* parent, const QString& title, const QString& suggested);
    [[nodiscard]] static QString directory(QWidget* parent, const QString& title);
    /**
     * lastFolder is the folder of the last file or folder chosen in any file dialog of this
     * run, where the next one opens. Kept in memory only: paths are not written to disk.
     */
    [[nodiscard]] static QString lastFolder();

    // Test seams. Answers are consumed in order, one per dialog call of the matching kind.
    static void queueAnswer(Answer answer);
    static void queueText(const QString& text);       ///< for passphrase() and text()
    static void queueCancelText();                    ///< the next passphrase()/text() is cancelled
    static void queueFiles(const QStringList& files); ///< for openFiles/openFile/saveFile/directory
    /** clearQueues drops answers a test queued but the code under test never asked for. */
    static void clearQueues();
    /** recorded returns "title: text" of every message shown or skipped since the last clear. */
    [[nodiscard]] static QStringList recorded();
    static void clearRecorded();
};

/**
 * errorText is an error for the screen: the message as a sentence, without the kebab-case
 * code (that stays in logs and CLI output), or a plainer sentence where the message alone is
 * technical or alarming.
 */
[[nodiscard]] QString errorText(const Error& error);

/** sentence capitalises the first letter of a lower-case core message and ends it with a period. */
[[nodiscard]] QString sentence(const QString& message);

/** listInWords joins names as people write them: "carol", "carol or dave", "carol, dave or erin"
 *  with `conjunction` "or" (or "and"). */
[[nodiscard]] QString listInWords(const QStringList& names, const QString& conjunction);

/** errorHint says what to do next for an error code, in words for office staff. */
[[nodiscard]] QString errorHint(Errc code);

} // namespace postern::gui
