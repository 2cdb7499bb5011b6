// SPDX-License-Identifier: GPL-3.0-or-later
// Private to the store: post row access shared by the post, review and export repositories.
#pragma once

#include "postern/store/PostRecords.h"
#include "postern/store/Records.h"
#include "postern/util/Sqlite.h"

#include <string>
#include <string_view>

namespace postern::store {

/** kSelectPost lists the posts columns in the order readPost expects. */
constexpr std::string_view kSelectPost = "SELECT id, author_id, state, current_version, created_at, updated_at, "
                                         "schedule, channels, title, last_reason FROM posts ";

/** readPost maps the current row of a kSelectPost query. */
[[nodiscard]] Result<PostRecord> readPost(const SqliteStatement& st);

/** loadPost reads one post; not-found names the id. */
[[nodiscard]] Result<PostRecord> loadPost(SqliteDatabase& db, std::string_view postId);

/** loadVersion reads one post version; not-found names the post and version. */
[[nodiscard]] Result<PostVersionRecord> loadVersion(SqliteDatabase& db, std::string_view postId, std::int64_t version);

/** setPostState writes state, updated_at and last_reason; the caller has checked the edge. */
[[nodiscard]] Status
setPostState(SqliteDatabase& db, std::string_view postId, PostState to, std::string_view reason, std::int64_t at);

/** loadUser reads a user for permission checks; not-found names the id. */
[[nodiscard]] Result<UserRecord>
loadActiveUser(SqliteDatabase& db, std::int64_t userId, RoleMask role, std::string_view doing);

/** wrongState builds the invalid-state error shown when a post is not where an action needs it. */
[[nodiscard]] Error wrongState(const PostRecord& post, std::string_view action);

} // namespace postern::store
