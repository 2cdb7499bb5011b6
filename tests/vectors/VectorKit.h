// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/bundle/Manifest.h"
#include "postern/crypto/Keys.h"
#include "postern/domain/Policy.h"
#include "postern/domain/Post.h"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace postern::vectors {

/** kNow is the `now` every vector is verified at (context/context.txt). */
constexpr std::int64_t kNow = 1798761600; // 2027-01-01T00:00:00Z
/** kPassphrase opens the committed key files in context/ and keyfiles/. */
constexpr std::string_view kPassphrase = "postern conformance vectors";

/**
 * useDeterministicRandom replaces libsodium's random source with a BLAKE2b-keyed stream
 * (randombytes_buf_deterministic) so that file keys, stream headers, crypto_box_seal's
 * ephemeral keys and key-file salts repeat from run to run. reseed() restarts the stream from
 * a label, so each vector's bytes depend only on its own name. Generator only: never in a
 * product binary.
 */
void useDeterministicRandom();
void reseed(std::string_view label);

/** seededSigningKey / seededBoxKey derive a key from BLAKE2b-256("postern-vectors/" + name). */
[[nodiscard]] crypto::SigningKey seededSigningKey(std::string_view name);
[[nodiscard]] crypto::BoxKey seededBoxKey(std::string_view name);

/** Kit is the fixed cast: the keys, the version-1 and version-2 policies (same rules as
 *  tests/support/Ceremony) and helpers to build posts and manifests. */
struct Kit
{
    Kit();

    crypto::SigningKey workstation = seededSigningKey("workstation");
    crypto::SigningKey otherWorkstation = seededSigningKey("other-workstation");
    crypto::BoxKey uploaderBox = seededBoxKey("uploader-box");
    crypto::BoxKey otherUploaderBox = seededBoxKey("other-uploader-box");
    crypto::SigningKey uploaderSign = seededSigningKey("uploader-sign");
    crypto::SigningKey otherUploaderSign = seededSigningKey("other-uploader-sign");
    crypto::SigningKey admin = seededSigningKey("admin");
    crypto::SigningKey admin2 = seededSigningKey("admin2"); ///< an admin only from version 2 on
    crypto::SigningKey author = seededSigningKey("author");
    crypto::SigningKey approver1 = seededSigningKey("approver1");
    crypto::SigningKey approver2 = seededSigningKey("approver2");
    crypto::SigningKey approver3 = seededSigningKey("approver3"); ///< approver role, no channel
    crypto::SigningKey operatorUser = seededSigningKey("operator"); ///< operator role only
    crypto::SigningKey stranger = seededSigningKey("stranger");     ///< in no policy

    domain::Policy policy1;
    domain::SignedPolicy v1;
    domain::SignedPolicy v2; ///< v1 plus admin2, threshold 2, signed by admin and admin2
    std::map<crypto::Digest, Bytes> media;

    [[nodiscard]] static domain::ChannelId outbox();
    [[nodiscard]] static domain::ChannelId bluesky();

    domain::MediaRef addMedia(const Bytes& bytes, std::string name = "photo.png");
    /** post makes valid content; the post id is derived from `label` (no randomness). */
    [[nodiscard]] domain::PostContent post(std::string_view label,
                                           std::vector<domain::MediaRef> mediaRefs = {},
                                           std::vector<domain::ChannelId> channels = {outbox()});
    [[nodiscard]] bundle::ManifestPost approved(const domain::PostContent& content,
                                                std::vector<const crypto::SigningKey*> approvers = {});
    [[nodiscard]] bundle::Manifest manifest(std::vector<bundle::ManifestPost> posts);
    /** mediaBytes concatenates the table's media in table order (the payload's tail). */
    [[nodiscard]] Bytes mediaBytes(const bundle::Manifest& m) const;
};

/** RawBundle is everything the raw sealer writes; each member can be made wrong on purpose. */
struct RawBundle
{
    const crypto::SigningKey* signer = nullptr; ///< header and manifest signer
    crypto::PublicKey recipient{};
    std::uint64_t sequence = 1;
    std::optional<bundle::BundleId> bundleId; ///< default: derived
    std::int64_t created = kNow - 60;
    std::int64_t expires = kNow + 3600;
    std::string manifest;
    Bytes media;
    std::optional<std::uint64_t> payloadBytes; ///< default: 8 + |manifest| + 64 + |media|
    std::optional<std::uint64_t> manifestLen;  ///< default: |manifest|
    std::optional<crypto::Digest> signOverHash; ///< manifest signed over another header hash
    /** tagFor returns the secretstream tag of chunk i of n (default MESSAGE, FINAL last). */
    std::function<std::uint8_t(std::uint64_t i, std::uint64_t n)> tagFor;
    /** editPlain may change the payload plaintext (same length) before encryption. */
    std::function<void(Bytes&)> editPlain;
    /** editHeader changes header fields after the seal and before the header is signed. */
    std::function<void(bundle::BundleHeader&)> editHeader;
    /** plain, when set, is the whole payload plaintext (no manifest framing is built). */
    std::optional<Bytes> plain;
};

/** sealRaw builds a bundle byte for byte per docs/bundle-format.md §2–§3, independently of
 *  bundle::sealBundle, so vectors can break rules the real writer never breaks. */
[[nodiscard]] Bytes sealRaw(const RawBundle& b);

/** replaceOnce replaces the first `from` in `text`; aborts if it is absent (a generator bug). */
[[nodiscard]] std::string replaceOnce(std::string text, std::string_view from, std::string_view to);

/** PathStep names an object member or an array element on the way to a JSON value. */
struct PathStep
{
    std::string key;
    std::size_t index = 0;
    PathStep(const char* k) : key(k) {}
    PathStep(std::size_t i) : index(i) {}
    PathStep(int i) : index(static_cast<std::size_t>(i)) {}
};
/** edit returns a copy of `root` with the value at `path` replaced by `change(old)`; a member
 *  that does not exist is added (change receives an empty object). */
[[nodiscard]] Json edit(const Json& root, const std::vector<PathStep>& path, const std::function<Json(const Json&)>& change);
/** withoutMember returns `object` minus member `key`. */
[[nodiscard]] Json withoutMember(const Json& object, std::string_view key);

/** Writer puts one vector on disk: <dir>/<name><ext>, <name>.expect, <name>.txt, [<name>.env]. */
class Writer
{
public:
    explicit Writer(std::filesystem::path root) : m_root(std::move(root)) {}
    void add(std::string_view dir,
             std::string_view name,
             std::string_view ext,
             ByteView bytes,
             std::string_view expect,
             std::string_view what,
             std::string_view env = {});
    [[nodiscard]] const std::filesystem::path& root() const { return m_root; }
    [[nodiscard]] std::map<std::string, int> counts() const { return m_counts; }

private:
    std::filesystem::path m_root;
    std::map<std::string, int> m_counts;
};

void generateBundles(Kit& kit, Writer& out);
void generateDocuments(Kit& kit, Writer& out);
void generateReports(Kit& kit, Writer& out);

} // namespace postern::vectors
