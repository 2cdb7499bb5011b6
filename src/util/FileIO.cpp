// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/FileIO.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace postern {

namespace fs = std::filesystem;

namespace {

Error ioError(const std::string& what, const fs::path& path)
{
    return fail(Errc::Io, what + " " + path.string() + ": " + std::strerror(errno));
}

Status writeAll(int fd, const std::uint8_t* data, std::size_t size, const fs::path& path)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ioError("cannot write", path);
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return {};
}

fs::path tempSibling(const fs::path& path)
{
    // The temporary name lives in the same directory so the final rename is atomic.
    return path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
}

} // namespace

Result<std::string> readFileCapped(const fs::path& path, std::size_t maxBytes)
{
    FileReader reader;
    POSTERN_TRY(reader.open(path));
    if (reader.size() > maxBytes)
        return fail(Errc::TooLarge,
                    path.string() + " is " + std::to_string(reader.size())
                        + " bytes; the limit for this kind of file is " + std::to_string(maxBytes));
    std::string out(static_cast<std::size_t>(reader.size()), '\0');
    POSTERN_TRY(reader.readExact({reinterpret_cast<std::uint8_t*>(out.data()), out.size()}));
    std::uint8_t extra = 0;
    POSTERN_ASSIGN(more, reader.read({&extra, 1}));
    if (more != 0)
        return fail(Errc::Io, path.string() + " grew while it was being read");
    return out;
}

Status fsyncDirectory(const fs::path& dir)
{
    const fs::path d = dir.empty() ? fs::path(".") : dir;
    const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ioError("cannot open directory", d);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0)
        return ioError("cannot fsync directory", d);
    return {};
}

Status writeFileAtomic(const fs::path& path, std::string_view data, unsigned mode)
{
    AtomicFileWriter w;
    POSTERN_TRY(w.open(path, mode));
    POSTERN_TRY(w.write(asBytes(data)));
    return w.commit();
}

AtomicFileWriter::~AtomicFileWriter()
{
    abandon();
}

Status AtomicFileWriter::open(const fs::path& path, unsigned mode)
{
    abandon();
    m_path = path;
    m_tempPath = tempSibling(path);
    ::unlink(m_tempPath.c_str());
    m_fd = ::open(m_tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (m_fd < 0)
        return ioError("cannot create", m_tempPath);
    // open() honours the umask; force the exact mode so key files are 0600 whatever it is.
    if (::fchmod(m_fd, mode) != 0)
        return ioError("cannot set permissions on", m_tempPath);
    m_written = 0;
    return {};
}

Status AtomicFileWriter::write(ByteView data)
{
    if (m_fd < 0)
        return fail(Errc::Internal, "write to a closed atomic file");
    POSTERN_TRY(writeAll(m_fd, data.data(), data.size(), m_tempPath));
    m_written += data.size();
    return {};
}

Status AtomicFileWriter::commit()
{
    if (m_fd < 0)
        return fail(Errc::Internal, "commit of a closed atomic file");
    if (::fsync(m_fd) != 0)
        return ioError("cannot fsync", m_tempPath);
    if (::close(m_fd) != 0) {
        m_fd = -1;
        return ioError("cannot close", m_tempPath);
    }
    m_fd = -1;
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0)
        return ioError("cannot rename into place", m_path);
    m_tempPath.clear();
    return fsyncDirectory(m_path.parent_path());
}

void AtomicFileWriter::abandon() noexcept
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_tempPath.empty()) {
        ::unlink(m_tempPath.c_str());
        m_tempPath.clear();
    }
}

Status overwriteAndRemove(const fs::path& path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ELOOP)
        return fail(Errc::Io,
                    path.string() + " is a symbolic link; only a file named directly is wiped, never what a link "
                                    "points to: delete the bundle file it points to by hand");
    if (fd < 0)
        return ioError("cannot open for wiping", path);
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(Errc::Io, path.string() + " is not a regular file; refusing to wipe it");
    }
    std::vector<std::uint8_t> zeros(1u << 20, 0);
    auto remaining = static_cast<std::uint64_t>(st.st_size);
    while (remaining > 0) {
        const std::size_t n = remaining < zeros.size() ? static_cast<std::size_t>(remaining) : zeros.size();
        if (auto s = writeAll(fd, zeros.data(), n, path); !s) {
            ::close(fd);
            return s;
        }
        remaining -= n;
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return ioError("cannot fsync", path);
    }
    ::close(fd);
    if (::unlink(path.c_str()) != 0)
        return ioError("cannot remove", path);
    return fsyncDirectory(path.parent_path());
}

Status ensurePrivateDirectory(const fs::path& dir)
{
    std::error_code ec;
    if (fs::is_directory(dir, ec))
        return {};
    fs::create_directories(dir, ec);
    if (ec)
        return fail(Errc::Io, "cannot create directory " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec)
        return fail(Errc::Io, "cannot set permissions on " + dir.string() + ": " + ec.message());
    return {};
}

FileReader::~FileReader()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Status FileReader::open(const fs::path& path)
{
    if (m_fd >= 0)
        ::close(m_fd);
    // O_NONBLOCK: a FIFO (or a device) given as a bundle or secret file would otherwise block
    // this open() until a writer comes, with the home lock held. It is refused just below, and
    // regular files ignore the flag, which is cleared again before any read.
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0) {
        if (errno == ENOENT)
            return fail(Errc::NotFound, "no such file: " + path.string());
        return ioError("cannot open", path);
    }
    struct stat st
    {
    };
    if (::fstat(m_fd, &st) != 0)
        return ioError("cannot stat", path);
    if (!S_ISREG(st.st_mode)) {
        ::close(m_fd);
        m_fd = -1;
        return fail(Errc::Io,
                    path.string() + " is not a regular file (a pipe, device or folder); give the path of a file");
    }
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags < 0 || ::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        return ioError("cannot read", path);
    m_size = static_cast<std::uint64_t>(st.st_size);
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return {};
}

Result<std::size_t> FileReader::read(std::span<std::uint8_t> buf)
{
    std::size_t total = 0;
    while (total < buf.size()) {
        const ssize_t n = ::read(m_fd, buf.data() + total, buf.size() - total);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(Errc::Io, std::string("read failed: ") + std::strerror(errno));
        }
        if (n == 0)
            break;
        total += static_cast<std::size_t>(n);
    }
    return total;
}

Status FileReader::readExact(std::span<std::uint8_t> buf)
{
    POSTERN_ASSIGN(n, read(buf));
    if (n != buf.size())
        return fail(Errc::Truncated, "file ended " + std::to_string(buf.size() - n) + " bytes early");
    return {};
}

} // namespace postern
