// SPDX-License-Identifier: GPL-3.0-or-later
#include "VectorKit.h"

#include "postern/util/FileIO.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace postern::vectors {

namespace {

// One BLAKE2b-derived seed per stream and a counter: every randombytes_buf call gets the next
// block of randombytes_buf_deterministic output. Single-threaded use only (the generator).
std::array<std::uint8_t, randombytes_SEEDBYTES> g_seed{};
std::uint64_t g_counter = 0;

void deterministicBuf(void* const buf, const size_t size)
{
    std::array<std::uint8_t, randombytes_SEEDBYTES> block{};
    std::array<std::uint8_t, randombytes_SEEDBYTES + 8> in{};
    std::copy(g_seed.begin(), g_seed.end(), in.begin());
    for (int i = 0; i < 8; ++i)
        in[randombytes_SEEDBYTES + i] = static_cast<std::uint8_t>(g_counter >> (8 * i));
    ++g_counter;
    crypto_generichash(block.data(), block.size(), in.data(), in.size(), nullptr, 0);
    randombytes_buf_deterministic(buf, size, block.data());
}

uint32_t deterministicRandom()
{
    uint32_t v = 0;
    deterministicBuf(&v, sizeof v);
    return v;
}

const char* deterministicName()
{
    return "postern-vectors-deterministic";
}

randombytes_implementation g_impl = {deterministicName, deterministicRandom, nullptr, nullptr, deterministicBuf, nullptr};

Bytes seedFor(std::string_view name)
{
    const std::string label = "postern-vectors/" + std::string(name);
    const auto d = crypto::blake2b256(asBytes(label));
    return Bytes(d.begin(), d.end());
}

} // namespace

void useDeterministicRandom()
{
    randombytes_set_implementation(&g_impl);
    if (sodium_init() < 0)
        std::abort();
    reseed("start");
}

void reseed(std::string_view label)
{
    const Bytes s = seedFor(std::string("rng/") + std::string(label));
    std::copy(s.begin(), s.end(), g_seed.begin());
    g_counter = 0;
}

crypto::SigningKey seededSigningKey(std::string_view name)
{
    return crypto::SigningKey::fromSeed(seedFor(name)).value();
}

crypto::BoxKey seededBoxKey(std::string_view name)
{
    // crypto_box_seed_keypair: the secret is SHA-512(seed)[0..32], as libsodium derives it.
    std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> pk{};
    std::array<std::uint8_t, crypto_box_SECRETKEYBYTES> sk{};
    const Bytes seed = seedFor(name);
    crypto_box_seed_keypair(pk.data(), sk.data(), seed.data());
    auto key = crypto::BoxKey::fromSecret(ByteView(sk.data(), sk.size())).value();
    sodium_memzero(sk.data(), sk.size());
    return key;
}

Kit::Kit()
{
    using domain::Role;
    using domain::RoleSet;
    policy1.version = 1;
    policy1.created = kNow - 86400;
    policy1.workstation = workstation.publicKey();
    policy1.adminThreshold = 1;
    policy1.users = {
        {"admin", admin.publicKey(), static_cast<RoleSet>(Role::Admin)},
        {"author", author.publicKey(), static_cast<RoleSet>(Role::Author)},
        {"approver1", approver1.publicKey(), static_cast<RoleSet>(Role::Approver)},
        {"approver2", approver2.publicKey(), static_cast<RoleSet>(Role::Approver)},
        {"approver3", approver3.publicKey(), static_cast<RoleSet>(Role::Approver)},
        {"operator", operatorUser.publicKey(), static_cast<RoleSet>(Role::Operator)},
    };
    for (const auto& ch : {outbox(), bluesky()})
        policy1.channels.push_back({ch, 2, {approver1.publicKey(), approver2.publicKey()}, 86400});
    v1 = domain::signPolicy(policy1, {&admin}).value();
    domain::Policy p2 = policy1;
    p2.version = 2;
    p2.created = kNow - 3600;
    p2.adminThreshold = 2;
    p2.users.push_back({"admin2", admin2.publicKey(), static_cast<RoleSet>(Role::Admin)});
    v2 = domain::signPolicy(p2, {&admin, &admin2}).value();
}

