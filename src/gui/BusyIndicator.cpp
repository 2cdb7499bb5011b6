// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/BusyIndicator.h"

#include "gui/Session.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace postern::gui {

BusyIndicator::BusyIndicator(QWidget* parent) : QWidget(parent)
{
    setObjectName("busyIndicator");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 0); // no steps to count: a bar that moves says the program is working
    m_bar->setTextVisible(false);
    m_bar->setMaximumWidth(120);
    m_bar->setMaximumHeight(14);
    m_label = new QLabel(this);
    layout->addWidget(m_bar);
    layout->addWidget(m_label, 1);
    setAccessibleName(tr("Working"));
    hide();
}

void BusyIndicator::followKeyWork(Session& session)
{
    connect(&session, &Session::keyWorkChanged, this, [this, &session](bool running) {
        if (running)
            start(session.keyWorkText());
        else
            stop();
    });
}

void BusyIndicator::start(const QString& text)
{
    m_label->setText(text);
    setAccessibleDescription(text);
    show();
}

void BusyIndicator::stop()
{
    hide();
    m_label->clear();
}

QString BusyIndicator::text() const
{
    return m_label->text();
}

} // namespace postern::gui
