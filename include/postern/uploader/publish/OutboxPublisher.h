// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/publish/PublishTarget.h"

#include <filesystem>
#include <string>

namespace postern::uploader {

/**
 * OutboxPublisher is the adapter for the `outbox` platform: it writes each target as a folder
 * for a person (or a later tool) to post by hand:
 *
 *     <outbox>/<bundle-id-hex>/<NNN>-<MM>/post.json, text.txt, media-<k>.<ext>, media-<k>.alt.txt
 *
 * NNN is the post index and MM the channel index in the manifest, k the media index within
 * the post, ext comes from domain::mediaExtension(mime): every path component is computed by
 * the uploader, none is taken from the bundle. The folder is built under <outbox>/.tmp-... and
 * renamed into place, so it appears complete or not at all; if the final folder already exists
 * the target was published by an interrupted run and is reported, not written again.
 */
class OutboxPublisher final : public PublishAdapter
{
public:
    explicit OutboxPublisher(std::filesystem::path root) : m_root(std::move(root)) {}

    [[nodiscard]] Result<TargetOutcome> publish(const TargetContent& target) override;
    /** canRetract: the outbox deletes its own folders. */
    [[nodiscard]] bool canRetract() const override { return true; }
    /**
     * retract removes a target's folder from the outbox (a retract order). The uploader cannot
     * know whether a person already posted it by hand, which the order's result says. A folder
     * already gone is not an error.
     */
    [[nodiscard]] Status retract(const RetractTarget& target) override;
    /** collectAbility: nothing; a person posted the folder by hand, if at all. */
    [[nodiscard]] CollectAbility collectAbility() const override
    {
        return {false, false, "the outbox has nothing to collect: it was posted by hand, if at all"};
    }

    /** folderName is "<NNN>-<MM>", the per-target folder inside the bundle's folder. */
    [[nodiscard]] static std::string folderName(std::size_t postIndex, std::size_t channelIndex);
    /** finalPath is where a target's folder ends up. */
    [[nodiscard]] std::filesystem::path finalPath(const TargetContent& target) const;
    /** postJson is the canonical post.json text (with a final LF) for a target. */
    [[nodiscard]] static std::string postJson(const TargetContent& target);
    /** fileUrl renders an absolute path as a file:// URL, percent-encoding what needs it. */
    [[nodiscard]] static std::string fileUrl(const std::filesystem::path& absolute);

private:
    [[nodiscard]] Status writeFolder(const TargetContent& target, const std::filesystem::path& dir) const;

    std::filesystem::path m_root;
};

} // namespace postern::uploader
