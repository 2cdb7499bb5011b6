// SPDX-License-Identifier: GPL-3.0-or-later
// Encryption at rest of waiting posts: the ledger's manifest copy and the spooled media.
#include "postern/uploader/publish/SpoolCrypto.h"

#include "postern/crypto/Crypto.h"
#include "postern/crypto/SecretStream.h"
#include "postern/util/FileIO.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace postern::uploader {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMessageBytes = 64u << 10;
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "pstrest1";
constexpr std::string_view kManifestAd = "postern-ledger-manifest-v1:";

std::uint64_t messagesFor(std::uint64_t size)
{
    return size == 0 ? 1 : (size + kMessageBytes - 1) / kMessageBytes;
}

Status writeAll(int fd, const std::uint8_t* data, std::size_t size, const fs::path& path)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(Errc::Io, "cannot write " + path.string() + ": " + std::strerror(errno));
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return {};
}

} // namespace

Result<crypto::SecureBuffer> deriveAtRestKey(const crypto::SigningKey& signKey)
{
    const crypto::SecureBuffer& seed = signKey.seed();
    if (seed.size() != crypto_kdf_KEYBYTES)
        return fail(Errc::Internal, "the signing key seed has an unexpected size");
    crypto::SecureBuffer key(crypto::kStreamKeyBytes);
    if (crypto_kdf_derive_from_key(key.data(), key.size(), 1, kKdfContext, seed.data()) != 0)
        return fail(Errc::Internal, "cannot derive the at-rest key");
    return key;
}

Result<Bytes> sealManifest(const crypto::SecureBuffer& key, const bundle::BundleId& id, std::string_view manifest)
{
    const std::string ad = std::string(kManifestAd) + toHex(id);
    Bytes out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + manifest.size()
              + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                   &written,
                                                   reinterpret_cast<const unsigned char*>(manifest.data()),
                                                   manifest.size(),
                                                   reinterpret_cast<const unsigned char*>(ad.data()),
                                                   ad.size(),
                                                   nullptr,
                                                   out.data(),
                                                   key.data())
        != 0)
        return fail(Errc::Internal, "cannot seal the manifest");
    return out;
}

Result<std::string> openManifest(const crypto::SecureBuffer& key, const bundle::BundleId& id, ByteView sealed)
{
    constexpr std::size_t overhead =
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (sealed.size() < overhead)
        return fail(Errc::BadKeyFile, "the sealed manifest of bundle " + toHex(id) + " in the ledger is damaged");
    const std::string ad = std::string(kManifestAd) + toHex(id);
    std::string plain(sealed.size() - overhead, '\0');
    unsigned long long n = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()),
                                                   &n,
                                                   nullptr,
                                                   sealed.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                   sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                   reinterpret_cast<const unsigned char*>(ad.data()),
                                                   ad.size(),
                                                   sealed.data(),
                                                   key.data())
        != 0)
        return fail(Errc::BadKeyFile,
                    "the sealed manifest of bundle " + toHex(id)
                        + " does not open: the ledger was altered or keys/sign.key is not the one it was sealed "
                          "with; restore both from the same backup");
    plain.resize(static_cast<std::size_t>(n));
    return plain;
}

// -- SealedSpool -------------------------------------------------------------------------------

struct SealedSpool::Writer
{
    AtomicFileWriter file;
    crypto::StreamEncryptor encryptor;
    crypto::Digest ad{};
    crypto::SecureBuffer buffer{kMessageBytes};
    std::size_t filled = 0;
    Bytes out = Bytes(kMessageBytes + crypto::kStreamOverhead);
};

SealedSpool::SealedSpool(fs::path dir, const crypto::SecureBuffer& key) : m_dir(std::move(dir)), m_key(key) {}

SealedSpool::~SealedSpool()
{
    if (!m_keep)
        discard();
}

fs::path SealedSpool::pathFor(const fs::path& dir, std::size_t index)
{
    return dir / ("media-" + std::to_string(index));
}

Status SealedSpool::begin(std::size_t index, const bundle::MediaEntry& entry)
{
    m_writer = std::make_unique<Writer>();
    const fs::path path = pathFor(m_dir, index);
    POSTERN_TRY(m_writer->file.open(path, 0600));
    m_written.push_back(path);
    m_writer->ad = entry.hash;
    POSTERN_ASSIGN(header, m_writer->encryptor.init(m_key));
    return m_writer->file.write(header);
}

Status SealedSpool::push(bool final)
{
    Writer& w = *m_writer;
    const std::size_t outSize = w.filled + crypto::kStreamOverhead;
    POSTERN_TRY(w.encryptor.push(ByteView(w.buffer.data(), w.filled),
                                 w.ad,
                                 final,
                                 std::span<std::uint8_t>(w.out.data(), outSize)));
    w.filled = 0;
    return w.file.write(ByteView(w.out.data(), outSize));
}

