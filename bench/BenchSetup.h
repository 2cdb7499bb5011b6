// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleVerifier.h"
#include "postern/bundle/BundleWriter.h"

#include <filesystem>
#include <map>

namespace postern::bench {

/** BenchSetup is a minimal valid trust setup (workstation, admin, author, two approvers,
 *  uploader) and generated media files, so sealing and opening run the real code paths. */
class BenchSetup
{
public:
    explicit BenchSetup(std::filesystem::path dir);

    /** addMedia writes `bytes` of random data to a file and returns its reference (hashed once,
     *  as the store does at attach time). */
    domain::MediaRef addMedia(std::uint64_t bytes, std::string_view mime);
    /** removeMedia deletes every media file added so far (the next workload gets its own). */
    void removeMedia();
    /** manifest builds approved posts: one per element of `media`, each with those files. */
    [[nodiscard]] bundle::Manifest manifest(const std::vector<std::vector<domain::MediaRef>>& media);
    [[nodiscard]] bundle::SealRequest request(const bundle::Manifest& m, std::uint64_t sequence);
    [[nodiscard]] Result<bundle::VerifiedBundle> open(const std::filesystem::path& bundle);
    [[nodiscard]] std::uint64_t mediaBytes() const { return m_mediaBytes; }
    /** The keys the export's read-back checks the header against. */
    [[nodiscard]] const crypto::PublicKey& workstationKey() const { return m_workstation.publicKey(); }
    [[nodiscard]] const crypto::PublicKey& uploaderKey() const { return m_uploader.publicKey(); }

private:
    std::filesystem::path m_dir;
    crypto::SigningKey m_workstation = crypto::SigningKey::generate();
    crypto::SigningKey m_admin = crypto::SigningKey::generate();
    crypto::SigningKey m_author = crypto::SigningKey::generate();
    crypto::SigningKey m_approver1 = crypto::SigningKey::generate();
    crypto::SigningKey m_approver2 = crypto::SigningKey::generate();
    crypto::BoxKey m_uploader = crypto::BoxKey::generate();
    domain::SignedPolicy m_policy;
    bundle::TrustedWorkstation m_trusted;
    std::map<crypto::Digest, std::filesystem::path> m_files;
    std::uint64_t m_mediaBytes = 0;
    int m_counter = 0;
};

} // namespace postern::bench
