// SPDX-License-Identifier: GPL-3.0-or-later
// Drive and network detection against a fake /proc, /sys and /dev built in a temporary
// directory the way the kernel and udev lay them out (relative symlinks included), so the
// answers are exact and do not depend on the machine running the tests.
#include "postern/system/SystemInfo.h"
#include "postern/util/FileIO.h"

#include "TempDir.h"

#include <catch2/catch.hpp>
#include <sys/statvfs.h>

using namespace postern;
using namespace postern::system;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& file, const std::string& text)
{
    fs::create_directories(file.parent_path());
    REQUIRE(writeFileAtomic(file, text).ok());
}

void link(const fs::path& at, const fs::path& target)
{
    fs::create_directories(at.parent_path());
    fs::create_symlink(target, at);
}

/** FakeSystem is a machine with a SATA disk, a USB stick with a spaced label, a USB disk
 *  without a partition table that claims not to be removable, an encrypted USB stick and a
 *  loop-mounted snap, plus loopback, Ethernet (cable out) and Wi-Fi (connected). */
struct FakeSystem
{
    test::TempDir dir;
    SystemPaths paths{dir / "proc", dir / "sys", dir / "dev"};
    fs::path stickMount = dir / "media" / "ada" / "MY STICK";
    fs::path usbDiskMount = dir / "media" / "ada" / "BACKUP";
    fs::path cryptMount = dir / "media" / "ada" / "SECRET";
    fs::path snapMount = dir / "snap" / "core" / "1";

    void disk(const std::string& devicesPath, const std::string& disk, const std::string& removable)
    {
        const fs::path d = paths.sys / "devices" / devicesPath / "block" / disk;
        put(d / "removable", removable + "\n");
        link(paths.sys / "block" / disk, fs::path("../devices") / devicesPath / "block" / disk);
    }
    void node(const std::string& devicesPath, const std::string& name, const std::string& majmin, bool partition)
    {
        const fs::path d = paths.sys / "devices" / devicesPath / name;
        fs::create_directories(d);
        if (partition)
            put(d / "partition", "1\n");
        link(paths.sys / "class" / "block" / fs::path(name).filename(), fs::path("../../devices") / devicesPath / name);
        link(paths.sys / "dev" / "block" / majmin, fs::path("../../devices") / devicesPath / name);
    }

    FakeSystem()
    {
        for (const auto& p : {stickMount, usbDiskMount, cryptMount, snapMount})
            fs::create_directories(p);
        const std::string usb = "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0";
        const std::string usb2 = "pci0000:00/0000:00:14.0/usb2/2-2/2-2:1.0/host7/target7:0:0/7:0:0:0";
        const std::string usb3 = "pci0000:00/0000:00:14.0/usb2/2-3/2-3:1.0/host8/target8:0:0/8:0:0:0";
        const std::string sata = "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0";
        disk(sata, "sda", "0");
        node(sata, "block/sda/sda2", "8:2", true);
        disk(usb, "sdb", "1");
        node(usb, "block/sdb/sdb1", "8:17", true);
        disk(usb2, "sdc", "0"); // many USB disks report removable=0; the bus decides
        node(usb2, "block/sdc", "8:32", false);
        disk(usb3, "sdd", "1");
        node(usb3, "block/sdd/sdd1", "8:49", true);
        disk("virtual", "dm-0", "0");
        node("virtual", "block/dm-0", "254:0", false);
        link(paths.sys / "devices/virtual/block/dm-0/slaves/sdd1", fs::path("../../../../") / usb3 / "block/sdd/sdd1");
        disk("virtual", "loop0", "0");
        node("virtual", "block/loop0", "7:0", false);

        link(paths.dev / "disk" / "by-label" / "MY\\x20STICK", "../../sdb1");
        link(paths.dev / "disk" / "by-label" / "BACKUP", "../../sdc");
        link(paths.dev / "disk" / "by-label" / "bad\\q", "../../sda2"); // undecodable: shown without label

        auto esc = [](const fs::path& p) {
            std::string out;
            for (char c : p.string())
                out += c == ' ' ? std::string("\\040") : std::string(1, c);
            return out;
        };
        put(paths.proc / "self" / "mountinfo",
            "27 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw,errors=remount-ro\n"
            "22 27 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
            "101 27 8:17 / "
                + esc(stickMount)
                + " rw,nosuid,nodev,relatime shared:100 - vfat /dev/sdb1 rw,fmask=0022,dmask=0022\n"
                  "102 27 8:32 / "
                + esc(usbDiskMount)
                + " rw,nosuid,nodev,relatime shared:101 - exfat /dev/sdc rw\n"
                  "103 27 254:0 / "
                + esc(cryptMount)
                + " rw,nosuid,nodev,relatime shared:102 - ext4 /dev/mapper/luks-1234 rw\n"
                  "104 27 7:0 / "
                + esc(snapMount)
                + " ro,nodev,relatime shared:5 - squashfs /dev/loop0 ro\n"
                  "105 27 8:17 /exports "
                + esc(dir / "bind") + " rw,relatime - vfat /dev/sdb1 rw\n");

        auto iface = [&](const std::string& name, const std::string& flags, const std::string& state) {
            put(paths.sys / "class" / "net" / name / "flags", flags + "\n");
            put(paths.sys / "class" / "net" / name / "operstate", state + "\n");
        };
        iface("lo", "0x9", "unknown");
        iface("eth0", "0x1003", "down");
        iface("wlan0", "0x1003", "up");
        iface("ifb0", "0x82", "down");
    }
};