domain::ChannelId Kit::outbox()
{
    return domain::ChannelId::parse("outbox:press").value();
}

domain::ChannelId Kit::bluesky()
{
    return domain::ChannelId::parse("bluesky:press.example.org").value();
}

domain::MediaRef Kit::addMedia(const Bytes& bytes, std::string name)
{
    domain::MediaRef ref;
    ref.hash = crypto::blake2b256(bytes);
    ref.size = bytes.size();
    ref.name = std::move(name);
    ref.mime = "image/png";
    ref.alt = "A test image";
    media[ref.hash] = bytes;
    return ref;
}

domain::PostContent
Kit::post(std::string_view label, std::vector<domain::MediaRef> mediaRefs, std::vector<domain::ChannelId> channels)
{
    domain::PostContent c;
    const auto id = crypto::blake2b256(asBytes("post-id/" + std::string(label)));
    c.postId = toHex(ByteView(id.data(), 16));
    c.version = 1;
    c.author = author.publicKey();
    c.created = kNow - 600;
    c.schedule = 0;
    for (const auto& ch : channels) {
        domain::ChannelPost cp;
        cp.channel = ch;
        cp.text = "Conformance vector " + std::string(label);
        c.channels.push_back(cp);
    }
    c.media = std::move(mediaRefs);
    return c;
}

bundle::ManifestPost Kit::approved(const domain::PostContent& content, std::vector<const crypto::SigningKey*> approvers)
{
    if (approvers.empty())
        approvers = {&approver1, &approver2};
    bundle::ManifestPost p;
    p.content = content;
    p.digest = content.digest();
    for (const auto* k : approvers)
        p.approvals.push_back(domain::approve(*k, p.digest));
    return p;
}

bundle::Manifest Kit::manifest(std::vector<bundle::ManifestPost> posts)
{
    bundle::Manifest m;
    m.policies = {v1};
    m.posts = std::move(posts);
    m.buildMediaTable();
    return m;
}

