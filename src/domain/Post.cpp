// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Post.h"

#include "postern/domain/PlatformDescriptor.h"

#include <algorithm>
#include <set>

namespace postern::domain {

crypto::Digest versionDigest(std::string_view canonicalContent)
{
    return crypto::blake2b256(kPostVersionContext, asBytes(canonicalContent));
}

crypto::Digest PostContent::digest() const
{
    return versionDigest(canonical());
}

Json PostContent::toJson() const
{
    std::vector<ChannelPost> sorted = channels;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
    Json chans(Json::Array{});
    for (const auto& c : sorted) {
        Json o(Json::Object{});
        o.set("channel", c.channel.str()).set("options", c.options).set("text", c.text);
        chans.push(std::move(o));
    }
    Json media_(Json::Array{});
    for (const auto& m : media) {
        Json o(Json::Object{});
        o.set("alt", m.alt)
            .set("hash", toHex(m.hash))
            .set("mime", m.mime)
            .set("name", m.name)
            .set("size", static_cast<std::int64_t>(m.size));
        media_.push(std::move(o));
    }
    Json body(Json::Object{});
    body.set("author", toHex(author))
        .set("channels", std::move(chans))
        .set("created", created)
        .set("media", std::move(media_))
        .set("post_id", postId)
        .set("schedule", schedule)
        .set("type", std::string(kPostType))
        .set("version", version);
    return body;
}

namespace {

constexpr std::pair<std::string_view, std::string_view> kMediaTypes[] = {{"image/jpeg", "jpg"},
                                                                         {"image/png", "png"},
                                                                         {"image/webp", "webp"},
                                                                         {"image/gif", "gif"},
                                                                         {"video/mp4", "mp4"},
                                                                         {"video/quicktime", "mov"},
                                                                         {"video/webm", "webm"}};

} // namespace

bool mediaMimeAllowed(std::string_view mime)
{
    return !mediaExtension(mime).empty();
}

std::vector<std::string> allowedMediaTypes()
{
    std::vector<std::string> out;
    for (const auto& [m, ext] : kMediaTypes)
        out.emplace_back(m);
    return out;
}

std::string_view mediaExtension(std::string_view mime)
{
    for (const auto& [m, ext] : kMediaTypes) {
        if (m == mime)
            return ext;
    }
    return {};
}

Status validateMediaName(std::string_view name)
{
    if (name.empty() || name.size() > 255)
        return fail(Errc::BadMediaName, "media name must be 1 to 255 bytes");
    if (!isValidUtf8(name))
        return fail(Errc::BadMediaName, "media name is not valid UTF-8");
    if (name.front() == '.' || name.find("..") != std::string_view::npos)
        return fail(Errc::BadMediaName,
                    "media name \"" + std::string(name) + "\" starts with a dot or contains \"..\"");
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '/' || c == '\\' || c == ':')
            return fail(Errc::BadMediaName,
                        "media name \"" + std::string(name)
                            + "\" contains a path separator, colon or control character");
    }
    return {};
}

