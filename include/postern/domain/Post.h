// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Channel.h"
#include "postern/domain/Policy.h"

#include <string>
#include <vector>

namespace postern::domain {

constexpr std::string_view kPostType = "postern.post";
constexpr std::string_view kPostVersionContext = "postern/v1/post-version";
constexpr std::string_view kApprovalContext = "postern/v1/approval";
constexpr std::size_t kMaxTextBytes = 16u << 10;
constexpr std::size_t kMaxAltBytes = 4u << 10;
constexpr std::size_t kMaxChannelsPerPost = 16;
constexpr std::size_t kMaxMediaPerPost = 35;
constexpr std::uint64_t kMaxMediaBytes = 4ull << 30;

/** MediaRef is one attached file as the post refers to it: bytes are identified by hash. */
struct MediaRef
{
    crypto::Digest hash{}; ///< BLAKE2b-256 of the file
    std::uint64_t size = 0;
    std::string mime; ///< from the allow-list in mediaMimeAllowed()
    std::string name; ///< original base name, for display only, never a path
    std::string alt;  ///< alt text (may be empty)
};

/** ChannelPost is what goes to one channel: its text and platform options. */
struct ChannelPost
{
    ChannelId channel;
    std::string text;
    Json options{Json::Object{}}; ///< string/bool values, validated by validateOptions()
};

/**
 * PostContent is one immutable version of a post: everything that changes what is
 * published. Its canonical JSON is what approvers sign (through its digest); an edit is a
 * new version with a new digest, so earlier approvals stop counting.
 */
struct PostContent
{
    std::string postId; ///< 32 lowercase hex
    std::int64_t version = 1;
    crypto::PublicKey author{};
    std::int64_t created = 0;
    std::int64_t schedule = 0; ///< Unix seconds; 0 = publish on arrival
    std::vector<ChannelPost> channels;
    std::vector<MediaRef> media;

    [[nodiscard]] Json toJson() const;
    /** canonical returns the exact bytes that are hashed and carried in bundles. */
    [[nodiscard]] std::string canonical() const { return toJson().serialize(); }
    /** digest is versionDigest(canonical()). */
    [[nodiscard]] crypto::Digest digest() const;
    [[nodiscard]] static Result<PostContent> fromJson(const Json& node, const std::string& where);
    /** validate checks every rule fromJson checks, for content built in code. */
    [[nodiscard]] Status validate() const;
};

/** versionDigest is BLAKE2b-256("postern/v1/post-version" || NUL || canonical content). */
[[nodiscard]] crypto::Digest versionDigest(std::string_view canonicalContent);

/** mediaMimeAllowed: image/jpeg, image/png, image/webp, image/gif, video/mp4, video/quicktime, video/webm. */
[[nodiscard]] bool mediaMimeAllowed(std::string_view mime);
/** allowedMediaTypes lists the types mediaMimeAllowed accepts, in the order above. */
[[nodiscard]] std::vector<std::string> allowedMediaTypes();
/** mediaExtension maps an allowed MIME type to the file extension the uploader writes. */
[[nodiscard]] std::string_view mediaExtension(std::string_view mime);
/** validateMediaName refuses names that look like paths: "/", "\\", "..", leading ".", controls. */
[[nodiscard]] Status validateMediaName(std::string_view name);
/**
 * validateOptions checks a channel's options against its platform's option specs
 * (PlatformDescriptor::options): no unknown key, each value of its type (a string at most
 * 500 bytes, one of the choices where there are choices), every required key present
 * (the first missing one in key order is named).
 */
[[nodiscard]] Status validateOptions(Platform platform, const Json& options, const std::string& where);

/** Approval is an approver's signature over a version digest. */
struct Approval
{
    crypto::PublicKey approver{};
    crypto::Digest digest{};
    crypto::Signature signature{};
};

/** approve signs `digest` with the approver's key under the approval context. */
[[nodiscard]] Approval approve(const crypto::SigningKey& approver, const crypto::Digest& digest);

/** ApprovalSubject is what a set of approvals is about: a post version or an order. */
struct ApprovalSubject
{
    std::string what;                ///< "post <id>" or "cancel order <id>", for messages
    crypto::PublicKey signer{};      ///< the author or requester, who may not approve it
    std::vector<ChannelId> channels; ///< every channel needs its policy threshold
    std::string_view context;        ///< the signature context approvals are made under
};

/**
 * checkApprovalSet is the approval rule shared by posts and orders. Approvals are counted by
 * distinct public key, per channel, only for approvers that channel authorises. Errors, first
 * failure wins: approval-wrong-version, duplicate-approver, unknown-signer, self-approval,
 * bad-approval-signature, approver-not-authorised (authorised for none of the channels),
 * channel-not-in-policy, threshold-not-met.
 */
[[nodiscard]] Status checkApprovalSet(const ApprovalSubject& subject,
                                      const crypto::Digest& digest,
                                      const std::vector<Approval>& approvals,
                                      const Policy& policy);

/**
 * checkApprovals decides whether a post version may be published under `policy`. Approvals
 * are counted by distinct public key, per channel, only for approvers that channel authorises.
 * Errors, first failure wins: approval-wrong-version, duplicate-approver, unknown-signer,
 * self-approval, bad-approval-signature, approver-not-authorised (authorised for none of the
 * post's channels), channel-not-in-policy, threshold-not-met.
 */
[[nodiscard]] Status checkApprovals(const PostContent& content,
                                    const crypto::Digest& digest,
                                    const std::vector<Approval>& approvals,
                                    const Policy& policy);

} // namespace postern::domain
