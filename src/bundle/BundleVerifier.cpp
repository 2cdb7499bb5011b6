// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/BundleVerifier.h"

#include "postern/crypto/SecretStream.h"
#include "postern/domain/Identity.h"
#include "postern/util/Checked.h"
#include "postern/util/Clock.h"

#include "ChunkPipeline.h"

#include <functional>
#include <memory>

namespace postern::bundle {

Result<BundleHeader> readBundleHeader(ByteSource& source, std::uint64_t maxBundleBytes)
{
    if (source.size() > maxBundleBytes)
        return fail(Errc::TooLarge,
                    "bundle is " + std::to_string(source.size()) + " bytes; this uploader accepts at most "
                        + std::to_string(maxBundleBytes) + " (see --max-size)");
    Bytes raw(kHeaderBytes);
    POSTERN_ASSIGN(n, source.read(raw));
    raw.resize(n);
    auto header = BundleHeader::decode(raw);
    // A file that ends inside the header is a copy cut short (§9.1), never the workstation's verdict.
    if (!header && header.code() == Errc::Truncated) {
        Error e = std::move(header).error();
        e.ofCopy = true;
        return e;
    }
    return header;
}

namespace {

/** PayloadConsumer takes decrypted plaintext in order and checks it as it arrives. It parses
 *  on the thread that feeds it; hashing and spooling each piece of media are tasks it hands to
 *  `defer` (the pipeline runs them on whichever core is free), or runs at once without one. */
class PayloadConsumer
{
public:
    /** Defer runs a task later, one at a time per lane, reporting failures in deferral order
     *  (ChunkPipeline::defer). Each media is a lane (its index); spooling is one more. */
    using Defer = std::function<void(std::uint64_t lane, std::function<Status()>)>;
    static constexpr std::uint64_t kSpoolLane = UINT64_MAX;

    PayloadConsumer(const BundleHeader& header, const crypto::Digest& headerHash, MediaSpool* spool)
        : m_header(header), m_headerHash(headerHash), m_spool(spool)
    {
    }

    void setDefer(Defer defer) { m_defer = std::move(defer); }

