// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/Passphrase.h"

#include "postern/util/FileIO.h"

#include <fcntl.h>
#include <sodium.h>
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
        if (r <= 0)
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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(Errc::NotFound, "cannot open passphrase file " + path.string() + ": " + std::strerror(errno));
    auto line = readLine(fd, true);
    ::close(fd);
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
