// SPDX-License-Identifier: GPL-3.0-or-later
// The status-bar air-gap indicator over a fake /sys/class/net: offline with only loopback up,
// a red warning naming the interface as soon as one comes up (seen by the polling timer),
// and a warning, never "offline", when the state cannot be read.
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/AirGapIndicator.h"

#include <QLabel>
#include <QSignalSpy>

using namespace postern;
using namespace postern::test;
namespace fs = std::filesystem;

namespace {

void iface(const fs::path& sys, const std::string& name, const std::string& flags, const std::string& state)
{
    const fs::path dir = sys / "class" / "net" / name;
    fs::create_directories(dir);
    REQUIRE(writeFileAtomic(dir / "flags", flags + "\n").ok());
    REQUIRE(writeFileAtomic(dir / "operstate", state + "\n").ok());
}

} // namespace

TEST_CASE("air-gap indicator: offline, then a warning when an interface comes up", "[gui][airgap]")
{
    TempDir dir;
    system::SystemPaths paths{dir / "proc", dir / "sys", dir / "dev"};
    iface(paths.sys, "lo", "0x9", "unknown");
    iface(paths.sys, "eth0", "0x1003", "down"); // enabled, cable out: not a connection

    gui::AirGapIndicator indicator(nullptr, paths);
    indicator.setInterval(20);
    indicator.show();
    CHECK_FALSE(indicator.anyUp());
    CHECK(indicator.text() == "Offline: no network interface is up");
    CHECK(indicator.toolTip().contains("lo: up (loopback, internal only)"));
    CHECK(indicator.toolTip().contains("eth0: enabled, no link"));
    maybeScreenshot(&indicator, "airgap-offline");

    QSignalSpy changed(&indicator, &gui::AirGapIndicator::stateChanged);
    iface(paths.sys, "wlan0", "0x1003", "up");
    REQUIRE(waitUntil([&] { return changed.count() == 1; }));
    CHECK(changed.at(0).at(0).toBool() == true);
    CHECK(indicator.anyUp());
    CHECK(indicator.text()
          == "Network interface wlan0 is up — this workstation must stay offline. Disconnect the cable / disable "
             "Wi-Fi.");
    CHECK(child<QLabel>(&indicator, "airGapLabel")->styleSheet().contains("#b00020"));
    maybeScreenshot(&indicator, "airgap-online");

    iface(paths.sys, "eth0", "0x1003", "up");
    REQUIRE(waitUntil([&] { return indicator.text().startsWith("Network interfaces eth0, wlan0 are up"); }));
    CHECK(changed.count() == 1); // still up: no new state change

    fs::remove_all(paths.sys / "class" / "net" / "wlan0");
    iface(paths.sys, "eth0", "0x1002", "down"); // switched off
    REQUIRE(waitUntil([&] { return changed.count() == 2; }));
    CHECK(changed.at(1).at(0).toBool() == false);
    CHECK(indicator.text() == "Offline: no network interface is up");
}

TEST_CASE("air-gap indicator: an unreadable state is a warning", "[gui][airgap]")
{
    TempDir dir;
    system::SystemPaths paths{dir / "proc", dir / "sys", dir / "dev"};
    iface(paths.sys, "lo", "0x9", "unknown");
    iface(paths.sys, "eth0", "0x1003", "sideways");
    gui::AirGapIndicator indicator(nullptr, paths);
    CHECK(indicator.anyUp());
    CHECK(indicator.text().startsWith("Cannot tell whether a network is connected"));
}
