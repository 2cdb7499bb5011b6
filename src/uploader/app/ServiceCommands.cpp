// SPDX-License-Identifier: GPL-3.0-or-later
// Service mode: suspend, the suspension half of resume, the service lines of status, and watch.
#include "postern/uploader/platforms/PlatformAdapters.h"
#include "postern/uploader/publish/OutboxPublisher.h"
#include "postern/uploader/publish/WatchService.h"

#include "Commands.h"

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <iomanip>
#include <thread>

namespace postern::uploader::cli {

namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void onStopSignal(int)
{
    g_stop = 1;
}

/** installStopHandlers makes SIGTERM (systemd stop) and SIGINT (Ctrl-C) set g_stop only. */
void installStopHandlers()
{
    struct sigaction sa
    {
    };
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; // a signal never breaks a write in progress
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
}

std::string currentUser()
{
    const uid_t uid = ::geteuid();
    if (const passwd* pw = ::getpwuid(uid); pw && pw->pw_name)
        return pw->pw_name;
    return "uid " + std::to_string(uid);
}

std::string describe(const Suspension& s)
{
    return "since " + formatUtc(s.since) + " by " + s.by + (s.reason.empty() ? std::string() : ": " + s.reason);
}

/** number reads a whole number in [min, max] from option `name`, or `fallback`. */
std::optional<std::int64_t> number(const Context& ctx,
                                   std::string_view name,
                                   std::string_view unit,
                                   std::int64_t fallback,
                                   std::int64_t min,
                                   std::int64_t max)
{
    const auto* text = ctx.args.value(name);
    if (!text)
        return fallback;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
        printError(ctx,
                   "--" + std::string(name) + " needs a whole number of " + std::string(unit) + " from "
                       + std::to_string(min) + " to " + std::to_string(max) + ", not \"" + *text + "\"");
        return std::nullopt;
    }
    return value;
}

void printPass(const Context& ctx, const WatchPass& pass, bool keep)
{
    printResumed(ctx, pass.resumed.bundles);
    for (const auto& f : pass.wiped)
        ctx.out() << "wiped " << f.string() << " (its bundle is complete)\n";
    for (const auto& b : pass.bundles) {
        ctx.out() << "bundle file " << b.path.string() << "\n";
        if (b.error)
            (void)failWith(ctx, *b.error, std::nullopt, "the file is tried again at the next pass");
        else
            (void)printPublishReport(ctx, *b.report, keep);
    }
    ctx.out().flush();
}

} // namespace

std::optional<ExitCode> liftSuspension(const Context& ctx, bool& lifted)
{
    lifted = false;
    UploaderHome home;
    if (auto code = openHome(ctx, home, false))
        return code;
    auto previous = home.ledger().lift();
    if (!previous)
        return failWith(ctx, previous.error());
    if (*previous) {
        lifted = true;
        const std::string what = "publishing resumed (it was suspended " + describe(**previous) + ")";
        if (auto s = home.ledger().addEvent(ctx.clock->now(), "publishing-resumed", "", "by " + currentUser()); !s)
            return failWith(ctx, s.error());
        ctx.out() << what << "\n";
    }
    return std::nullopt;
}

ExitCode runSuspend(const Context& ctx)
{
    if (!ctx.args.positionals.empty()) {
        printError(ctx, "usage: postern-uploader suspend [--reason TEXT]");
        return ExitCode::Usage;
    }
    const std::string* reason = ctx.args.value("reason");
    if (reason && reason->size() > 1000) {
        printError(ctx, "--reason is limited to 1000 bytes");
        return ExitCode::Usage;
    }
    // No home lock: suspend must reach a running `watch`, which holds it.
    UploaderHome home;
    if (auto code = openHome(ctx, home, false))
        return *code;
    Suspension s{ctx.clock->now(), currentUser(), reason ? *reason : std::string()};
    if (auto done = home.ledger().suspend(s); !done) {
        if (done.code() != Errc::AlreadyExists)
            return failWith(ctx, done.error());
        const auto current = home.ledger().suspension();
        ctx.out() << "publishing was already suspended "
                  << (current && *current ? describe(**current) : std::string("(details unreadable)"))
                  << "; nothing changed\n";
        return ExitCode::Ok;
    }
    if (auto e = home.ledger().addEvent(s.since, "publishing-suspended", "", describe(s)); !e)
        return failWith(ctx, e.error());
    ctx.out() << "publishing suspended " << describe(s) << "\n"
              << "Nothing is published until `postern-uploader resume`. A running publish or watch stops\n"
              << "before its next target (an adapter may finish the request it is sending); bundles that\n"
              << "arrive meanwhile are verified and claimed, and wait.\n";
    return ExitCode::Ok;
}