Status validateOptions(Platform platform, const Json& options, const std::string& where)
{
    if (!options.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    const PlatformDescriptor& platformSpec = descriptorFor(platform);
    const std::string name(platformSpec.name);
    for (const auto& member : options.asObject()) {
        // Named references, not a structured binding: clang 14 cannot capture bindings.
        const std::string& key = member.first;
        const Json& value = member.second;
        const OptionSpec* spec = platformSpec.option(key);
        if (!spec)
            return fail(Errc::UnknownField, where + " has option \"" + key + "\", which " + name + " does not support");
        const bool isBool = spec->type == OptionType::Bool;
        if (isBool != (value.type() == Json::Type::Bool) || (!isBool && value.type() != Json::Type::String))
            return fail(Errc::WrongType, where + "." + key + (isBool ? " must be true or false" : " must be a string"));
        if (!isBool) {
            const auto& s = value.asString();
            if (s.size() > 500)
                return fail(Errc::TooLarge, where + "." + key + " is longer than 500 bytes");
            if (spec->type == OptionType::Choice && !spec->choice(s))
                return fail(Errc::BadValue, where + "." + key + " has the unsupported value \"" + s + "\"");
        }
    }
    // Key order, as the post's JSON lists options: the message does not depend on the order
    // in which the composer shows them.
    std::vector<std::string_view> required;
    for (const auto& spec : platformSpec.options) {
        if (spec.required)
            required.push_back(spec.key);
    }
    std::sort(required.begin(), required.end());
    for (const auto key : required) {
        if (!options.find(key))
            return fail(Errc::MissingField,
                        where + " must set " + name + " option \"" + std::string(key) + "\" (there is no default)");
    }
    return {};
}

Result<PostContent> PostContent::fromJson(const Json& node, const std::string& where)
{
    if (!node.isObject())
        return fail(Errc::WrongType, where + " must be an object");
    JsonFields f(node, where);
    PostContent c;
    POSTERN_ASSIGN(authorHex, f.string("author"));
    POSTERN_ASSIGN(chans, f.array("channels", kMaxChannelsPerPost));
    POSTERN_ASSIGN(created, f.integer("created", 0, INT64_MAX));
    POSTERN_ASSIGN(media, f.array("media", kMaxMediaPerPost));
    POSTERN_ASSIGN(postId, f.string("post_id"));
    POSTERN_ASSIGN(schedule, f.integer("schedule", 0, INT64_MAX));
    POSTERN_ASSIGN(type, f.string("type"));
    POSTERN_ASSIGN(version, f.integer("version", 1, INT64_MAX));
    POSTERN_TRY(f.finish());
    if (type != kPostType)
        return fail(Errc::WrongDocumentType, where + " is not a post");
    POSTERN_ASSIGN(author, crypto::keyFromHex(authorHex));
    c.author = author;
    c.created = created;
    c.schedule = schedule;
    c.version = version;
    c.postId = postId;
    for (std::size_t i = 0; i < chans->asArray().size(); ++i) {
        const std::string w = where + ".channels[" + std::to_string(i) + "]";
        const Json& n = chans->asArray()[i];
        if (!n.isObject())
            return fail(Errc::WrongType, w + " must be an object");
        JsonFields cf(n, w);
        POSTERN_ASSIGN(channel, cf.string("channel"));
        POSTERN_ASSIGN(options, cf.object("options"));
        POSTERN_ASSIGN(text, cf.string("text", kMaxTextBytes));
        POSTERN_TRY(cf.finish());
        ChannelPost cp;
        POSTERN_ASSIGN(id, ChannelId::parse(channel));
        // §4.1: sorted by channel string, none twice. The version digest is taken over the bytes
        // as received, so an unsorted list would be a second byte form of the same post.
        if (!c.channels.empty() && !(c.channels.back().channel < id))
            return fail(c.channels.back().channel == id ? Errc::DuplicateField : Errc::NonCanonical,
                        where + ".channels must be sorted by channel with no channel twice");
        cp.channel = id;
        cp.options = *options;
        cp.text = text;
        c.channels.push_back(std::move(cp));
    }
    for (std::size_t i = 0; i < media->asArray().size(); ++i) {
        const std::string w = where + ".media[" + std::to_string(i) + "]";
        const Json& n = media->asArray()[i];
        if (!n.isObject())
            return fail(Errc::WrongType, w + " must be an object");
        JsonFields mf(n, w);
        MediaRef m;
        POSTERN_ASSIGN(alt, mf.string("alt", kMaxAltBytes));
        POSTERN_ASSIGN(hashHex, mf.string("hash"));
        POSTERN_ASSIGN(mime, mf.string("mime"));
        POSTERN_ASSIGN(name, mf.string("name"));
        POSTERN_ASSIGN(size, mf.integer("size", 1, static_cast<std::int64_t>(kMaxMediaBytes)));
        POSTERN_TRY(mf.finish());
        POSTERN_ASSIGN(hash, fromHex(hashHex, crypto::kDigestBytes));
        std::copy(hash.begin(), hash.end(), m.hash.begin());
        m.alt = alt;
        m.mime = mime;
        m.name = name;
        m.size = static_cast<std::uint64_t>(size);
        c.media.push_back(std::move(m));
    }
    POSTERN_TRY(c.validate());
    return c;
}

Status PostContent::validate() const
{
    // §7: a hex member that is not exactly its length of lowercase hex is bad-encoding.
    if (postId.size() != 32 || !fromHex(postId, 16).ok())
        return fail(Errc::BadEncoding, "post id must be 32 lowercase hex digits");
    if (channels.empty())
        return fail(Errc::MissingField, "post " + postId + " has no channel");
    std::set<std::string> seen;
    for (const auto& c : channels) {
        if (!seen.insert(c.channel.str()).second)
            return fail(Errc::DuplicateField, "post " + postId + " lists channel " + c.channel.str() + " twice");
        if (c.text.size() > kMaxTextBytes || !isValidUtf8(c.text))
            return fail(Errc::BadValue, "text for " + c.channel.str() + " is not valid UTF-8 or is over 16 KiB");
        if (c.text.empty() && media.empty())
            return fail(Errc::MissingField, "post for " + c.channel.str() + " has neither text nor media");
        POSTERN_TRY(
            validateOptions(c.channel.platform, c.options, "post " + postId + " options for " + c.channel.str()));
    }
    std::set<crypto::Digest> hashes;
    for (const auto& m : media) {
        POSTERN_TRY(validateMediaName(m.name));
        if (!mediaMimeAllowed(m.mime))
            return fail(Errc::BadValue, "media type " + m.mime + " is not allowed");
        if (m.size == 0 || m.size > kMaxMediaBytes)
            return fail(Errc::TooLarge, "media " + m.name + " is empty or larger than 4 GiB");
        if (m.alt.size() > kMaxAltBytes || !isValidUtf8(m.alt))
            return fail(Errc::BadValue, "alt text for " + m.name + " is not valid UTF-8 or is over 4 KiB");
        if (!hashes.insert(m.hash).second)
            return fail(Errc::DuplicateField, "post " + postId + " attaches the same media twice");
    }
    return {};
}

Approval approve(const crypto::SigningKey& approver, const crypto::Digest& digest)
{
    return {approver.publicKey(), digest, approver.sign(kApprovalContext, digest)};
}

Status checkApprovalSet(const ApprovalSubject& subject,
                        const crypto::Digest& digest,
                        const std::vector<Approval>& approvals,
                        const Policy& policy)
{
    const std::string& what = subject.what;
    std::set<crypto::PublicKey> valid;
    for (const auto& a : approvals) {
        if (!crypto::equalConstantTime(a.digest, digest))
            return fail(Errc::ApprovalWrongVersion,
                        "an approval for " + what + " was given for a different version of it");
        if (valid.count(a.approver))
            return fail(Errc::DuplicateApprover, "the same approver is counted twice for " + what);
        const PolicyUser* user = policy.userByKey(a.approver);
        if (!user)
            return fail(Errc::UnknownSigner,
                        what + " carries an approval by a key the policy does not know ("
                            + crypto::fingerprint(a.approver) + ")");
        if (crypto::equalConstantTime(a.approver, subject.signer))
            return fail(Errc::SelfApproval, user->name + " approved their own " + what);
        if (!crypto::verifySignature(a.approver, subject.context, digest, a.signature))
            return fail(Errc::BadApprovalSignature,
                        "the approval by " + user->name + " on " + what + " has an invalid signature");
        if (!hasRole(user->roles, Role::Approver))
            return fail(Errc::ApproverNotAuthorised, user->name + " does not have the approver role");
        bool authorisedSomewhere = false;
        for (const auto& c : subject.channels) {
            const ChannelRule* rule = policy.rule(c);
            if (rule && std::find(rule->approvers.begin(), rule->approvers.end(), a.approver) != rule->approvers.end())
                authorisedSomewhere = true;
        }
        if (!authorisedSomewhere)
            return fail(Errc::ApproverNotAuthorised, user->name + " may not approve any channel of " + what);
        valid.insert(a.approver);
    }
    for (const auto& c : subject.channels) {
        const ChannelRule* rule = policy.rule(c);
        if (!rule)
            return fail(Errc::ChannelNotInPolicy,
                        "channel " + c.str() + " has no approval rule in policy version "
                            + std::to_string(policy.version));
        std::int64_t count = 0;
        for (const auto& k : rule->approvers)
            count += static_cast<std::int64_t>(valid.count(k));
        if (count < rule->required)
            return fail(Errc::ThresholdNotMet,
                        what + " has " + std::to_string(count) + " valid approval(s) for " + c.str() + "; "
                            + std::to_string(rule->required) + " required");
    }
    return {};
}

Status checkApprovals(const PostContent& content,
                      const crypto::Digest& digest,
                      const std::vector<Approval>& approvals,
                      const Policy& policy)
{
    ApprovalSubject subject{"post " + content.postId, content.author, {}, kApprovalContext};
    for (const auto& c : content.channels)
        subject.channels.push_back(c.channel);
    return checkApprovalSet(subject, digest, approvals, policy);
}

} // namespace postern::domain
