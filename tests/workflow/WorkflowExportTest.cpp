// SPDX-License-Identifier: GPL-3.0-or-later
// Export: cancellation at every point, verify after write, and bounded memory, against a real
// store and real files. "No state change" is checked on everything an export could touch:
// post states, the audit chain, the export records, and the destination folder's listing.
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "TempDir.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

using namespace postern;
using namespace postern::workflow;
namespace fs = std::filesystem;

namespace {

crypto::SecureBuffer pass(std::string_view s)
{
    return crypto::SecureBuffer(asBytes(s));
}

/** ExportOffice is a store with staff, a trusted uploader and a policy for outbox:press. */
struct ExportOffice
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    std::unique_ptr<Workstation> ws;
    fs::path drive = dir / "drive";

    ExportOffice()
    {
        const auto kdf = crypto::KdfParams::interactive();
        REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kdf, clock).ok());
        ws = std::move(Workstation::open(dir / "store", clock)).value();
        auto admin = as("ada");
        using domain::Role;
        for (auto [name, role] : {std::pair{"alice", Role::Author},
                                  std::pair{"bob", Role::Approver},
                                  std::pair{"carol", Role::Approver},
                                  std::pair{"olga", Role::Operator}})
            REQUIRE(ws->addUser(admin,
                                name,
                                static_cast<domain::RoleSet>(role),
                                pass(std::string(name) + " passphrase 1"),
                                kdf)
                        .ok());
        const auto box = crypto::BoxKey::generate();
        const auto sign = crypto::SigningKey::generate();
        const std::string identity = domain::makeUploaderIdentity("uploader-1", box.publicKey(), sign);
        REQUIRE(ws->trustUploader(admin, identity, domain::readUploaderIdentity(identity)->fingerprint()).ok());
        ChannelRuleInput rule{domain::ChannelId::parse("outbox:press").value(), 2, {"bob", "carol"}, 86400};
        REQUIRE(ws->setPolicy(admin, {rule}).ok());
        fs::create_directories(drive);
    }

    UnlockedUser as(std::string_view name)
    {
        auto u = ws->unlock(name, pass(std::string(name) + " passphrase 1"));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    /** approvedPost makes an approved post carrying a video of `mediaBytes` bytes. */
    std::string approvedPost(const std::string& text, std::uint64_t mediaBytes)
    {
        // WebM is passed through by the media sanitizer unchanged, so any bytes behind the
        // EBML magic make a valid attachment of exactly the size asked for.
        const fs::path video = dir / "clip.webm";
        {
            std::ofstream f(video, std::ios::binary | std::ios::trunc);
            Bytes block(1u << 20);
            crypto::randomBytes(block);
            const std::uint8_t ebml[] = {0x1a, 0x45, 0xdf, 0xa3};
            std::copy(std::begin(ebml), std::end(ebml), block.begin());
            for (std::uint64_t left = mediaBytes; left > 0;) {
                const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(left, block.size()));
                f.write(reinterpret_cast<const char*>(block.data()), n);
                left -= static_cast<std::uint64_t>(n);
                block[0] = 0; // the magic only at the very start
            }
            REQUIRE(f.good());
        }
        DraftInput in;
        in.channels = {{domain::ChannelId::parse("outbox:press").value(), text, Json(Json::Object{})}};
        in.media = {{video, "", "", "The parade rehearsal"}};
        auto alice = as("alice");
        auto post = ws->newDraft(alice, in);
        INFO((post.ok() ? std::string() : post.error().what()));
        REQUIRE(post.ok());
        fs::remove(video);
        REQUIRE(ws->submit(alice, post->id).ok());
        REQUIRE(ws->approve(as("bob"), post->id).ok());
        REQUIRE(ws->approve(as("carol"), post->id).ok());
        return post->id;
    }

    /** Snapshot is everything an export may change. */
    struct Snapshot
    {
        std::vector<std::string> posts; ///< "id=state"
        std::int64_t auditEntries = 0;
        std::size_t exports = 0;
        bool operator==(const Snapshot&) const = default;
    };
    Snapshot snapshot()
    {
        Snapshot s;
        store::PostFilter all;
        for (const auto& p : ws->list(all).value())
            s.posts.push_back(p.id + "=" + std::string(store::postStateName(p.state)));
        s.auditEntries = ws->queries().auditSummary().value().entries;
        s.exports = ws->queries().recentExports(1000)->size();
        return s;
    }

    /** driveListing lists every name in the destination folder, hidden temporary files included. */
    std::vector<std::string> driveListing() const
    {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(drive))
            names.push_back(e.path().filename().string());
        return names;
    }
};

} // namespace

