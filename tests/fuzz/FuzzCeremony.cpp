// SPDX-License-Identifier: GPL-3.0-or-later
#include "FuzzCeremony.h"

#include <cstdlib>

namespace postern::fuzz {

namespace {
crypto::SigningKey keyFrom(std::uint8_t fill)
{
    return crypto::SigningKey::fromSeed(Bytes(32, fill)).value();
}
} // namespace

FuzzCeremony::FuzzCeremony()
    : workstation(keyFrom(1)),
      admin(keyFrom(2)),
      approver(keyFrom(3)),
      uploader(crypto::BoxKey::fromSecret(Bytes(32, 4)).value())
{
    domain::Policy p;
    p.workstation = workstation.publicKey();
    p.created = 1798761600;
    p.users = {
        {"admin",
         admin.publicKey(),
         static_cast<domain::RoleSet>(static_cast<int>(domain::Role::Admin) | static_cast<int>(domain::Role::Author))},
        {"approver", approver.publicKey(), static_cast<domain::RoleSet>(domain::Role::Approver)}};
    p.channels = {{domain::ChannelId::parse("outbox:press").value(), 1, {approver.publicKey()}, 86400}};
    policy = domain::signPolicy(p, {&admin}).value();
    trusted.policy = policy;
    trusted.knownPolicy = [this](std::int64_t v) -> std::optional<std::string> {
        return v == 1 ? std::optional<std::string>(policy.fileText) : std::nullopt;
    };
}

bundle::VerifyEnvironment FuzzCeremony::env()
{
    bundle::VerifyEnvironment e;
    e.uploaderKey = &uploader;
    e.findWorkstation = [this](const crypto::PublicKey& k) -> const bundle::TrustedWorkstation* {
        return k == workstation.publicKey() ? &trusted : nullptr;
    };
    e.seen = [this](const bundle::BundleId& id) -> Result<bool> { return seen.count(id) == 1; };
    return e;
}

Status FuzzCeremony::verify(ByteView bundleBytes)
{
    bundle::MemorySource src(bundleBytes);
    bundle::VerifyOptions opt;
    opt.now = 1798761600;
    opt.maxBundleBytes = 64u << 20;
    auto r = bundle::verifyBundle(src, env(), opt, nullptr);
    if (!r)
        return std::move(r).error();
    return {};
}

Bytes FuzzCeremony::sealRaw(std::string_view manifest)
{
    bundle::Manifest empty;
    bundle::SealRequest req;
    req.workstation = &workstation;
    req.recipient = uploader.publicKey();
    req.sequence = 1;
    req.created = 1798761600;
    req.expires = 1798761600 + 3600;
    req.manifest = &empty;
    req.rawManifest = std::string(manifest);
    auto out = bundle::sealBundleToMemory(req, [](const crypto::Digest&) -> Result<Bytes> {
        return fail(Errc::NotFound, "no media in fuzz bundles");
    });
    return out.ok() ? std::move(out).value() : Bytes{};
}

FuzzCeremony& instance()
{
    static bool ready = [] {
        if (!crypto::initCrypto())
            std::abort();
        return true;
    }();
    (void)ready;
    static FuzzCeremony c;
    return c;
}

} // namespace postern::fuzz