Status SealedSpool::write(ByteView bytes)
{
    if (!m_writer)
        return fail(Errc::Internal, "spool write without begin");
    Writer& w = *m_writer;
    while (!bytes.empty()) {
        // A full buffer is pushed only when more bytes follow, so the last message (FINAL) is
        // never empty unless the whole file is: the message count is ceil(size / 64 KiB).
        if (w.filled == kMessageBytes)
            POSTERN_TRY(push(false));
        const std::size_t n = std::min(bytes.size(), kMessageBytes - w.filled);
        std::memcpy(w.buffer.data() + w.filled, bytes.data(), n);
        w.filled += n;
        bytes = bytes.subspan(n);
    }
    return {};
}

Status SealedSpool::finish()
{
    if (!m_writer)
        return fail(Errc::Internal, "spool finish without begin");
    POSTERN_TRY(push(true));
    POSTERN_TRY(m_writer->file.commit());
    m_writer.reset();
    return {};
}

void SealedSpool::discard() noexcept
{
    m_writer.reset();
    for (const auto& p : m_written) {
        std::error_code ec;
        fs::remove(p, ec);
    }
    m_written.clear();
}

// -- opening -----------------------------------------------------------------------------------

Status openSealedMedia(const crypto::SecureBuffer& key,
                       const fs::path& sealedPath,
                       const bundle::MediaEntry& entry,
                       const fs::path& plainPath)
{
    FileReader in;
    POSTERN_TRY(in.open(sealedPath));
    const std::uint64_t messages = messagesFor(entry.size);
    const std::uint64_t expected = crypto::kStreamHeaderBytes + entry.size + messages * crypto::kStreamOverhead;
    if (in.size() != expected)
        return fail(Errc::Truncated,
                    "the spooled media file " + sealedPath.string() + " has the wrong size; the spool was damaged");
    std::array<std::uint8_t, crypto::kStreamHeaderBytes> header{};
    POSTERN_TRY(in.readExact(header));
    crypto::StreamDecryptor decryptor;
    POSTERN_TRY(decryptor.init(key, header));

    const int fd = ::open(plainPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(Errc::Io, "cannot create " + plainPath.string() + ": " + std::strerror(errno));
    Status status;
    crypto::Blake2b256 hasher;
    Bytes cipher(kMessageBytes + crypto::kStreamOverhead);
    crypto::SecureBuffer plain(kMessageBytes);
    std::uint64_t left = entry.size;
    for (std::uint64_t i = 0; i < messages && status.ok(); ++i) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kMessageBytes));
        const std::span<std::uint8_t> c(cipher.data(), n + crypto::kStreamOverhead);
        bool final = false;
        status = in.readExact(c);
        if (status.ok())
            status = decryptor.pull(c, entry.hash, std::span<std::uint8_t>(plain.data(), n), final);
        if (status.ok() && final != (i + 1 == messages))
            status = fail(Errc::ChunkAuthFailed, "the spooled media file " + sealedPath.string() + " is damaged");
        if (status.ok()) {
            hasher.update(ByteView(plain.data(), n));
            status = writeAll(fd, plain.data(), n, plainPath);
        }
        left -= n;
    }
    if (status.ok() && !crypto::equalConstantTime(hasher.finish(), ByteView(entry.hash)))
        status = fail(Errc::MediaHashMismatch, "the spooled media file " + sealedPath.string() + " does not match");
    if (::close(fd) != 0 && status.ok())
        status = fail(Errc::Io, "cannot close " + plainPath.string() + ": " + std::strerror(errno));
    if (!status) {
        (void)overwriteAndRemove(plainPath);
        if (status.code() == Errc::ChunkAuthFailed)
            return fail(Errc::ChunkAuthFailed,
                        "the spooled media file " + sealedPath.string()
                            + " does not open: it was altered, or keys/sign.key is not the key it was sealed with");
    }
    return status;
}

// -- PlainMediaDir -----------------------------------------------------------------------------

PlainMediaDir::~PlainMediaDir()
{
    wipe();
}

Status PlainMediaDir::create(const fs::path& spoolRoot)
{
    Bytes raw(8);
    crypto::randomBytes(raw);
    m_path = spoolRoot / (std::string(kPrefix) + toHex(raw));
    if (::mkdir(m_path.c_str(), 0700) != 0) {
        const std::string why = std::strerror(errno);
        m_path.clear();
        return fail(Errc::Io, "cannot create a private folder in " + spoolRoot.string() + ": " + why);
    }
    return {};
}

void PlainMediaDir::wipe() noexcept
{
    if (m_path.empty())
        return;
    wipeDirectory(m_path);
    m_path.clear();
}

void PlainMediaDir::wipeDirectory(const fs::path& dir) noexcept
{
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        struct stat st
        {
        };
        // A file with another link was published by hard link (the outbox does that): its
        // bytes now are the published post, so it is only unlinked here, never overwritten.
        if (::lstat(entry.path().c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1)
            (void)overwriteAndRemove(entry.path());
    }
    fs::remove_all(dir, ec);
}

} // namespace postern::uploader
