// SPDX-License-Identifier: GPL-3.0-or-later
#include "BenchSetup.h"

#include <fstream>

namespace postern::bench {

using namespace postern::domain;

BenchSetup::BenchSetup(std::filesystem::path dir) : m_dir(std::move(dir))
{
    Policy p;
    p.workstation = m_workstation.publicKey();
    p.users = {{"admin", m_admin.publicKey(), static_cast<RoleSet>(Role::Admin)},
               {"author", m_author.publicKey(), static_cast<RoleSet>(Role::Author)},
               {"approver1", m_approver1.publicKey(), static_cast<RoleSet>(Role::Approver)},
               {"approver2", m_approver2.publicKey(), static_cast<RoleSet>(Role::Approver)}};
    p.channels = {
        {ChannelId::parse("outbox:press").value(), 2, {m_approver1.publicKey(), m_approver2.publicKey()}, 86400}};
    m_policy = signPolicy(p, {&m_admin}).value();
    m_trusted.policy = m_policy;
    m_trusted.knownPolicy = [this](std::int64_t v) -> std::optional<std::string> {
        return v == 1 ? std::optional<std::string>(m_policy.fileText) : std::nullopt;
    };
}

MediaRef BenchSetup::addMedia(std::uint64_t bytes, std::string_view mime)
{
    const auto path = m_dir / ("media-" + std::to_string(m_counter++));
    std::ofstream out(path, std::ios::binary);
    Bytes chunk(1u << 20);
    crypto::Blake2b256 hash;
    for (std::uint64_t left = bytes; left > 0;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
        crypto::randomBytes({chunk.data(), n});
        hash.update({chunk.data(), n});
        out.write(reinterpret_cast<const char*>(chunk.data()), static_cast<std::streamsize>(n));
        left -= n;
    }
    MediaRef ref;
    ref.hash = hash.finish();
    ref.size = bytes;
    ref.mime = std::string(mime);
    ref.name = path.filename().string();
    m_files[ref.hash] = path;
    m_mediaBytes += bytes;
    return ref;
}

void BenchSetup::removeMedia()
{
    std::error_code ec;
    for (const auto& [hash, path] : m_files)
        std::filesystem::remove(path, ec);
    m_files.clear();
    m_mediaBytes = 0;
}

bundle::Manifest BenchSetup::manifest(const std::vector<std::vector<MediaRef>>& media)
{
    bundle::Manifest m;
    m.policies = {m_policy};
    for (const auto& refs : media) {
        PostContent c;
        Bytes id(16);
        crypto::randomBytes(id);
        c.postId = toHex(id);
        c.author = m_author.publicKey();
        c.created = 1798761000;
        c.channels = {{ChannelId::parse("outbox:press").value(), "Benchmark post", Json(Json::Object{})}};
        c.media = refs;
        bundle::ManifestPost mp;
        mp.content = c;
        mp.digest = c.digest();
        mp.approvals = {approve(m_approver1, mp.digest), approve(m_approver2, mp.digest)};
        m.posts.push_back(std::move(mp));
    }
    m.buildMediaTable();
    return m;
}

bundle::SealRequest BenchSetup::request(const bundle::Manifest& m, std::uint64_t sequence)
{
    bundle::SealRequest r;
    r.workstation = &m_workstation;
    r.recipient = m_uploader.publicKey();
    r.sequence = sequence;
    r.created = 1798761600;
    r.expires = 1798761600 + 3600;
    r.manifest = &m;
    r.mediaPath = [this](const crypto::Digest& h) -> Result<std::filesystem::path> { return m_files.at(h); };
    return r;
}

Result<bundle::VerifiedBundle> BenchSetup::open(const std::filesystem::path& path)
{
    bundle::FileSource src;
    POSTERN_TRY(src.open(path));
    bundle::VerifyEnvironment env;
    env.uploaderKey = &m_uploader;
    env.findWorkstation = [this](const crypto::PublicKey& k) -> const bundle::TrustedWorkstation* {
        return k == m_workstation.publicKey() ? &m_trusted : nullptr;
    };
    env.seen = [](const bundle::BundleId&) -> Result<bool> { return false; };
    bundle::VerifyOptions opt;
    opt.now = 1798761600 + 60;
    return bundle::verifyBundle(src, env, opt, nullptr);
}

} // namespace postern::bench