Bytes Kit::mediaBytes(const bundle::Manifest& m) const
{
    Bytes out;
    for (const auto& e : m.media) {
        const Bytes& b = media.at(e.hash);
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

Bytes sealRaw(const RawBundle& b)
{
    bundle::BundleHeader h;
    h.workstation = b.signer->publicKey();
    h.recipient = b.recipient;
    h.sequence = b.sequence;
    h.bundleId = b.bundleId.value_or(bundle::deriveBundleId(h.workstation, b.sequence));
    h.created = b.created;
    h.expires = b.expires;
    const std::uint64_t natural =
        b.plain ? b.plain->size() : 8 + b.manifest.size() + crypto::kSignatureBytes + b.media.size();
    h.payloadBytes = b.payloadBytes.value_or(natural);

    std::array<std::uint8_t, crypto_secretstream_xchacha20poly1305_KEYBYTES> fileKey{};
    randombytes_buf(fileKey.data(), fileKey.size());
    const Bytes sealed = crypto::sealTo(b.recipient, ByteView(fileKey.data(), fileKey.size())).value();
    std::copy(sealed.begin(), sealed.end(), h.sealedKey.begin());
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_secretstream_xchacha20poly1305_init_push(&st, h.streamHeader.data(), fileKey.data());
    if (b.editHeader)
        b.editHeader(h);
    h.signature = b.signer->sign(bundle::kHeaderContext, h.encodeSigned());
    Bytes out = h.encode();
    const crypto::Digest headerHash = crypto::blake2b256(out);
    const Bytes ad = bundle::chunkAd(headerHash);

    const crypto::Digest signedHash = b.signOverHash.value_or(headerHash);
    Bytes signedManifest(signedHash.begin(), signedHash.end());
    signedManifest.insert(signedManifest.end(), b.manifest.begin(), b.manifest.end());
    const crypto::Signature sig = b.signer->sign(bundle::kManifestContext, signedManifest);
    Bytes plain;
    if (b.plain) {
        plain = *b.plain;
    } else {
        putU64(plain, b.manifestLen.value_or(b.manifest.size()));
        plain.insert(plain.end(), b.manifest.begin(), b.manifest.end());
        plain.insert(plain.end(), sig.begin(), sig.end());
        plain.insert(plain.end(), b.media.begin(), b.media.end());
    }
    if (b.editPlain)
        b.editPlain(plain);

    // Chunks follow the plaintext actually written; payload_bytes may claim another size.
    const std::uint64_t chunks = plain.empty() ? 1 : (plain.size() + bundle::kChunkBytes - 1) / bundle::kChunkBytes;
    for (std::uint64_t i = 0; i < chunks; ++i) {
        const std::size_t from = static_cast<std::size_t>(i * bundle::kChunkBytes);
        const std::size_t len = std::min<std::size_t>(bundle::kChunkBytes, plain.size() - from);
        const std::uint8_t tag = b.tagFor ? b.tagFor(i, chunks)
                                          : (i + 1 == chunks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        Bytes c(len + crypto_secretstream_xchacha20poly1305_ABYTES);
        crypto_secretstream_xchacha20poly1305_push(
            &st, c.data(), nullptr, plain.data() + from, len, ad.data(), ad.size(), tag);
        out.insert(out.end(), c.begin(), c.end());
    }
    sodium_memzero(fileKey.data(), fileKey.size());
    return out;
}

std::string replaceOnce(std::string text, std::string_view from, std::string_view to)
{
    const auto at = text.find(from);
    if (at == std::string::npos) {
        std::fprintf(stderr, "generator bug: \"%.*s\" not found\n", static_cast<int>(from.size()), from.data());
        std::abort();
    }
    text.replace(at, from.size(), to);
    return text;
}

Json edit(const Json& root, const std::vector<PathStep>& path, const std::function<Json(const Json&)>& change)
{
    if (path.empty())
        return change(root);
    const std::vector<PathStep> rest(path.begin() + 1, path.end());
    if (root.isObject()) {
        Json out(Json::Object{});
        bool found = false;
        for (const auto& [k, v] : root.asObject()) {
            if (k == path.front().key) {
                out.set(k, edit(v, rest, change));
                found = true;
            } else {
                out.set(k, v);
            }
        }
        if (!found)
            out.set(path.front().key, edit(Json(Json::Object{}), rest, change));
        return out;
    }
    Json out(Json::Array{});
    const auto& a = root.asArray();
    for (std::size_t i = 0; i < a.size(); ++i)
        out.push(i == path.front().index ? edit(a[i], rest, change) : a[i]);
    return out;
}

Json withoutMember(const Json& object, std::string_view key)
{
    Json out(Json::Object{});
    for (const auto& [k, v] : object.asObject())
        if (k != key)
            out.set(k, v);
    return out;
}

void Writer::add(std::string_view dir,
                 std::string_view name,
                 std::string_view ext,
                 ByteView bytes,
                 std::string_view expect,
                 std::string_view what,
                 std::string_view env)
{
    const auto d = m_root / dir;
    std::filesystem::create_directories(d);
    const auto write = [](const std::filesystem::path& p, ByteView data) {
        std::ofstream f(p, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        if (!f)
            std::abort();
    };
    const std::string base(name);
    write(d / (base + std::string(ext)), bytes);
    write(d / (base + ".expect"), asBytes(std::string(expect) + "\n"));
    write(d / (base + ".txt"), asBytes(std::string(what) + "\n"));
    if (!env.empty())
        write(d / (base + ".env"), asBytes(std::string(env)));
    ++m_counts[std::string(dir)];
}

} // namespace postern::vectors
