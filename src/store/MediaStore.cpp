// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/MediaStore.h"

#include "postern/crypto/Crypto.h"
#include "postern/util/FileIO.h"

#include "StoreConnection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace postern::store {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kBufferBytes = 1u << 20;
constexpr std::size_t kMaxMimeBytes = 255;
constexpr std::size_t kMaxNameBytes = 1024;

Error ioError(const std::string& what, const fs::path& path)
{
    return fail(Errc::Io, what + " " + path.string() + ": " + std::strerror(errno));
}

Error tooLarge(std::uint64_t size)
{
    return fail(Errc::TooLarge,
                "the file is " + std::to_string(size) + " bytes; media files are limited to "
                    + std::to_string(kMaxMediaFileBytes) + " bytes (4 GiB)");
}

Status checkMetadata(std::string_view mime, std::string_view originalName)
{
    if (mime.empty())
        return fail(Errc::InvalidArgument, "media needs a MIME type");
    POSTERN_TRY(checkText(mime, "media MIME type", kMaxMimeBytes));
    return checkText(originalName, "media file name", kMaxNameBytes);
}

} // namespace

/**
 * Sink is the temporary file an import writes through: it hashes and counts every byte it
 * writes, enforces the size cap, and removes the temporary file unless it was renamed away.
 */
class MediaStore::Sink
{
public:
    Sink() = default;
    ~Sink()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_tempPath.empty())
            ::unlink(m_tempPath.c_str());
    }
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    Status open(const fs::path& root)
    {
        // A random name, created exclusively, so two imports (or two processes) never share a
        // temporary file, and a leftover from a crash is never reused.
        std::array<std::uint8_t, 16> nonce{};
        crypto::randomBytes(nonce);
        m_tempPath = root / (".import-" + toHex(nonce) + ".tmp");
        m_fd = ::open(m_tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (m_fd < 0) {
            const Error e = ioError("cannot create", m_tempPath);
            m_tempPath.clear();
            return e;
        }
        if (::fchmod(m_fd, 0600) != 0)
            return ioError("cannot set permissions on", m_tempPath);
        return {};
    }

    Status write(ByteView data)
    {
        if (data.size() > kMaxMediaFileBytes - m_size)
            return tooLarge(m_size + data.size());
        m_hash.update(data);
        const std::uint8_t* p = data.data();
        std::size_t left = data.size();
        while (left > 0) {
            const ssize_t n = ::write(m_fd, p, left);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return ioError("cannot write", m_tempPath);
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        m_size += data.size();
        return {};
    }

    /** finish makes the bytes durable and returns their hash. */
    Result<crypto::Digest> finish()
    {
        if (::fsync(m_fd) != 0)
            return ioError("cannot fsync", m_tempPath);
        const int rc = ::close(m_fd);
        m_fd = -1;
        if (rc != 0)
            return ioError("cannot close", m_tempPath);
        return m_hash.finish();
    }

    /** moveTo renames the temporary file into place; afterwards the destructor leaves it alone. */
    Status moveTo(const fs::path& target)
    {
        if (::rename(m_tempPath.c_str(), target.c_str()) != 0)
            return ioError("cannot move media into place at", target);
        m_tempPath.clear();
        return {};
    }

    [[nodiscard]] std::uint64_t size() const noexcept { return m_size; }

private:
    fs::path m_tempPath;
    int m_fd = -1;
    std::uint64_t m_size = 0;
    crypto::Blake2b256 m_hash;
};

MediaStore::MediaStore(StoreConnection& connection, fs::path root) : m_connection(connection), m_root(std::move(root))
{
}

Result<fs::path> MediaStore::pathFor(std::string_view hash) const
{
    // The hash becomes a path, so only the exact canonical form is accepted: nothing else can
    // smuggle a "/" or ".." in.
    if (!isLowerHex(hash, 2 * crypto::kDigestBytes))
        return fail(Errc::InvalidArgument, "a media hash is 64 lowercase hex digits");
    return m_root / std::string(hash.substr(0, 2)) / std::string(hash);
}

Result<ImportedMedia> MediaStore::importFile(const fs::path& source,
                                             std::string_view mime,
                                             std::string_view originalName,
                                             std::int64_t at,
                                             const media::SanitizeReport* sanitized)
{
    POSTERN_TRY(checkMetadata(mime, originalName));
    FileReader reader;
    POSTERN_TRY(reader.open(source));
    if (reader.size() > kMaxMediaFileBytes)
        return tooLarge(reader.size());

    Sink sink;
    POSTERN_TRY(sink.open(m_root));
    std::vector<std::uint8_t> buffer(kBufferBytes);
    while (true) {
        POSTERN_ASSIGN(n, reader.read(buffer));
        if (n == 0)
            break;
        POSTERN_TRY(sink.write(ByteView(buffer.data(), n)));
    }
    return finishImport(sink, mime, originalName, at, sanitized);
}

Result<ImportedMedia>
MediaStore::importBytes(ByteView data, std::string_view mime, std::string_view originalName, std::int64_t at)
{
    POSTERN_TRY(checkMetadata(mime, originalName));
    Sink sink;
    POSTERN_TRY(sink.open(m_root));
    POSTERN_TRY(sink.write(data));
    return finishImport(sink, mime, originalName, at);
}

Result<ImportedMedia> MediaStore::finishImport(Sink& sink,
                                               std::string_view mime,
                                               std::string_view originalName,
                                               std::int64_t at,
                                               const media::SanitizeReport* sanitized)
{
    POSTERN_ASSIGN(digest, sink.finish());
    ImportedMedia out;
    out.hash = toHex(digest);
    out.size = sink.size();
    POSTERN_ASSIGN(target, pathFor(out.hash));

    const fs::path dir = target.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        POSTERN_TRY(ensurePrivateDirectory(dir));
        POSTERN_TRY(fsyncDirectory(m_root));
    }
    struct stat st
    {
    };
    if (::lstat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)
        && static_cast<std::uint64_t>(st.st_size) == out.size) {
        // Content-addressed: the same name means the same bytes, so keep the existing copy and
        // let the Sink delete ours. A copy of the wrong size is damaged and gets replaced below.
    } else {
        POSTERN_TRY(sink.moveTo(target));
        POSTERN_TRY(fsyncDirectory(dir));
    }

    // The file is durable before its row exists: a crash in between leaves an unreferenced
    // file that the next import of the same bytes adopts, never a row without a file.
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    {
        POSTERN_ASSIGN(seen, m_connection.db().prepare("SELECT 1 FROM media WHERE hash = ?1"));
        seen.bind(1, out.hash);
        POSTERN_ASSIGN(row, seen.step());
        out.alreadyPresent = row;
    }
    {
        // The first import's name and type are kept; a sanitizer report fills in a row that
        // has none (the same bytes stored earlier without one) and never replaces one.
        POSTERN_ASSIGN(
            ins,
            m_connection.db().prepare(
                "INSERT INTO media(hash, size, mime, original_name, created_at, stripped) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(hash) DO UPDATE SET stripped = excluded.stripped "
                "WHERE media.stripped IS NULL AND excluded.stripped IS NOT NULL"));
        ins.bind(1, out.hash).bind(2, static_cast<std::int64_t>(out.size)).bind(3, mime).bind(4, originalName);
        ins.bind(5, at);
        if (sanitized)
            ins.bind(6, media::reportToJson(*sanitized).serialize());
        else
            ins.bindNull(6);
        POSTERN_TRY(ins.run());
    }
    POSTERN_TRY(tx.commit());
    return out;
}

