// SPDX-License-Identifier: GPL-3.0-or-later
// watch: the service pass in-process with an injected clock, and the built binary end to end
// (unattended passphrase from a systemd credential, receipts beside the bundles, suspend,
// status, resume, and a log file that never holds a credential).
#include "postern/uploader/publish/WatchService.h"

#include "ExitCode.h"
#include "UploaderFixture.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <sstream>

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {

bundle::Manifest onArrival(Ceremony& c, const std::string& text)
{
    return c.manifest({c.approved(c.post(text))});
}

bundle::Manifest scheduledAt(Ceremony& c, const std::string& text, std::int64_t when)
{
    auto content = c.post(text);
    content.schedule = when;
    return c.manifest({c.approved(content)});
}

void put(const fs::path& path, const Bytes& bytes)
{
    REQUIRE(writeFileAtomic(path, toString(bytes), 0644).ok());
}

std::string quote(const std::string& s)
{
    std::string out = "'";
    for (const char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct Run
{
    int code = -1;
    std::string output;
};

Run run(const std::string& env, const std::string& args)
{
    const std::string cmd = env + " " + quote(POSTERN_UPLOADER_EXE) + " " + args + " </dev/null 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), p))
        r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    UNSCOPED_INFO(cmd << "\n" << r.output);
    return r;
}

/** LogCapture sends spdlog's default logger to a string for one test and puts the old one back. */
class LogCapture
{
public:
    LogCapture() : m_previous(spdlog::default_logger())
    {
        auto logger =
            std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(m_text));
        logger->set_level(spdlog::level::warn);
        spdlog::set_default_logger(std::move(logger));
    }
    ~LogCapture() { spdlog::set_default_logger(m_previous); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    [[nodiscard]] std::string text() const { return m_text.str(); }

private:
    std::shared_ptr<spdlog::logger> m_previous;
    std::ostringstream m_text;
};

std::size_t occurrences(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

} // namespace

TEST_CASE("a watch pass publishes new bundles in sequence order and scheduled ones when due", "[uploader][watch]")
{
    UploaderFixture f;
    const fs::path media = f.dir / "media";
    REQUIRE(ensurePrivateDirectory(media).ok());
    const std::int64_t due = Ceremony::kNow + 3600;
    // Named so that the file name order is the reverse of the sequence order.
    const fs::path first = media / "b-first.postern";
    const fs::path later = media / "a-later.postern";
    put(first, f.seal(onArrival(f.ceremony, "Watched, on arrival"), 1));
    put(later, f.seal(scheduledAt(f.ceremony, "Watched, scheduled", due), 2));
    put(media / ".c.postern.tmp-123", f.seal(onArrival(f.ceremony, "half written"), 3)); // hidden
    put(media / "notes.txt", toBytes("not a bundle"));
    REQUIRE(ensurePrivateDirectory(media / "sub").ok());
    put(media / "sub" / "deep.postern", f.seal(onArrival(f.ceremony, "in a subfolder"), 4));
    put(media / "junk.postern", toBytes("this is not a bundle at all"));

    WatchOptions options;
    options.dir = media;
    options.settle = std::chrono::milliseconds(0);
    WatchService watch(*f.home, *f.service, f.clock, options);

    auto pass = watch.runPass();
    REQUIRE(pass.ok());
    REQUIRE(pass->bundles.size() == 3);
    CHECK(pass->bundles[0].path == first); // sequence 1 before sequence 2
    CHECK(pass->bundles[1].path == later);
    CHECK(pass->bundles[2].path == media / "junk.postern"); // no readable header: last
    REQUIRE(pass->bundles[0].report);
    CHECK(pass->bundles[0].report->progress.complete);
    CHECK(f.receipt(first.string() + ".receipt").ok());
    CHECK_FALSE(fs::exists(first)); // wiped once complete
    REQUIRE(pass->bundles[1].report);
    CHECK(pass->bundles[1].report->progress.targets[0].scheduledFor == due);
    CHECK(fs::exists(later)); // kept until its post is published
    CHECK_FALSE(fs::exists(later.string() + ".receipt"));
    REQUIRE(pass->bundles[2].report);
    CHECK(pass->bundles[2].report->rejection->code == Errc::BadMagic);
    CHECK(cli::exitCodeOf(*pass) == cli::ExitCode::Rejected);
    CHECK(f.home->ledger().hasBundle(bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1)).value());
    CHECK_FALSE(f.home->ledger().hasBundle(bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 3)).value());
    CHECK_FALSE(f.home->ledger().hasBundle(bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 4)).value());

    // The next pass before the due time: nothing new (the scheduled bundle is in the ledger,
    // the junk file unchanged since it was refused).
    f.clock.set(due - 1);
    auto quiet = watch.runPass();
    REQUIRE(quiet.ok());
    CHECK(quiet->bundles.empty());
    CHECK(cli::exitCodeOf(*quiet) == cli::ExitCode::Ok);
    CHECK(fs::exists(later));

    // At the due time the pass publishes it, writes its receipt beside the bundle, wipes it.
    f.clock.set(due);
    auto duePass = watch.runPass();
    REQUIRE(duePass.ok());
    CHECK(duePass->bundles.empty());
    REQUIRE(duePass->resumed.bundles.size() == 1);
    CHECK(duePass->resumed.bundles[0].complete);
    auto receipt = f.receipt(later.string() + ".receipt");
    REQUIRE(receipt.ok());
    REQUIRE(receipt->entries.size() == 1);
    CHECK(receipt->entries[0].state == bundle::ReceiptState::Published);
    REQUIRE(duePass->wiped.size() == 1);
    CHECK(duePass->wiped[0] == later);
    CHECK_FALSE(fs::exists(later));
    CHECK(cli::exitCodeOf(*duePass) == cli::ExitCode::Ok);
}

