// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/publish/BundleSummary.h"

#include "postern/compose/TextCounter.h"
#include "postern/domain/Identity.h"

#include <algorithm>

namespace postern::uploader {

std::vector<std::string> approverNames(const bundle::ManifestPost& post, const domain::Policy& policy)
{
    std::vector<std::string> names;
    for (const auto& a : post.approvals) {
        const domain::PolicyUser* user = policy.userByKey(a.approver);
        names.push_back(user ? user->name : domain::keyFingerprint(a.approver));
    }
    std::sort(names.begin(), names.end());
    return names;
}

BundleSummary summarise(const bundle::VerifiedBundle& v, std::string workstationName)
{
    BundleSummary s;
    s.id = v.header.bundleId;
    s.fingerprint = crypto::fingerprint(v.header.encode());
    s.workstationName = std::move(workstationName);
    s.workstationFingerprint = domain::keyFingerprint(v.header.workstation);
    s.sequence = v.header.sequence;
    s.created = v.header.created;
    s.expires = v.header.expires;
    s.policyVersion = v.policy.policy.version;
    s.policyAdvanced = v.policyAdvanced;
    for (const auto& post : v.manifest.posts) {
        PostSummary p;
        p.postId = post.content.postId;
        p.version = post.content.version;
        p.schedule = post.content.schedule;
        for (const auto& c : post.content.channels) {
            p.channels.push_back(c.channel.str());
            if (c.channel.platform != domain::Platform::X)
                continue;
            // X bills a post with a link at the "with URL" price; its counter finds URLs the
            // same way (bare domains included), so the estimate errs towards the dearer price.
            if (compose::findUrls(c.text, true).empty())
                ++s.xCost.posts;
            else
                ++s.xCost.postsWithUrl;
            for (const auto& m : post.content.media)
                s.xCost.altTexts += m.alt.empty() ? 0 : 1;
        }
        p.approvers = approverNames(post, v.policy.policy);
        p.mediaCount = post.content.media.size();
        s.posts.push_back(std::move(p));
    }
    s.mediaCount = v.manifest.media.size();
    s.mediaBytes = v.manifest.mediaBytes();
    return s;
}

} // namespace postern::uploader
