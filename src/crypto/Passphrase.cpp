// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/Passphrase.h"

#include "postern/util/FileIO.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace postern::crypto {

namespace {
constexpr std::size_t kMaxPassphrase = 1024;

// Reads up to the first LF into guarded memory, one byte at a time so nothing secret passes
// through stdio buffers.
Result<SecureBuffer> readLine(int fd, bool stopAtNewline)
{
    SecureBuffer buf(kMaxPassphrase + 1);
    std::size_t n = 0;
    while (true) {
        std::uint8_t c = 0;
        const ssize_t r = ::read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return fail(Errc::Io, std::string("cannot read the passphrase: ") + std::strerror(errno));
        if (r == 0)
            break;
        if (stopAtNewline && c == '\n')
            break;
        if (n == kMaxPassphrase)
            return fail(Errc::TooLarge, "passphrase is longer than 1024 bytes");
        buf.data()[n++] = c;
    }
    if (n > 0 && buf.data()[n - 1] == '\r')
        --n;
    if (!stopAtNewline && n > 0 && buf.data()[n - 1] == '\n')
        --n;
    buf.shrink(n);
    return buf;
}
} // namespace

Result<SecureBuffer> readPassphraseFromTerminal(std::string_view prompt)
{
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return fail(Errc::InvalidArgument, "no terminal to ask for a passphrase; use --passphrase-file FILE");
    (void)!::write(fd, prompt.data(), prompt.size());
    termios old{};
    const bool haveTerm = ::tcgetattr(fd, &old) == 0;
    if (haveTerm) {
        termios quiet = old;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    auto line = readLine(fd, true);
    if (haveTerm)
        ::tcsetattr(fd, TCSAFLUSH, &old);
    ::close(fd);
    return line;
}

Result<SecureBuffer> readPassphraseFile(const std::filesystem::path& path)
{
    // Non-blocking open: a FIFO given here would otherwise wait forever for a writer (with the
    // uploader's home lock held). Only a regular file is read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return fail(errno == ENOENT ? Errc::NotFound : Errc::Io,
                    "cannot open the file " + path.string() + ": " + std::strerror(errno));
    struct stat st
    {
    };
    const int flags = ::fcntl(fd, F_GETFL);
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        ::close(fd);
        return fail(Errc::Io, path.string() + " is not a regular file (a pipe, device or folder); give a file");
    }
    auto line = readLine(fd, true);
    ::close(fd);
    if (!line)
        return fail(line.code(), path.string() + ": " + line.error().message);
    // Said apart from a wrong passphrase: an empty first line is a mistake in the file, and
    // a NUL would be cut off silently by whatever reads the secret as a C string.
    if (line->empty())
        return fail(Errc::BadValue,
                    "the first line of " + path.string()
                        + " is empty; put the passphrase (or secret) on the first line, followed by a newline");
    for (std::size_t i = 0; i < line->size(); ++i) {
        if (line->data()[i] == 0)
            return fail(Errc::BadValue, path.string() + " holds a NUL byte in its first line; a passphrase or secret "
                                                        "is text");
    }
    return line;
}

Status checkNewPassphrase(const SecureBuffer& passphrase)
{
    if (passphrase.size() < 12)
        return fail(Errc::InvalidArgument,
                    "passphrase is too short: use at least 12 characters (four random words are better)");
    return {};
}

} // namespace postern::crypto
