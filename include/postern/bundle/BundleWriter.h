// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/bundle/Manifest.h"
#include "postern/crypto/Keys.h"
#include "postern/crypto/OneTimeAuth.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

namespace postern::bundle {

/** SealRequest is everything needed to write one bundle. */
struct SealRequest
{
    const crypto::SigningKey* workstation = nullptr;
    crypto::PublicKey recipient{}; ///< uploader X25519 key
    std::uint64_t sequence = 0;    ///< reserved in the store before sealing; never reused
    std::int64_t created = 0;
    std::int64_t expires = 0;
    const Manifest* manifest = nullptr;
    /** mediaPath returns where the store keeps the file with this hash. */
    std::function<Result<std::filesystem::path>(const crypto::Digest&)> mediaPath;
    /** rawManifest, when set, is sealed instead of manifest->serialize() (the media table
     *  still comes from `manifest`). Conformance tests use it to build hostile bundles that a
     *  correct workstation never writes; production code leaves it empty. */
    std::optional<std::string> rawManifest;
};

/** SealPhase names what an export is doing; progress restarts at 0 in each phase. */
enum class SealPhase {
    Sealing,     ///< encrypting and writing the bundle (sealBundle)
    ReadingBack, ///< reading the written file back from the media (the workstation's export)
};

/** SealProgress reports bytes written and lets the caller cancel between chunks. */
struct SealProgress
{
    std::function<void(std::uint64_t done, std::uint64_t total)> onProgress;
    const std::atomic<bool>* cancel = nullptr;
    /** onPhase, if set, is called when a phase starts, before its first onProgress. */
    std::function<void(SealPhase)> onPhase;
};

/** SealedBundle describes a written bundle. */
struct SealedBundle
{
    BundleHeader header;
    std::uint64_t fileBytes = 0;
    std::string fingerprint; ///< crypto::fingerprint of the 296 header bytes: read it aloud
    /** fileCheckTag is a Poly1305 tag (crypto::OneTimeAuth) of every byte handed to the file,
     *  taken from memory as it was written under fileCheckKey, a fresh random key that never
     *  leaves memory (sealBundle only). A read-back recomputes it over the bytes read, under
     *  the same key, to prove the media holds exactly those bytes. Keep both secret. */
    std::shared_ptr<const crypto::SecureBuffer> fileCheckKey;
    crypto::AuthTag fileCheckTag{};
};

/**
 * sealBundle writes a bundle to `out` atomically (temporary file, fsync, rename): nothing
 * appears at `out` unless every byte was written. Memory use is bounded (two rings of four
 * 1 MiB buffers: read, encrypted) whatever the media sizes; reading, encryption and writing
 * run on three threads. `request.mediaPath` is called on the caller's thread. Errors: cancelled (no file left), io, and
 * media-hash-mismatch if a stored media file's size changed since it was attached.
 */
[[nodiscard]] Result<SealedBundle>
sealBundle(const SealRequest& request, const std::filesystem::path& out, const SealProgress& progress = {});

/** sealBundleToMemory is the same construction into a byte vector (tests and fuzzing).
 *  `mediaBytes` is called on the sealing's reader thread, one call at a time. */
[[nodiscard]] Result<Bytes> sealBundleToMemory(const SealRequest& request,
                                               const std::function<Result<Bytes>(const crypto::Digest&)>& mediaBytes);

} // namespace postern::bundle
