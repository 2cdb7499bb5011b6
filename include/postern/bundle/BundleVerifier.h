// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/bundle/ByteSource.h"
#include "postern/bundle/Manifest.h"
#include "postern/crypto/Keys.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>

namespace postern::bundle {

/** TrustedWorkstation is what the uploader knows about one workstation. */
struct TrustedWorkstation
{
    domain::SignedPolicy policy;                                         ///< newest accepted policy
    std::optional<std::uint64_t> highWater;                              ///< highest sequence processed so far
    std::function<std::optional<std::string>(std::int64_t)> knownPolicy; ///< stored text per version
};

/** VerifyEnvironment connects the verifier to the uploader's keys and ledger. */
struct VerifyEnvironment
{
    const crypto::BoxKey* uploaderKey = nullptr;
    std::function<const TrustedWorkstation*(const crypto::PublicKey&)> findWorkstation;
    std::function<Result<bool>(const BundleId&)> seen;
};

/** VerifyOptions are the uploader's limits; `now` is captured once per bundle. */
struct VerifyOptions
{
    std::uint64_t maxBundleBytes = 64ull << 30;
    std::int64_t now = 0;
    std::int64_t maxClockSkew = 300;
    std::uint64_t maxSequenceJump = 100000;
    std::uint64_t replayWindow = 100000;
    std::function<void(std::uint64_t done, std::uint64_t total)> onProgress;
    const std::atomic<bool>* cancel = nullptr;
};

/** MediaSpool receives verified media bytes; nothing in it may be used unless verification
 *  succeeds, and discard() removes everything on failure. */
class MediaSpool
{
public:
    virtual ~MediaSpool() = default;
    [[nodiscard]] virtual Status begin(std::size_t index, const MediaEntry& entry) = 0;
    [[nodiscard]] virtual Status write(ByteView bytes) = 0;
    [[nodiscard]] virtual Status finish() = 0;
    virtual void discard() noexcept = 0;
};

/** DirectorySpool writes media i to `dir/media-<i>` (names chosen here, never from the bundle). */
class DirectorySpool final : public MediaSpool
{
public:
    explicit DirectorySpool(std::filesystem::path dir) : m_dir(std::move(dir)) {}
    ~DirectorySpool() override;
    [[nodiscard]] Status begin(std::size_t index, const MediaEntry& entry) override;
    [[nodiscard]] Status write(ByteView bytes) override;
    [[nodiscard]] Status finish() override;
    void discard() noexcept override;
    /** keep marks the spool as accepted so the destructor leaves the files. */
    void keep() noexcept { m_keep = true; }
    [[nodiscard]] std::filesystem::path pathFor(std::size_t index) const;

private:
    std::filesystem::path m_dir;
    std::unique_ptr<AtomicFileWriter> m_writer;
    std::vector<std::filesystem::path> m_written;
    bool m_keep = false;
};

/** VerifiedBundle is a bundle that passed every check. */
struct VerifiedBundle
{
    BundleHeader header;
    Manifest manifest;
    domain::SignedPolicy policy; ///< the policy the approvals were checked against
    bool policyAdvanced = false; ///< the bundle carried a newer policy, now to be stored
};

/** readBundleHeader decodes and size-checks the header only (for `status` and tools). */
[[nodiscard]] Result<BundleHeader> readBundleHeader(ByteSource& source, std::uint64_t maxBundleBytes);

/**
 * verifyBundle runs every check of the brief's capability 7, fail-closed, in this order:
 * size cap (too-large), magic and version (bad-magic, unsupported-version), outer signature
 * by a trusted workstation (unknown-workstation, bad-header-signature), recipient
 * (wrong-recipient), derived id (bad-bundle-id), one captured now (future-dated, expired,
 * lifetime-exceeds-policy), replay and sequence window (replay, sequence-rollback,
 * sequence-jump), decryption with FINAL-then-EOF (bad-key-seal, chunk-auth-failed,
 * truncated, trailing-data), manifest signature and strict parse (bad-manifest-signature,
 * non-canonical, duplicate-field, unknown-field, ...), media hashes (media-hash-mismatch),
 * policy chain (policy-rollback, policy-version-skipped, policy-fork, threshold-not-met),
 * and per post approvals (see domain::checkApprovals). It consumes nothing: recording the
 * bundle id is the caller's job, after success. `spool` may be null to discard media.
 */
[[nodiscard]] Result<VerifiedBundle>
verifyBundle(ByteSource& source, const VerifyEnvironment& env, const VerifyOptions& options, MediaSpool* spool);

} // namespace postern::bundle
