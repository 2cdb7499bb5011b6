// SPDX-License-Identifier: GPL-3.0-or-later
// postern-bench (default mode): how close sealing and opening run to the speed of the
// cryptography. Every figure is printed next to a baseline measured in the same run on the
// same machine (raw crypto_secretstream and BLAKE2b over the same number of bytes in memory),
// because the machines this runs on are shared and noisy. See docs/performance.md.
#include "BenchSetup.h"
#include "BenchUtil.h"

#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace postern::bench {

namespace fs = std::filesystem;

namespace {

struct Options
{
    std::uint64_t videoMiB = 1024;
    std::uint64_t posts = 100;
    std::uint64_t imagesPerPost = 4;
    std::uint64_t imageKiB = 512;
    std::uint64_t repeat = 5;
    fs::path dir;
};

/** rawSecretStream encrypts `total` bytes as a bundle's payload is encrypted: chunks of
 *  bundle::kChunkBytes (the last one shorter), each with associated data of the same length as
 *  a bundle's, but from one buffer in memory and without reading or writing any file. */
bool rawSecretStream(std::uint64_t total)
{
    Bytes plain(bundle::kChunkBytes, 0x5a);
    Bytes cipher(plain.size() + crypto_secretstream_xchacha20poly1305_ABYTES);
    const Bytes ad = bundle::chunkAd(crypto::Digest{});
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_keygen(key);
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
    for (std::uint64_t done = 0; done < total;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(plain.size(), total - done));
        done += n;
        const unsigned char tag = done == total ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
        crypto_secretstream_xchacha20poly1305_push(&st,
                                                   cipher.data(),
                                                   nullptr,
                                                   plain.data(),
                                                   n,
                                                   ad.data(),
                                                   ad.size(),
                                                   tag);
    }
    return true;
}

bool rawBlake2b(std::uint64_t total)
{
    Bytes data(1u << 20, 0x5a);
    crypto::Blake2b256 h;
    for (std::uint64_t done = 0; done < total; done += data.size())
        h.update(data);
    (void)h.finish();
    return true;
}

/** row prints one phase: MB/s as median [min..max, spread], its peak RSS and, against a
 *  baseline, the ratio of each run to the baseline run just before it, as median [min..max]. */
void row(const char* what, std::uint64_t bytes, const Runs& m, const Runs* baseline, const char* baseName)
{
    std::printf("  %-36s %s  peak RSS %5.1f MiB",
                what,
                describe(mbpsOf(bytes, m), " MB/s").c_str(),
                static_cast<double>(m.peakRssKiB) / 1024.0);
    if (baseline)
        std::printf("  = %s of %s", describe(spreadOf(ratios(*baseline, m)), "%").c_str(), baseName);
    std::printf("%s\n", m.ok ? "" : "  FAILED");
    // What the kernel counted: steady CPU time with swinging wall time means other jobs or
    // scheduling; more system time or faults means the kernel's work (page cache, first touch).
    std::vector<double> cpuPerGB;
    for (const double s : m.cpuSeconds)
        cpuPerGB.push_back(s * 1e9 / static_cast<double>(bytes));
    std::printf("  %-36s CPU %s s/GB, minor faults %s, preempted %s\n",
                "",
                describe(spreadOf(cpuPerGB), "", 2).c_str(),
                describe(spreadOf(m.minorFaults), "", 0).c_str(),
                describe(spreadOf(m.preempted), "", 0).c_str());
}

bool runCommand(const std::string& cmd)
{
    return std::system(cmd.c_str()) == 0;
}

void compareWithAge(const fs::path& dir, std::uint64_t bytes, std::uint64_t repeat, const Runs& seal, const Runs& open)
{
    if (!runCommand("command -v age >/dev/null 2>&1 && command -v minisign >/dev/null 2>&1")) {
        std::printf("  age and minisign are not installed: comparison skipped (apt-get install age minisign)\n");
        return;
    }
    // The same bytes as one file: age encrypts a single stream, minisign signs one file.
    const std::string d = dir.string();
    if (!runCommand("age-keygen -o " + d + "/age.key >/dev/null 2>&1 && minisign -G -W -f -p " + d + "/ms.pub -s " + d
                    + "/ms.key >/dev/null 2>&1 && cat " + d + "/media-* > " + d + "/all.bin")) {
        std::printf("  age/minisign set-up failed: comparison skipped\n");
        return;
    }
    const std::string recipient = "$(age-keygen -y " + d + "/age.key 2>/dev/null)";
    Runs ageSeal;
    Runs ageOpen;
    for (std::uint64_t r = 0; r < repeat; ++r) {
        ageSeal.add(inChild([&] {
            return runCommand("rm -f " + d + "/all.age && age -r " + recipient + " -o " + d + "/all.age " + d
                              + "/all.bin && minisign -S -s " + d + "/ms.key -m " + d + "/all.age >/dev/null");
        }));
        ageOpen.add(inChild([&] {
            return runCommand("minisign -V -p " + d + "/ms.pub -m " + d + "/all.age >/dev/null && age -d -i " + d
                              + "/age.key -o /dev/null " + d + "/all.age");
        }));
    }
    // ru_maxrss of a child that only waits for a shell is not theirs: print no RSS for them.
    std::printf("  %-36s %s%s\n",
                "age -r + minisign -S",
                describe(mbpsOf(bytes, ageSeal), " MB/s").c_str(),
                ageSeal.ok ? "" : "  FAILED");
    std::printf("  %-36s %s%s\n",
                "minisign -V + age -d",
                describe(mbpsOf(bytes, ageOpen), " MB/s").c_str(),
                ageOpen.ok ? "" : "  FAILED");
    // Postern's runs and theirs are not interleaved, so compare medians, not pairs.
    const Spread ps = spreadOf(seal.seconds);
    const Spread po = spreadOf(open.seconds);
    std::printf("  Postern seal is %.2fx as fast as age+minisign; open is %.2fx (medians)\n",
                spreadOf(ageSeal.seconds).median / ps.median,
                spreadOf(ageOpen.seconds).median / po.median);
    for (const char* f : {"age.key", "ms.pub", "ms.key", "all.bin", "all.age", "all.age.minisig"})
        fs::remove(dir / f);
}

