// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFocusFrame>
#include <QObject>
#include <QPointer>

namespace postern::gui {

/**
 * FocusFrame draws a clear ring in the highlight colour around whichever widget has the
 * keyboard focus, in every window of the application: the styles' own focus marks (a dotted
 * line, a faint border) are easy to lose, and keyboard users must always see where they are.
 * One is enough per application; the main window owns it.
 */
class FocusFrame : public QObject
{
public:
    explicit FocusFrame(QObject* parent);

    /** frame is the ring currently drawn (null before anything had the focus). */
    [[nodiscard]] QFocusFrame* frame() const { return m_frame; }

private:
    void follow(QWidget* now);

    QPointer<QFocusFrame> m_frame; ///< lives in the focused widget's window; deleted with it
};

} // namespace postern::gui