TEST_CASE("cancelling an export leaves no partial bundle and no state change", "[workflow][export]")
{
    ExportOffice o;
    const std::string id = o.approvedPost("Parade rehearsal on Friday", 3u << 20); // 4 chunks
    auto olga = o.as("olga");
    const auto before = o.snapshot();
    const fs::path out = o.drive / "bundle.postern";

    std::atomic<bool> cancel{false};
    bundle::SealProgress progress;
    progress.cancel = &cancel;
    bundle::SealPhase phase = bundle::SealPhase::Sealing;
    std::vector<bundle::SealPhase> phases;
    progress.onPhase = [&](bundle::SealPhase p) {
        phase = p;
        phases.push_back(p);
    };
    // The sequence the next successful export gets: a cancel after the number was reserved
    // burns it (the uploader accepts gaps; it would refuse a reused number as a replay).
    std::uint64_t nextSequence = 2;

    SECTION("before it starts: nothing is consumed, not even a sequence number")
    {
        cancel = true;
        nextSequence = 1;
    }
    SECTION("mid-way through sealing")
    {
        progress.onProgress = [&](std::uint64_t done, std::uint64_t total) {
            if (phase == bundle::SealPhase::Sealing && done >= (1u << 20) && done < total)
                cancel = true;
        };
    }
    SECTION("mid-way through reading back from the drive")
    {
        progress.onProgress = [&](std::uint64_t done, std::uint64_t total) {
            if (phase == bundle::SealPhase::ReadingBack && done > 0 && done < total) {
                CHECK(fs::exists(out)); // the bundle is complete on the drive at this point
                cancel = true;
            }
        };
    }
    SECTION("after the read-back, just before recording")
    {
        progress.onProgress = [&](std::uint64_t done, std::uint64_t total) {
            if (phase == bundle::SealPhase::ReadingBack && done == total)
                cancel = true;
        };
    }
    auto r = o.ws->exportBundle(olga, {id}, out, 3600, progress);
    CHECK(r.code() == Errc::Cancelled);
    CHECK(o.driveListing().empty()); // no bundle, no temporary file
    CHECK(o.snapshot() == before);
    CHECK(o.ws->auditVerify().ok());

    // The post can still be exported; the sequence shows whether a number was burned.
    cancel = false;
    progress.onProgress = {};
    phases.clear();
    auto again = o.ws->exportBundle(olga, {id}, out, 3600, progress);
    REQUIRE(again.ok());
    CHECK(again->sequence == nextSequence);
    CHECK(phases == std::vector{bundle::SealPhase::Sealing, bundle::SealPhase::ReadingBack});
    CHECK(o.driveListing() == std::vector<std::string>{"bundle.postern"});
    CHECK(o.ws->show(id)->record.state == store::PostState::Exported);
}

