// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace postern::bench {

/** Measured is one phase run in a child process: wall time, peak RSS and success. */
struct Measured
{
    double seconds = 0;
    long peakRssKiB = 0;
    bool ok = false;
};

inline double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/** inChild runs `work` in a forked process and reports its wall time and peak RSS (the
 *  child's ru_maxrss, so each phase is measured on its own). */
[[nodiscard]] Measured inChild(const std::function<bool()>& work);

/** bestOf keeps the fastest time and the largest peak RSS of several runs; one failed run
 *  fails the whole. On a shared machine the fastest run is the one least disturbed. */
void bestOf(Measured& best, const Measured& run);

/** mbps is bytes per second in decimal megabytes (as dd and most tools print). */
[[nodiscard]] inline double mbps(std::uint64_t bytes, double seconds)
{
    return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0;
}

/** Entry points of the two modes (SealBench.cpp, StoreBench.cpp). */
int runSealBench(int argc, char** argv);
int runStoreBench(int argc, char** argv);

} // namespace postern::bench
