// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/crypto/KeyFile.h"

#include "postern/crypto/Keys.h"
#include "postern/util/Json.h"

#include <sodium.h>

#include <cstring>

namespace postern::crypto {

namespace {

constexpr std::string_view kType = "postern.secret-key";
constexpr std::size_t kMaxKeyFileBytes = 4096;

std::string_view kindName(KeyKind kind)
{
    return kind == KeyKind::Ed25519 ? "ed25519" : "x25519";
}

Result<PublicKey> derivePublic(KeyKind kind, const SecureBuffer& secret)
{
    if (secret.size() != 32)
        return fail(Errc::BadKeyFile, "secret has the wrong length");
    if (kind == KeyKind::Ed25519) {
        auto k = SigningKey::fromSeed(secret.view());
        if (!k)
            return std::move(k).error();
        return k->publicKey();
    }
    auto k = BoxKey::fromSecret(secret.view());
    if (!k)
        return std::move(k).error();
    return k->publicKey();
}

Status deriveKey(SecureBuffer& key, const SecureBuffer& passphrase, ByteView salt, const KdfParams& p)
{
    if (crypto_pwhash(key.data(),
                      key.size(),
                      reinterpret_cast<const char*>(passphrase.data()),
                      passphrase.size(),
                      salt.data(),
                      p.opsLimit,
                      p.memLimit,
                      crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return fail(Errc::Internal, "Argon2id ran out of memory; close other programs and try again");
    return {};
}

} // namespace

KdfParams KdfParams::interactive()
{
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
KdfParams KdfParams::moderate()
{
    return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}
KdfParams KdfParams::sensitive()
{
    return {crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE};
}

Result<KdfParams> KdfParams::byName(std::string_view name)
{
    if (name == "interactive")
        return interactive();
    if (name == "moderate")
        return moderate();
    if (name == "sensitive")
        return sensitive();
    return fail(Errc::InvalidArgument,
                "unknown KDF profile \"" + std::string(name) + "\"; use interactive, moderate or sensitive");
}

Result<std::string> sealKeyFile(KeyKind kind,
                                const SecureBuffer& secret,
                                const PublicKey& publicKey,
                                const SecureBuffer& passphrase,
                                const KdfParams& params,
                                std::string_view label)
{
    POSTERN_ASSIGN(derived, derivePublic(kind, secret));
    if (!equalConstantTime(derived, publicKey))
        return fail(Errc::Internal, "secret does not match the public key being recorded");
    std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
    std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    SecureBuffer key(crypto_secretbox_KEYBYTES);
    POSTERN_TRY(deriveKey(key, passphrase, salt, params));
    Bytes box(secret.size() + crypto_secretbox_MACBYTES);
    crypto_secretbox_easy(box.data(), secret.data(), secret.size(), nonce.data(), key.data());

    Json kdf(Json::Object{});
    kdf.set("alg", "argon2id13");
    kdf.set("mem", static_cast<std::int64_t>(params.memLimit));
    kdf.set("ops", static_cast<std::int64_t>(params.opsLimit));
    kdf.set("salt", toHex(salt));
    Json doc(Json::Object{});
    doc.set("box", toHex(box));
    doc.set("kdf", std::move(kdf));
    doc.set("kind", std::string(kindName(kind)));
    doc.set("label", std::string(label));
    doc.set("nonce", toHex(nonce));
    doc.set("public", toHex(publicKey));
    doc.set("type", std::string(kType));
    doc.set("v", 1);
    return doc.serialize() + "\n";
}

namespace {

struct ParsedKeyFile
{
    KeyKind kind = KeyKind::Ed25519;
    std::string label;
    PublicKey publicKey{};
    Bytes box;
    Bytes nonce;
    Bytes salt;
    KdfParams params{};
};

Result<ParsedKeyFile> parseKeyFile(std::string_view text)
{
    if (text.size() > kMaxKeyFileBytes)
        return fail(Errc::BadKeyFile, "key file is larger than 4 KiB; it is not a Postern key file");
    if (text.empty() || text.back() != '\n')
        return fail(Errc::BadKeyFile, "key file must end with exactly one newline");
    JsonLimits limits;
    limits.maxBytes = kMaxKeyFileBytes;
    auto parsed = parseCanonicalJson(text.substr(0, text.size() - 1), limits);
    if (!parsed)
        return fail(Errc::BadKeyFile, "key file is malformed: " + parsed.error().what());
    const Json& doc = parsed.value();
    if (!doc.isObject())
        return fail(Errc::BadKeyFile, "key file must be a JSON object");
    auto wrap = [](const Error& e) { return fail(Errc::BadKeyFile, "key file: " + e.what()); };
    JsonFields f(doc, "key");
    ParsedKeyFile out;
    auto type = f.string("type", 64);
    if (!type || type.value() != kType)
        return fail(Errc::BadKeyFile, "not a Postern secret key file");
    auto v = f.integer("v", 1, 1);
    if (!v)
        return fail(Errc::UnsupportedVersion, "key file version is not supported by this Postern");
    auto kind = f.string("kind", 16);
    if (!kind)
        return wrap(kind.error());
    if (kind.value() == "ed25519")
        out.kind = KeyKind::Ed25519;
    else if (kind.value() == "x25519")
        out.kind = KeyKind::X25519;
    else
        return fail(Errc::BadKeyFile, "key file names an unknown key kind");
    auto label = f.string("label", 256);
    auto pub = f.string("public", 64);
    auto box = f.string("box", 128);
    auto nonce = f.string("nonce", 64);
    auto kdf = f.object("kdf");
    for (const Status& s : {Status(label ? Status{} : label.error()),
                            Status(pub ? Status{} : pub.error()),
                            Status(box ? Status{} : box.error()),
                            Status(nonce ? Status{} : nonce.error()),
                            Status(kdf ? Status{} : kdf.error()),
                            f.finish()}) {
        if (!s)
            return wrap(s.error());
    }
    out.label = label.value();
    auto pk = keyFromHex(pub.value());
    auto boxBytes = fromHex(box.value(), 32 + crypto_secretbox_MACBYTES);
    auto nonceBytes = fromHex(nonce.value(), crypto_secretbox_NONCEBYTES);
    if (!pk || !boxBytes || !nonceBytes)
        return fail(Errc::BadKeyFile, "key file has a field of the wrong length or encoding");
    out.publicKey = pk.value();
    out.box = std::move(boxBytes).value();
    out.nonce = std::move(nonceBytes).value();

    JsonFields k(*kdf.value(), "key.kdf");
    auto alg = k.string("alg", 32);
    auto mem = k.integer("mem",
                         static_cast<std::int64_t>(crypto_pwhash_MEMLIMIT_INTERACTIVE),
                         static_cast<std::int64_t>(crypto_pwhash_MEMLIMIT_SENSITIVE));
    auto ops = k.integer("ops",
                         static_cast<std::int64_t>(crypto_pwhash_OPSLIMIT_INTERACTIVE),
                         static_cast<std::int64_t>(crypto_pwhash_OPSLIMIT_SENSITIVE));
    auto salt = k.string("salt", 64);
    if (!alg || alg.value() != "argon2id13")
        return fail(Errc::BadKeyFile, "key file uses an unsupported KDF (only argon2id13)");
    if (!mem || !ops)
        return fail(Errc::BadKeyFile, "key file KDF parameters are outside the allowed range");
    if (!salt)
        return wrap(salt.error());
    if (auto s = k.finish(); !s)
        return wrap(s.error());
    auto saltBytes = fromHex(salt.value(), crypto_pwhash_SALTBYTES);
    if (!saltBytes)
        return fail(Errc::BadKeyFile, "key file salt has the wrong length or encoding");
    out.salt = std::move(saltBytes).value();
    out.params = {static_cast<std::uint64_t>(ops.value()), static_cast<std::size_t>(mem.value())};
    return out;
}

} // namespace

Result<OpenedKey> openKeyFile(std::string_view text, KeyKind expected, const SecureBuffer& passphrase)
{
    POSTERN_ASSIGN(file, parseKeyFile(text));
    if (file.kind != expected)
        return fail(Errc::BadKeyFile,
                    std::string("key file holds an ") + std::string(kindName(file.kind)) + " key, expected "
                        + std::string(kindName(expected)));
    SecureBuffer key(crypto_secretbox_KEYBYTES);
    POSTERN_TRY(deriveKey(key, passphrase, file.salt, file.params));
    SecureBuffer secret(file.box.size() - crypto_secretbox_MACBYTES);
    if (crypto_secretbox_open_easy(secret.data(), file.box.data(), file.box.size(), file.nonce.data(), key.data()) != 0)
        return fail(Errc::WrongPassphrase, "the passphrase is wrong (or the key file was altered); try again");
    POSTERN_ASSIGN(derived, derivePublic(file.kind, secret));
    if (!equalConstantTime(derived, file.publicKey))
        return fail(Errc::BadKeyFile, "key file's secret does not match its public key; the file was altered");
    OpenedKey out;
    out.secret = std::move(secret);
    out.publicKey = file.publicKey;
    out.label = file.label;
    return out;
}

Result<PublicKey> keyFilePublicKey(std::string_view text)
{
    POSTERN_ASSIGN(file, parseKeyFile(text));
    return file.publicKey;
}

} // namespace postern::crypto
