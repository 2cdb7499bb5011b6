// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/BundleWriter.h"

#include "postern/bundle/ByteSource.h"
#include "postern/crypto/OneTimeAuth.h"

#include "ChunkPipeline.h"

#include <memory>

namespace postern::bundle {

namespace {

/** MediaOpener opens the manifest's media entry with this index. It runs on the reader thread. */
using MediaOpener = std::function<Result<std::unique_ptr<ByteSource>>(std::size_t)>;
using Sink = std::function<Status(ByteView)>;
/** Check sees every byte handed to the sink, in the same order, one call at a time, on the
 *  writer thread or on the encrypting thread when that would otherwise wait. */
using Check = ChunkPipeline::Check;

/** PlaintextProducer yields the payload plaintext in order without holding media in memory. */
class PlaintextProducer
{
public:
    PlaintextProducer(Bytes prefix, const Manifest& manifest, MediaOpener opener)
        : m_prefix(std::move(prefix)), m_manifest(manifest), m_opener(std::move(opener))
    {
    }

    /** fill writes exactly buf.size() bytes unless the payload ends first. */
    Result<std::size_t> fill(std::span<std::uint8_t> buf)
    {
        std::size_t done = 0;
        while (done < buf.size()) {
            if (m_prefixPos < m_prefix.size()) {
                const std::size_t n = std::min(buf.size() - done, m_prefix.size() - m_prefixPos);
                std::copy_n(m_prefix.begin() + static_cast<std::ptrdiff_t>(m_prefixPos),
                            n,
                            buf.begin() + static_cast<std::ptrdiff_t>(done));
                m_prefixPos += n;
                done += n;
                continue;
            }
            if (!m_current) {
                if (m_mediaIndex >= m_manifest.media.size())
                    break;
                POSTERN_ASSIGN(src, m_opener(m_mediaIndex));
                if (src->size() != m_manifest.media[m_mediaIndex].size)
                    return fail(Errc::MediaHashMismatch,
                                "a stored media file changed size since it was attached; "
                                "run `postern-cli show` on the post and re-attach the file");
                m_current = std::move(src);
                m_remaining = m_manifest.media[m_mediaIndex].size;
            }
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() - done, m_remaining));
            POSTERN_ASSIGN(n, m_current->read(buf.subspan(done, want)));
            if (n == 0)
                return fail(Errc::MediaHashMismatch, "a stored media file is shorter than when it was attached");
            done += n;
            m_remaining -= n;
            if (m_remaining == 0) {
                m_current.reset();
                ++m_mediaIndex;
            }
        }
        return done;
    }

private:
    Bytes m_prefix;
    std::size_t m_prefixPos = 0;
    const Manifest& m_manifest;
    MediaOpener m_opener;
    std::unique_ptr<ByteSource> m_current;
    std::uint64_t m_remaining = 0;
    std::size_t m_mediaIndex = 0;
};

Result<SealedBundle> seal(const SealRequest& req,
                          const MediaOpener& opener,
                          const Sink& sink,
                          const Check& check,
                          const SealProgress& progress)
{
    if (!req.workstation || !req.manifest)
        return fail(Errc::InvalidArgument, "seal request is missing the workstation key or manifest");
    if (req.expires <= req.created)
        return fail(Errc::InvalidArgument, "bundle expiry must be after its creation time");
    const std::string manifestText = req.rawManifest ? *req.rawManifest : req.manifest->serialize();
    if (manifestText.size() > kMaxManifestBytes)
        return fail(Errc::TooLarge, "the manifest is larger than 16 MiB; export fewer posts at once");

    BundleHeader h;
    h.workstation = req.workstation->publicKey();
    h.recipient = req.recipient;
    h.sequence = req.sequence;
    h.bundleId = deriveBundleId(h.workstation, req.sequence);
    h.created = req.created;
    h.expires = req.expires;
    h.payloadBytes = 8 + manifestText.size() + crypto::kSignatureBytes + req.manifest->mediaBytes();

    crypto::SecureBuffer fileKey(crypto::kStreamKeyBytes);
    crypto::randomBytes(fileKey.span());
    POSTERN_ASSIGN(sealed, crypto::sealTo(req.recipient, fileKey.view()));
    std::copy(sealed.begin(), sealed.end(), h.sealedKey.begin());
    crypto::StreamEncryptor enc;
    POSTERN_ASSIGN(streamHeader, enc.init(fileKey));
    h.streamHeader = streamHeader;
    h.signature = req.workstation->sign(kHeaderContext, h.encodeSigned());
    const Bytes headerBytes = h.encode();
    const crypto::Digest headerHash = crypto::blake2b256(headerBytes);
    const Bytes ad = chunkAd(headerHash);

    // The manifest signature binds the manifest to this exact header.
    Bytes signedManifest(headerHash.begin(), headerHash.end());
    signedManifest.insert(signedManifest.end(), manifestText.begin(), manifestText.end());
    const crypto::Signature manifestSig = req.workstation->sign(kManifestContext, signedManifest);
    Bytes prefix;
    prefix.reserve(8 + manifestText.size() + manifestSig.size());
    putU64(prefix, manifestText.size());
    prefix.insert(prefix.end(), manifestText.begin(), manifestText.end());
    prefix.insert(prefix.end(), manifestSig.begin(), manifestSig.end());

    if (check)
        check(headerBytes);
    POSTERN_TRY(sink(headerBytes));
    // Three stages, each on its own thread, so sealing runs at the speed of the encryption
    // alone: a reader fills plaintext chunk i+1 from the media files while this thread
    // encrypts chunk i and a writer writes chunk i-1 (docs/performance.md). Both rings hold
    // four 1 MiB buffers, so memory stays bounded whatever the media sizes. Whenever this
    // thread would wait for either of the others, it runs the write check of chunks it has
    // already encrypted instead: on two cores, reading and writing are the busier core.
    PlaintextProducer producer(std::move(prefix), *req.manifest, opener);
    ChunkPipeline writer(sink, 4, kChunkBytes + crypto::kStreamOverhead, WorkerPriority::Background, check);
    ChunkPrefetch reader([&](std::span<std::uint8_t> buf) { return producer.fill(buf); },
                         h.payloadBytes,
                         4,
                         kChunkBytes,
                         WorkerPriority::Background);
    const auto produce = [&]() -> Status {
        std::uint64_t emitted = 0;
        const std::uint64_t chunks = h.chunkCount();
        for (std::uint64_t i = 0; i < chunks; ++i) {
            // One relaxed load and one callback per 1 MiB chunk: neither shows in the figures.
            if (progress.cancel && progress.cancel->load(std::memory_order_relaxed))
                return fail(Errc::Cancelled, "export cancelled; no bundle was written");
            POSTERN_ASSIGN(plain, reader.next([&] { return writer.helpCheck(); }));
            const std::span<std::uint8_t> cipher = writer.acquire();
            if (cipher.empty())
                return fail(Errc::Internal, "writing stopped early"); // finish() says why
            const std::size_t size = plain.size() + crypto::kStreamOverhead;
            POSTERN_TRY(enc.push(plain, ad, i + 1 == chunks, cipher.first(size)));
            reader.release();
            writer.submit(size);
            emitted += plain.size();
            if (progress.onProgress)
                progress.onProgress(emitted, h.payloadBytes);
        }
        return {};
    };
    const Status produced = produce();
    POSTERN_TRY(writer.finish()); // a write failure on an earlier chunk is the real cause
    POSTERN_TRY(produced);
    SealedBundle result;
    result.header = h;
    result.fileBytes = h.fileBytes();
    result.fingerprint = crypto::fingerprint(headerBytes);
    return result;
}

} // namespace

