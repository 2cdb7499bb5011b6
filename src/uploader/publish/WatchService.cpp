// SPDX-License-Identifier: GPL-3.0-or-later
// Service mode: one pass over the watched media folder. Everything durable happens inside
// PublishService and the ledger, so a pass cut short (SIGTERM, a crash, the media pulled) is
// simply finished by the next one.
#include "postern/uploader/publish/WatchService.h"

#include "postern/bundle/ByteSource.h"
#include "postern/util/FileIO.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace postern::uploader {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kBundleSuffix = ".postern";

bool isCandidateName(const std::string& name)
{
    return name.size() > kBundleSuffix.size() && name.front() != '.'
           && name.compare(name.size() - kBundleSuffix.size(), kBundleSuffix.size(), kBundleSuffix) == 0;
}

fs::path receiptFor(const fs::path& bundle)
{
    return fs::path(bundle.string() + ".receipt");
}

/** Candidate is a settled bundle file with what its (unverified) header says, for ordering. */
struct Candidate
{
    fs::path path;
    std::optional<bundle::BundleHeader> header;
};

} // namespace

WatchService::WatchService(UploaderHome& home, PublishService& service, const Clock& clock, WatchOptions options)
    : m_home(home), m_service(service), m_clock(clock), m_options(std::move(options))
{
}

bool WatchService::stopping() const
{
    return m_options.stopRequested && m_options.stopRequested();
}

void WatchService::sleepFor(std::chrono::milliseconds duration) const
{
    const auto end = std::chrono::steady_clock::now() + duration;
    while (!stopping() && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(std::chrono::milliseconds(100), duration));
}

Result<WatchService::Looks> WatchService::look() const
{
    Looks out;
    std::error_code ec;
    fs::directory_iterator it(m_options.dir, ec);
    if (ec)
        return fail(Errc::NotFound,
                    "cannot read the watched folder " + m_options.dir.string() + ": " + ec.message()
                        + "; check that the media is mounted and readable by this user");
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec)
            return fail(Errc::Io, "cannot list " + m_options.dir.string() + ": " + ec.message());
        const std::string name = it->path().filename().string();
        // symlink_status: a link is never followed out of the folder, and never taken.
        if (!isCandidateName(name) || !fs::is_regular_file(it->symlink_status(ec)))
            continue;
        const auto size = fs::file_size(it->path(), ec);
        const auto mtime = fs::last_write_time(it->path(), ec);
        if (ec)
            continue; // vanished between the listing and the look: next pass
        out[it->path()] =
            Look{size, std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count()};
    }
    return out;
}

void WatchService::wipeCompleted(WatchPass& pass)
{
    if (m_options.keep)
        return;
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(m_options.dir, ec);
    for (const auto& b : pass.resumed.bundles) {
        if (!b.complete)
            continue;
        auto record = m_home.ledger().bundle(b.id);
        if (!record || !*record)
            continue;
        const fs::path file = (*record)->bundlePath;
        // Only files this service took from its own folder: `publish BUNDLE` elsewhere keeps
        // its own rules (the operator wipes a scheduled bundle's file by hand).
        if (fs::weakly_canonical(file.parent_path(), ec) != dir || !fs::is_regular_file(fs::symlink_status(file, ec)))
            continue;
        if (auto s = overwriteAndRemove(file); !s) {
            spdlog::warn("bundle {}: cannot wipe {}: {}", toHex(b.id), file.string(), s.error().what());
            continue;
        }
        (void)m_home.ledger().addEvent(m_clock.now(),
                                       "bundle-removed",
                                       toHex(b.id),
                                       "bundle file overwritten and removed");
        pass.wiped.push_back(file);
    }
}

