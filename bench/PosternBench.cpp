// SPDX-License-Identifier: GPL-3.0-or-later
// postern-bench: `postern-bench [options]` measures sealing and opening against libsodium
// baselines (SealBench.cpp); `postern-bench store [options]` measures a generated store of
// 50,000 posts through the CLI's queries and the GUI's main window (StoreBench.cpp);
// `postern-bench medium --dir DIR` measures an export and an open against the medium itself
// (MediumBench.cpp).
// docs/performance.md explains the method and keeps the latest figures.
#include "postern/crypto/Crypto.h"
#include "postern/util/Process.h"

#include "BenchUtil.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace postern::bench {

Measured inChild(const std::function<bool()>& work)
{
    std::fflush(stdout); // or the child's exit would print the parent's buffered lines again
    int fds[2];
    if (::pipe(fds) != 0)
        return {};
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return {};
    }
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
    struct rusage usage
    {
    };
    ::wait4(pid, &status, 0, &usage);
    Measured m;
    m.seconds = msg[0];
    m.ok = got && msg[1] == 1.0 && WIFEXITED(status);
    m.peakRssKiB = usage.ru_maxrss;
    const auto secs = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    m.cpuSeconds = secs(usage.ru_utime) + secs(usage.ru_stime);
    m.minorFaults = usage.ru_minflt;
    m.preempted = usage.ru_nivcsw;
    return m;
}

void Runs::add(const Measured& run)
{
    seconds.push_back(run.seconds);
    cpuSeconds.push_back(run.cpuSeconds);
    minorFaults.push_back(static_cast<double>(run.minorFaults));
    preempted.push_back(static_cast<double>(run.preempted));
    peakRssKiB = std::max(peakRssKiB, run.peakRssKiB);
    ok = ok && run.ok;
}

Spread spreadOf(std::vector<double> values)
{
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return {median, values.front(), values.back()};
}

std::vector<double> ratios(const Runs& baseline, const Runs& measured)
{
    std::vector<double> out;
    for (std::size_t i = 0; i < std::min(baseline.seconds.size(), measured.seconds.size()); ++i)
        if (measured.seconds[i] > 0)
            out.push_back(100.0 * baseline.seconds[i] / measured.seconds[i]);
    return out;
}

Spread mbpsOf(std::uint64_t bytes, const Runs& runs)
{
    std::vector<double> rates;
    for (const double s : runs.seconds)
        rates.push_back(mbps(bytes, s));
    return spreadOf(std::move(rates));
}

std::string describe(const Spread& s, const char* unit, int precision)
{
    char buf[160];
    std::snprintf(buf,
                  sizeof buf,
                  "%.*f%s [%.*f..%.*f, spread %.1f%%]",
                  precision,
                  s.median,
                  unit,
                  precision,
                  s.min,
                  precision,
                  s.max,
                  s.percent());
    return buf;
}

} // namespace postern::bench

int main(int argc, char** argv)
{
    if (!postern::hardenProcess() || !postern::crypto::initCrypto()) {
        std::fprintf(stderr, "postern-bench: crypto self-test failed\n");
        return 2;
    }
    if (argc > 1 && std::strcmp(argv[1], "store") == 0)
        return postern::bench::runStoreBench(argc - 1, argv + 1);
    if (argc > 1 && std::strcmp(argv[1], "medium") == 0)
        return postern::bench::runMediumBench(argc - 1, argv + 1);
    return postern::bench::runSealBench(argc, argv);
}
