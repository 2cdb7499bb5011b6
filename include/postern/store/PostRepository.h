// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/PostRecords.h"
#include "postern/util/Result.h"

#include <string>
#include <string_view>
#include <vector>

namespace postern::store {

class StoreConnection;

/** kMaxPostContentBytes bounds one version's canonical JSON. */
constexpr std::size_t kMaxPostContentBytes = 4u << 20;

/**
 * PostRepository stores posts and their immutable versions, and answers the GUI's list
 * queries. Every edit is a new version: versions are never updated, so an approval, which binds
 * to (post, version, digest), can never end up covering text it did not see.
 */
class PostRepository
{
public:
    /** PostRepository is created by WorkstationStore; it borrows the store's connection. */
    explicit PostRepository(StoreConnection& connection) : m_connection(connection) {}

    /** newPostId returns 16 random bytes as 32 lowercase hex digits. */
    [[nodiscard]] static std::string newPostId();

    /**
     * create stores a new draft with `first` as version 1, written by `first.createdBy`, who
     * must be an enabled author (not-authorised). Errors: invalid-argument (id not 32 lowercase
     * hex, bad version fields), already-exists (id taken).
     */
    [[nodiscard]] Result<PostRecord> create(std::string_view postId, const NewPostVersion& first);

    /**
     * addVersion stores the next version, makes it current and returns the post to draft, which
     * voids every approval of the earlier version. Allowed from draft, in_review, approved,
     * rejected and failed; an exported or published post is out of the workstation's hands:
     * invalid-state. The editor must be an enabled author.
     */
    [[nodiscard]] Result<PostRecord> addVersion(std::string_view postId, const NewPostVersion& next);

    /** get returns the post's list row; not-found otherwise. */
    [[nodiscard]] Result<PostRecord> get(std::string_view postId);

    /** getVersion returns one stored version; not-found otherwise. */
    [[nodiscard]] Result<PostVersionRecord> getVersion(std::string_view postId, std::int64_t version);

    /** list returns one page of posts matching `filter`, in `filter.order`. */
    [[nodiscard]] Result<std::vector<PostRecord>> list(const PostFilter& filter);

    /** count returns how many posts match `filter` (limit and offset are ignored), for paging. */
    [[nodiscard]] Result<std::int64_t> count(const PostFilter& filter);

    /** countByState returns one line per state, in PostState order, zeros included. */
    [[nodiscard]] Result<std::vector<StateCount>> countByState();

private:
    StoreConnection& m_connection;
};

} // namespace postern::store