const DriveInfo* find(const std::vector<DriveInfo>& drives, const fs::path& mountPoint)
{
    for (const auto& d : drives)
        if (d.mountPoint == mountPoint.string())
            return &d;
    return nullptr;
}

} // namespace

TEST_CASE("listDrives finds removable drives with labels and space", "[systeminfo]")
{
    FakeSystem f;
    auto drives = listDrives(f.paths);
    REQUIRE(drives.ok());
    // Sorted by mount point; /proc and the bind mount are not drives.
    REQUIRE(drives->size() == 5);
    CHECK(drives->front().mountPoint == "/");

    const DriveInfo* root = find(*drives, "/");
    REQUIRE(root);
    CHECK(root->device == "/dev/sda2");
    CHECK(root->filesystem == "ext4");
    CHECK(root->label.empty()); // "bad\q" is not a udev escape
    CHECK_FALSE(root->removable);
    CHECK_FALSE(root->usb);
    CHECK_FALSE(root->readOnly);

    const DriveInfo* stick = find(*drives, f.stickMount);
    REQUIRE(stick);
    CHECK(stick->device == "/dev/sdb1");
    CHECK(stick->label == "MY STICK");
    CHECK(stick->filesystem == "vfat");
    CHECK(stick->removable);
    CHECK(stick->usb);
    CHECK_FALSE(stick->readOnly);
    struct statvfs st
    {
    };
    REQUIRE(::statvfs(f.stickMount.c_str(), &st) == 0);
    CHECK(stick->totalBytes == static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize);
    CHECK(stick->totalBytes > 0);
    CHECK(stick->freeBytes <= stick->totalBytes);

    const DriveInfo* usbDisk = find(*drives, f.usbDiskMount);
    REQUIRE(usbDisk);
    CHECK(usbDisk->device == "/dev/sdc");
    CHECK(usbDisk->label == "BACKUP");
    CHECK(usbDisk->usb);
    CHECK(usbDisk->removable);

    const DriveInfo* crypt = find(*drives, f.cryptMount);
    REQUIRE(crypt);
    CHECK(crypt->device == "/dev/mapper/luks-1234");
    CHECK(crypt->usb); // found through dm-0/slaves/sdd1
    CHECK(crypt->removable);

    const DriveInfo* snap = find(*drives, f.snapMount);
    REQUIRE(snap);
    CHECK(snap->device == "/dev/loop0");
    CHECK_FALSE(snap->removable);
    CHECK_FALSE(snap->usb);
    CHECK(snap->readOnly);
}

