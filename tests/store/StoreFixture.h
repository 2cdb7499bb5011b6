// SPDX-License-Identifier: GPL-3.0-or-later
// Shared setup for the store tests: a real store in a temporary directory, real keys, real
// key files, and helpers that walk posts through review the way the application will.
#pragma once

#include "postern/crypto/KeyFile.h"
#include "postern/crypto/Keys.h"
#include "postern/store/WorkstationStore.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace postern::test {

/** must returns the value of a successful Result or fails the test with its error. */
template <typename T>
T must(Result<T> r)
{
    if (!r.ok())
        FAIL(r.error().what());
    return std::move(r).value();
}

/** must fails the test with the error of a failed Status. */
inline void must(Status s)
{
    if (!s.ok())
        FAIL(s.error().what());
}

/** TestUser is a stored user together with the signing key the tests act with. */
struct TestUser
{
    crypto::SigningKey key;
    store::UserRecord record;
    [[nodiscard]] std::int64_t id() const { return record.id; }
};

/** kT0 is the fixed "now" tests start from (2027-01-01T00:00:00Z). */
constexpr std::int64_t kT0 = 1798761600;

/** seededKey derives a deterministic key from a label so key files can be cached per label. */
inline crypto::SigningKey seededKey(const std::string& label)
{
    const crypto::Digest seed = crypto::blake2b256("postern/test/seed", asBytes(label));
    return must(crypto::SigningKey::fromSeed(seed));
}

/**
 * keyFileFor seals a real key file (Argon2id interactive) once per label and process: Argon2
 * is deliberately slow, and the store only needs a genuine file whose public key matches.
 */
inline std::string keyFileFor(const std::string& label)
{
    static std::map<std::string, std::string> cache;
    auto it = cache.find(label);
    if (it != cache.end())
        return it->second;
    const crypto::SigningKey key = seededKey(label);
    const crypto::SecureBuffer passphrase(asBytes("correct horse battery staple"));
    std::string text = must(crypto::sealKeyFile(crypto::KeyKind::Ed25519,
                                                key.seed(),
                                                key.publicKey(),
                                                passphrase,
                                                crypto::KdfParams::interactive(),
                                                label));
    cache.emplace(label, text);
    return text;
}

/** StoreFixture is a freshly created store plus helpers. */
class StoreFixture
{
public:
    StoreFixture()
        : workstationKey(seededKey("workstation")),
          store(must(store::WorkstationStore::create(dir / "store", "Press office", workstationKey.publicKey(), kT0)))
    {
    }

    /** dbPath is the store's SQLite file, for tests that tamper with it directly. */
    [[nodiscard]] std::filesystem::path dbPath() const { return dir / "store" / "postern.db"; }

    /** addUser stores a user whose key is seededKey(name). */
    TestUser& addUser(const std::string& name, store::RoleMask roles)
    {
        crypto::SigningKey key = seededKey(name);
        store::NewUser nu{name, key.publicKey(), roles, keyFileFor(name), kT0};
        store::UserRecord rec = must(store->users().add(nu));
        users.push_back(std::make_unique<TestUser>(TestUser{std::move(key), std::move(rec)}));
        return *users.back();
    }

    /** version builds a NewPostVersion whose digest is computed from the content as the domain does. */
    static store::NewPostVersion version(const std::string& content,
                                         std::int64_t by,
                                         std::int64_t at,
                                         std::vector<std::string> channels = {"bluesky:press"},
                                         std::string preview = {},
                                         std::int64_t schedule = 0)
    {
        store::NewPostVersion v;
        v.content = content;
        v.digest = crypto::blake2b256("postern/v1/post-version", asBytes(content));
        v.schedule = schedule;
        v.channels = std::move(channels);
        v.preview = preview.empty() ? content : std::move(preview);
        v.createdAt = at;
        v.createdBy = by;
        return v;
    }

    /** newPost creates a draft by `author` and returns its id. */
    std::string newPost(const TestUser& author,
                        const std::string& text,
                        std::int64_t at = kT0,
                        std::vector<std::string> channels = {"bluesky:press"})
    {
        const std::string id = store::PostRepository::newPostId();
        must(store->posts().create(id, version(text, author.id(), at, std::move(channels))));
        return id;
    }

    /** approval builds a correctly signed approval of the post's current version. */
    store::ApprovalRecord approval(const std::string& postId, const TestUser& approver, std::int64_t at = kT0)
    {
        const store::PostRecord post = must(store->posts().get(postId));
        const store::PostVersionRecord v = must(store->posts().getVersion(postId, post.currentVersion));
        store::ApprovalRecord a;
        a.postId = postId;
        a.version = v.version;
        a.userId = approver.id();
        a.digest = v.digest;
        a.signature = approver.key.sign(store::kApprovalContext, v.digest);
        a.createdAt = at;
        return a;
    }

    /** approve takes a draft through review to approved with one approval. */
    void approve(const std::string& postId, const TestUser& approver, std::int64_t at = kT0)
    {
        const store::PostRecord post = must(store->posts().get(postId));
        if (post.state == store::PostState::Draft)
            must(store->reviews().transition(postId, {store::PostState::Draft}, store::PostState::InReview, "", at));
        must(store->reviews().addApproval(approval(postId, approver, at)));
        must(store->reviews().transition(postId, {store::PostState::InReview}, store::PostState::Approved, "", at));
    }

    TempDir dir;
    crypto::SigningKey workstationKey;
    std::unique_ptr<store::WorkstationStore> store;
    std::vector<std::unique_ptr<TestUser>> users;
};

} // namespace postern::test
