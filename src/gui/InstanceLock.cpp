// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/InstanceLock.h"

#include "postern/util/FileIO.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace postern::gui {

namespace {

/** holderOf reads the process id the holder wrote into the lock file ("" when unreadable). */
std::string holderOf(int fd)
{
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0)
        return {};
    std::string pid(buf, static_cast<std::size_t>(n));
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
        pid.pop_back();
    return pid.find_first_not_of("0123456789") == std::string::npos ? pid : std::string();
}

} // namespace

InstanceLock::~InstanceLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock; the file stays, harmless and reused next time
}

Result<std::unique_ptr<InstanceLock>> InstanceLock::acquire(const std::filesystem::path& storeDir)
{
    POSTERN_TRY(ensurePrivateDirectory(storeDir));
    const auto path = storeDir / kFileName;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return fail(Errc::Io, "cannot open " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const std::string pid = holderOf(fd);
        ::close(fd);
        if (err != EWOULDBLOCK)
            return fail(Errc::Io, "cannot lock " + path.string() + ": " + std::strerror(err));
        return fail(Errc::AlreadyExists,
                    "Postern is already open on this store" + (pid.empty() ? std::string() : " (process " + pid + ")")
                        + ". Switch to that window, or close it and start Postern again");
    }
    // The holder's process id, for the message a second window shows.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // Only the message loses the process id; the lock itself holds.
    }
    return std::unique_ptr<InstanceLock>(new InstanceLock(fd));
}

} // namespace postern::gui
