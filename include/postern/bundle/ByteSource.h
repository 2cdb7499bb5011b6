// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/FileIO.h"

#include <algorithm>
#include <filesystem>

namespace postern::bundle {

/** ByteSource is a sequential reader, so bundles can be verified from a file or from memory
 *  (tests, fuzzing) through the same code path. */
class ByteSource
{
public:
    virtual ~ByteSource() = default;
    /** read fills up to buf.size() bytes; 0 means end of input. */
    [[nodiscard]] virtual Result<std::size_t> read(std::span<std::uint8_t> buf) = 0;
    /** size is the total input size if known in advance. */
    [[nodiscard]] virtual std::uint64_t size() const = 0;
};

/** FileSource reads a regular file. */
class FileSource final : public ByteSource
{
public:
    [[nodiscard]] Status open(const std::filesystem::path& path) { return m_reader.open(path); }
    [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> buf) override { return m_reader.read(buf); }
    [[nodiscard]] std::uint64_t size() const override { return m_reader.size(); }

private:
    FileReader m_reader;
};

/** MemorySource reads a byte view it does not own. */
class MemorySource final : public ByteSource
{
public:
    explicit MemorySource(ByteView data) : m_data(data) {}
    [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> buf) override
    {
        const std::size_t n = std::min(buf.size(), m_data.size() - m_pos);
        std::copy_n(m_data.begin() + static_cast<std::ptrdiff_t>(m_pos), n, buf.begin());
        m_pos += n;
        return n;
    }
    [[nodiscard]] std::uint64_t size() const override { return m_data.size(); }

private:
    ByteView m_data;
    std::size_t m_pos = 0;
};

} // namespace postern::bundle