TEST_CASE("verify after write: a copy that differs on the drive is removed and nothing is marked", "[workflow][export]")
{
    ExportOffice o;
    const std::string id = o.approvedPost("Band concert", 2u << 20);
    auto olga = o.as("olga");
    const auto before = o.snapshot();
    const fs::path out = o.drive / "bundle.postern";

    // The read-back phase starts after the bundle is written, fsynced and renamed into place:
    // damaging the file there is what a failing drive does between write and read-back.
    bundle::SealProgress progress;
    std::function<void()> damage;
    progress.onPhase = [&](bundle::SealPhase p) {
        if (p == bundle::SealPhase::ReadingBack) {
            REQUIRE(fs::exists(out));
            damage();
        }
    };
    SECTION("one flipped byte in the encrypted payload")
    {
        damage = [&] {
            const int fd = ::open(out.c_str(), O_RDWR);
            REQUIRE(fd >= 0);
            std::uint8_t b = 0;
            const off_t at = static_cast<off_t>(fs::file_size(out) / 2);
            REQUIRE(::pread(fd, &b, 1, at) == 1);
            b ^= 0x01;
            REQUIRE(::pwrite(fd, &b, 1, at) == 1);
            ::close(fd);
        };
    }
    SECTION("a truncated file")
    {
        damage = [&] { fs::resize_file(out, fs::file_size(out) - 1); };
    }
    SECTION("a file replaced by another well-formed bundle header")
    {
        damage = [&] {
            std::fstream f(out, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(0);
            f.write("POSTERN-BUNDLE/1", 16); // same magic, so only the hash can tell... and does
            f.seekp(40);
            f.put('\x7f');
        };
    }
    auto r = o.ws->exportBundle(olga, {id}, out, 3600, progress);
    REQUIRE(r.code() == Errc::Io);
    CHECK_THAT(r.error().message,
               Catch::Contains("does not match what was written") && Catch::Contains("use another drive"));
    CHECK(o.driveListing().empty());
    CHECK(o.snapshot() == before);
    CHECK(o.ws->show(id)->record.state == store::PostState::Approved);
}

TEST_CASE("a successful export reads back what it wrote", "[workflow][export]")
{
    ExportOffice o;
    const std::string id = o.approvedPost("Open day", 1u << 20);
    auto olga = o.as("olga");
    std::vector<std::pair<bundle::SealPhase, std::uint64_t>> last; // last progress of each phase
    bundle::SealPhase phase = bundle::SealPhase::Sealing;
    bundle::SealProgress progress;
    progress.onPhase = [&](bundle::SealPhase p) {
        phase = p;
        last.emplace_back(p, 0);
    };
    progress.onProgress = [&](std::uint64_t done, std::uint64_t total) {
        REQUIRE(!last.empty());
        CHECK(done <= total);
        last.back().second = done * 100 / total;
    };
    auto r = o.ws->exportBundle(olga, {id}, o.drive / "b.postern", 3600, progress);
    REQUIRE(r.ok());
    REQUIRE(last.size() == 2);
    CHECK(last[0] == std::pair{bundle::SealPhase::Sealing, std::uint64_t{100}});
    CHECK(last[1] == std::pair{bundle::SealPhase::ReadingBack, std::uint64_t{100}});
    CHECK(r->fileBytes == fs::file_size(o.drive / "b.postern"));
    CHECK(r->fingerprint.size() == 39); // eight groups of four, seven dashes
    CHECK(o.ws->queries().auditSummary().value().entries > 0);
    CHECK(o.ws->auditVerify().ok());
}

namespace {
std::int64_t statusKiB(const char* field)
{
    std::ifstream f("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(f, line))
        if (line.rfind(prefix, 0) == 0)
            return std::stoll(line.substr(prefix.size()));
    return -1;
}
} // namespace

TEST_CASE("exporting a 256 MiB video keeps peak memory under 64 MiB", "[workflow][export][memory]")
{
    // The export runs in a forked child so the measurement sees only its own peak: the child
    // resets its high-water mark (clear_refs 5, Linux >= 4.0) after the set-up and reports
    // how far VmHWM rose above the resident size it started the export with.
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        std::int64_t result[3] = {-1, -1, -1};
        try {
            ExportOffice o;
            const std::string id = o.approvedPost("Parade video", 256ull << 20);
            auto olga = o.as("olga");
            {
                std::ofstream clear("/proc/self/clear_refs");
                clear << "5";
            }
            const std::int64_t baseline = statusKiB("VmRSS");
            auto r = o.ws->exportBundle(olga, {id}, o.drive / "big.postern", 3600);
            result[0] = r.ok() ? 1 : 0;
            result[1] = baseline;
            result[2] = statusKiB("VmHWM");
        } catch (...) {
        }
        (void)!::write(fds[1], result, sizeof result);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::int64_t result[3] = {-1, -1, -1};
    const ssize_t got = ::read(fds[0], result, sizeof result);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    INFO("export ok " << result[0] << ", RSS before " << result[1] << " KiB, peak " << result[2] << " KiB, " << seconds
                      << " s");
    REQUIRE(got == static_cast<ssize_t>(sizeof result));
    REQUIRE(result[0] == 1);
    REQUIRE(result[1] > 0);
    CHECK(result[2] - result[1] < 64 * 1024);
    WARN("256 MiB export: peak rose " << (result[2] - result[1]) / 1024 << " MiB in " << seconds << " s");
}
