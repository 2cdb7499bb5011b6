// SPDX-License-Identifier: GPL-3.0-or-later
// Workstation: drafting, submitting, reviewing and reading posts.
#include "postern/workflow/Workstation.h"

#include <algorithm>

namespace postern::workflow {

std::string guessMime(const std::filesystem::path& file)
{
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {{".jpg", "image/jpeg"},
                                                                               {".jpeg", "image/jpeg"},
                                                                               {".png", "image/png"},
                                                                               {".webp", "image/webp"},
                                                                               {".gif", "image/gif"},
                                                                               {".mp4", "video/mp4"},
                                                                               {".mov", "video/quicktime"},
                                                                               {".webm", "video/webm"}};
    for (const auto& [e, mime] : kTypes) {
        if (e == ext)
            return std::string(mime);
    }
    return {};
}

Result<domain::PostContent> Workstation::buildContent(const UnlockedUser& author,
                                                      const std::string& postId,
                                                      std::int64_t version,
                                                      const DraftInput& input)
{
    const std::int64_t now = m_clock.now();
    domain::PostContent c;
    c.postId = postId;
    c.version = version;
    c.author = author.key.publicKey();
    c.created = now;
    c.schedule = input.schedule;
    if (input.schedule != 0 && input.schedule <= now)
        return fail(Errc::ScheduleInPast,
                    "the schedule " + formatUtc(input.schedule)
                        + " is in the past; pick a later time or leave it empty to publish on arrival");
    for (const auto& ch : input.channels)
        c.channels.push_back({ch.channel, ch.text, ch.options});
    for (const auto& m : input.media) {
        domain::MediaRef ref;
        ref.alt = m.alt;
        std::string hash = m.hash;
        if (!m.file.empty()) {
            // Type checks, metadata stripping and the store import: WorkstationMedia.cpp.
            POSTERN_ASSIGN(imported, importMedia(author, m.file, m.mime));
            hash = imported.hash;
        }
        POSTERN_ASSIGN(record, m_store->media().get(hash));
        POSTERN_ASSIGN(digest, fromHex(record.hash, crypto::kDigestBytes));
        std::copy(digest.begin(), digest.end(), ref.hash.begin());
        ref.size = record.size;
        ref.mime = record.mime;
        ref.name = record.originalName;
        c.media.push_back(std::move(ref));
    }
    POSTERN_TRY(c.validate());
    return c;
}

namespace {
store::NewPostVersion versionRecord(const domain::PostContent& c, std::int64_t userId, std::int64_t now)
{
    store::NewPostVersion v;
    v.content = c.canonical();
    v.digest = domain::versionDigest(v.content);
    v.schedule = c.schedule;
    for (const auto& ch : c.channels)
        v.channels.push_back(ch.channel.str());
    v.preview = c.channels.empty() ? std::string() : c.channels.front().text;
    v.createdAt = now;
    v.createdBy = userId;
    return v;
}
} // namespace

Result<store::PostRecord> Workstation::newDraft(const UnlockedUser& author, const DraftInput& input)
{
    POSTERN_TRY(requireRole(author, domain::Role::Author, "write posts"));
    const std::string postId = store::PostRepository::newPostId();
    POSTERN_ASSIGN(content, buildContent(author, postId, 1, input));
    const std::int64_t now = m_clock.now();
    std::optional<store::PostRecord> created;
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_ASSIGN(record, m_store->posts().create(postId, versionRecord(content, author.record.id, now)));
        POSTERN_TRY(m_store->audit().append(author.key, "draft-new", postId, "version 1", now));
        created = std::move(record);
        return {};
    }));
    return *created;
}

