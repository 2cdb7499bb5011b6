// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/FocusFrame.h"

#include <QApplication>
#include <QFocusFrame>
#include <QPainter>

namespace postern::gui {

namespace {

/** Ring paints two pixels of the highlight colour, whatever the style would draw. */
class Ring : public QFocusFrame
{
public:
    using QFocusFrame::QFocusFrame;

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(palette().color(QPalette::Highlight), 2));
        p.drawRoundedRect(QRectF(rect()).adjusted(1, 1, -1, -1), 3, 3);
    }
};

} // namespace

FocusFrame::FocusFrame(QObject* parent) : QObject(parent)
{
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) { follow(now); });
    follow(QApplication::focusWidget());
}

void FocusFrame::follow(QWidget* now)
{
    if (!now || !now->isVisible()) {
        if (m_frame)
            m_frame->setWidget(nullptr);
        return;
    }
    if (!m_frame) {
        m_frame = new Ring(now);
        m_frame->setObjectName("focusFrame");
    }
    m_frame->setWidget(now);
}

} // namespace postern::gui