void printServiceStatus(const Context& ctx, Ledger& ledger, std::int64_t now)
{
    const auto flag = ledger.suspension();
    if (!flag)
        ctx.out() << "publishing   ? (" << flag.error().what() << ")\n";
    else if (*flag)
        ctx.out() << "publishing   SUSPENDED " << describe(**flag) << "\n"
                  << "             run `postern-uploader resume` to publish again\n";
    else
        ctx.out() << "publishing   active\n";
    const auto pending = ledger.pendingTargets();
    if (!pending) {
        printError(ctx, pending.error().what());
        return;
    }
    ctx.out() << "pending targets: " << pending->size() << "\n";
    for (const auto& t : *pending) {
        const std::string due = t.dueAt > now  ? "due " + formatUtc(t.dueAt)
                                : t.dueAt == 0 ? std::string("due on arrival")
                                               : "due since " + formatUtc(t.dueAt);
        ctx.out() << "  " << toHex(t.bundleId) << "  " << OutboxPublisher::folderName(t.postIndex, t.channelIndex)
                  << "  " << std::left << std::setw(32) << t.channel << " " << std::setw(8) << targetStateName(t.state)
                  << " " << due << (t.reason.empty() ? std::string() : "  (" + t.reason + ")") << "\n";
    }
}

ExitCode runWatch(const Context& ctx)
{
    if (ctx.args.positionals.size() != 1) {
        printError(ctx, "usage: postern-uploader watch DIR [--interval SECONDS] [--once] [--keep] [--settle SECONDS]");
        return ExitCode::Usage;
    }
    const auto interval = number(ctx, "interval", "seconds", 60, 1, 86400);
    const auto settle = number(ctx, "settle", "seconds", 2, 0, 600);
    const auto maxSize = number(ctx, "max-size", "bytes", 64ll << 30, 1, INT64_MAX);
    if (!interval || !settle || !maxSize)
        return ExitCode::Usage;
    WatchOptions options;
    options.dir = fs::absolute(ctx.args.positionals[0]).lexically_normal();
    options.keep = ctx.args.has("keep");
    options.settle = std::chrono::seconds(*settle);
    options.maxBundleBytes = static_cast<std::uint64_t>(*maxSize);
    options.stopRequested = [] { return g_stop != 0; };
    std::error_code ec;
    if (!fs::is_directory(options.dir, ec)) {
        printError(ctx,
                   options.dir.string() + " is not a folder",
                   "mount the media and pass the folder bundles arrive in");
        return ExitCode::Usage;
    }

    UploaderHome home;
    if (auto code = openHome(ctx, home, true))
        return *code;
    // Unattended: the passphrase comes from --passphrase-file or a systemd credential.
    if (auto code = unlockKeys(ctx, home, true, true))
        return *code;
    installStopHandlers();
    PublishService service(home, {ctx.clock, {}, options.stopRequested});
    const PlatformAdapters adapters(home, *ctx.clock);
    service.setAdapters(adapters.registry());
    WatchService watch(home, service, *ctx.clock, options);
    const bool once = ctx.args.has("once");
    spdlog::info("watch: started on {} (interval {} s, settle {} s{})",
                 options.dir.string(),
                 *interval,
                 *settle,
                 once ? ", one pass" : "");
    if (!once)
        ctx.out() << "watching " << options.dir.string() << " every " << *interval << " s; stop with SIGTERM\n"
                  << std::flush;
    while (true) {
        auto pass = watch.runPass();
        if (!pass) {
            // The media pulled, a full disk: a service keeps going and tries again next pass.
            (void)failWith(ctx, pass.error());
            if (once)
                return exitCodeFor(pass.code());
        } else {
            printPass(ctx, *pass, options.keep);
            if (once)
                return exitCodeOf(*pass);
        }
        if (g_stop != 0)
            break;
        // Wake early for a scheduled post that falls due before the next regular look.
        std::int64_t wait = *interval;
        if (const auto next = home.ledger().nextDue(ctx.clock->now()); next && *next)
            wait = std::clamp<std::int64_t>(**next - ctx.clock->now(), 1, wait);
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(wait);
        while (g_stop == 0 && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (g_stop != 0)
            break;
    }
    spdlog::info("watch: stopped on request");
    ctx.out() << "stopped on request; anything not yet published stays pending in the ledger\n";
    return ExitCode::Ok;
}

} // namespace postern::uploader::cli