Result<store::PostRecord>
Workstation::editDraft(const UnlockedUser& author, std::string_view postId, const DraftInput& input)
{
    POSTERN_TRY(requireRole(author, domain::Role::Author, "edit posts"));
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    if (record.authorId != author.record.id)
        return fail(Errc::NotAuthorised, "only the post's author can edit it");
    POSTERN_ASSIGN(content, buildContent(author, record.id, record.currentVersion + 1, input));
    const std::int64_t now = m_clock.now();
    std::optional<store::PostRecord> updated;
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_ASSIGN(r, m_store->posts().addVersion(record.id, versionRecord(content, author.record.id, now)));
        POSTERN_TRY(m_store->audit().append(author.key,
                                            "draft-edit",
                                            record.id,
                                            "version " + std::to_string(content.version),
                                            now));
        updated = std::move(r);
        return {};
    }));
    return *updated;
}

Result<Workstation::CurrentVersion> Workstation::currentVersion(const store::PostRecord& record)
{
    POSTERN_ASSIGN(version, m_store->posts().getVersion(record.id, record.currentVersion));
    POSTERN_ASSIGN(json, parseCanonicalJson(version.content, JsonLimits{}));
    POSTERN_ASSIGN(content, domain::PostContent::fromJson(json, "post " + record.id));
    // The store keeps versionDigest(content) from when the version was written: no need to
    // re-serialise, and it is exactly what approvers signed.
    return CurrentVersion{std::move(content), version.digest};
}

Result<std::vector<domain::Approval>> Workstation::approvalsOf(const store::PostRecord& record,
                                                               const domain::PostContent& content,
                                                               const domain::Policy& policy)
{
    POSTERN_ASSIGN(rows, m_store->reviews().approvals(record.id, record.currentVersion));
    std::vector<domain::Approval> out;
    for (const auto& row : rows) {
        POSTERN_ASSIGN(user, m_store->users().byId(row.userId));
        // An approver who was disabled, re-keyed or lost the role since approving no longer
        // counts; dropping the approval here (instead of failing on it) lets the others' still
        // count and the post return to review for a fresh one. Signatures are still checked.
        bool listed = false;
        for (const auto& c : content.channels) {
            const auto* rule = policy.rule(c.channel);
            if (rule
                && std::find(rule->approvers.begin(), rule->approvers.end(), user.publicKey) != rule->approvers.end())
                listed = true;
        }
        if (!listed)
            continue;
        out.push_back({user.publicKey, row.digest, row.signature});
    }
    return out;
}

Status Workstation::submit(const UnlockedUser& author, std::string_view postId)
{
    POSTERN_TRY(requireRole(author, domain::Role::Author, "submit posts"));
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    if (record.authorId != author.record.id)
        return fail(Errc::NotAuthorised, "only the post's author can submit it for review");
    POSTERN_ASSIGN(current, currentVersion(record));
    const domain::PostContent& content = current.content;
    POSTERN_ASSIGN(policy, currentPolicy());
    for (const auto& c : content.channels) {
        if (!policy.policy.rule(c.channel))
            return fail(Errc::ChannelNotInPolicy,
                        c.channel.str()
                            + " has no approval rule, so nobody could approve it; "
                              "ask an admin to add one with `postern-cli policy set`");
    }
    if (content.schedule != 0 && content.schedule <= m_clock.now())
        return fail(Errc::ScheduleInPast, "the scheduled time has passed; edit the post to pick a new time");
    // Composer: a draft may be over a platform limit while it is written, not when submitted.
    POSTERN_ASSIGN(limits, channelLimits()); // the platform profile's live limits, if one applies
    if (const auto violations = compose::checkPost(content, limits); !violations.empty())
        return fail(Errc::LimitExceeded,
                    compose::summariseViolations(violations) + " Edit the draft to fit, then submit it again.");
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        POSTERN_TRY(
            m_store->reviews().transition(record.id, {store::PostState::Draft}, store::PostState::InReview, "", now));
        POSTERN_TRY(m_store->audit().append(author.key,
                                            "submit",
                                            record.id,
                                            "version " + std::to_string(record.currentVersion),
                                            now));
        return {};
    });
}

