// SPDX-License-Identifier: GPL-3.0-or-later
// The export's read-back (docs/export.md, "Verify after write"), in the bundle layer so that
// the workstation and postern-bench run the same code.
#include "postern/bundle/ReadBack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace postern::bundle {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kReadBackBytes = 1u << 20;

Error driveMismatch(const fs::path& out)
{
    return fail(Errc::Io,
                "the copy on the drive does not match what was written: the drive may be failing; use another "
                "drive (nothing was marked exported; "
                    + out.filename().string() + " was removed)");
}

Error cancelled()
{
    return fail(Errc::Cancelled, "export cancelled; no bundle was left on the drive and nothing was marked exported");
}

bool cancelRequested(const SealProgress& progress)
{
    return progress.cancel && progress.cancel->load(std::memory_order_relaxed);
}

} // namespace

Status readBackBundle(const fs::path& out,
                      const SealedBundle& sealed,
                      const crypto::PublicKey& workstation,
                      const crypto::PublicKey& recipient,
                      const SealProgress& progress)
{
    const int fd = ::open(out.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return fail(Errc::Io,
                    "cannot read the bundle back from " + out.string() + ": " + std::strerror(errno)
                        + "; the drive may have been removed");
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return driveMismatch(out);
    const std::uint64_t total = static_cast<std::uint64_t>(st.st_size);
    if (total != sealed.fileBytes || total != sealed.header.fileBytes())
        return driveMismatch(out);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);

    if (!sealed.fileCheckKey)
        return fail(Errc::Internal, "the sealed bundle carries no write check; export again");
    crypto::OneTimeAuth check;
    POSTERN_TRY(check.init(*sealed.fileCheckKey));
    Bytes buf(kReadBackBytes);
    Bytes headerBytes;
    std::uint64_t done = 0;
    if (progress.onProgress)
        progress.onProgress(0, total);
    while (done < total) {
        if (cancelRequested(progress))
            return cancelled();
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), total - done));
        const ssize_t n = ::read(fd, buf.data(), want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(Errc::Io,
                        "cannot read the bundle back from " + out.string() + ": " + std::strerror(errno)
                            + "; the drive may be failing or was removed: use another drive");
        if (n == 0)
            return driveMismatch(out); // shorter than it was a moment ago
        const ByteView got(buf.data(), static_cast<std::size_t>(n));
        check.update(got);
        if (headerBytes.size() < kHeaderBytes) {
            const std::size_t take = std::min(got.size(), kHeaderBytes - headerBytes.size());
            headerBytes.insert(headerBytes.end(), got.begin(), got.begin() + static_cast<std::ptrdiff_t>(take));
        }
        done += static_cast<std::uint64_t>(n);
        if (progress.onProgress)
            progress.onProgress(done, total);
    }
    std::uint8_t extra = 0;
    if (::read(fd, &extra, 1) != 0)
        return driveMismatch(out); // grew while it was read
    POSTERN_ASSIGN(readTag, check.finish());
    if (!crypto::equalConstantTime(readTag, sealed.fileCheckTag))
        return driveMismatch(out);
    auto header = BundleHeader::decode(headerBytes);
    if (!header || header->encode() != sealed.header.encode() || !header->verifySignature()
        || header->workstation != workstation || header->recipient != recipient
        || header->bundleId != deriveBundleId(workstation, header->sequence))
        return driveMismatch(out);
    return {};
}

} // namespace postern::bundle