Result<MediaRecord> MediaStore::get(std::string_view hash)
{
    if (!isLowerHex(hash, 2 * crypto::kDigestBytes))
        return fail(Errc::InvalidArgument, "a media hash is 64 lowercase hex digits");
    POSTERN_ASSIGN(st,
                   m_connection.db().prepare(
                       "SELECT hash, size, mime, original_name, created_at, stripped FROM media WHERE hash = ?1"));
    st.bind(1, hash);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, "media " + std::string(hash) + " is not in the store; import it again");
    MediaRecord r;
    r.hash = st.columnText(0);
    r.size = static_cast<std::uint64_t>(st.columnInt(1));
    r.mime = st.columnText(2);
    r.originalName = st.columnText(3);
    r.createdAt = st.columnInt(4);
    if (!st.columnIsNull(5)) {
        auto report = media::reportFromJson(st.columnText(5));
        if (!report)
            return fail(Errc::Internal,
                        "the stored sanitizer report of media " + std::string(hash) + " is unreadable ("
                            + report.error().what() + "); the database was changed outside Postern");
        r.sanitized = std::move(report).value();
    }
    return r;
}

Result<bool> MediaStore::exists(std::string_view hash)
{
    auto record = get(hash);
    if (record.code() == Errc::NotFound)
        return false;
    if (!record)
        return std::move(record).error();
    POSTERN_ASSIGN(path, pathFor(hash));
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

Status MediaStore::verify(std::string_view hash)
{
    POSTERN_ASSIGN(record, get(hash));
    POSTERN_ASSIGN(path, pathFor(hash));
    POSTERN_ASSIGN(expected, fromHex(hash, crypto::kDigestBytes));
    FileReader reader;
    if (auto s = reader.open(path); !s) {
        if (s.code() == Errc::NotFound)
            return fail(Errc::NotFound,
                        "the file for media " + std::string(hash) + " is missing from the store; import it again");
        return s;
    }
    crypto::Blake2b256 h;
    std::vector<std::uint8_t> buffer(kBufferBytes);
    std::uint64_t total = 0;
    while (true) {
        POSTERN_ASSIGN(n, reader.read(buffer));
        if (n == 0)
            break;
        total += n;
        if (total > kMaxMediaFileBytes)
            break; // no genuine file is this big; the comparison below fails
        h.update(ByteView(buffer.data(), n));
    }
    const crypto::Digest actual = h.finish();
    if (total != record.size || !crypto::equalConstantTime(actual, expected))
        return fail(Errc::MediaHashMismatch,
                    "media " + std::string(hash)
                        + " no longer matches its hash: the stored file was changed or "
                          "damaged; import the original again");
    return {};
}

} // namespace postern::store
