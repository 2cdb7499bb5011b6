// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "TempDir.h"
#include "gui/Session.h"

#include <QApplication>
#include <QTest>
#include <QWidget>

#include <catch2/catch.hpp>

namespace postern::test {

/** child finds a widget by object name or fails the test with the name it looked for. */
template <typename T>
T* child(QObject* parent, const char* name)
{
    auto* found = parent->findChild<T*>(QString::fromLatin1(name));
    INFO("widget " << name);
    REQUIRE(found != nullptr);
    return found;
}

/** GuiStore is a temporary store directory with a Session on it (fast KDF). */
struct GuiStore
{
    TempDir dir;
    SystemClock clock;
    gui::Session session{dir.path() / "store", clock};

    GuiStore() { session.setKdf(crypto::KdfParams::interactive()); }
};

/** waitUntil processes events until `done()` or `ms` pass; QTRY_* need a QTest context. */
template <typename F>
bool waitUntil(F done, int ms = 5000)
{
    for (int waited = 0; waited < ms; waited += 10) {
        if (done())
            return true;
        QTest::qWait(10);
    }
    return done();
}

/** waitForKeyWork waits until the session has checked a passphrase in the background. */
inline bool waitForKeyWork(gui::Session& session, int ms = 30000)
{
    return waitUntil([&] { return !session.isKeyWorkRunning(); }, ms);
}

/** waitForAdminWork waits until an AdminDialog has checked the passphrase and written its change. */
inline bool waitForAdminWork(QWidget* dialog, int ms = 30000)
{
    return waitUntil(
        [&] {
            auto* busy = dialog->findChild<QWidget*>(QStringLiteral("adminBusyIndicator"));
            return busy == nullptr || busy->isHidden();
        },
        ms);
}

/** screenshotDir is where tests save screenshots when POSTERN_SCREENSHOT_DIR is set. */
inline void maybeScreenshot(QWidget* widget, const char* name)
{
    const QByteArray dir = qgetenv("POSTERN_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    widget->grab().save(QString::fromLocal8Bit(dir) + "/" + QString::fromUtf8(name) + ".png");
}

} // namespace postern::test
