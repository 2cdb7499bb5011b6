// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/publish/PublishService.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace postern::uploader {

/** WatchOptions configure `postern-uploader watch DIR`. */
struct WatchOptions
{
    std::filesystem::path dir; ///< the mounted media folder bundles arrive in
    bool keep = false;         ///< keep bundle files after their bundle is complete
    std::uint64_t maxBundleBytes = 64ull << 30;
    /**
     * settle: a bundle file is taken only when two looks at least this far apart see the same
     * size and modification time (a copy still in progress is left for the next pass). The
     * look of the previous pass counts, so a running service waits no extra time.
     */
    std::chrono::milliseconds settle{2000};
    /** stopRequested is polled while waiting and between bundles (SIGTERM/SIGINT). */
    std::function<bool()> stopRequested;
};

/** WatchedBundle is one bundle file handled in a pass. */
struct WatchedBundle
{
    std::filesystem::path path;
    std::optional<PublishReport> report; ///< what publish did
    std::optional<Error> error;          ///< publish could not run (I/O): the file is tried again next pass
};

/** WatchPass is everything one pass did. */
struct WatchPass
{
    ResumeReport resumed;                         ///< due scheduled posts and interrupted work
    std::vector<WatchedBundle> bundles;           ///< new bundle files, in sequence order
    std::vector<std::filesystem::path> wiped;     ///< bundle files removed once their bundle completed
    std::vector<std::filesystem::path> unsettled; ///< still being copied: next pass
    bool stopped = false;                         ///< a stop request ended the pass early
};

/**
 * WatchService is the service mode: each pass resumes due work (scheduled posts whose time
 * has come, interrupted targets), then publishes every new `*.postern` file in the watched
 * folder through PublishService::publish (the same path as `publish`), with the receipt
 * written next to it as `<file>.receipt`, the name the workstation's `receipt import` expects.
 *
 * Only regular files directly in the folder whose names end in `.postern` and do not start
 * with a dot are considered (the workstation writes `.<name>.tmp-<pid>` and renames it into
 * place; other copiers are caught by the settle rule). A file is skipped when its receipt
 * exists or its bundle id is already in the ledger (a scheduled bundle stays in the folder
 * until it completes). A file refused without a receipt (not a bundle at all) is not tried
 * again until its size or time changes.
 */
class WatchService
{
public:
    WatchService(UploaderHome& home, PublishService& service, const Clock& clock, WatchOptions options);

    [[nodiscard]] Result<WatchPass> runPass();

private:
    struct Look
    {
        std::uintmax_t size = 0;
        std::int64_t mtimeNs = 0;
        bool operator==(const Look&) const = default;
    };
    using Looks = std::map<std::filesystem::path, Look>;

    [[nodiscard]] Result<Looks> look() const;
    [[nodiscard]] bool stopping() const;
    void sleepFor(std::chrono::milliseconds duration) const;
    void wipeCompleted(WatchPass& pass);

    UploaderHome& m_home;
    PublishService& m_service;
    const Clock& m_clock;
    WatchOptions m_options;
    Looks m_previous;
    Looks m_refused;
    std::set<std::filesystem::path> m_blocked; ///< told once: a foreign file holds its receipt name
};

} // namespace postern::uploader
