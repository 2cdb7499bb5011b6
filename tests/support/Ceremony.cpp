// SPDX-License-Identifier: GPL-3.0-or-later
#include "Ceremony.h"

namespace postern::test {

using namespace postern::domain;

Ceremony::Ceremony()
{
    policy.version = 1;
    policy.created = kNow - 86400;
    policy.workstation = workstation.publicKey();
    policy.adminThreshold = 1;
    policy.users = {
        {"admin", admin.publicKey(), static_cast<RoleSet>(Role::Admin)},
        {"author", author.publicKey(), static_cast<RoleSet>(Role::Author)},
        {"approver1", approver1.publicKey(), static_cast<RoleSet>(Role::Approver)},
        {"approver2", approver2.publicKey(), static_cast<RoleSet>(Role::Approver)},
        {"approver3", approver3.publicKey(), static_cast<RoleSet>(Role::Approver)},
    };
    for (const auto& ch : {outbox(), bluesky()})
        policy.channels.push_back({ch, 2, {approver1.publicKey(), approver2.publicKey()}, 86400});
    auto sp = signPolicy(policy, {&admin});
    signedPolicy = std::move(sp).value();
    trusted.policy = signedPolicy;
    trusted.knownPolicy = [this](std::int64_t v) -> std::optional<std::string> {
        if (v == signedPolicy.policy.version)
            return signedPolicy.fileText;
        return std::nullopt;
    };
}

ChannelId Ceremony::outbox()
{
    return ChannelId::parse("outbox:press").value();
}

ChannelId Ceremony::bluesky()
{
    return ChannelId::parse("bluesky:press.example.org").value();
}

MediaRef Ceremony::addMedia(const Bytes& bytes, std::string name, std::string mime, std::string alt)
{
    MediaRef ref;
    ref.hash = crypto::blake2b256(bytes);
    ref.size = bytes.size();
    ref.name = std::move(name);
    ref.mime = std::move(mime);
    ref.alt = std::move(alt);
    media[ref.hash] = bytes;
    return ref;
}

PostContent Ceremony::post(std::string text, std::vector<MediaRef> mediaRefs, std::vector<ChannelId> channels)
{
    PostContent c;
    Bytes id(16);
    crypto::randomBytes(id);
    c.postId = toHex(id);
    c.version = 1;
    c.author = author.publicKey();
    c.created = kNow - 600;
    c.schedule = 0;
    for (const auto& ch : channels) {
        ChannelPost cp;
        cp.channel = ch;
        cp.text = text;
        c.channels.push_back(cp);
    }
    c.media = std::move(mediaRefs);
    return c;
}

bundle::ManifestPost Ceremony::approved(const PostContent& content, std::vector<const crypto::SigningKey*> approvers)
{
    if (approvers.empty())
        approvers = {&approver1, &approver2};
    bundle::ManifestPost p;
    p.content = content;
    p.digest = content.digest();
    for (const auto* k : approvers)
        p.approvals.push_back(approve(*k, p.digest));
    return p;
}

bundle::Manifest Ceremony::manifest(std::vector<bundle::ManifestPost> posts)
{
    bundle::Manifest m;
    m.policies = {signedPolicy};
    m.posts = std::move(posts);
    m.buildMediaTable();
    return m;
}

Bytes Ceremony::seal(const bundle::Manifest& m, const SealOptions& o)
{
    bundle::SealRequest req;
    req.workstation = o.signer ? o.signer : &workstation;
    req.recipient = o.recipient.value_or(uploaderBox.publicKey());
    req.sequence = o.sequence;
    req.created = o.created;
    req.expires = o.expires;
    req.manifest = &m;
    req.rawManifest = o.rawManifest;
    auto out = bundle::sealBundleToMemory(req, [this](const crypto::Digest& h) -> Result<Bytes> {
        const auto it = media.find(h);
        if (it == media.end())
            return fail(Errc::NotFound, "no test media with that hash");
        return it->second;
    });
    return std::move(out).value();
}

Bytes Ceremony::validBundle()
{
    const Bytes image = toBytes("\x89PNG\r\n\x1a\n fake image bytes for the test suite");
    const auto ref = addMedia(image);
    return seal(manifest({approved(post("Hello from the press office", {ref}))}));
}

bundle::VerifyEnvironment Ceremony::env()
{
    bundle::VerifyEnvironment e;
    e.uploaderKey = &uploaderBox;
    e.findWorkstation = [this](const crypto::PublicKey& k) -> const bundle::TrustedWorkstation* {
        return crypto::equalConstantTime(k, workstation.publicKey()) ? &trusted : nullptr;
    };
    e.seen = [this](const bundle::BundleId& id) -> Result<bool> { return seen.count(id) == 1; };
    return e;
}

Result<bundle::VerifiedBundle> Ceremony::verify(ByteView bundleBytes, std::int64_t now)
{
    bundle::MemorySource src(bundleBytes);
    bundle::VerifyOptions opt;
    opt.now = now;
    return bundle::verifyBundle(src, env(), opt, nullptr);
}

} // namespace postern::test
