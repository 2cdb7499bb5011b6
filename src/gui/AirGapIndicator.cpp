// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/AirGapIndicator.h"

#include "gui/Resources.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>

namespace postern::gui {

namespace {
constexpr int kDefaultIntervalMs = 5000;
constexpr int kIconPixels = 16;
} // namespace

AirGapIndicator::AirGapIndicator(QWidget* parent, system::SystemPaths paths)
    : QWidget(parent), m_paths(std::move(paths))
{
    initResources();
    setObjectName("airGapIndicator");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(4);
    m_icon = new QLabel(this);
    m_icon->setObjectName("airGapIcon");
    m_label = new QLabel(this);
    m_label->setObjectName("airGapLabel");
    layout->addWidget(m_icon);
    layout->addWidget(m_label);
    m_timer.setInterval(kDefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &AirGapIndicator::poll);
    m_timer.start();
    poll();
}

void AirGapIndicator::setInterval(int milliseconds)
{
    m_timer.setInterval(milliseconds);
}

QString AirGapIndicator::text() const
{
    return m_label->text();
}

void AirGapIndicator::poll()
{
    auto interfaces = system::networkInterfaces(m_paths);
    bool anyUp = false;
    QString text;
    QStringList details;
    if (!interfaces) {
        // Not knowing is not the same as being offline: say so, in the warning style.
        anyUp = true;
        text = tr("Cannot tell whether a network is connected (%1). Check the cables and Wi-Fi by hand.")
                   .arg(QString::fromStdString(interfaces.error().message));
    } else {
        QStringList up;
        for (const auto& i : *interfaces) {
            const QString name = QString::fromStdString(i.name);
            details << tr("%1: %2%3%4")
                           .arg(name,
                                i.up ? tr("up") : (i.adminUp ? tr("enabled, no link") : tr("down")),
                                i.loopback ? tr(" (loopback, internal only)") : QString(),
                                QString(QStringLiteral(" [%1]")).arg(QString::fromStdString(i.operState)));
            if (i.up && !i.loopback)
                up << name;
        }
        anyUp = !up.isEmpty();
        if (up.size() == 1)
            text = tr("Network interface %1 is up — this workstation must stay offline. Disconnect the cable / "
                      "disable Wi-Fi.")
                       .arg(up.front());
        else if (anyUp)
            text = tr("Network interfaces %1 are up — this workstation must stay offline. Disconnect the cables / "
                      "disable Wi-Fi.")
                       .arg(up.join(QStringLiteral(", ")));
        else
            text = tr("Offline: no network interface is up");
    }
    if (text != m_lastText) {
        m_lastText = text;
        m_label->setText(text);
        m_icon->setPixmap(QIcon(anyUp ? QStringLiteral(":/icons/online.svg") : QStringLiteral(":/icons/offline.svg"))
                              .pixmap(kIconPixels, kIconPixels));
        m_label->setStyleSheet(
            anyUp ? QStringLiteral("QLabel { color: white; background: #b00020; font-weight: bold; padding: 1px "
                                   "6px; border-radius: 3px; }")
                  : QStringLiteral("QLabel { color: palette(text); }"));
        setToolTip(details.isEmpty() ? text
                                     : tr("Network interfaces (read from /sys/class/net):") + QStringLiteral("\n")
                                           + details.join(QStringLiteral("\n")));
    }
    if (!m_anyUp || *m_anyUp != anyUp) {
        m_anyUp = anyUp;
        emit stateChanged(anyUp);
    }
}

} // namespace postern::gui
