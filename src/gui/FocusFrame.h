// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QWidget>

namespace postern::gui {

/**
 * FocusFrame draws a clear ring in the highlight colour around whichever widget has the
 * keyboard focus, in every window of the application: the styles' own focus marks (a dotted
 * line, a faint border) are easy to lose, and keyboard users must always see where they are.
 * The ring is a transparent, click-through child of the focused widget's window laid over it
 * (not QFocusFrame: that one becomes a child of the widget's parent, and a QSplitter parent
 * takes it in as a new pane). One is enough per application; the main window owns it.
 */
class FocusFrame : public QObject
{
public:
    explicit FocusFrame(QObject* parent);

    /** ring is the widget drawn around the focus (null before anything had the focus). */
    [[nodiscard]] QWidget* ring() const { return m_ring; }
    /** target is the widget the ring surrounds (null when none). */
    [[nodiscard]] QWidget* target() const { return m_target; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void follow(QWidget* now);
    void place();

    QPointer<QWidget> m_ring; ///< lives in the focused widget's window; deleted with it
    QPointer<QWidget> m_target;
};

} // namespace postern::gui
