// SPDX-License-Identifier: GPL-3.0-or-later
#include "PostRows.h"

#include "StoreConnection.h"

namespace postern::store {

Result<PostRecord> readPost(const SqliteStatement& st)
{
    PostRecord p;
    p.id = st.columnText(0);
    p.authorId = st.columnInt(1);
    auto state = parsePostState(st.columnText(2));
    if (!state)
        return corruptRow("posts", "post " + p.id + " has an unknown state");
    p.state = state.value();
    p.currentVersion = st.columnInt(3);
    p.createdAt = st.columnInt(4);
    p.updatedAt = st.columnInt(5);
    p.schedule = st.columnIsNull(6) ? 0 : st.columnInt(6);
    p.channels = st.columnText(7);
    p.title = st.columnText(8);
    p.lastReason = st.columnText(9);
    return p;
}

Result<PostRecord> loadPost(SqliteDatabase& db, std::string_view postId)
{
    POSTERN_ASSIGN(st, db.prepare(std::string(kSelectPost) + "WHERE id = ?1"));
    st.bind(1, postId);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, "no post with id " + std::string(postId));
    return readPost(st);
}

Result<PostVersionRecord> loadVersion(SqliteDatabase& db, std::string_view postId, std::int64_t version)
{
    POSTERN_ASSIGN(st,
                   db.prepare("SELECT post_id, version, content, digest, schedule, channels, created_at, "
                              "created_by FROM post_versions WHERE post_id = ?1 AND version = ?2"));
    st.bind(1, postId).bind(2, version);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, "post " + std::string(postId) + " has no version " + std::to_string(version));
    PostVersionRecord v;
    v.postId = st.columnText(0);
    v.version = st.columnInt(1);
    v.content = st.columnText(2);
    POSTERN_ASSIGN(digest, columnFixed<crypto::kDigestBytes>(st, 3, "post_versions"));
    v.digest = digest;
    v.schedule = st.columnIsNull(4) ? 0 : st.columnInt(4);
    v.channels = st.columnText(5);
    v.createdAt = st.columnInt(6);
    v.createdBy = st.columnInt(7);
    return v;
}

Status setPostState(SqliteDatabase& db, std::string_view postId, PostState to, std::string_view reason, std::int64_t at)
{
    POSTERN_ASSIGN(up, db.prepare("UPDATE posts SET state = ?1, updated_at = ?2, last_reason = ?3 WHERE id = ?4"));
    up.bind(1, postStateName(to)).bind(2, at).bind(3, reason).bind(4, postId);
    POSTERN_TRY(up.run());
    if (db.changes() != 1)
        return fail(Errc::NotFound, "no post with id " + std::string(postId));
    return {};
}

Result<UserRecord> loadActiveUser(SqliteDatabase& db, std::int64_t userId, RoleMask role, std::string_view doing)
{
    POSTERN_ASSIGN(st, db.prepare("SELECT id, name, public_key, roles, disabled FROM users WHERE id = ?1"));
    st.bind(1, userId);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::NotFound, "no user with id " + std::to_string(userId));
    UserRecord u;
    u.id = st.columnInt(0);
    u.name = st.columnText(1);
    POSTERN_ASSIGN(key, columnFixed<crypto::kPublicKeyBytes>(st, 2, "users"));
    u.publicKey = key;
    u.roles = static_cast<RoleMask>(st.columnInt(3) & kAllRoles);
    u.disabled = st.columnInt(4) != 0;
    if (u.disabled)
        return fail(Errc::NotAuthorised, "\"" + u.name + "\" is disabled and cannot " + std::string(doing));
    if (!u.hasRole(role))
        return fail(Errc::NotAuthorised,
                    "\"" + u.name + "\" does not have the role needed to " + std::string(doing)
                        + "; an admin can grant it");
    return u;
}

Error wrongState(const PostRecord& post, std::string_view action)
{
    return fail(Errc::InvalidState,
                "post " + post.id + " is " + std::string(postStateName(post.state)) + ", so it cannot "
                    + std::string(action));
}

} // namespace postern::store
