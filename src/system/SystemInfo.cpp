// SPDX-License-Identifier: GPL-3.0-or-later
// What the export dialog and the air-gap indicator need to know about the machine, read from
// /proc, /sys and /dev only: no socket is opened and no network library is linked, so asking
// "is the network up?" cannot itself touch the network.
#include "postern/system/SystemInfo.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace postern::system {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxAttributeBytes = 64; // a sysfs attribute such as "0x1003\n"
constexpr int kMaxStackDepth = 4;              // dm-crypt over a partition over a disk, and margin
constexpr unsigned kIffUp = 0x1;               // <net/if.h> IFF_UP; not included, to stay socket-free
constexpr unsigned kIffLoopback = 0x8;         // IFF_LOOPBACK

/**
 * readPseudoFile reads a /proc or /sys file up to `cap` bytes. Such files report size 0, so
 * readFileCapped (which trusts fstat) cannot be used; the cap is enforced while reading.
 */
Result<std::string> readPseudoFile(const fs::path& path, std::size_t cap)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return fail(Errc::NotFound, "no such file: " + path.string());
        return fail(Errc::Io, "cannot open " + path.string() + ": " + std::strerror(errno));
    }
    std::string out;
    std::array<char, 4096> buf{};
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            return fail(Errc::Io, "cannot read " + path.string() + ": " + std::strerror(err));
        }
        if (n == 0)
            break;
        if (out.size() + static_cast<std::size_t>(n) > cap) {
            ::close(fd);
            return fail(Errc::TooLarge, path.string() + " is larger than " + std::to_string(cap) + " bytes");
        }
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

/** readAttribute reads a one-line sysfs attribute without its newline. */
Result<std::string> readAttribute(const fs::path& path)
{
    POSTERN_ASSIGN(text, readPseudoFile(path, kMaxAttributeBytes));
    if (!text.empty() && text.back() == '\n')
        text.pop_back();
    if (text.empty() || text.find_first_of(" \t\r\n") != std::string::npos)
        return fail(Errc::BadValue, path.string() + " does not hold one word");
    return text;
}

Error syntax(std::size_t line, const std::string& what)
{
    return fail(Errc::Syntax, "mountinfo line " + std::to_string(line) + ": " + what);
}

/** unescapeOctal decodes the kernel's `\ooo` escapes (space, tab, newline, backslash). */
std::optional<std::string> unescapeOctal(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 3 >= s.size())
            return std::nullopt;
        unsigned value = 0;
        for (std::size_t k = 1; k <= 3; ++k) {
            const char c = s[i + k];
            if (c < '0' || c > '7')
                return std::nullopt;
            value = value * 8 + static_cast<unsigned>(c - '0');
        }
        if (value == 0 || value > 0xff)
            return std::nullopt;
        out.push_back(static_cast<char>(value));
        i += 3;
    }
    return out;
}

template <typename T>
bool parseDecimal(std::string_view s, T& out)
{
    if (s.empty() || s.size() > 10)
        return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t space = line.find(' ', start);
        fields.push_back(line.substr(start, space == std::string_view::npos ? space : space - start));
        if (space == std::string_view::npos)
            break;
        start = space + 1;
    }
    return fields;
}

Result<MountEntry> parseLine(std::string_view line, std::size_t number)
{
    const auto f = splitFields(line);
    if (std::any_of(f.begin(), f.end(), [](std::string_view x) { return x.empty(); }))
        return syntax(number, "empty field (two spaces in a row or a space at an end)");
    // id parent major:minor root mount-point options [optional fields...] - fstype source super
    if (f.size() < 10)
        return syntax(number, "expected at least 10 fields, found " + std::to_string(f.size()));
    const auto dash = std::find(f.begin() + 6, f.end(), std::string_view("-"));
    if (dash == f.end())
        return syntax(number, "no \" - \" separator after the optional fields");
    if (f.end() - dash != 4)
        return syntax(number, "expected exactly 3 fields after the separator");
    std::uint32_t id = 0;
    std::uint32_t parent = 0;
    if (!parseDecimal(f[0], id) || !parseDecimal(f[1], parent))
        return syntax(number, "mount ids must be decimal numbers");
    MountEntry m;
    const std::size_t colon = f[2].find(':');
    if (colon == std::string_view::npos || !parseDecimal(f[2].substr(0, colon), m.major)
        || !parseDecimal(f[2].substr(colon + 1), m.minor))
        return syntax(number, "device must be major:minor in decimal");
    const auto root = unescapeOctal(f[3]);
    const auto point = unescapeOctal(f[4]);
    const auto source = unescapeOctal(dash[2]);
    if (!root || !point || !source)
        return syntax(number, "a path has a malformed escape (only \\ooo, not \\000, is allowed)");
    if (root->front() != '/' || point->front() != '/')
        return syntax(number, "root and mount point must be absolute paths");
    m.root = *root;
    m.mountPoint = *point;
    m.options = std::string(f[5]);
    m.filesystem = std::string(dash[1]);
    m.source = *source;
    m.superOptions = std::string(dash[3]);
    return m;
}