Result<WatchPass> WatchService::runPass()
{
    WatchPass pass;
    // Due scheduled posts and interrupted work first, in the order they were claimed.
    POSTERN_ASSIGN(resumed, m_service.resume());
    pass.resumed = std::move(resumed);
    wipeCompleted(pass);

    // Two looks must agree: the previous pass's look if it saw the file, else a second look
    // after the settle time. A settle time of 0 trusts the atomic-rename convention alone.
    POSTERN_ASSIGN(first, look());
    const auto sameAsBefore = [this](const fs::path& path, const Look& now) {
        const auto seen = m_previous.find(path);
        return seen != m_previous.end() && seen->second == now;
    };
    const bool secondLook =
        m_options.settle.count() > 0
        && !std::all_of(first.begin(), first.end(), [&](const auto& e) { return sameAsBefore(e.first, e.second); });
    Looks latest = first;
    if (secondLook) {
        sleepFor(m_options.settle);
        POSTERN_ASSIGN(second, look());
        latest = std::move(second);
    }
    std::vector<Candidate> candidates;
    for (const auto& [path, now] : latest) {
        const auto before = first.find(path);
        const bool settled = sameAsBefore(path, now) || m_options.settle.count() == 0
                             || (secondLook && before != first.end() && before->second == now);
        if (!settled) {
            pass.unsettled.push_back(path);
            continue;
        }
        if (const auto refused = m_refused.find(path); refused != m_refused.end() && refused->second == now)
            continue;
        Candidate c{path, std::nullopt};
        bundle::FileSource source;
        bool known = false;
        if (source.open(path)) {
            if (auto header = bundle::readBundleHeader(source, m_options.maxBundleBytes); header) {
                POSTERN_ASSIGN(seen, m_home.ledger().knowsBundle(header->bundleId));
                known = seen; // claimed earlier (scheduled targets wait in the ledger) or refused
                c.header = *header;
            }
        }
        std::error_code ec;
        const fs::path receipt = receiptFor(path);
        if (fs::exists(fs::symlink_status(receipt, ec))) {
            // A receipt is never written over. One the ledger can account for is this bundle's
            // answer; anything else is in the way, and the operator is told once, not silently.
            if (!known && m_blocked.insert(path).second)
                spdlog::warn("watch: {} is not taken: {} already exists{} and receipts are never overwritten; "
                             "move it away if it does not belong to this bundle",
                             path.string(),
                             receipt.string(),
                             fs::is_symlink(fs::symlink_status(receipt, ec)) ? " (a symbolic link)" : "");
            continue;
        }
        m_blocked.erase(path);
        if (known)
            continue;
        candidates.push_back(std::move(c));
    }
    m_previous = std::move(latest);

    // Sequence order: the workstation numbers its exports, and the uploader refuses a
    // sequence below one it has accepted, so an older bundle must go first.
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.header.has_value() != b.header.has_value())
            return a.header.has_value();
        return a.header && a.header->sequence < b.header->sequence;
    });
    for (const auto& c : candidates) {
        if (stopping()) {
            pass.stopped = true;
            break;
        }
        WatchedBundle watched;
        watched.path = c.path;
        PublishRequest request;
        request.bundlePath = c.path;
        request.keep = m_options.keep;
        request.receiptPath = receiptFor(c.path);
        request.maxBundleBytes = m_options.maxBundleBytes;
        spdlog::info("watch: publishing {}", c.path.string());
        auto report = m_service.publish(request);
        if (!report) {
            if (report.code() == Errc::Cancelled)
                return std::move(report).error(); // the crash test hook
            spdlog::warn("watch: {}: {}", c.path.string(), report.error().what());
            watched.error = std::move(report).error();
        } else {
            if (report->rejection && report->rejectionReceipt.empty() && m_previous.count(c.path) == 1)
                m_refused[c.path] = m_previous[c.path];
            if (report->rejection && report->localOnly)
                spdlog::warn("watch: {} not taken (the copy, not the bundle; tried again once it changes): {}",
                             c.path.string(),
                             report->rejection->what());
            else if (report->rejection)
                spdlog::warn("watch: {} rejected: {}", c.path.string(), report->rejection->what());
            watched.report = std::move(report).value();
        }
        pass.bundles.push_back(std::move(watched));
    }
    pass.stopped = pass.stopped || stopping();
    return pass;
}

} // namespace postern::uploader
