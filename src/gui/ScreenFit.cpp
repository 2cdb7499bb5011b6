// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/ScreenFit.h"

#include <QGuiApplication>
#include <QScreen>
#include <QStyle>
#include <QWidget>

#include <algorithm>

namespace postern::gui {

void fitToScreen(QWidget* window, const QRect& available)
{
    if (window == nullptr || available.isEmpty())
        return;
    // Before the window manager has framed the window its frame is unknown: keep a title bar's
    // height free so the bottom edge (status bar, Save and Submit) stays on the screen.
    const int titleBar = window->isVisible() ? window->frameGeometry().height() - window->geometry().height()
                                             : window->style()->pixelMetric(QStyle::PM_TitleBarHeight) + 8;
    const QSize room(available.width(), std::max(1, available.height() - titleBar));
    const QSize size = window->size().boundedTo(room);
    window->resize(size);
    const QSize actual = window->size(); // never below the minimum size
    const int x = available.left() + std::max(0, (available.width() - actual.width()) / 2);
    const int y = available.top() + std::max(0, (room.height() - actual.height()) / 2);
    window->move(x, y); // the frame's corner: the title bar goes above the contents
}

void fitToScreen(QWidget* window)
{
    if (window == nullptr)
        return;
    QScreen* screen = window->screen();
    if (screen == nullptr)
        screen = QGuiApplication::primaryScreen();
    if (screen != nullptr)
        fitToScreen(window, screen->availableGeometry());
}

} // namespace postern::gui