void workload(const char* title,
              BenchSetup& setup,
              const std::vector<std::vector<domain::MediaRef>>& media,
              const Options& o,
              std::uint64_t sequence)
{
    const bundle::Manifest m = setup.manifest(media);
    const std::uint64_t bytes = m.mediaBytes();
    // What a bundle encrypts: the media and, before them, the manifest with its length and
    // signature. The baseline encrypts as many bytes; every MB/s figure counts media bytes.
    const std::uint64_t payload = 8 + m.serialize().size() + crypto::kSignatureBytes + bytes;
    const fs::path out = o.dir / ("bench-" + std::to_string(sequence) + ".postern");
    std::printf("\n%s: %llu media bytes in %zu post(s) (payload %llu bytes with the manifest), %llu runs:\n"
                "  median [minimum..maximum, spread = (max - min) / median]\n",
                title,
                static_cast<unsigned long long>(bytes),
                m.posts.size(),
                static_cast<unsigned long long>(payload),
                static_cast<unsigned long long>(o.repeat));
    Runs stream;
    Runs blake;
    Runs seal;
    Runs open;
    // Interleaved, so a burst of load from elsewhere hits baselines and Postern alike.
    for (std::uint64_t r = 0; r < o.repeat; ++r) {
        fs::remove(out);
        stream.add(inChild([&] { return rawSecretStream(payload); }));
        seal.add(inChild([&] { return bundle::sealBundle(setup.request(m, sequence), out).ok(); }));
        blake.add(inChild([&] { return rawBlake2b(bytes); }));
        open.add(inChild([&] { return setup.open(out).ok(); }));
    }
    row("baseline secretstream (payload)", bytes, stream, nullptr, "");
    row("baseline BLAKE2b-256 (memory)", bytes, blake, nullptr, "");
    row("Postern seal (files -> bundle)", bytes, seal, &stream, "secretstream");
    row("Postern open (verify+decrypt+hash)", bytes, open, &blake, "BLAKE2b");
    compareWithAge(o.dir, bytes, o.repeat, seal, open);
    fs::remove(out);
}

bool parse(int argc, char** argv, Options& o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&](std::uint64_t& v) {
            if (i + 1 >= argc)
                return false;
            v = std::strtoull(argv[++i], nullptr, 10);
            return v > 0;
        };
        if (a == "--video-mib" && next(o.videoMiB))
            continue;
        if (a == "--posts" && next(o.posts))
            continue;
        if (a == "--image-kib" && next(o.imageKiB))
            continue;
        if (a == "--repeat" && next(o.repeat))
            continue;
        if (a == "--dir" && i + 1 < argc) {
            o.dir = argv[++i];
            continue;
        }
        std::fprintf(stderr,
                     "usage: postern-bench [--video-mib N (1024)] [--posts N (100)] [--image-kib N (512)]\n"
                     "                     [--repeat N (5)] [--dir DIR]\n"
                     "       postern-bench store [--posts N (50000)] [--dir DIR]   (see docs/performance.md)\n"
                     "       postern-bench medium --dir DIR [--video-mib N (256)] [--posts N (0)] [--repeat N (5)]\n"
                     "  one post with an N MiB video, then N posts with 4 images each; files go to DIR\n"
                     "  (default: a new directory under $TMPDIR, removed afterwards). Each phase runs\n"
                     "  N times; each figure is printed as median [minimum..maximum, spread].\n");
        return false;
    }
    return true;
}

} // namespace

int runSealBench(int argc, char** argv)
{
    Options o;
    if (!parse(argc, argv, o))
        return 1;
    const bool ownDir = o.dir.empty();
    if (ownDir) {
        std::string tmpl = (fs::temp_directory_path() / "postern-bench-XXXXXX").string();
        if (!::mkdtemp(tmpl.data()))
            return 2;
        o.dir = tmpl;
    }
    std::error_code ec;
    fs::create_directories(o.dir, ec);
    std::printf("postern-bench: %ld online cores, files in %s (page cache warm: media were just written)\n",
                ::sysconf(_SC_NPROCESSORS_ONLN),
                o.dir.c_str());
    BenchSetup setup(o.dir);

    const auto video = setup.addMedia(o.videoMiB << 20, "video/mp4");
    workload("one post with a large video", setup, {{video}}, o, 1);
    setup.removeMedia();

    std::vector<std::vector<domain::MediaRef>> images;
    for (std::uint64_t p = 0; p < o.posts; ++p) {
        std::vector<domain::MediaRef> refs;
        for (std::uint64_t i = 0; i < o.imagesPerPost; ++i)
            refs.push_back(setup.addMedia(o.imageKiB << 10, "image/jpeg"));
        images.push_back(std::move(refs));
    }
    workload("many posts with images", setup, images, o, 2);
    setup.removeMedia();
    if (ownDir)
        fs::remove_all(o.dir, ec);
    return 0;
}

} // namespace postern::bench
