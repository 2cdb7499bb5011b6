// SPDX-License-Identifier: GPL-3.0-or-later
// postern-bench: how close sealing and opening run to the speed of the cryptography.
// Every figure is printed next to a baseline measured in the same run on the same machine
// (raw crypto_secretstream and BLAKE2b over the same number of bytes in memory), because the
// machines this runs on are shared and noisy. Each phase runs in its own child process so its
// peak RSS can be reported on its own. See docs/performance.md.
#include "BenchSetup.h"

#include "postern/util/Process.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace postern;
namespace fs = std::filesystem;

namespace {

struct Options
{
    std::uint64_t videoMiB = 1024;
    std::uint64_t posts = 100;
    std::uint64_t imagesPerPost = 4;
    std::uint64_t imageKiB = 512;
    fs::path dir;
};

struct Measured
{
    double seconds = 0;
    long peakRssKiB = 0;
    bool ok = false;
};

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/** inChild runs `work` in a forked process and reports its wall time and peak RSS. */
Measured inChild(const std::function<bool()>& work)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const double t0 = now();
        const bool ok = work();
        const double dt = now() - t0;
        const double msg[2] = {dt, ok ? 1.0 : 0.0};
        (void)!::write(fds[1], msg, sizeof msg);
        ::_exit(0);
    }
    ::close(fds[1]);
    double msg[2] = {0, 0};
    const bool got = ::read(fds[0], msg, sizeof msg) == static_cast<ssize_t>(sizeof msg);
    ::close(fds[0]);
    int status = 0;
    struct rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    Measured m;
    m.seconds = msg[0];
    m.ok = got && msg[1] == 1.0 && WIFEXITED(status);
    m.peakRssKiB = usage.ru_maxrss;
    return m;
}

bool rawSecretStream(std::uint64_t total)
{
    Bytes plain(1u << 20, 0x5a);
    Bytes cipher(plain.size() + crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_keygen(key);
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
    for (std::uint64_t done = 0; done < total; done += plain.size())
        crypto_secretstream_xchacha20poly1305_push(&st, cipher.data(), nullptr, plain.data(), plain.size(), nullptr, 0,
                                                   0);
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

double mbps(std::uint64_t bytes, double seconds)
{
    return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0;
}

void row(const char* what, std::uint64_t bytes, const Measured& m, const Measured* baseline, const char* baseName)
{
    std::printf("  %-34s %9.1f MB/s  peak RSS %7.1f MiB", what, mbps(bytes, m.seconds), static_cast<double>(m.peakRssKiB) / 1024.0);
    if (baseline)
        std::printf("  = %5.1f%% of %s", 100.0 * mbps(bytes, m.seconds) / mbps(bytes, baseline->seconds), baseName);
    std::printf("%s\n", m.ok ? "" : "  FAILED");
}

bool runCommand(const std::string& cmd)
{
    return std::system(cmd.c_str()) == 0;
}

void workload(const char* title, bench::BenchSetup& setup, const std::vector<std::vector<domain::MediaRef>>& media,
              const fs::path& dir, std::uint64_t sequence)
{
    const bundle::Manifest m = setup.manifest(media);
    const std::uint64_t bytes = m.mediaBytes();
    const fs::path out = dir / ("bench-" + std::to_string(sequence) + ".postern");
    std::printf("\n%s: %llu media bytes in %zu post(s)\n", title, static_cast<unsigned long long>(bytes), m.posts.size());
    const Measured stream = inChild([&] { return rawSecretStream(bytes); });
    const Measured blake = inChild([&] { return rawBlake2b(bytes); });
    row("baseline secretstream (memory)", bytes, stream, nullptr, "");
    row("baseline BLAKE2b-256 (memory)", bytes, blake, nullptr, "");
    const Measured seal = inChild([&] { return bundle::sealBundle(setup.request(m, sequence), out).ok(); });
    row("Postern seal (files -> bundle)", bytes, seal, &stream, "secretstream");
    const Measured open = inChild([&] { return setup.open(out).ok(); });
    row("Postern open (verify+decrypt+hash)", bytes, open, &blake, "BLAKE2b");

    if (runCommand("command -v age >/dev/null 2>&1 && command -v minisign >/dev/null 2>&1")) {
        const std::string d = dir.string();
        runCommand("age-keygen -o " + d + "/age.key >/dev/null 2>&1 && minisign -G -W -f -p " + d + "/ms.pub -s " + d
                   + "/ms.key >/dev/null 2>&1 && cat " + d + "/media-* > " + d + "/all.bin");
        const std::string recipient = "$(age-keygen -y " + d + "/age.key)";
        const Measured ageSeal = inChild([&] {
            return runCommand("age -r " + recipient + " -o " + d + "/all.age " + d + "/all.bin && minisign -S -s " + d
                              + "/ms.key -m " + d + "/all.age >/dev/null");
        });
        const Measured ageOpen = inChild([&] {
            return runCommand("minisign -V -p " + d + "/ms.pub -m " + d + "/all.age >/dev/null && age -d -i " + d
                              + "/age.key -o /dev/null " + d + "/all.age");
        });
        row("age -r + minisign -S", bytes, ageSeal, nullptr, "");
        row("minisign -V + age -d", bytes, ageOpen, nullptr, "");
        std::printf("  Postern seal is %.2fx age+minisign; open is %.2fx\n", ageSeal.seconds / seal.seconds,
                    ageOpen.seconds / open.seconds);
    } else {
        std::printf("  age and minisign are not installed: comparison skipped (apt-get install age minisign)\n");
    }
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
        if (a == "--dir" && i + 1 < argc) {
            o.dir = argv[++i];
            continue;
        }
        std::fprintf(stderr,
                     "usage: postern-bench [--video-mib N (1024)] [--posts N (100)] [--image-kib N (512)] [--dir DIR]\n"
                     "  one post with an N MiB video, then N posts with 4 images each; files go to DIR\n"
                     "  (default: a new directory under $TMPDIR, removed afterwards)\n");
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    if (!parse(argc, argv, o))
        return 1;
    if (!hardenProcess() || !crypto::initCrypto()) {
        std::fprintf(stderr, "postern-bench: crypto self-test failed\n");
        return 2;
    }
    const bool ownDir = o.dir.empty();
    if (ownDir) {
        std::string tmpl = (fs::temp_directory_path() / "postern-bench-XXXXXX").string();
        if (!::mkdtemp(tmpl.data()))
            return 2;
        o.dir = tmpl;
    }
    fs::create_directories(o.dir);
    std::printf("postern-bench: %ld online cores, files in %s (page cache warm: media were just written)\n",
                ::sysconf(_SC_NPROCESSORS_ONLN), o.dir.c_str());
    bench::BenchSetup setup(o.dir);

    const auto video = setup.addMedia(o.videoMiB << 20, "video/mp4");
    workload("one post with a large video", setup, {{video}}, o.dir, 1);

    std::vector<std::vector<domain::MediaRef>> images;
    for (std::uint64_t p = 0; p < o.posts; ++p) {
        std::vector<domain::MediaRef> refs;
        for (std::uint64_t i = 0; i < o.imagesPerPost; ++i)
            refs.push_back(setup.addMedia(o.imageKiB << 10, "image/jpeg"));
        images.push_back(std::move(refs));
    }
    workload("many posts with images", setup, images, o.dir, 2);
    if (ownDir)
        fs::remove_all(o.dir);
    return 0;
}
