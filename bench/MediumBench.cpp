// SPDX-License-Identifier: GPL-3.0-or-later
// postern-bench medium: how close an export (seal + verify-after-write) and an open come to
// the medium they use. On a USB stick the stick sets the pace, not the CPU, so the baseline
// here is the plain medium measured in the same run: write the same number of bytes, fsync,
// drop the file's pages from the page cache, read it back. See docs/performance.md.
#include "postern/bundle/ReadBack.h"

#include "BenchSetup.h"
#include "BenchUtil.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace postern::bench {

namespace fs = std::filesystem;

namespace {

struct Options
{
    std::uint64_t videoMiB = 256;
    std::uint64_t posts = 0;
    std::uint64_t repeat = 5;
    fs::path dir;
};

/** dropCache asks the kernel to forget the file's cached pages (they are clean after an
 *  fsync), so the next read comes from the medium. Dropping the whole page cache needs root;
 *  this is what the export's read-back does (bundle::readBackBundle). */
bool dropCache(const fs::path& file)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
    ::close(fd);
    return ok;
}

/** plainWrite writes `bytes` of random data in 1 MiB pieces and fsyncs the file. */
bool plainWrite(const fs::path& file, std::uint64_t bytes)
{
    Bytes buf(1u << 20);
    crypto::randomBytes(buf);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    bool ok = true;
    for (std::uint64_t done = 0; ok && done < bytes;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), bytes - done));
        const ssize_t w = ::write(fd, buf.data(), n);
        ok = w > 0;
        done += ok ? static_cast<std::uint64_t>(w) : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    return ::close(fd) == 0 && ok;
}

/** plainRead reads the whole file in 1 MiB pieces; true if it had `bytes` bytes. */
bool plainRead(const fs::path& file, std::uint64_t bytes)
{
    Bytes buf(1u << 20);
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    std::uint64_t got = 0;
    while (true) {
        const ssize_t r = ::read(fd, buf.data(), buf.size());
        if (r <= 0)
            break;
        got += static_cast<std::uint64_t>(r);
    }
    ::close(fd);
    return got == bytes;
}

void line(const char* what, std::uint64_t bytes, const Runs& m, const Runs* medium, const char* mediumName)
{
    std::printf("  %-40s %s", what, describe(mbpsOf(bytes, m), " MB/s").c_str());
    if (medium)
        std::printf("  = %s of %s", describe(spreadOf(ratios(*medium, m)), "%").c_str(), mediumName);
    if (m.peakRssKiB > 0) // the write + read sum has no process of its own
        std::printf("  peak RSS %5.1f MiB", static_cast<double>(m.peakRssKiB) / 1024.0);
    std::printf("%s\n", m.ok ? "" : "  FAILED");
}

