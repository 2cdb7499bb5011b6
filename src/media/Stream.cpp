// SPDX-License-Identifier: GPL-3.0-or-later
#include "Stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace postern::media::detail {

namespace {
// Big enough that a 4 GiB video costs few system calls, small enough for the 64 MiB RSS budget.
constexpr std::size_t kReadBufferBytes = 256u << 10;
constexpr std::size_t kWriteBufferBytes = 256u << 10;
constexpr std::size_t kMaxPeek = 64;
constexpr std::size_t kMaxReportItems = 32;
} // namespace

Result<std::size_t> MemorySource::read(std::span<std::uint8_t> buf)
{
    const std::size_t n = std::min(buf.size(), m_data.size() - m_pos);
    if (n > 0)
        std::memcpy(buf.data(), m_data.data() + m_pos, n);
    m_pos += n;
    return n;
}

Status Sink::writeZeros(std::uint64_t count)
{
    static constexpr std::array<std::uint8_t, 64u << 10> kZeros{};
    while (count > 0) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(count, kZeros.size()));
        POSTERN_TRY(write(ByteView(kZeros.data(), n)));
        count -= n;
    }
    return {};
}

Status MemorySink::put(ByteView data)
{
    m_out.insert(m_out.end(), data.begin(), data.end());
    return {};
}

FileSink::~FileSink()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_committed && !m_path.empty())
        ::unlink(m_path.c_str());
}

Status FileSink::create(const std::filesystem::path& path)
{
    // O_EXCL: never truncate or follow someone else's file; the caller picks a fresh name.
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m_fd < 0) {
        if (errno == EEXIST)
            return fail(Errc::AlreadyExists,
                        path.string() + " already exists; the sanitized copy needs a new file name");
        return fail(Errc::Io, "cannot create " + path.string() + ": " + std::strerror(errno));
    }
    m_path = path; // only now is the file ours to remove
    if (::fchmod(m_fd, 0600) != 0)
        return fail(Errc::Io, "cannot set permissions on " + path.string() + ": " + std::strerror(errno));
    m_buffer.reserve(kWriteBufferBytes);
    return {};
}

Status FileSink::put(ByteView data)
{
    if (m_buffer.size() + data.size() > kWriteBufferBytes) {
        POSTERN_TRY(flush());
        if (data.size() > kWriteBufferBytes) {
            m_buffer.assign(data.begin(), data.end());
            return flush();
        }
    }
    m_buffer.insert(m_buffer.end(), data.begin(), data.end());
    return {};
}

Status FileSink::flush()
{
    const std::uint8_t* p = m_buffer.data();
    std::size_t left = m_buffer.size();
    while (left > 0) {
        const ssize_t n = ::write(m_fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(Errc::Io, "cannot write " + m_path.string() + ": " + std::strerror(errno));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    m_buffer.clear();
    return {};
}

Status FileSink::commit()
{
    POSTERN_TRY(flush());
    const int rc = ::close(m_fd);
    m_fd = -1;
    if (rc != 0)
        return fail(Errc::Io, "cannot close " + m_path.string() + ": " + std::strerror(errno));
    m_committed = true;
    return {};
}

Input::Input(Source& source) : m_source(source), m_size(source.size()), m_buf(kReadBufferBytes) {}

Status Input::refill()
{
    // Keep unread bytes (at most kMaxPeek when peeking) at the front, then top up.
    if (m_begin > 0) {
        std::memmove(m_buf.data(), m_buf.data() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    const std::uint64_t wanted = std::min<std::uint64_t>(m_buf.size() - m_end, m_size - m_sourcePos);
    if (wanted == 0)
        return {};
    POSTERN_ASSIGN(n, m_source.read(std::span<std::uint8_t>(m_buf.data() + m_end, static_cast<std::size_t>(wanted))));
    if (n == 0)
        return fail(Errc::Truncated,
                    "the file shrank while it was being read (" + std::to_string(m_sourcePos) + " of "
                        + std::to_string(m_size) + " bytes); wait until it is fully written and attach it again");
    m_end += n;
    m_sourcePos += n;
    return {};
}

Result<ByteView> Input::peek(std::size_t n)
{
    n = std::min<std::size_t>(n, kMaxPeek);
    while (m_end - m_begin < n && m_sourcePos < m_size)
        POSTERN_TRY(refill());
    return ByteView(m_buf.data() + m_begin, std::min(n, m_end - m_begin));
}

Result<ByteView> Input::buffered()
{
    if (m_begin == m_end && m_sourcePos < m_size)
        POSTERN_TRY(refill());
    return ByteView(m_buf.data() + m_begin, m_end - m_begin);
}

void Input::consume(std::size_t n) noexcept
{
    m_begin += n;
    m_pos += n;
}

Status Input::readExact(std::span<std::uint8_t> out, std::string_view what)
{
    std::size_t done = 0;
    return stream(out.size(), what, [&](ByteView v) {
        std::memcpy(out.data() + done, v.data(), v.size());
        done += v.size();
        return Status{};
    });
}

Result<std::uint8_t> Input::byte(std::string_view what)
{
    POSTERN_ASSIGN(view, buffered());
    if (view.empty())
        return truncated(what);
    const std::uint8_t b = view[0];
    consume(1);
    return b;
}

Error Input::truncated(std::string_view what) const
{
    return fail(Errc::Truncated,
                std::string(what) + " runs past the end of the file (" + std::to_string(m_size)
                    + " bytes): the file is cut off or damaged; copy it again from the original");
}

void addRemoved(SanitizeReport& report, std::string what, std::uint64_t bytes)
{
    // A file can name thousands of distinct PNG text keywords; the report stays readable (and
    // within reportFromJson's limit) by folding everything past kMaxReportItems into one line.
    if (report.removed.size() >= kMaxReportItems
        && std::none_of(report.removed.begin(), report.removed.end(), [&](const RemovedItem& i) {
               return i.what == what;
           }))
        what = "Other metadata";
    for (auto& item : report.removed) {
        if (item.what == what) {
            item.bytes += bytes;
            return;
        }
    }
    report.removed.push_back({std::move(what), bytes});
}

} // namespace postern::media::detail