/** hasOption is true when the comma-separated list holds exactly `name`. */
bool hasOption(std::string_view list, std::string_view name)
{
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = list.find(',', start);
        if (list.substr(start, comma == std::string_view::npos ? comma : comma - start) == name)
            return true;
        if (comma == std::string_view::npos)
            return false;
        start = comma + 1;
    }
}

/** labels maps a device name ("sdb1", "dm-0") to its file system label. */
std::map<std::string, std::string> readLabels(const SystemPaths& paths)
{
    std::map<std::string, std::string> labels;
    std::error_code ec;
    fs::directory_iterator it(paths.dev / "disk" / "by-label", ec);
    if (ec)
        return labels; // no udev, or no labelled file system: every label stays empty
    std::size_t count = 0;
    for (const auto& entry : it) {
        if (++count > kMaxLabels)
            break;
        if (!entry.is_symlink(ec))
            continue;
        const fs::path target = fs::read_symlink(entry.path(), ec);
        if (ec)
            continue;
        auto label = decodeUdevLabel(entry.path().filename().string());
        if (label) // an undecodable label is shown as none rather than hiding the drive
            labels[target.filename().string()] = std::move(label).value();
    }
    return labels;
}

/** blockDevicePath finds the sysfs device directory of a mount, if it sits on a block device. */
std::optional<fs::path> blockDevicePath(const SystemPaths& paths, const MountEntry& m)
{
    std::error_code ec;
    if (m.major != 0) {
        const fs::path byNumber =
            paths.sys / "dev" / "block" / (std::to_string(m.major) + ":" + std::to_string(m.minor));
        fs::path p = fs::canonical(byNumber, ec);
        if (!ec)
            return p;
    }
    // btrfs reports an anonymous device number; its source still names the device.
    if (m.source.rfind("/dev/", 0) == 0) {
        fs::path p = fs::canonical(paths.sys / "class" / "block" / fs::path(m.source).filename(), ec);
        if (!ec)
            return p;
    }
    return std::nullopt;
}

/** diskOf walks from a partition or device-mapper volume down to the physical disk. */
fs::path diskOf(fs::path device, int depth = 0)
{
    std::error_code ec;
    if (fs::exists(device / "partition", ec))
        device = device.parent_path();
    if (depth < kMaxStackDepth) {
        fs::directory_iterator slaves(device / "slaves", ec);
        if (!ec) {
            for (const auto& s : slaves) {
                fs::path lower = fs::canonical(s.path(), ec);
                if (!ec)
                    return diskOf(lower, depth + 1);
            }
        }
    }
    return device;
}

DriveInfo describe(const SystemPaths& paths,
                   const MountEntry& m,
                   const std::optional<fs::path>& devPath,
                   const std::map<std::string, std::string>& labels)
{
    DriveInfo d;
    d.mountPoint = m.mountPoint;
    d.filesystem = m.filesystem;
    d.device = m.source;
    d.readOnly = hasOption(m.options, "ro") || hasOption(m.superOptions, "ro");
    if (devPath) {
        const std::string name = devPath->filename().string();
        if (m.source.rfind("/dev/", 0) != 0)
            d.device = "/dev/" + name;
        if (auto l = labels.find(name); l != labels.end())
            d.label = l->second;
        const fs::path disk = diskOf(*devPath);
        std::error_code ec;
        const fs::path sysRoot = fs::canonical(paths.sys, ec);
        const std::string rel = "/" + disk.lexically_relative(ec ? paths.sys : sysRoot).generic_string();
        d.usb = rel.find("/usb") != std::string::npos;
        auto removable = readAttribute(paths.sys / "block" / disk.filename() / "removable");
        if (!removable)
            removable = readAttribute(disk / "removable");
        d.removable = d.usb || (removable && removable.value() == "1");
    }
    struct statvfs st
    {
    };
    if (::statvfs(m.mountPoint.c_str(), &st) == 0) {
        d.freeBytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
        d.totalBytes = static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize;
    }
    return d;
}

Result<std::vector<MountEntry>> readMounts(const SystemPaths& paths)
{
    POSTERN_ASSIGN(text, readPseudoFile(paths.proc / "self" / "mountinfo", kMaxMountInfoBytes));
    return parseMountInfo(text);
}

bool isUnder(const std::string& path, const std::string& mountPoint)
{
    if (mountPoint == "/")
        return true;
    return path == mountPoint
           || (path.size() > mountPoint.size() && path.compare(0, mountPoint.size(), mountPoint) == 0
               && path[mountPoint.size()] == '/');
}

bool parseFlags(const std::string& text, unsigned& flags)
{
    if (text.size() < 3 || text.size() > 10 || text.compare(0, 2, "0x") != 0)
        return false;
    const auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), flags, 16);
    return ec == std::errc() && end == text.data() + text.size();
}

} // namespace