TEST_CASE("driveFor names the mount holding a folder", "[systeminfo]")
{
    FakeSystem f;
    fs::create_directories(f.stickMount / "exports" / "today");
    auto onStick = driveFor(f.stickMount / "exports" / "today", f.paths);
    REQUIRE(onStick.ok());
    CHECK(onStick->mountPoint == f.stickMount.string());
    CHECK(onStick->removable);
    CHECK(onStick->label == "MY STICK");

    auto onRoot = driveFor(f.dir.path(), f.paths);
    REQUIRE(onRoot.ok());
    CHECK(onRoot->mountPoint == "/");
    CHECK_FALSE(onRoot->removable);

    CHECK(driveFor(f.dir / "missing", f.paths).code() == Errc::NotFound);
    // "/media/ada/MY STICKER" is not inside "/media/ada/MY STICK".
    fs::create_directories(f.dir / "media" / "ada" / "MY STICKER");
    CHECK(driveFor(f.dir / "media" / "ada" / "MY STICKER", f.paths)->mountPoint == "/");
}

TEST_CASE("parseMountInfo decodes escapes and rejects malformed lines", "[systeminfo]")
{
    auto ok = parseMountInfo("36 35 98:0 /mnt1 /mnt/my\\040disk\\134x rw,noatime master:1 shared:2 - ext3 "
                             "/dev/root rw,errors=continue\n");
    REQUIRE(ok.ok());
    REQUIRE(ok->size() == 1);
    const MountEntry& m = ok->front();
    CHECK(m.major == 98);
    CHECK(m.minor == 0);
    CHECK(m.root == "/mnt1");
    CHECK(m.mountPoint == "/mnt/my disk\\x");
    CHECK(m.options == "rw,noatime");
    CHECK(m.filesystem == "ext3");
    CHECK(m.source == "/dev/root");
    CHECK(m.superOptions == "rw,errors=continue");
    CHECK(parseMountInfo("")->empty());

    // Each broken line states the error it must produce.
    const char* broken[] = {
        "36 35 98:0 /mnt1 /mnt rw - ext3 /dev/root rw",                     // no final newline
        "36 35 98:0 /mnt1 /mnt rw ext3 /dev/root rw x\n",                   // no separator
        "36 35 98:0 /mnt1 /mnt rw - ext3 /dev/root\n",                      // too few fields
        "36 35 98:0 /mnt1 /mnt rw - ext3 /dev/root rw extra\n",             // too many after "-"
        "36 35 98-0 /mnt1 /mnt rw - ext3 /dev/root rw\n",                   // device not major:minor
        "36 35 98:x /mnt1 /mnt rw - ext3 /dev/root rw\n",                   // minor not decimal
        "-1 35 98:0 /mnt1 /mnt rw - ext3 /dev/root rw\n",                   // negative id
        "36 35 98:0 /mnt1 mnt rw - ext3 /dev/root rw\n",                    // relative mount point
        "36 35 98:0 /mnt1 /mnt\\04 rw - ext3 /dev/root rw\n",               // short escape
        "36 35 98:0 /mnt1 /mnt\\000 rw - ext3 /dev/root rw\n",              // NUL escape
        "36 35 98:0 /mnt1 /mnt\\400 rw - ext3 /dev/root rw\n",              // escape over 0377
        "36 35 98:0 /mnt1 /mnt\\x20 rw - ext3 /dev/root rw\n",              // not an octal escape
        "36  35 98:0 /mnt1 /mnt rw - ext3 /dev/root rw\n",                  // empty field
        "\n",                                                               // empty line
        "36 35 98:0 /mnt1 /mnt rw - ext3 /dev/root rw\n36 35 98:0 / / rw\n" // second line broken
    };
    for (const char* text : broken) {
        INFO(text);
        CHECK(parseMountInfo(text).code() == Errc::Syntax);
    }
    CHECK(parseMountInfo(std::string(kMaxMountInfoLineBytes + 1, 'a') + "\n").code() == Errc::Syntax);
    CHECK(parseMountInfo(std::string("1 1 0:1 / /a\0b rw - t s o\n", 26)).code() == Errc::Syntax); // raw NUL
    std::string many;
    for (std::size_t i = 0; i <= kMaxMountInfoLines; ++i)
        many += "1 1 0:1 / / rw - t s o\n";
    CHECK(parseMountInfo(many).code() == Errc::TooLarge);
}

