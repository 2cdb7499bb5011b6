// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QRect>

class QWidget;

namespace postern::gui {

/**
 * fitToScreen makes a window no larger than `available` (a screen's available geometry: the
 * screen less its panels, in logical pixels, so 1920×1080 at 150% is 1280×720) less room for
 * the window manager's title bar, and places it inside. It never grows a window, and never
 * shrinks one below its minimum size: the layouts keep that small enough for 1280×720.
 */
void fitToScreen(QWidget* window, const QRect& available);

/** fitToScreen against the screen the window is on (or the primary screen). */
void fitToScreen(QWidget* window);

} // namespace postern::gui