Result<PostView> Workstation::approve(const UnlockedUser& approver, std::string_view postId)
{
    POSTERN_TRY(requireRole(approver, domain::Role::Approver, "approve posts"));
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    POSTERN_ASSIGN(current, currentVersion(record));
    const domain::PostContent& content = current.content;
    if (crypto::equalConstantTime(content.author, approver.key.publicKey()))
        return fail(Errc::SelfApproval,
                    "you wrote this post, so you cannot approve it; another approver must review it");
    POSTERN_ASSIGN(policy, currentPolicy());
    bool authorised = false;
    for (const auto& c : content.channels) {
        const auto* rule = policy.policy.rule(c.channel);
        if (rule
            && std::find(rule->approvers.begin(), rule->approvers.end(), approver.key.publicKey())
                   != rule->approvers.end())
            authorised = true;
    }
    if (!authorised)
        return fail(Errc::ApproverNotAuthorised,
                    approver.record.name + " is not an approver for any channel of this post");
    const crypto::Digest& digest = current.digest;
    const domain::Approval approval = domain::approve(approver.key, digest);
    const std::int64_t now = m_clock.now();
    POSTERN_TRY(m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->reviews().addApproval(
            {record.id, record.currentVersion, approver.record.id, digest, approval.signature, now}));
        POSTERN_TRY(m_store->audit().append(approver.key,
                                            "approve",
                                            record.id,
                                            "version " + std::to_string(record.currentVersion),
                                            now));
        POSTERN_ASSIGN(approvals, approvalsOf(record, content, policy.policy));
        // Enough approvals for every channel moves the post on; otherwise it stays in review.
        if (domain::checkApprovals(content, digest, approvals, policy.policy).ok())
            POSTERN_TRY(m_store->reviews()
                            .transition(record.id, {store::PostState::InReview}, store::PostState::Approved, "", now));
        return {};
    }));
    return show(record.id);
}

Status Workstation::reject(const UnlockedUser& approver, std::string_view postId, std::string_view reason)
{
    POSTERN_TRY(requireRole(approver, domain::Role::Approver, "reject posts"));
    if (reason.empty())
        return fail(Errc::InvalidArgument, "give a reason: the author sees it and needs it to revise the post");
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    const std::int64_t now = m_clock.now();
    return m_store->transaction([&]() -> Status {
        POSTERN_TRY(m_store->reviews().reject(record.id, record.currentVersion, approver.record.id, reason, now));
        POSTERN_TRY(m_store->audit().append(approver.key, "reject", record.id, std::string(reason), now));
        return {};
    });
}

Result<std::vector<store::PostRecord>> Workstation::list(const store::PostFilter& filter)
{
    return m_store->posts().list(filter);
}

Result<PostView> Workstation::show(std::string_view postId)
{
    PostView view;
    POSTERN_ASSIGN(record, m_store->posts().get(postId));
    POSTERN_ASSIGN(current, currentVersion(record));
    POSTERN_ASSIGN(author, m_store->users().byId(record.authorId));
    POSTERN_ASSIGN(approvals, m_store->reviews().approvals(record.id, record.currentVersion));
    for (const auto& a : approvals) {
        POSTERN_ASSIGN(u, m_store->users().byId(a.userId));
        view.approverNames.push_back(u.name);
    }
    POSTERN_ASSIGN(rejections, m_store->reviews().rejections(record.id));
    POSTERN_ASSIGN(results, m_store->exports().results(record.id));
    POSTERN_ASSIGN(policy, currentPolicy());
    POSTERN_ASSIGN(domainApprovals, approvalsOf(record, current.content, policy.policy));
    const auto status = domain::checkApprovals(current.content, current.digest, domainApprovals, policy.policy);
    view.approvalStatus = status.ok() ? std::string() : status.error().message;
    view.authorName = author.name;
    view.rejections = std::move(rejections);
    view.results = std::move(results);
    view.content = std::move(current.content);
    view.record = std::move(record);
    return view;
}

} // namespace postern::workflow
