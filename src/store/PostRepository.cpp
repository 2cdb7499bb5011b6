// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/PostRepository.h"

#include "PostRows.h"
#include "StoreConnection.h"

#include <array>
#include <variant>

namespace postern::store {

namespace {

constexpr std::size_t kMaxChannels = 64;
constexpr std::size_t kMaxChannelBytes = 256;
constexpr std::size_t kMaxPreviewInputBytes = 1u << 20;
constexpr std::int64_t kMaxPageSize = 10000;

// checkVersion validates the listing copies; the content itself is the domain layer's.
Status checkVersion(const NewPostVersion& v)
{
    if (v.content.empty())
        return fail(Errc::InvalidArgument, "a post version needs content");
    POSTERN_TRY(checkText(v.content, "post content", kMaxPostContentBytes));
    POSTERN_TRY(checkText(v.preview, "post preview", kMaxPreviewInputBytes));
    if (v.schedule < 0)
        return fail(Errc::InvalidArgument, "a schedule is Unix seconds, or 0 for \"on arrival\"");
    if (v.channels.size() > kMaxChannels)
        return fail(Errc::InvalidArgument, "a post has at most " + std::to_string(kMaxChannels) + " channels");
    for (const auto& c : v.channels) {
        POSTERN_TRY(checkText(c, "channel", kMaxChannelBytes));
        // Commas separate channels in posts.channels, so one inside a name would split it.
        if (c.empty() || c.find(',') != std::string::npos)
            return fail(Errc::InvalidArgument, "channel \"" + c + "\" is empty or contains a comma");
    }
    return {};
}

std::string joinChannels(const std::vector<std::string>& channels)
{
    std::string out;
    for (const auto& c : channels) {
        if (!out.empty())
            out.push_back(',');
        out += c;
    }
    return out;
}

// makeTitle keeps the first kMaxPreviewChars code points on one line: the list shows one row
// per post, so line breaks and tabs become spaces.
std::string makeTitle(std::string_view preview)
{
    std::string title = truncateCodePoints(preview, kMaxPreviewChars);
    for (char& c : title) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    }
    return title;
}

Status insertVersion(SqliteDatabase& db, std::string_view postId, std::int64_t version, const NewPostVersion& v)
{
    POSTERN_ASSIGN(ins,
                   db.prepare("INSERT INTO post_versions(post_id, version, content, digest, schedule, channels, "
                              "created_at, created_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    ins.bind(1, postId).bind(2, version).bind(3, v.content).bindBlob(4, v.digest);
    if (v.schedule == 0)
        ins.bindNull(5); // NULL sorts after every real time in ScheduleAsc
    else
        ins.bind(5, v.schedule);
    ins.bind(6, joinChannels(v.channels)).bind(7, v.createdAt).bind(8, v.createdBy);
    return ins.run();
}

/** Query is a WHERE clause plus its bound values, built from a PostFilter. */
struct Query
{
    std::string where;
    std::vector<std::variant<std::int64_t, std::string>> values;

    void add(std::string_view condition, std::variant<std::int64_t, std::string> value)
    {
        values.push_back(std::move(value));
        where += where.empty() ? "WHERE " : " AND ";
        // Each condition uses "?" as its one placeholder; number it so bind order is explicit.
        const std::string n = "?" + std::to_string(values.size());
        std::string c(condition);
        c.replace(c.find('?'), 1, n);
        where += c;
    }

    void bindAll(SqliteStatement& st) const
    {
        int i = 1;
        for (const auto& v : values) {
            if (std::holds_alternative<std::int64_t>(v))
                st.bind(i, std::get<std::int64_t>(v));
            else
                st.bind(i, std::get<std::string>(v));
            ++i;
        }
    }
};

Query buildQuery(const PostFilter& f)
{
    Query q;
    if (f.state)
        q.add("state = ?", std::string(postStateName(*f.state)));
    if (f.authorId)
        q.add("author_id = ?", *f.authorId);
    if (!f.channel.empty())
        q.add("instr(channels, ?) > 0", f.channel);
    if (!f.text.empty())
        q.add("title LIKE ? ESCAPE '\\'", "%" + escapeLike(f.text) + "%");
    if (f.scheduledFrom)
        q.add("schedule >= ?", *f.scheduledFrom);
    if (f.scheduledUntil)
        q.add("schedule < ?", *f.scheduledUntil);
    return q;
}

/**
 * orderBy is the ORDER BY clause. With a substring filter (title text, channel) it prefixes
 * the sort column with a unary `+`, which keeps SQLite from walking the sort index: walking it
 * visits rows in order and stops at LIMIT, which is instant when many rows match but looks up
 * every row of the table when few or none do (60-80 ms on 50,000 posts). A scan with a top-N
 * sort costs 10-17 ms either way, so typing a rare word stays instant (docs/performance.md).
 */
std::string orderBy(PostOrder order, bool substringFilter)
{
    const char* plus = substringFilter ? "+" : "";
    switch (order) {
    case PostOrder::UpdatedDesc:
        break;
    case PostOrder::UpdatedAsc:
        return std::string(" ORDER BY ") + plus + "updated_at ASC, id ASC";
    case PostOrder::ScheduleAsc:
        return std::string(" ORDER BY ") + plus + "schedule ASC NULLS LAST, id ASC";
    case PostOrder::ScheduleDesc:
        return std::string(" ORDER BY ") + plus + "schedule DESC NULLS LAST, id DESC";
    case PostOrder::CreatedDesc:
        return std::string(" ORDER BY ") + plus + "created_at DESC, id DESC";
    }
    return std::string(" ORDER BY ") + plus + "updated_at DESC, id DESC";
}

} // namespace

std::string PostRepository::newPostId()
{
    std::array<std::uint8_t, 16> bytes{};
    crypto::randomBytes(bytes);
    return toHex(bytes);
}

Result<PostRecord> PostRepository::create(std::string_view postId, const NewPostVersion& first)
{
    if (!isLowerHex(postId, 32))
        return fail(Errc::InvalidArgument, "a post id is 32 lowercase hex digits");
    POSTERN_TRY(checkVersion(first));

    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_TRY(loadActiveUser(db, first.createdBy, kRoleAuthor, "write posts"));
    if (loadPost(db, postId).ok())
        return fail(Errc::AlreadyExists, "a post with id " + std::string(postId) + " already exists");

    PostRecord p;
    p.id = std::string(postId);
    p.authorId = first.createdBy;
    p.state = PostState::Draft;
    p.currentVersion = 1;
    p.createdAt = first.createdAt;
    p.updatedAt = first.createdAt;
    p.schedule = first.schedule;
    p.channels = joinChannels(first.channels);
    p.title = makeTitle(first.preview);
    {
        POSTERN_ASSIGN(ins,
                       db.prepare("INSERT INTO posts(id, author_id, state, current_version, created_at, "
                                  "updated_at, schedule, channels, title, last_reason) "
                                  "VALUES(?1, ?2, 'draft', 1, ?3, ?3, ?4, ?5, ?6, '')"));
        ins.bind(1, p.id).bind(2, p.authorId).bind(3, p.createdAt);
        if (p.schedule == 0)
            ins.bindNull(4);
        else
            ins.bind(4, p.schedule);
        ins.bind(5, p.channels).bind(6, p.title);
        POSTERN_TRY(ins.run());
    }
    POSTERN_TRY(insertVersion(db, postId, 1, first));
    POSTERN_TRY(tx.commit());
    return p;
}

Result<PostRecord> PostRepository::addVersion(std::string_view postId, const NewPostVersion& next)
{
    POSTERN_TRY(checkVersion(next));
    SqliteDatabase& db = m_connection.db();
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    POSTERN_ASSIGN(post, loadPost(db, postId));
    // Once exported, the version is on its way to the uploader; changing it now would leave
    // the workstation and the platform disagreeing about what was approved. A cancelled or
    // retracted post is closed too: the uploader already holds an order about this post id.
    if (post.state == PostState::Exported || post.state == PostState::Published || post.state == PostState::Cancelled
        || post.state == PostState::Retracted)
        return wrongState(post, "be edited any more");
    POSTERN_TRY(loadActiveUser(db, next.createdBy, kRoleAuthor, "edit posts"));

    const std::int64_t version = post.currentVersion + 1;
    POSTERN_TRY(insertVersion(db, postId, version, next));
    post.currentVersion = version;
    post.state = PostState::Draft;
    post.updatedAt = next.createdAt;
    post.schedule = next.schedule;
    post.channels = joinChannels(next.channels);
    post.title = makeTitle(next.preview);
    {
        // last_reason is kept: the author still needs the rejection or failure reason while
        // revising; the next transition (submitting for review) replaces it.
        POSTERN_ASSIGN(up,
                       db.prepare("UPDATE posts SET current_version = ?1, state = 'draft', updated_at = ?2, "
                                  "schedule = ?3, channels = ?4, title = ?5 WHERE id = ?6"));
        up.bind(1, version).bind(2, post.updatedAt);
        if (post.schedule == 0)
            up.bindNull(3);
        else
            up.bind(3, post.schedule);
        up.bind(4, post.channels).bind(5, post.title).bind(6, postId);
        POSTERN_TRY(up.run());
    }
    POSTERN_TRY(tx.commit());
    return post;
}

Result<PostRecord> PostRepository::get(std::string_view postId)
{
    return loadPost(m_connection.db(), postId);
}

Result<PostVersionRecord> PostRepository::getVersion(std::string_view postId, std::int64_t version)
{
    return loadVersion(m_connection.db(), postId, version);
}

Result<std::vector<PostRecord>> PostRepository::list(const PostFilter& filter)
{
    if (filter.limit < 1 || filter.limit > kMaxPageSize || filter.offset < 0)
        return fail(Errc::InvalidArgument, "a post list page needs limit 1..10000 and offset >= 0");
    Query q = buildQuery(filter);
    const std::int64_t limitIndex = static_cast<std::int64_t>(q.values.size()) + 1;
    const std::string sql = std::string(kSelectPost) + q.where
                            + orderBy(filter.order, !filter.text.empty() || !filter.channel.empty()) + " LIMIT ?"
                            + std::to_string(limitIndex) + " OFFSET ?" + std::to_string(limitIndex + 1);
    POSTERN_ASSIGN(st, m_connection.db().prepare(sql));
    q.bindAll(st);
    st.bind(static_cast<int>(limitIndex), filter.limit).bind(static_cast<int>(limitIndex + 1), filter.offset);
    std::vector<PostRecord> out;
    out.reserve(static_cast<std::size_t>(filter.limit));
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        POSTERN_ASSIGN(p, readPost(st));
        out.push_back(std::move(p));
    }
    return out;
}

Result<std::int64_t> PostRepository::count(const PostFilter& filter)
{
    const Query q = buildQuery(filter);
    POSTERN_ASSIGN(st, m_connection.db().prepare("SELECT count(*) FROM posts " + q.where));
    q.bindAll(st);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return fail(Errc::Io, "cannot count posts");
    return st.columnInt(0);
}

Result<std::vector<StateCount>> PostRepository::countByState()
{
    std::vector<StateCount> out;
    for (const PostState s : allPostStates())
        out.push_back({s, 0});
    POSTERN_ASSIGN(st, m_connection.db().prepare("SELECT state, count(*) FROM posts GROUP BY state"));
    while (true) {
        POSTERN_ASSIGN(row, st.step());
        if (!row)
            break;
        POSTERN_ASSIGN(state, parsePostState(st.columnText(0)));
        out[static_cast<std::size_t>(state)].count = st.columnInt(1);
    }
    return out;
}

std::vector<std::string> splitChannels(std::string_view joined)
{
    std::vector<std::string> out;
    while (!joined.empty()) {
        const auto comma = joined.find(',');
        out.emplace_back(joined.substr(0, comma));
        joined = comma == std::string_view::npos ? std::string_view() : joined.substr(comma + 1);
    }
    return out;
}

} // namespace postern::store
