// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;

namespace postern::gui {

class Session;

/**
 * BusyIndicator is a moving bar with a sentence ("Checking your passphrase…"), hidden until
 * work starts. Tied to a Session, it shows while the session checks a passphrase in the
 * background (Session::keyWorkChanged); dialogs with their own long work call start and stop.
 */
class BusyIndicator : public QWidget
{
    Q_OBJECT

public:
    explicit BusyIndicator(QWidget* parent = nullptr);
    /** followKeyWork shows the indicator whenever `session` checks a passphrase. */
    void followKeyWork(Session& session);

    void start(const QString& text);
    void stop();
    [[nodiscard]] QString text() const;

private:
    QProgressBar* m_bar = nullptr;
    QLabel* m_label = nullptr;
};

} // namespace postern::gui