    Status consume(ByteView data)
    {
        while (!data.empty()) {
            switch (m_phase) {
            case Phase::Length: {
                const std::size_t n = std::min<std::size_t>(8 - m_lengthBytes.size(), data.size());
                m_lengthBytes.insert(m_lengthBytes.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
                data = data.subspan(n);
                if (m_lengthBytes.size() == 8) {
                    m_manifestLength = getU64(m_lengthBytes);
                    if (m_manifestLength > kMaxManifestBytes)
                        return fail(Errc::TooLarge, "manifest is larger than 16 MiB");
                    if (8 + m_manifestLength + crypto::kSignatureBytes > m_header.payloadBytes)
                        return fail(Errc::BadValue, "manifest length exceeds the payload");
                    m_manifest.reserve(static_cast<std::size_t>(m_manifestLength));
                    m_phase = Phase::Manifest;
                }
                break;
            }
            case Phase::Manifest: {
                const std::size_t n =
                    std::min<std::size_t>(static_cast<std::size_t>(m_manifestLength) - m_manifest.size(), data.size());
                m_manifest.append(reinterpret_cast<const char*>(data.data()), n);
                data = data.subspan(n);
                if (m_manifest.size() == m_manifestLength)
                    m_phase = Phase::Signature;
                break;
            }
            case Phase::Signature: {
                const std::size_t n = std::min<std::size_t>(crypto::kSignatureBytes - m_sigBytes.size(), data.size());
                m_sigBytes.insert(m_sigBytes.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
                data = data.subspan(n);
                if (m_sigBytes.size() == crypto::kSignatureBytes)
                    POSTERN_TRY(finishManifest());
                break;
            }
            case Phase::Media:
                POSTERN_TRY(consumeMedia(data));
                break;
            case Phase::Done:
                return fail(Errc::BadValue, "payload carries bytes that the manifest does not account for");
            }
        }
        return {};
    }

    Status finish()
    {
        if (m_phase != Phase::Done)
            return fail(Errc::BadValue, "payload_bytes ends before the manifest and media are complete");
        return {};
    }

    Manifest takeManifest() { return std::move(m_parsed); }

private:
    enum class Phase {
        Length,
        Manifest,
        Signature,
        Media,
        Done
    };

    Status finishManifest()
    {
        crypto::Signature sig{};
        std::copy(m_sigBytes.begin(), m_sigBytes.end(), sig.begin());
        Bytes signedBytes(m_headerHash.begin(), m_headerHash.end());
        signedBytes.insert(signedBytes.end(), m_manifest.begin(), m_manifest.end());
        if (!crypto::verifySignature(m_header.workstation, kManifestContext, signedBytes, sig))
            return fail(Errc::BadManifestSignature, "the manifest is not signed by the workstation for this bundle");
        POSTERN_ASSIGN(parsed, parseManifest(m_manifest));
        m_parsed = std::move(parsed);
        if (8 + m_manifestLength + crypto::kSignatureBytes + m_parsed.mediaBytes() != m_header.payloadBytes)
            return fail(Errc::BadValue, "payload size does not match the media table in the manifest");
        m_phase = m_parsed.media.empty() ? Phase::Done : Phase::Media;
        if (m_phase == Phase::Media)
            POSTERN_TRY(startMedia());
        return {};
    }

    /** later defers `task`, or runs it now when there is no pipeline. Deferred failures are
     *  ordered as if the task had run here (ChunkPipeline::defer). */
    Status later(std::uint64_t lane, std::function<Status()> task)
    {
        if (!m_defer)
            return task();
        m_defer(lane, std::move(task));
        return {};
    }

    Status startMedia()
    {
        m_hasher = std::make_shared<crypto::Blake2b256>();
        m_mediaRemaining = m_parsed.media[m_mediaIndex].size;
        if (m_spool)
            POSTERN_TRY(
                later(kSpoolLane, [spool = m_spool, index = m_mediaIndex, entry = m_parsed.media[m_mediaIndex]] {
                    return spool->begin(index, entry);
                }));
        return {};
    }

    Status consumeMedia(ByteView& data)
    {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(m_mediaRemaining, data.size()));
        const ByteView part = data.subspan(0, n);
        m_mediaRemaining -= n;
        data = data.subspan(n);
        const bool last = m_mediaRemaining == 0;
        // Same order as one thread doing it all: spool the piece, hash it, and after the last
        // piece compare the hash, then close the spooled file.
        if (m_spool)
            POSTERN_TRY(later(kSpoolLane, [spool = m_spool, part] { return spool->write(part); }));
        POSTERN_TRY(later(m_mediaIndex,
                          [hasher = m_hasher,
                           part,
                           last,
                           index = m_mediaIndex,
                           count = m_parsed.media.size(),
                           expected = m_parsed.media[m_mediaIndex].hash]() -> Status {
                              hasher->update(part);
                              if (!last || crypto::equalConstantTime(hasher->finish(), expected))
                                  return {};
                              return fail(Errc::MediaHashMismatch,
                                          "media " + std::to_string(index + 1) + " of " + std::to_string(count)
                                              + " does not match the hash its post was approved with");
                          }));
        if (last) {
            if (m_spool)
                POSTERN_TRY(later(kSpoolLane, [spool = m_spool] { return spool->finish(); }));
            ++m_mediaIndex;
            if (m_mediaIndex == m_parsed.media.size())
                m_phase = Phase::Done;
            else
                POSTERN_TRY(startMedia());
        }
        return {};
    }

    const BundleHeader& m_header;
    crypto::Digest m_headerHash;
    MediaSpool* m_spool;
    Phase m_phase = Phase::Length;
    Bytes m_lengthBytes;
    std::uint64_t m_manifestLength = 0;
    std::string m_manifest;
    Bytes m_sigBytes;
    Manifest m_parsed;
    std::size_t m_mediaIndex = 0;
    std::uint64_t m_mediaRemaining = 0;
    /** Shared with the tasks hashing the current media; one lane per media, so one at a time. */
    std::shared_ptr<crypto::Blake2b256> m_hasher;
    Defer m_defer;
};

Status checkHeader(const BundleHeader& h,
                   const VerifyEnvironment& env,
                   const VerifyOptions& opt,
                   const TrustedWorkstation*& trusted)
{
    trusted = env.findWorkstation ? env.findWorkstation(h.workstation) : nullptr;
    if (!trusted)
        return fail(Errc::UnknownWorkstation,
                    "the bundle is signed by workstation " + domain::keyFingerprint(h.workstation)
                        + ", which this uploader does not trust; run `postern-uploader trust`");
    if (!h.verifySignature())
        return fail(Errc::BadHeaderSignature,
                    "the bundle header signature is invalid; the file was altered or damaged");
    if (!crypto::equalConstantTime(h.recipient, env.uploaderKey->publicKey()))
        return fail(Errc::WrongRecipient,
                    "the bundle was sealed for another uploader (" + domain::keyFingerprint(h.recipient) + ")");
    if (!crypto::equalConstantTime(h.bundleId, deriveBundleId(h.workstation, h.sequence)))
        return fail(Errc::BadBundleId, "the bundle id does not match its sequence number");
    if (h.created > saturatingAdd(opt.now, opt.maxClockSkew))
        return fail(Errc::FutureDated,
                    "the bundle was created at " + formatUtc(h.created)
                        + ", in the future; check the workstation and uploader clocks");
    if (h.expires <= opt.now)
        return fail(Errc::Expired, "the bundle expired at " + formatUtc(h.expires) + "; export the posts again");
    // Checked: created = -2^63 with expires = 2^63 - 1 overflowed to a negative lifetime once.
    const std::optional<std::int64_t> lifetime = h.lifetime();
    if (!lifetime || *lifetime <= 0 || *lifetime > domain::kMaxLifetime)
        return fail(Errc::LifetimeExceedsPolicy,
                    "the bundle lifetime (" + formatUtc(h.created) + " to " + formatUtc(h.expires)
                        + ") is not between 0 and 30 days");
    POSTERN_ASSIGN(seen, env.seen(h.bundleId));
    if (seen)
        return fail(Errc::Replay, "bundle " + toHex(h.bundleId) + " was already processed; a bundle is used once");
    const std::uint64_t high = trusted->highWater.value_or(0);
    // sequence > high - window, written so that neither side can wrap around.
    if (trusted->highWater && high >= opt.replayWindow && h.sequence <= high - opt.replayWindow)
        return fail(Errc::SequenceRollback,
                    "bundle sequence " + std::to_string(h.sequence) + " is far older than " + std::to_string(high)
                        + ", the newest processed");
    if (h.sequence > saturatingAdd(high, opt.maxSequenceJump))
        return fail(Errc::SequenceJump,
                    "bundle sequence " + std::to_string(h.sequence)
                        + " jumps too far ahead; it would block future bundles");
    return {};
}

Status decryptPayload(ByteSource& source,
                      const BundleHeader& h,
                      const crypto::Digest& headerHash,
                      const crypto::BoxKey& key,
                      PayloadConsumer& consumer,
                      const VerifyOptions& opt)
{
    POSTERN_ASSIGN(fileKey, key.openSealed(h.sealedKey));
    if (fileKey.size() != crypto::kStreamKeyBytes)
        return fail(Errc::BadKeySeal, "the sealed file key has the wrong length");
    crypto::StreamDecryptor dec;
    POSTERN_TRY(dec.init(fileKey, h.streamHeader));
    const Bytes ad = chunkAd(headerHash);
    Bytes cipher(kChunkBytes + crypto::kStreamOverhead);
    // Decryption runs here while a worker hashes and spools the previous chunks: opening then
    // goes at the speed of the slower of the two instead of their sum (docs/performance.md).
    ChunkPipeline pipeline([&consumer](ByteView plain) { return consumer.consume(plain); }, 4, kChunkBytes);
    consumer.setDefer(
        [&pipeline](std::uint64_t lane, ChunkPipeline::Task task) { pipeline.defer(lane, std::move(task)); });
    const auto produce = [&]() -> Status {
        std::uint64_t done = 0;
        const std::uint64_t chunks = h.chunkCount();
        for (std::uint64_t i = 0; i < chunks; ++i) {
            if (opt.cancel && opt.cancel->load(std::memory_order_relaxed))
                return fail(Errc::Cancelled, "verification cancelled");
            const std::size_t plainSize =
                static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, h.payloadBytes - done));
            std::span<std::uint8_t> c(cipher.data(), plainSize + crypto::kStreamOverhead);
            POSTERN_ASSIGN(got, source.read(c));
            if (got != c.size())
                return failOfCopy(Errc::Truncated,
                                  "the bundle ends in chunk " + std::to_string(i + 1) + " of " + std::to_string(chunks)
                                      + "; the copy is incomplete");
            const std::span<std::uint8_t> plain = pipeline.acquire();
            if (plain.empty())
                return fail(Errc::Internal, "the payload check stopped early"); // finish() says why
            bool final = false;
            POSTERN_TRY(dec.pull(c, ad, plain.first(plainSize), final));
            // The tags are authenticated: a misplaced FINAL was written so, not cut by a copy.
            if (final != (i + 1 == chunks))
                return fail(Errc::ChunkAuthFailed,
                            "the stream's final marker is not on its last chunk (chunk " + std::to_string(i + 1)
                                + " of " + std::to_string(chunks) + ")");
            pipeline.submit(plainSize);
            done += plainSize;
            if (opt.onProgress)
                opt.onProgress(done, h.payloadBytes);
        }
        std::uint8_t extra = 0;
        POSTERN_ASSIGN(more, source.read({&extra, 1}));
        if (more != 0)
            return failOfCopy(Errc::TrailingData, "the bundle has data after its final chunk");
        return {};
    };
    const Status produced = produce();
    // A consumer failure happened on an earlier chunk than any producer failure, so it wins.
    const Status consumed = pipeline.finish();
    consumer.setDefer({}); // the pipeline goes with this scope
    POSTERN_TRY(consumed);
    POSTERN_TRY(produced);
    return consumer.finish();
}

/** exceedsLifetime is the per-channel `max_lifetime` rule; an unrepresentable lifetime exceeds
 *  every limit (checkHeader already refused it, this keeps the rule true on its own). */
bool exceedsLifetime(const BundleHeader& h, std::int64_t maxLifetime)
{
    const std::optional<std::int64_t> lifetime = h.lifetime();
    return !lifetime || *lifetime > maxLifetime;
}

Status checkPosts(const VerifiedBundle& vb)
{
    const auto& policy = vb.policy.policy;
    for (const auto& post : vb.manifest.posts) {
        const domain::PolicyUser* author = policy.userByKey(post.content.author);
        if (!author)
            return fail(Errc::UnknownSigner,
                        "post " + post.content.postId + " names an author the policy does not know");
        if (!domain::hasRole(author->roles, domain::Role::Author))
            return fail(Errc::NotAuthorised, author->name + " does not have the author role");
        POSTERN_TRY(domain::checkApprovals(post.content, post.digest, post.approvals, policy));
        for (const auto& c : post.content.channels) {
            const domain::ChannelRule* rule = policy.rule(c.channel);
            if (rule && exceedsLifetime(vb.header, rule->maxLifetime))
                return fail(Errc::LifetimeExceedsPolicy,
                            "the bundle lives longer than " + std::to_string(rule->maxLifetime)
                                + " seconds, the maximum for " + c.channel.str());
        }
        if (post.content.schedule != 0 && saturatingAdd<std::int64_t>(post.content.schedule, 60) < vb.header.created)
            return fail(Errc::ScheduleInPast,
                        "post " + post.content.postId + " was scheduled before the bundle was made");
    }
    return {};
}

/** checkOrders holds cancel and retract orders to the same policy as posts (§9, step 15). */
Status checkOrders(const VerifiedBundle& vb)
{
    const auto& policy = vb.policy.policy;
    for (const auto& o : vb.manifest.orders) {
        POSTERN_TRY(domain::checkOrderApprovals(o.order, o.digest, o.approvals, policy));
        for (const auto& c : o.order.channels) {
            const domain::ChannelRule* rule = policy.rule(c);
            if (rule && exceedsLifetime(vb.header, rule->maxLifetime))
                return fail(Errc::LifetimeExceedsPolicy,
                            "the bundle lives longer than " + std::to_string(rule->maxLifetime)
                                + " seconds, the maximum for " + c.str());
        }
        if (o.order.created > saturatingAdd<std::int64_t>(vb.header.created, 60))
            return fail(Errc::FutureDated, "order " + o.order.orderId + " was made after the bundle that carries it");
    }
    return {};
}

} // namespace