void workload(const char* title,
              BenchSetup& setup,
              const std::vector<std::vector<domain::MediaRef>>& media,
              const Options& o,
              std::uint64_t sequence)
{
    const bundle::Manifest m = setup.manifest(media);
    const fs::path bundleFile = o.dir / ("bench-medium-" + std::to_string(sequence) + ".postern");
    const fs::path plainFile = o.dir / "bench-medium-plain.bin";
    // One seal outside the measurement gives the bundle's exact size for the plain runs.
    fs::remove(bundleFile);
    const auto first = bundle::sealBundle(setup.request(m, sequence), bundleFile);
    if (!first) {
        std::printf("\n%s: sealing to %s failed: %s\n", title, o.dir.c_str(), first.error().what().c_str());
        return;
    }
    const std::uint64_t bytes = first->fileBytes;
    std::printf("\n%s: bundle of %llu bytes on %s, %llu runs: median [minimum..maximum, spread]\n",
                title,
                static_cast<unsigned long long>(bytes),
                o.dir.c_str(),
                static_cast<unsigned long long>(o.repeat));
    Runs writes;
    Runs reads;
    Runs both;
    Runs exports;
    Runs opens;
    for (std::uint64_t r = 0; r < o.repeat; ++r) {
        // The medium: write + fsync, drop the file's pages, read back; timed apart and as one.
        fs::remove(plainFile);
        const Measured w = inChild([&] { return plainWrite(plainFile, bytes); });
        const bool dropped = dropCache(plainFile);
        const Measured rd = inChild([&] { return plainRead(plainFile, bytes); });
        writes.add(w);
        reads.add(rd);
        Measured sum;
        sum.seconds = w.seconds + rd.seconds;
        sum.ok = w.ok && rd.ok && dropped;
        both.add(sum);
        fs::remove(plainFile);
        // Postern's export: seal (ending in fsync) then the read-back the workstation runs.
        fs::remove(bundleFile);
        exports.add(inChild([&] {
            const auto sealed = bundle::sealBundle(setup.request(m, sequence), bundleFile);
            return sealed.ok()
                   && bundle::readBackBundle(bundleFile, *sealed, setup.workstationKey(), setup.uploaderKey()).ok();
        }));
        // The uploader opens the bundle from the medium, not from the page cache.
        const bool droppedBundle = dropCache(bundleFile);
        Measured op = inChild([&] { return setup.open(bundleFile).ok(); });
        op.ok = op.ok && droppedBundle;
        opens.add(op);
    }
    line("medium: write + fsync", bytes, writes, nullptr, "");
    line("medium: read (cache dropped)", bytes, reads, nullptr, "");
    line("medium: write + fsync + read", bytes, both, nullptr, "");
    line("Postern export (seal + read-back)", bytes, exports, &both, "the medium");
    line("Postern open (verify, cache dropped)", bytes, opens, &reads, "reading");
    fs::remove(bundleFile);
}

bool parse(int argc, char** argv, Options& o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&](std::uint64_t& v, bool zeroOk) {
            if (i + 1 >= argc)
                return false;
            v = std::strtoull(argv[++i], nullptr, 10);
            return zeroOk || v > 0;
        };
        if (a == "--video-mib" && next(o.videoMiB, true))
            continue;
        if (a == "--posts" && next(o.posts, true))
            continue;
        if (a == "--repeat" && next(o.repeat, false))
            continue;
        if (a == "--dir" && i + 1 < argc) {
            o.dir = argv[++i];
            continue;
        }
        std::fprintf(stderr,
                     "usage: postern-bench medium --dir DIR [--video-mib N (256)] [--posts N (0)] [--repeat N (5)]\n"
                     "  DIR is on the medium to measure (a folder on the USB stick). Media are generated\n"
                     "  under $TMPDIR; bundles and the plain file go to DIR and are removed afterwards.\n"
                     "  --video-mib 0 skips the video; --posts N adds N posts with 4 images of 512 KiB.\n");
        return false;
    }
    if (o.dir.empty()) {
        std::fprintf(stderr, "postern-bench medium: --dir DIR is required (a folder on the medium to measure)\n");
        return false;
    }
    return true;
}

} // namespace

int runMediumBench(int argc, char** argv)
{
    Options o;
    if (!parse(argc, argv, o))
        return 1;
    std::error_code ec;
    fs::create_directories(o.dir, ec);
    std::string tmpl = (fs::temp_directory_path() / "postern-bench-media-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        return 2;
    const fs::path mediaDir = tmpl;
    std::printf("postern-bench medium: bundles on %s, media under %s (page cache warm, as in a store "
                "that was just used)\n",
                o.dir.c_str(),
                mediaDir.c_str());
    BenchSetup setup(mediaDir);
    if (o.videoMiB > 0) {
        const auto video = setup.addMedia(o.videoMiB << 20, "video/mp4");
        workload("one post with a video", setup, {{video}}, o, 1);
        setup.removeMedia();
    }
    if (o.posts > 0) {
        std::vector<std::vector<domain::MediaRef>> images;
        for (std::uint64_t p = 0; p < o.posts; ++p) {
            std::vector<domain::MediaRef> refs;
            for (int i = 0; i < 4; ++i)
                refs.push_back(setup.addMedia(512u << 10, "image/jpeg"));
            images.push_back(std::move(refs));
        }
        workload("posts with images", setup, images, o, 2);
        setup.removeMedia();
    }
    fs::remove_all(mediaDir, ec);
    return 0;
}

} // namespace postern::bench
