// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/system/SystemInfo.h"

#include <QTimer>
#include <QWidget>

#include <optional>

class QLabel;

namespace postern::gui {

/**
 * AirGapIndicator sits in the status bar and says whether this workstation is offline. It
 * reads /sys/class/net every few seconds (system::networkInterfaces: files only, no socket,
 * no network library). Any interface other than loopback that is up turns it into a red
 * warning naming the interface; an unreadable state is shown as a warning too, never as
 * "offline".
 */
class AirGapIndicator : public QWidget
{
    Q_OBJECT

public:
    explicit AirGapIndicator(QWidget* parent = nullptr, system::SystemPaths paths = {});

    /** setInterval changes the polling period (default 5000 ms; tests use less). */
    void setInterval(int milliseconds);
    /** anyUp is true when a non-loopback interface is up, or the state could not be read. */
    [[nodiscard]] bool anyUp() const noexcept { return m_anyUp.value_or(true); }
    [[nodiscard]] QString text() const;

public slots:
    /** poll reads the interfaces now and updates the widget. */
    void poll();

signals:
    /** stateChanged reports every change (and the first reading). */
    void stateChanged(bool anyUp);

private:
    system::SystemPaths m_paths;
    QTimer m_timer;
    QLabel* m_icon = nullptr;
    QLabel* m_label = nullptr;
    std::optional<bool> m_anyUp;
    QString m_lastText;
};

} // namespace postern::gui