Result<std::vector<MountEntry>> parseMountInfo(std::string_view text)
{
    if (text.size() > kMaxMountInfoBytes)
        return fail(Errc::TooLarge, "mountinfo is larger than " + std::to_string(kMaxMountInfoBytes) + " bytes");
    std::vector<MountEntry> out;
    std::size_t start = 0;
    std::size_t number = 0;
    while (start < text.size()) {
        const std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            return syntax(number + 1, "the last line has no newline");
        if (++number > kMaxMountInfoLines)
            return fail(Errc::TooLarge, "mountinfo has more than " + std::to_string(kMaxMountInfoLines) + " lines");
        const std::string_view line = text.substr(start, nl - start);
        if (line.size() > kMaxMountInfoLineBytes)
            return syntax(number, "line longer than " + std::to_string(kMaxMountInfoLineBytes) + " bytes");
        if (line.find('\0') != std::string_view::npos)
            return syntax(number, "NUL byte");
        POSTERN_ASSIGN(entry, parseLine(line, number));
        out.push_back(std::move(entry));
        start = nl + 1;
    }
    return out;
}

Result<std::string> decodeUdevLabel(std::string_view name)
{
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7f) // udev escapes every unsafe byte; a raw one is not its encoding
            return fail(Errc::BadEncoding, "label holds a raw control character");
        if (name[i] != '\\') {
            out.push_back(name[i]);
            continue;
        }
        unsigned value = 0;
        if (i + 3 >= name.size() || name[i + 1] != 'x')
            return fail(Errc::BadEncoding, "label escape must be \\xHH");
        const auto [end, ec] = std::from_chars(name.data() + i + 2, name.data() + i + 4, value, 16);
        if (ec != std::errc() || end != name.data() + i + 4 || value == 0)
            return fail(Errc::BadEncoding, "label escape must be \\xHH with two hex digits, not \\x00");
        out.push_back(static_cast<char>(value));
        i += 3;
    }
    if (out.empty())
        return fail(Errc::BadEncoding, "empty label");
    return out;
}

Result<std::vector<DriveInfo>> listDrives(const SystemPaths& paths)
{
    POSTERN_ASSIGN(mounts, readMounts(paths));
    const auto labels = readLabels(paths);
    std::vector<DriveInfo> drives;
    std::set<std::string> seen;
    for (const auto& m : mounts) {
        if (m.root != "/")
            continue; // a bind mount of a folder shows the same drive again
        const auto devPath = blockDevicePath(paths, m);
        if (!devPath || !seen.insert(devPath->string()).second)
            continue;
        drives.push_back(describe(paths, m, devPath, labels));
    }
    std::sort(drives.begin(), drives.end(), [](const DriveInfo& a, const DriveInfo& b) {
        return a.mountPoint < b.mountPoint;
    });
    return drives;
}

Result<DriveInfo> driveFor(const fs::path& folder, const SystemPaths& paths)
{
    std::error_code ec;
    const fs::path canonical = fs::canonical(folder, ec);
    if (ec)
        return fail(Errc::NotFound, "the folder " + folder.string() + " does not exist");
    const std::string target = canonical.string();
    POSTERN_ASSIGN(mounts, readMounts(paths));
    const MountEntry* best = nullptr;
    for (const auto& m : mounts) {
        // ">=": a later mount on the same point hides the earlier one.
        if (isUnder(target, m.mountPoint) && (!best || m.mountPoint.size() >= best->mountPoint.size()))
            best = &m;
    }
    if (!best)
        return fail(Errc::NotFound, "no mounted file system holds " + target);
    return describe(paths, *best, blockDevicePath(paths, *best), readLabels(paths));
}

Result<std::vector<InterfaceInfo>> networkInterfaces(const SystemPaths& paths)
{
    std::vector<InterfaceInfo> out;
    std::error_code ec;
    const fs::path dir = paths.sys / "class" / "net";
    fs::directory_iterator it(dir, ec);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory)
            return out; // a kernel without networking has no interfaces at all
        return fail(Errc::Io, "cannot list " + dir.string() + ": " + ec.message());
    }
    static const std::set<std::string, std::less<>> kStates =
        {"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"};
    for (const auto& entry : it) {
        if (out.size() >= kMaxInterfaces)
            return fail(Errc::TooLarge, "more than " + std::to_string(kMaxInterfaces) + " network interfaces");
        InterfaceInfo info;
        info.name = entry.path().filename().string();
        if (info.name.empty() || info.name.size() > 15) // IFNAMSIZ - 1
            return fail(Errc::BadValue, "network interface name \"" + info.name + "\" is not a kernel name");
        POSTERN_ASSIGN(flagsText, readAttribute(entry.path() / "flags"));
        unsigned flags = 0;
        if (!parseFlags(flagsText, flags))
            return fail(Errc::BadValue, "cannot read the flags of network interface " + info.name);
        POSTERN_ASSIGN(state, readAttribute(entry.path() / "operstate"));
        if (!kStates.contains(state))
            return fail(Errc::BadValue, "unknown state \"" + state + "\" of network interface " + info.name);
        info.operState = state;
        info.adminUp = (flags & kIffUp) != 0;
        info.loopback = (flags & kIffLoopback) != 0;
        // "unknown" is what drivers without carrier detection report: treat it as up, to warn.
        info.up = info.adminUp && (state == "up" || state == "unknown" || state == "dormant");
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const InterfaceInfo& a, const InterfaceInfo& b) { return a.name < b.name; });
    return out;
}

} // namespace postern::system
