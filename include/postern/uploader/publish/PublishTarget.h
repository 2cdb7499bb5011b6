// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/bundle/BundleFormat.h"
#include "postern/domain/Channel.h"
#include "postern/uploader/ledger/LedgerRecords.h"
#include "postern/uploader/publish/Collect.h"
#include "postern/util/Json.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace postern::uploader {

/** TargetMedia is one verified media file of a post, already in the spool. */
struct TargetMedia
{
    std::filesystem::path spoolPath; ///< spool/<bundle-id>/media-<i>, a name the uploader chose
    std::string mime;
    std::string alt;
    std::uint64_t size = 0;
};

/**
 * TargetContent is everything an adapter needs to publish one post on one channel. It is
 * rebuilt from the ledger's copy of the verified manifest, so a resume after a crash hands an
 * adapter exactly what the first attempt had.
 */
struct TargetContent
{
    bundle::BundleId bundleId{};
    std::size_t postIndex = 0;
    std::size_t channelIndex = 0;
    std::string postId;
    std::int64_t version = 0;
    domain::ChannelId channel;
    std::string text;
    Json options{Json::Object{}};
    std::int64_t schedule = 0;          ///< 0 = publish on arrival
    std::vector<TargetMedia> media;     ///< in the post's order
    std::vector<std::string> approvers; ///< names from the policy, sorted
    std::int64_t bundleCreated = 0;     ///< the bundle's creation time (seconds since 1970)

    // -- the sent step of network adapters (ignored by the outbox) ------------------------------
    /** idempotencyKey is the key an earlier attempt recorded with `sent` ("" if none). */
    std::string idempotencyKey;
    /** mayExist: the ledger says sent or unknown, so the post may exist: reconcile first. */
    bool mayExist = false;
    /**
     * markSent must be called right before the request that cannot be repeated blindly, with
     * the key that lets the platform be asked about it. It records `sent` durably; if it fails
     * the adapter must not send and returns the error unchanged.
     */
    std::function<Status(const std::string& key)> markSent;

    /**
     * checkpoint (optional; empty in tests that build content by hand) may be called by an
     * adapter before each request of a multi-request publish. An error (suspended: publishing
     * was suspended or the uploader is stopping) means "send nothing more": the adapter returns
     * that error unchanged and the target stays pending. Never call it between markSent and
     * the request it announces.
     */
    std::function<Status()> checkpoint;
};

/**
 * TargetOutcome is an adapter's answer for a target: done or failed (final), or unknown (the
 * request was sent and no usable answer came back: recorded, reconciled by the next resume).
 */
struct TargetOutcome
{
    TargetState state = TargetState::Failed;
    std::string platformId;
    std::string url;
    std::string reason;
    bool alreadyPresent = false; ///< found published by an earlier, interrupted attempt
};

/** RetractTarget is a published target that a retract order asks the platform to delete. */
struct RetractTarget
{
    domain::ChannelId channel;
    std::string platformId;     ///< what the adapter recorded when it published
    std::string url;            ///< the public URL, for messages
    std::string idempotencyKey; ///< the key recorded with `sent` (Bluesky: the record key)
    /** checkpoint, as in TargetContent: an error means "send nothing", the order stays pending. */
    std::function<Status()> checkpoint;
};

/**
 * cannotRetract is the reason a retract order fails on a platform whose adapter cannot delete
 * (PublishAdapter::canRetract() false, or no adapter at all): the operator deletes it by hand.
 */
[[nodiscard]] std::string cannotRetract(const RetractTarget& target);

/**
 * PublishAdapter is one platform, as the publish service sees it: the only way from this room
 * to a platform, so the service itself never links the network (docs/architecture.md).
 *
 *  - publish: one target. When TargetContent::mayExist is set (an earlier attempt was sent and
 *    got no usable answer), publish reconciles first: it asks the platform whether the post
 *    exists and reports it (alreadyPresent) instead of publishing twice.
 *  - retract: deletes one published post, if canRetract() says the platform can.
 *  - collect: reads back a published post's reaction counts and replies (monitoring), as far
 *    as collectAbility() says the platform gives them.
 *
 * The adapter talks back to the service only through TargetContent's markSent and checkpoint
 * and RetractTarget's checkpoint.
 */
class PublishAdapter
{
public:
    virtual ~PublishAdapter() = default;

    /**
     * publish publishes one target. A returned outcome is final and is recorded in the ledger; a
     * returned error means "not published, safe to try again" and leaves the target claimed for
     * `resume`. Adapters must be idempotent per target: called again for a target they already
     * published, they report it instead of publishing twice.
     */
    [[nodiscard]] virtual Result<TargetOutcome> publish(const TargetContent& target) = 0;

    /**
     * canRetract says whether this platform's posts can be deleted by the uploader. False (the
     * default, and TikTok's: its Content Posting API has no delete) makes a retract order fail
     * with cannotRetract()'s "delete it by hand" before anything is sent.
     */
    [[nodiscard]] virtual bool canRetract() const { return false; }

    /**
     * retract deletes one published post. ok: it is gone (also when it was gone already, so a
     * repeated deletion after a crash is harmless). An error with code publish-failed (the
     * platform refused, after the adapter's own retries) or invalid-argument (not an id it can
     * delete) is final: the order fails with that message. Any other error leaves the order
     * pending for the next resume. The default (no delete) fails with cannotRetract().
     */
    [[nodiscard]] virtual Status retract(const RetractTarget& target);

    /**
     * collectAbility says what collect() reads on this platform, and in its note what the
     * platform does not give. The default (nothing) says that this uploader cannot read posts
     * back from the platform yet.
     */
    [[nodiscard]] virtual CollectAbility collectAbility() const;

    /**
     * collect reads one published post's counts and replies. Requests are reads, safe to
     * repeat, and go through the adapter's rate-limit handling. An error means "nothing read
     * for this target in this run"; the target stays in the window for the next run. The
     * default fails with the note of collectAbility().
     */
    [[nodiscard]] virtual Result<Collection> collect(const CollectTarget& target);
};

} // namespace postern::uploader
