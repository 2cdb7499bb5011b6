// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/FocusFrame.h"

#include <QApplication>
#include <QEvent>
#include <QPainter>

namespace postern::gui {

namespace {

constexpr int kMargin = 2;

/** Ring paints two pixels of the highlight colour and lets every click through. */
class Ring : public QWidget
{
public:
    explicit Ring(QWidget* parent) : QWidget(parent)
    {
        setObjectName("focusFrame");
        setAttribute(Qt::WA_TransparentForMouseEvents);
        setAttribute(Qt::WA_NoSystemBackground);
        setFocusPolicy(Qt::NoFocus);
    }

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
    if (m_target)
        m_target->removeEventFilter(this);
    m_target = (now && !now->isWindow()) ? now : nullptr;
    if (!m_target) {
        if (m_ring)
            m_ring->hide();
        return;
    }
    m_target->installEventFilter(this);
    if (!m_ring || m_ring->window() != m_target->window()) {
        delete m_ring;
        m_ring = new Ring(m_target->window());
    }
    place();
}

void FocusFrame::place()
{
    if (!m_ring || !m_target || !m_target->isVisible()) {
        if (m_ring)
            m_ring->hide();
        return;
    }
    const QPoint topLeft = m_target->mapTo(m_target->window(), QPoint(0, 0));
    m_ring->setGeometry(QRect(topLeft, m_target->size()).adjusted(-kMargin, -kMargin, kMargin, kMargin));
    m_ring->raise();
    m_ring->show();
}

bool FocusFrame::eventFilter(QObject* watched, QEvent* event)
{
    switch (event->type()) {
    case QEvent::Move:
    case QEvent::Resize:
    case QEvent::Show:
    case QEvent::Hide:
        if (watched == m_target)
            place();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace postern::gui