TEST_CASE("decodeUdevLabel decodes \\xHH only", "[systeminfo]")
{
    CHECK(decodeUdevLabel("MY\\x20STICK").value() == "MY STICK");
    CHECK(decodeUdevLabel("a\\x2fb").value() == "a/b");
    CHECK(decodeUdevLabel("PLAIN").value() == "PLAIN");
    CHECK(decodeUdevLabel("bad\\q").code() == Errc::BadEncoding);
    CHECK(decodeUdevLabel("short\\x2").code() == Errc::BadEncoding);
    CHECK(decodeUdevLabel("nul\\x00").code() == Errc::BadEncoding);
    CHECK(decodeUdevLabel("hex\\xzz").code() == Errc::BadEncoding);
    CHECK(decodeUdevLabel("").code() == Errc::BadEncoding);
    CHECK(decodeUdevLabel("tab\there").code() == Errc::BadEncoding);              // raw control character
    CHECK(decodeUdevLabel(std::string("nul\0x", 5)).code() == Errc::BadEncoding); // raw NUL (fuzzer find)
}

TEST_CASE("networkInterfaces reads flags and operstate without sockets", "[systeminfo]")
{
    FakeSystem f;
    auto ifs = networkInterfaces(f.paths);
    REQUIRE(ifs.ok());
    REQUIRE(ifs->size() == 4);
    // Sorted by name: eth0, ifb0, lo, wlan0.
    CHECK(ifs->at(0).name == "eth0");
    CHECK_FALSE(ifs->at(0).up); // enabled, but the cable is out
    CHECK(ifs->at(0).adminUp);
    CHECK(ifs->at(0).operState == "down");
    CHECK(ifs->at(1).name == "ifb0");
    CHECK_FALSE(ifs->at(1).up);
    CHECK_FALSE(ifs->at(1).adminUp);
    CHECK(ifs->at(2).name == "lo");
    CHECK(ifs->at(2).up);
    CHECK(ifs->at(2).loopback);
    CHECK(ifs->at(3).name == "wlan0");
    CHECK(ifs->at(3).up);
    CHECK_FALSE(ifs->at(3).loopback);

    SECTION("a file it does not understand is an error, not a silent \"offline\"")
    {
        put(f.paths.sys / "class" / "net" / "wlan0" / "operstate", "sideways\n");
        CHECK(networkInterfaces(f.paths).code() == Errc::BadValue);
        put(f.paths.sys / "class" / "net" / "wlan0" / "operstate", "up\n");
        put(f.paths.sys / "class" / "net" / "wlan0" / "flags", "4099\n"); // no 0x prefix
        CHECK(networkInterfaces(f.paths).code() == Errc::BadValue);
        put(f.paths.sys / "class" / "net" / "wlan0" / "flags", std::string(100, '1'));
        CHECK(networkInterfaces(f.paths).code() == Errc::TooLarge);
    }
    SECTION("no /sys/class/net means no interfaces")
    {
        fs::remove_all(f.paths.sys / "class" / "net");
        auto none = networkInterfaces(f.paths);
        REQUIRE(none.ok());
        CHECK(none->empty());
    }
}

TEST_CASE("the real machine can be read", "[systeminfo]")
{
    // Whatever this machine has, reading it must succeed and find the root file system.
    auto drives = listDrives();
    REQUIRE(drives.ok());
    auto root = driveFor("/");
    REQUIRE(root.ok());
    CHECK(root->mountPoint == "/");
    REQUIRE(networkInterfaces().ok());
}