TEST_CASE("a watch pass waits for a file that is still growing", "[uploader][watch]")
{
    UploaderFixture f;
    const fs::path media = f.dir / "media";
    REQUIRE(ensurePrivateDirectory(media).ok());
    const Bytes bundle = f.seal(onArrival(f.ceremony, "Copied slowly"), 1);
    const fs::path path = media / "slow.postern";
    put(path, Bytes(bundle.begin(), bundle.begin() + 100));

    WatchOptions options;
    options.dir = media;
    options.settle = std::chrono::milliseconds(300);
    // The "copy" finishes while the pass waits between its two looks.
    bool grown = false;
    options.stopRequested = [&] {
        if (!grown) {
            grown = true;
            put(path, bundle);
        }
        return false;
    };
    WatchService watch(*f.home, *f.service, f.clock, options);
    auto pass = watch.runPass();
    REQUIRE(pass.ok());
    CHECK(pass->bundles.empty());
    REQUIRE(pass->unsettled.size() == 1);
    CHECK(pass->unsettled[0] == path);
    auto next = watch.runPass(); // same size and time as the last look: taken
    REQUIRE(next.ok());
    REQUIRE(next->bundles.size() == 1);
    CHECK(next->bundles[0].report->progress.complete);
}

TEST_CASE("postern-uploader watch --once runs unattended with a systemd credential", "[uploader][watch][smoke]")
{
    test::TempDir dir;
    const fs::path homeDir = dir / "home";
    const std::string home = "--home " + quote(homeDir.string());
    const fs::path creds = dir / "credentials";
    REQUIRE(ensurePrivateDirectory(creds).ok());
    const std::string passphrase(UploaderFixture::kPassphrase);
    REQUIRE(writeFileAtomic(creds / "passphrase", passphrase + "\n", 0600).ok());
    const std::string env = "CREDENTIALS_DIRECTORY=" + quote(creds.string());

    REQUIRE(run(env, home + " init --name watcher --kdf interactive").code == 0);
    Ceremony c;
    auto uploaderId = domain::readUploaderIdentity(UploaderFixture::slurp(homeDir / "uploader-identity.postern"));
    REQUIRE(uploaderId.ok());
    auto wsText = domain::makeWorkstationIdentity("Watch workstation", c.workstation, {c.signedPolicy.fileText});
    REQUIRE(wsText.ok());
    REQUIRE(writeFileAtomic(dir / "ws.postern", wsText.value()).ok());
    REQUIRE(run("",
                home + " trust " + quote((dir / "ws.postern").string()) + " --fingerprint "
                    + domain::keyFingerprint(c.workstation.publicKey()))
                .code
            == 0);

    // A Bluesky account whose server is not there: its password must never reach the log.
    const std::string appPassword = "SECRET-APP-PASSWORD-81d2";
    REQUIRE(writeFileAtomic(dir / "app-password", appPassword + "\n", 0600).ok());
    REQUIRE(run("",
                home
                    + " account add bluesky:press.example.org --handle press.example.org --service "
                      "http://127.0.0.1:9 --app-password-file "
                    + quote((dir / "app-password").string()))
                .code
            == 0);

    Ceremony::SealOptions o;
    o.recipient = uploaderId->boxKey;
    o.created = static_cast<std::int64_t>(std::time(nullptr));
    o.expires = o.created + 3600;
    const fs::path media = dir / "media";
    REQUIRE(ensurePrivateDirectory(media).ok());
    o.sequence = 1;
    put(media / "postern-1.postern", c.seal(c.manifest({c.approved(c.post("Watched by the binary"))}), o));

    const std::string watch = home + " watch --once --settle 0 " + quote(media.string());
    auto first = run(env, watch);
    CHECK(first.code == 0);
    CHECK(fs::exists(media / "postern-1.postern.receipt"));
    CHECK_FALSE(fs::exists(media / "postern-1.postern"));
    CHECK(first.output.find("1 published") != std::string::npos);

    // Suspended: the next bundle is claimed and held; status says so; resume lifts and publishes.
    auto suspended = run("", home + " suspend --reason 'checking a complaint'");
    CHECK(suspended.code == 0);
    CHECK(suspended.output.find("publishing suspended") != std::string::npos);
    o.sequence = 2;
    put(media / "postern-2.postern", c.seal(c.manifest({c.approved(c.post("Held while suspended"))}), o));
    auto held = run(env, watch);
    CHECK(held.code == 2);
    CHECK(held.output.find("held: publishing is suspended") != std::string::npos);
    CHECK_FALSE(fs::exists(media / "postern-2.postern.receipt"));
    auto status = run("", home + " status");
    CHECK(status.code == 0);
    CHECK(status.output.find("SUSPENDED") != std::string::npos);
    CHECK(status.output.find("checking a complaint") != std::string::npos);
    CHECK(status.output.find("pending targets: 1") != std::string::npos);
    auto resumed = run(env, home + " resume");
    CHECK(resumed.code == 0);
    CHECK(resumed.output.find("publishing resumed") != std::string::npos);
    CHECK(fs::exists(media / "postern-2.postern.receipt"));
    CHECK(run("", home + " status").output.find("publishing   active") != std::string::npos);

    // A Bluesky post fails to reach its server and stays pending: exit 2, no receipt.
    o.sequence = 3;
    put(media / "postern-3.postern",
        c.seal(c.manifest({c.approved(c.post("To Bluesky", {}, {Ceremony::bluesky()}))}), o));
    auto pending = run(env, home + " --log-level trace" + " watch --once --settle 0 " + quote(media.string()));
    CHECK(pending.code == 2);
    CHECK_FALSE(fs::exists(media / "postern-3.postern.receipt"));

    // The service's own log: rotated file in <home>/log, with the bundles, never a secret.
    const fs::path log = homeDir / "log" / "postern-uploader.log";
    REQUIRE(fs::exists(log));
    const std::string logText = UploaderFixture::slurp(log);
    CHECK(logText.find("watch: publishing") != std::string::npos);
    CHECK(logText.find(appPassword) == std::string::npos);
    CHECK(logText.find(passphrase) == std::string::npos);
    CHECK(pending.output.find(appPassword) == std::string::npos);
}