Result<SealedBundle>
sealBundle(const SealRequest& request, const std::filesystem::path& out, const SealProgress& progress)
{
    if (progress.onPhase)
        progress.onPhase(SealPhase::Sealing);
    // Paths are resolved here, on the caller's thread; the reader thread only opens files.
    std::vector<std::filesystem::path> paths;
    if (request.manifest) {
        if (!request.mediaPath && !request.manifest->media.empty())
            return fail(Errc::InvalidArgument, "seal request has media but no media resolver");
        for (const auto& m : request.manifest->media) {
            POSTERN_ASSIGN(path, request.mediaPath(m.hash));
            paths.push_back(std::move(path));
        }
    }
    MediaOpener opener = [&](std::size_t index) -> Result<std::unique_ptr<ByteSource>> {
        auto src = std::make_unique<FileSource>();
        POSTERN_TRY(src->open(paths.at(index)));
        return std::unique_ptr<ByteSource>(std::move(src));
    };
    // Every byte handed to the file is authenticated from memory as it is written (the check
    // runs on one thread at a time, in file order), under a key that never leaves memory, so
    // a read-back can prove the drive holds exactly those bytes. Poly1305, not BLAKE2b: at
    // twice the speed of the encryption, BLAKE2b would bound sealing (docs/performance.md).
    auto checkKey = std::make_shared<crypto::SecureBuffer>(crypto::kOneTimeAuthKeyBytes);
    crypto::randomBytes(checkKey->span());
    crypto::OneTimeAuth check;
    POSTERN_TRY(check.init(*checkKey));
    AtomicFileWriter writer;
    POSTERN_TRY(writer.open(out, 0600));
    POSTERN_ASSIGN(sealed,
                   seal(
                       request,
                       opener,
                       [&](ByteView b) { return writer.write(b); },
                       [&](ByteView b) { check.update(b); },
                       progress));
    POSTERN_TRY(writer.commit());
    POSTERN_ASSIGN(tag, check.finish());
    sealed.fileCheckKey = std::move(checkKey);
    sealed.fileCheckTag = tag;
    return sealed;
}

Result<Bytes> sealBundleToMemory(const SealRequest& request,
                                 const std::function<Result<Bytes>(const crypto::Digest&)>& mediaBytes)
{
    // Media are kept alive here for the duration of the seal; sources only view them. The
    // opener runs on the reader thread, the only one that touches `keep`.
    std::vector<std::unique_ptr<Bytes>> keep;
    MediaOpener opener = [&](std::size_t index) -> Result<std::unique_ptr<ByteSource>> {
        POSTERN_ASSIGN(bytes, mediaBytes(request.manifest->media.at(index).hash));
        keep.push_back(std::make_unique<Bytes>(std::move(bytes)));
        return std::unique_ptr<ByteSource>(std::make_unique<MemorySource>(*keep.back()));
    };
    Bytes out;
    POSTERN_TRY(seal(request,
                     opener,
                     [&](ByteView b) {
                         out.insert(out.end(), b.begin(), b.end());
                         return Status{};
                     },
                     {},
                     {}));
    return out;
}

} // namespace postern::bundle
