// SPDX-License-Identifier: GPL-3.0-or-later
// Queries: the front-ends' reads, answered from the store with names already joined in, so the
// CLI and the GUI never open a repository themselves.
#include "postern/workflow/Queries.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace postern::workflow {

namespace {

constexpr std::size_t kPostIdChars = 32;  // PostRepository::newPostId: 16 random bytes in hex
constexpr std::int64_t kPostPage = 10000; // PostFilter's largest limit

bool isLowerHex(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

Result<store::WorkstationRecord> Queries::workstation()
{
    return m_store.workstation();
}

Result<store::UploaderRecord> Queries::trustedUploader()
{
    return m_store.trust().activeUploader();
}

Result<std::vector<store::UserRecord>> Queries::users()
{
    return m_store.users().list();
}

Result<store::UserRecord> Queries::user(std::string_view name)
{
    return m_store.users().byName(name);
}

Result<store::UserRecord> Queries::userById(std::int64_t id)
{
    return m_store.users().byId(id);
}

Result<std::vector<ChannelApprovers>> Queries::channelApprovers(const std::vector<domain::ChannelId>& channels)
{
    POSTERN_ASSIGN(policy, m_workstation.currentPolicy());
    POSTERN_ASSIGN(users, m_store.users().list());
    // Disabled accounts (retired keys included) may still be listed in an old rule's key set
    // until the next policy version; they cannot approve, so they are not named.
    std::map<crypto::PublicKey, std::string> enabled;
    for (const auto& u : users)
        if (!u.disabled)
            enabled[u.publicKey] = u.name;
    std::vector<ChannelApprovers> out;
    out.reserve(channels.size());
    for (const auto& channel : channels) {
        ChannelApprovers entry{channel, false, 0, {}};
        if (const auto* rule = policy.policy.rule(channel)) {
            entry.hasRule = true;
            entry.required = rule->required;
            for (const auto& key : rule->approvers)
                if (const auto it = enabled.find(key); it != enabled.end())
                    entry.names.push_back(it->second);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

Result<std::vector<store::StateCount>> Queries::postCounts()
{
    return m_store.posts().countByState();
}

Result<std::int64_t> Queries::countPosts(const store::PostFilter& filter)
{
    return m_store.posts().count(filter);
}

Result<store::PostRecord> Queries::post(std::string_view postId)
{
    return m_store.posts().get(postId);
}

Result<std::vector<std::string>> Queries::postIdsStartingWith(std::string_view prefix)
{
    if (prefix.empty() || prefix.size() > kPostIdChars || !isLowerHex(prefix))
        return fail(Errc::InvalidArgument, "a post id prefix is 1 to 32 lowercase hex digits");
    std::vector<std::string> matches;
    store::PostFilter filter;
    filter.limit = kPostPage;
    filter.order = store::PostOrder::CreatedDesc;
    for (;;) {
        POSTERN_ASSIGN(page, m_store.posts().list(filter));
        for (const auto& p : page)
            if (p.id.compare(0, prefix.size(), prefix) == 0)
                matches.push_back(p.id);
        if (static_cast<std::int64_t>(page.size()) < filter.limit)
            break;
        filter.offset += filter.limit;
    }
    return matches;
}

Result<PostDetail> Queries::postDetail(std::string_view postId)
{
    PostDetail detail;
    POSTERN_ASSIGN(view, m_workstation.show(postId));
    std::vector<domain::ChannelId> channels;
    for (const auto& c : view.content.channels)
        channels.push_back(c.channel);
    POSTERN_ASSIGN(approvers, channelApprovers(channels));
    store::OrderFilter filter;
    filter.postId = view.record.id;
    POSTERN_ASSIGN(orders, m_workstation.listOrders(filter));
    for (const auto& o : orders) {
        POSTERN_ASSIGN(order, m_workstation.showOrder(o.id));
        detail.orders.push_back(std::move(order));
    }
    POSTERN_ASSIGN(exported, exportedChannels(view.record.id));
    detail.view = std::move(view);
    detail.approvers = std::move(approvers);
    detail.exported = std::move(exported);
    return detail;
}

Result<std::vector<ExportedChannel>> Queries::exportedChannels(std::string_view postId)
{
    POSTERN_ASSIGN(record, m_store.posts().get(postId));
    POSTERN_ASSIGN(last, m_store.orders().lastExport(record.id));
    std::vector<ExportedChannel> out;
    if (!last)
        return out;
    // The version that left may be older than the current one (a post revised after export
    // leaves its old version out there): its channels are what an order can reach.
    POSTERN_ASSIGN(version, m_store.posts().getVersion(last->postId, last->version));
    POSTERN_ASSIGN(results, m_store.exports().results(last->postId));
    std::map<std::string, store::PublishOutcome> outcome;
    for (const auto& r : results)
        if (r.version == last->version)
            outcome[r.channel] = r.outcome;
    for (const auto& c : store::splitChannels(version.channels)) {
        auto id = domain::ChannelId::parse(c);
        if (!id)
            continue; // the store only keeps parsed channels; a damaged name is not offered
        ExportedChannel entry{*id, std::nullopt};
        if (const auto it = outcome.find(c); it != outcome.end())
            entry.outcome = it->second;
        out.push_back(std::move(entry));
    }
    return out;
}

Result<std::filesystem::path> Queries::mediaPath(std::string_view hash)
{
    return m_store.media().pathFor(hash);
}

Result<store::MediaRecord> Queries::media(std::string_view hash)
{
    return m_store.media().get(hash);
}

Result<std::vector<store::ExportRecord>> Queries::recentExports(std::int64_t limit)
{
    return m_store.exports().list(0, limit);
}

Result<store::ExportRecord> Queries::exportOf(std::string_view bundleId)
{
    if (bundleId.size() != 32 || !isLowerHex(bundleId))
        return fail(Errc::InvalidArgument, "a bundle id is 32 lowercase hex digits, as `postern-cli export` prints it");
    return m_store.exports().byBundleId(bundleId);
}

Result<bool> Queries::isNewReceipt(std::string_view text)
{
    POSTERN_ASSIGN(uploader, m_store.trust().activeUploader());
    auto receipt = bundle::readReceipt(text, uploader.signKey);
    if (!receipt)
        return false; // not ours, or not a receipt: importReceipt explains such files when asked
    const std::string bundleId = toHex(receipt->bundleId);
    if (auto exported = m_store.exports().byBundleId(bundleId); !exported) {
        if (exported.code() == Errc::NotFound)
            return false;
        return exported.error();
    }
    auto imported = m_store.exports().receipt(bundleId);
    if (!imported) {
        if (imported.code() == Errc::NotFound)
            return true;
        return imported.error();
    }
    return imported->text != text;
}

Result<AuditPage> Queries::auditTail(std::int64_t limit)
{
    if (limit < 1 || limit > 10000)
        return fail(Errc::InvalidArgument, "an audit listing shows 1 to 10000 entries");
    AuditPage page;
    POSTERN_ASSIGN(total, m_store.audit().count());
    POSTERN_ASSIGN(entries, m_store.audit().entries(std::max<std::int64_t>(0, total - limit), limit));
    POSTERN_ASSIGN(ws, m_store.workstation());
    POSTERN_ASSIGN(users, m_store.users().list());
    // Every account ever made keeps its key (a rotated key's old account is renamed, not
    // deleted), so each signer of the chain has a name unless the store was tampered with.
    std::map<crypto::PublicKey, std::string> names;
    for (const auto& u : users)
        names[u.publicKey] = u.name;
    page.total = total;
    page.entries.reserve(entries.size());
    for (auto& e : entries) {
        AuditEntry entry;
        entry.byWorkstation = e.actorKey == ws.publicKey;
        if (const auto it = names.find(e.actorKey); it != names.end())
            entry.actorName = it->second;
        entry.record = std::move(e);
        page.entries.push_back(std::move(entry));
    }
    return page;
}

Result<AuditSummary> Queries::auditSummary()
{
    POSTERN_ASSIGN(count, m_store.audit().count());
    POSTERN_ASSIGN(head, m_store.audit().head());
    return AuditSummary{count, head};
}

} // namespace postern::workflow
