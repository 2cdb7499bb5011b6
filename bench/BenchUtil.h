// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace postern::bench {

/** Measured is one phase run in a child process: wall time, peak RSS and success, and what
 *  the kernel counted for the child: CPU time (user + system, all threads), minor page faults
 *  and involuntary context switches. On a busy machine wall time swings with other jobs; the
 *  CPU time and the faults show whether the work itself changed. */
struct Measured
{
    double seconds = 0;
    long peakRssKiB = 0;
    bool ok = false;
    double cpuSeconds = 0;
    long minorFaults = 0;
    long preempted = 0;
};

inline double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/** inChild runs `work` in a forked process and reports its wall time and peak RSS (the
 *  child's ru_maxrss, so each phase is measured on its own). */
[[nodiscard]] Measured inChild(const std::function<bool()>& work);

/** Runs collects every run of one phase: all wall times (the figure is their median, with
 *  minimum and maximum beside it, so a noisy run shows as spread rather than hiding behind a
 *  best run), the largest peak RSS, and whether all succeeded. */
struct Runs
{
    std::vector<double> seconds;
    std::vector<double> cpuSeconds;
    std::vector<double> minorFaults;
    std::vector<double> preempted;
    long peakRssKiB = 0;
    bool ok = true;

    void add(const Measured& run);
};

/** Spread is the median, minimum and maximum of a set of values (any unit). */
struct Spread
{
    double median = 0;
    double min = 0;
    double max = 0;

    /** percent is (max - min) / median, in percent: how far apart the runs were. */
    [[nodiscard]] double percent() const { return median > 0 ? 100.0 * (max - min) / median : 0; }
};

/** spreadOf gives the median (the mean of the two middle values for an even count), minimum
 *  and maximum of `values`; all zero when empty. */
[[nodiscard]] Spread spreadOf(std::vector<double> values);

/** ratios pairs run i of `baseline` with run i of `measured` (they ran one after the other)
 *  and returns baseline time / measured time for each pair, in percent: above 100 means
 *  faster than the baseline. */
[[nodiscard]] std::vector<double> ratios(const Runs& baseline, const Runs& measured);

/** mbpsOf converts times to MB/s for `bytes` (the fastest run becomes the maximum). */
[[nodiscard]] Spread mbpsOf(std::uint64_t bytes, const Runs& runs);

/** describe formats "median<unit> [min..max, spread P%]" with `precision` decimals. */
[[nodiscard]] std::string describe(const Spread& s, const char* unit, int precision = 1);

/** mbps is bytes per second in decimal megabytes (as dd and most tools print). */
[[nodiscard]] inline double mbps(std::uint64_t bytes, double seconds)
{
    return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0;
}

/** Entry points of the three modes (SealBench.cpp, StoreBench.cpp, MediumBench.cpp). */
int runSealBench(int argc, char** argv);
int runStoreBench(int argc, char** argv);
int runMediumBench(int argc, char** argv);

} // namespace postern::bench
