// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleVerifier.h"
#include "postern/crypto/Keys.h"
#include "postern/crypto/SecureBuffer.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace postern::uploader {

/**
 * Encryption at rest of what waits on the uploader host (docs/uploader.md, "Encryption at
 * rest"): the ledger's copy of each manifest and the spooled media. A scheduled post can wait
 * a week; in that time neither its text nor its media sit in plaintext on the disk.
 *
 * The at-rest key is derived from the receipt-signing key (keys/sign.key, sealed under the
 * passphrase): crypto_kdf_derive_from_key(subkey 1, context "pstrest1", the key's seed). So
 * a copy of the home taken while the uploader is stopped (a backup, a stolen disk) reveals
 * nothing without the passphrase, and there is no extra key file to lose.
 */
[[nodiscard]] Result<crypto::SecureBuffer> deriveAtRestKey(const crypto::SigningKey& signKey);

/** sealManifest: nonce || XChaCha20-Poly1305(manifest), the bundle id as associated data. */
[[nodiscard]] Result<Bytes>
sealManifest(const crypto::SecureBuffer& key, const bundle::BundleId& id, std::string_view manifest);
/** openManifest reverses sealManifest; a damaged or swapped row is bad-key-file. */
[[nodiscard]] Result<std::string>
openManifest(const crypto::SecureBuffer& key, const bundle::BundleId& id, ByteView sealed);

/**
 * SealedSpool receives verified media straight from the verifier and writes each one as a
 * crypto_secretstream (XChaCha20-Poly1305) file `dir/media-<i>`: a 24-byte stream header, then
 * 64 KiB messages each with its 17-byte tag, the last one tagged FINAL. The associated data
 * of every message is the media's BLAKE2b-256 hash from the manifest, so a spool file moved to
 * another media slot does not open. Plaintext never reaches the disk.
 */
class SealedSpool final : public bundle::MediaSpool
{
public:
    SealedSpool(std::filesystem::path dir, const crypto::SecureBuffer& key);
    ~SealedSpool() override;
    SealedSpool(const SealedSpool&) = delete;
    SealedSpool& operator=(const SealedSpool&) = delete;

    [[nodiscard]] Status begin(std::size_t index, const bundle::MediaEntry& entry) override;
    [[nodiscard]] Status write(ByteView bytes) override;
    [[nodiscard]] Status finish() override;
    void discard() noexcept override;
    /** keep marks the spool as accepted so the destructor leaves the files. */
    void keep() noexcept { m_keep = true; }
    [[nodiscard]] static std::filesystem::path pathFor(const std::filesystem::path& dir, std::size_t index);

private:
    struct Writer;
    [[nodiscard]] Status push(bool final);

    std::filesystem::path m_dir;
    const crypto::SecureBuffer& m_key;
    std::unique_ptr<Writer> m_writer;
    std::vector<std::filesystem::path> m_written;
    bool m_keep = false;
};

/**
 * openSealedMedia decrypts a SealedSpool file to `plainPath` (created 0600; it must not
 * exist), checking every tag, the FINAL tag at the end, the size and the BLAKE2b-256 hash the
 * manifest names. On any failure the partial plaintext is wiped.
 */
[[nodiscard]] Status openSealedMedia(const crypto::SecureBuffer& key,
                                     const std::filesystem::path& sealedPath,
                                     const bundle::MediaEntry& entry,
                                     const std::filesystem::path& plainPath);

/**
 * PlainMediaDir is a private (0700) directory `spool/.open-<random>/` holding the decrypted
 * media of one target for the duration of one adapter call. The destructor overwrites every
 * file with zeros and removes the directory; a crash leaves it for
 * PublishService::cleanSpool, which wipes `.open-*` folders the same way.
 */
class PlainMediaDir
{
public:
    PlainMediaDir() = default;
    ~PlainMediaDir();
    PlainMediaDir(const PlainMediaDir&) = delete;
    PlainMediaDir& operator=(const PlainMediaDir&) = delete;

    /** create makes the directory under `spoolRoot`. */
    [[nodiscard]] Status create(const std::filesystem::path& spoolRoot);
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    /** wipe overwrites and removes everything now (the destructor does it too). */
    void wipe() noexcept;

    static constexpr std::string_view kPrefix = ".open-";
    /** wipeDirectory overwrites every regular file in `dir` with zeros, then removes `dir`. */
    static void wipeDirectory(const std::filesystem::path& dir) noexcept;

private:
    std::filesystem::path m_path;
};

} // namespace postern::uploader
