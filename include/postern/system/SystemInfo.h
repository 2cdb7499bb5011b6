// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace postern::system {

/**
 * SystemPaths are the roots of the kernel's pseudo file systems. Everything below reads only
 * files under them (no socket, no ioctl, no network library), so tests point them at a fake
 * tree in a temporary directory and get exact answers.
 */
struct SystemPaths
{
    std::filesystem::path proc = "/proc";
    std::filesystem::path sys = "/sys";
    std::filesystem::path dev = "/dev";
};

/** Limits on the files read here: they come from outside the program, so they are capped. */
constexpr std::size_t kMaxMountInfoBytes = 4u << 20;
constexpr std::size_t kMaxMountInfoLines = 20000;
constexpr std::size_t kMaxMountInfoLineBytes = 16384;
constexpr std::size_t kMaxInterfaces = 1024;
constexpr std::size_t kMaxLabels = 4096;

/** MountEntry is one line of /proc/self/mountinfo (proc(5)), with octal escapes decoded. */
struct MountEntry
{
    std::uint32_t major = 0;
    std::uint32_t minor = 0;
    std::string root;         ///< the directory of the file system mounted here ("/" unless a bind mount)
    std::string mountPoint;   ///< absolute path
    std::string options;      ///< per-mount options, e.g. "rw,nosuid,relatime"
    std::string filesystem;   ///< e.g. "vfat", "ext4", "tmpfs"
    std::string source;       ///< e.g. "/dev/sdb1", or "tmpfs"
    std::string superOptions; ///< per-superblock options
};

/**
 * parseMountInfo parses the text of /proc/<pid>/mountinfo strictly: every line must have the
 * documented fields and separator, numbers must be decimal, paths absolute, escapes exactly
 * `\ooo` (a NUL is refused). Errors: too-large (over the caps above), syntax (names the line).
 */
[[nodiscard]] Result<std::vector<MountEntry>> parseMountInfo(std::string_view text);

/** decodeUdevLabel decodes udev's `\xHH` escapes in a /dev/disk/by-label name (bad-encoding). */
[[nodiscard]] Result<std::string> decodeUdevLabel(std::string_view name);

/** DriveInfo describes one mounted file system, as the export dialog lists destinations. */
struct DriveInfo
{
    std::string mountPoint;
    std::string device;           ///< "/dev/sdb1"; the mount source for file systems without a block device
    std::string label;            ///< file system label from /dev/disk/by-label, empty if none
    std::string filesystem;       ///< "vfat", "exfat", "ext4", ...
    std::uint64_t freeBytes = 0;  ///< space an ordinary user may still write (statvfs f_bavail)
    std::uint64_t totalBytes = 0; ///< 0 when the mount point could not be queried
    bool removable = false;       ///< the disk says it is removable, or it hangs off a USB bus
    bool usb = false;             ///< the disk's sysfs device path runs through a USB controller
    bool readOnly = false;        ///< mounted read-only
};

/**
 * listDrives lists the mounted file systems that sit on a block device (one entry per device,
 * whole-device mounts only, not bind mounts), sorted by mount point. A partition is mapped to
 * its disk through sysfs; a device-mapper volume (an encrypted stick) to the disk under it.
 */
[[nodiscard]] Result<std::vector<DriveInfo>> listDrives(const SystemPaths& paths = {});

/**
 * driveFor returns the mount that holds `folder` (the longest mount point above it), whether
 * or not it is removable. Errors: not-found if the folder does not exist, plus those of
 * parseMountInfo.
 */
[[nodiscard]] Result<DriveInfo> driveFor(const std::filesystem::path& folder, const SystemPaths& paths = {});

/** InterfaceInfo is one network interface as /sys/class/net reports it. */
struct InterfaceInfo
{
    std::string name;
    bool up = false;       ///< administratively up (IFF_UP) and the link is not down: it can carry traffic
    bool loopback = false; ///< IFF_LOOPBACK
    bool adminUp = false;  ///< IFF_UP alone: enabled, even if no cable or network is attached
    std::string operState; ///< the kernel's operstate word: up, down, unknown, dormant, ...
};

/**
 * networkInterfaces reads /sys/class/net/<name>/{flags,operstate} for every interface, sorted
 * by name. It opens no socket. Errors: bad-value for a flags or operstate file it does not
 * understand, too-large if there are absurdly many interfaces.
 */
[[nodiscard]] Result<std::vector<InterfaceInfo>> networkInterfaces(const SystemPaths& paths = {});

} // namespace postern::system