Result<VerifiedBundle>
verifyBundle(ByteSource& source, const VerifyEnvironment& env, const VerifyOptions& options, MediaSpool* spool)
{
    if (!env.uploaderKey || !env.seen)
        return fail(Errc::InvalidArgument, "verifier environment is incomplete");
    POSTERN_ASSIGN(header, readBundleHeader(source, options.maxBundleBytes));
    const TrustedWorkstation* trusted = nullptr;
    POSTERN_TRY(checkHeader(header, env, options, trusted));
    // §9 step 9: the signed header fixes the exact file size. Comparing it first makes
    // truncated and trailing-data mean "this copy is incomplete or padded" and nothing else,
    // which the uploader answers locally (the bundle stays eligible) rather than with a signed
    // rejection. The failure is marked as the copy's: the same codes from inside the manifest
    // (bytes after its JSON) are the workstation's defect and earn a signed rejection.
    if (const std::uint64_t expected = header.fileBytes(); source.size() != expected)
        return failOfCopy(
            source.size() < expected ? Errc::Truncated : Errc::TrailingData,
            "the file is " + std::to_string(source.size()) + " bytes but its header describes "
                + std::to_string(expected)
                + (source.size() < expected ? "; the copy is incomplete" : "; something was added after its end"));
    const crypto::Digest headerHash = header.hash();
    PayloadConsumer consumer(header, headerHash, spool);
    if (auto s = decryptPayload(source, header, headerHash, *env.uploaderKey, consumer, options); !s) {
        if (spool)
            spool->discard();
        return std::move(s).error();
    }
    VerifiedBundle vb;
    vb.header = header;
    vb.manifest = consumer.takeManifest();
    auto policy = domain::advancePolicy(trusted->policy, vb.manifest.policies, trusted->knownPolicy);
    Status postsOk;
    if (policy) {
        vb.policyAdvanced = policy->policy.version != trusted->policy.policy.version;
        vb.policy = std::move(policy).value();
        postsOk = checkPosts(vb);
        if (postsOk)
            postsOk = checkOrders(vb);
    }
    if (!policy || !postsOk) {
        if (spool)
            spool->discard();
        return policy ? postsOk.error() : policy.error();
    }
    return vb;
}

DirectorySpool::~DirectorySpool()
{
    if (!m_keep)
        discard();
}

std::filesystem::path DirectorySpool::pathFor(std::size_t index) const
{
    return m_dir / ("media-" + std::to_string(index));
}

Status DirectorySpool::begin(std::size_t index, const MediaEntry&)
{
    m_writer = std::make_unique<AtomicFileWriter>();
    POSTERN_TRY(m_writer->open(pathFor(index), 0600));
    m_written.push_back(pathFor(index));
    return {};
}

Status DirectorySpool::write(ByteView bytes)
{
    return m_writer->write(bytes);
}

Status DirectorySpool::finish()
{
    POSTERN_TRY(m_writer->commit());
    m_writer.reset();
    return {};
}

void DirectorySpool::discard() noexcept
{
    m_writer.reset();
    for (const auto& p : m_written) {
        std::error_code ec;
        std::filesystem::remove(p, ec);
    }
    m_written.clear();
}

} // namespace postern::bundle
