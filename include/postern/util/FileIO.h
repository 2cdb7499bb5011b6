// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Bytes.h"
#include "postern/util/Result.h"

#include <cstdio>
#include <filesystem>
#include <string>

namespace postern {

/** readFileCapped reads a whole regular file, refusing (too-large) anything over maxBytes. */
[[nodiscard]] Result<std::string> readFileCapped(const std::filesystem::path& path, std::size_t maxBytes);

/**
 * writeFileAtomic writes `data` to a temporary file beside `path`, fsyncs it, renames it over
 * `path` and fsyncs the directory, so a crash leaves either the old file or the new one.
 * `mode` is applied at creation (0600 for anything secret).
 */
[[nodiscard]] Status writeFileAtomic(const std::filesystem::path& path, std::string_view data, unsigned mode = 0644);

/**
 * AtomicFileWriter streams a large file the same way: nothing appears at `path` until
 * commit(); destroying an uncommitted writer removes the temporary file.
 */
class AtomicFileWriter
{
public:
    AtomicFileWriter() = default;
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    [[nodiscard]] Status open(const std::filesystem::path& path, unsigned mode = 0644);
    [[nodiscard]] Status write(ByteView data);
    [[nodiscard]] Status commit();
    void abandon() noexcept;
    [[nodiscard]] std::uint64_t bytesWritten() const noexcept { return m_written; }

private:
    std::filesystem::path m_path;
    std::filesystem::path m_tempPath;
    int m_fd = -1;
    std::uint64_t m_written = 0;
};

/** fsyncDirectory makes a rename or unlink inside `dir` durable. */
[[nodiscard]] Status fsyncDirectory(const std::filesystem::path& dir);

/**
 * overwriteAndRemove overwrites a file's bytes with zeros, fsyncs and unlinks it. On flash
 * media this is best effort (wear levelling keeps old blocks); docs/threat-model.md says so.
 */
[[nodiscard]] Status overwriteAndRemove(const std::filesystem::path& path);

/** ensurePrivateDirectory creates `dir` (and parents) with mode 0700 if it does not exist. */
[[nodiscard]] Status ensurePrivateDirectory(const std::filesystem::path& dir);

/** FileReader reads a file sequentially with a bounded buffer; used for bundles and media. */
class FileReader
{
public:
    FileReader() = default;
    ~FileReader();
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    [[nodiscard]] Status open(const std::filesystem::path& path);
    /** read fills up to buf.size() bytes; returns the count, 0 at end of file. */
    [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> buf);
    /** readExact fills buf completely or fails with truncated. */
    [[nodiscard]] Status readExact(std::span<std::uint8_t> buf);
    [[nodiscard]] std::uint64_t size() const noexcept { return m_size; }

private:
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

} // namespace postern