TEST_CASE("watch leaves a bundle whose receipt name is a symbolic link, and says so once", "[uploader][watch]")
{
    // WatchService::runPass: a receipt is never written over, nor through a link someone put in
    // its place (it could point at any file of this host); the operator is warned once per file.
    UploaderFixture f;
    const fs::path media = f.dir / "media";
    REQUIRE(ensurePrivateDirectory(media).ok());
    const fs::path path = media / "linked.postern";
    put(path, f.seal(onArrival(f.ceremony, "Behind a link"), 1));
    const fs::path target = f.dir / "not-a-receipt.txt";
    REQUIRE(writeFileAtomic(target, "someone else's file\n", 0644).ok());
    const fs::path receipt = path.string() + ".receipt";
    fs::create_symlink(target, receipt);

    WatchOptions options;
    options.dir = media;
    options.settle = std::chrono::milliseconds(0);
    WatchService watch(*f.home, *f.service, f.clock, options);
    LogCapture log;
    for (int pass = 0; pass < 2; ++pass) {
        auto r = watch.runPass();
        REQUIRE(r.ok());
        CHECK(r->bundles.empty());
    }
    const std::string warned = log.text();
    INFO(warned);
    CHECK(occurrences(warned, "is not taken: " + receipt.string() + " already exists (a symbolic link)") == 1);
    CHECK(warned.find("receipts are never overwritten") != std::string::npos);
    CHECK(fs::is_symlink(fs::symlink_status(receipt)));
    CHECK(UploaderFixture::slurp(target) == "someone else's file\n");
    CHECK_FALSE(f.home->ledger().knowsBundle(bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1)).value());

    // Moved away: the next pass publishes the bundle and writes a real receipt.
    fs::remove(receipt);
    auto next = watch.runPass();
    REQUIRE(next.ok());
    REQUIRE(next->bundles.size() == 1);
    CHECK(next->bundles[0].report->progress.complete);
    CHECK_FALSE(fs::is_symlink(fs::symlink_status(receipt)));
    CHECK(f.receipt(receipt).ok());
}
