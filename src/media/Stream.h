// SPDX-License-Identifier: GPL-3.0-or-later
// Private to postern_media: the bounded-memory source/sink pair every format walker uses, so
// sanitizeMedia (files) and sanitizeBytes (memory) run exactly the same parsing code.
#pragma once

#include "postern/media/Sanitize.h"
#include "postern/util/FileIO.h"

#include <algorithm>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace postern::media::detail {

/** Source yields the input's bytes in order; size() is fixed when it is opened. */
class Source
{
public:
    virtual ~Source() = default;
    [[nodiscard]] virtual Result<std::size_t> read(std::span<std::uint8_t> buf) = 0;
    [[nodiscard]] virtual std::uint64_t size() const noexcept = 0;
};

class MemorySource final : public Source
{
public:
    explicit MemorySource(ByteView data) : m_data(data) {}
    Result<std::size_t> read(std::span<std::uint8_t> buf) override;
    [[nodiscard]] std::uint64_t size() const noexcept override { return m_data.size(); }

private:
    ByteView m_data;
    std::size_t m_pos = 0;
};

class FileSource final : public Source
{
public:
    [[nodiscard]] Status open(const std::filesystem::path& path) { return m_reader.open(path); }
    Result<std::size_t> read(std::span<std::uint8_t> buf) override { return m_reader.read(buf); }
    [[nodiscard]] std::uint64_t size() const noexcept override { return m_reader.size(); }

private:
    FileReader m_reader;
};

/** Sink receives the sanitized bytes and counts them. */
class Sink
{
public:
    virtual ~Sink() = default;
    [[nodiscard]] Status write(ByteView data)
    {
        m_written += data.size();
        return put(data);
    }
    [[nodiscard]] Status writeZeros(std::uint64_t count);
    [[nodiscard]] std::uint64_t written() const noexcept { return m_written; }

protected:
    [[nodiscard]] virtual Status put(ByteView data) = 0;

private:
    std::uint64_t m_written = 0;
};

class MemorySink final : public Sink
{
public:
    explicit MemorySink(Bytes& out) : m_out(out) {}

protected:
    Status put(ByteView data) override;

private:
    Bytes& m_out;
};

/** FileSink owns a new 0600 file; unless commit() succeeds the destructor removes it. */
class FileSink final : public Sink
{
public:
    FileSink() = default;
    ~FileSink() override;
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    [[nodiscard]] Status create(const std::filesystem::path& path);
    [[nodiscard]] Status commit();

protected:
    Status put(ByteView data) override;

private:
    [[nodiscard]] Status flush();

    std::filesystem::path m_path;
    int m_fd = -1;
    bool m_committed = false;
    std::vector<std::uint8_t> m_buffer;
};

/**
 * Input reads a Source through one fixed buffer and knows its position, so each walker can
 * say at which byte a file is broken. It never reads past size(), even if the file grows.
 */
class Input
{
public:
    explicit Input(Source& source);

    [[nodiscard]] std::uint64_t position() const noexcept { return m_pos; }
    [[nodiscard]] std::uint64_t size() const noexcept { return m_size; }
    [[nodiscard]] std::uint64_t remaining() const noexcept { return m_size - m_pos; }

    /** peek returns the next `n` bytes (n <= 64) without consuming them, fewer near the end. */
    [[nodiscard]] Result<ByteView> peek(std::size_t n);
    /** buffered returns the unread bytes in the buffer, refilling it if empty; empty at the end. */
    [[nodiscard]] Result<ByteView> buffered();
    void consume(std::size_t n) noexcept;

    /** readExact fills `out` or fails with truncated, naming `what`. */
    [[nodiscard]] Status readExact(std::span<std::uint8_t> out, std::string_view what);
    [[nodiscard]] Result<std::uint8_t> byte(std::string_view what);

    /** stream hands the next `count` bytes to fn(ByteView) -> Status, one buffer at a time. */
    template <typename F>
    [[nodiscard]] Status stream(std::uint64_t count, std::string_view what, F&& fn)
    {
        if (count > remaining())
            return truncated(what);
        while (count > 0) {
            POSTERN_ASSIGN(view, buffered());
            if (view.empty())
                return truncated(what);
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(view.size(), count));
            POSTERN_TRY(fn(view.first(n)));
            consume(n);
            count -= n;
        }
        return {};
    }
    [[nodiscard]] Status copy(std::uint64_t count, Sink& out, std::string_view what)
    {
        return stream(count, what, [&](ByteView v) { return out.write(v); });
    }
    [[nodiscard]] Status skip(std::uint64_t count, std::string_view what)
    {
        return stream(count, what, [](ByteView) { return Status{}; });
    }

    /** truncated is the error for a structure that runs past the end of the file. */
    [[nodiscard]] Error truncated(std::string_view what) const;

private:
    [[nodiscard]] Status refill();

    Source& m_source;
    std::uint64_t m_size = 0;
    std::uint64_t m_pos = 0;       ///< bytes consumed by the caller
    std::uint64_t m_sourcePos = 0; ///< bytes taken from the source
    std::vector<std::uint8_t> m_buf;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
};

/** addRemoved records `bytes` under `what`, merging with an earlier item of the same name. */
void addRemoved(SanitizeReport& report, std::string what, std::uint64_t bytes);

/** be16/be32/be64 read big-endian integers from the start of `p` (the caller checked the length). */
[[nodiscard]] inline std::uint32_t be16(const std::uint8_t* p) noexcept
{
    return (std::uint32_t{p[0]} << 8) | p[1];
}
[[nodiscard]] inline std::uint32_t be32(const std::uint8_t* p) noexcept
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
[[nodiscard]] inline std::uint64_t be64(const std::uint8_t* p) noexcept
{
    return (std::uint64_t{be32(p)} << 32) | be32(p + 4);
}

// The format walkers: each reads `in` from its first byte and writes the sanitized file.
[[nodiscard]] Status sanitizeJpeg(Input& in, Sink& out, SanitizeReport& report);
[[nodiscard]] Status sanitizePng(Input& in, Sink& out, SanitizeReport& report);
[[nodiscard]] Status sanitizeMp4(Input& in, Sink& out, SanitizeReport& report);

} // namespace postern::media::detail
