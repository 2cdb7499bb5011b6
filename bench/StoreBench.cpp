// SPDX-License-Identifier: GPL-3.0-or-later
// postern-bench store: a generated store of 50,000 posts, written through the real store
// layer, then the three things a user waits for on it: `postern-cli list`, the GUI's main
// window opening on its first page, and the post list's text filter. docs/performance.md.
#include "postern/util/Sqlite.h"

#include "BenchUtil.h"
#include "gui/MainWindow.h"
#include "gui/PostListModel.h"
#include "gui/Session.h"

#include <QApplication>
#include <QLineEdit>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace postern::bench {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kStart = 1735689600; // 2025-01-01: posts spread over the next 700 days
const char* const kPassphrase = "bench passphrase, not a secret";

struct Options
{
    std::int64_t posts = 50000;
    fs::path dir;
    std::string cli; ///< postern-cli to time as a process; found next to this binary if empty
};

const std::vector<std::string> kWords = {
    "launch",  "community", "update",  "volunteers", "meeting",  "report", "press",   "release", "schedule",
    "support", "thanks",    "weekend", "workshop",   "members",  "city",   "council", "budget",  "photos",
    "event",   "evening",   "open",    "library",    "question", "answer", "today",   "tomorrow"};

/** text builds a post of varied length, from a headline to several paragraphs. */
std::string text(std::mt19937_64& rng)
{
    static const std::array<std::size_t, 6> kLengths = {8, 20, 35, 45, 120, 400};
    const std::size_t words = kLengths[rng() % kLengths.size()] + rng() % 10;
    std::string out;
    for (std::size_t i = 0; i < words; ++i) {
        if (!out.empty())
            out += (i % 17 == 0) ? ". " : " ";
        out += kWords[rng() % kWords.size()];
    }
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out + ".";
}

struct Fixture
{
    SystemClock clock;
    std::unique_ptr<workflow::Workstation> ws;
    /** store is a second connection for bulk rows: the workflow keeps its own store private,
     *  and 50,000 posts one workflow step at a time would take hours of Argon2id and signing. */
    std::unique_ptr<store::WorkstationStore> store;
    std::vector<workflow::UnlockedUser> authors;
    std::vector<workflow::UnlockedUser> approvers;
    std::optional<workflow::UnlockedUser> operatorUser;
    std::vector<domain::MediaRef> media;
};

crypto::SecureBuffer passphrase()
{
    return crypto::SecureBuffer(asBytes(kPassphrase));
}

/** setUp makes the store, its people and the channels, through the workflow as a user would. */
Status setUp(const fs::path& dir, Fixture& f)
{
    const auto kdf = crypto::KdfParams::interactive();
    POSTERN_TRY(workflow::Workstation::init(dir, "Bench workstation", "admin", passphrase(), kdf, f.clock));
    POSTERN_ASSIGN(ws, workflow::Workstation::open(dir, f.clock));
    f.ws = std::move(ws);
    POSTERN_ASSIGN(bulk, store::WorkstationStore::open(dir));
    f.store = std::move(bulk);
    POSTERN_ASSIGN(admin, f.ws->unlock("admin", passphrase()));
    const std::vector<std::pair<std::string, domain::RoleSet>> people = {
        {"alice", static_cast<domain::RoleSet>(domain::Role::Author)},
        {"bob", static_cast<domain::RoleSet>(domain::Role::Author)},
        {"chris", static_cast<domain::RoleSet>(domain::Role::Author)},
        {"dana", static_cast<domain::RoleSet>(domain::Role::Approver)},
        {"eli", static_cast<domain::RoleSet>(domain::Role::Approver)},
        {"fran", static_cast<domain::RoleSet>(domain::Role::Operator)}};
    for (const auto& [name, roles] : people)
        POSTERN_TRY(f.ws->addUser(admin, name, roles, passphrase(), kdf));
    for (const auto& [name, roles] : people) {
        POSTERN_ASSIGN(u, f.ws->unlock(name, passphrase()));
        if (roles & static_cast<domain::RoleSet>(domain::Role::Author))
            f.authors.push_back(std::move(u));
        else if (roles & static_cast<domain::RoleSet>(domain::Role::Approver))
            f.approvers.push_back(std::move(u));
        else
            f.operatorUser = std::move(u);
    }
    std::vector<workflow::ChannelRuleInput> rules;
    for (const char* ch : {"bluesky:press", "mastodon:news", "x:press", "outbox:archive"})
        rules.push_back({domain::ChannelId::parse(ch).value(), 1, {"dana", "eli"}, 86400});
    POSTERN_TRY(f.ws->setPolicy(admin, rules));
    // Some media rows: 200 small files that posts attach (the list shows none of them, but
    // they are part of a realistic store).
    std::mt19937_64 rng(7);
    for (int i = 0; i < 200; ++i) {
        Bytes b(2048 + rng() % 8192);
        crypto::randomBytes(b);
        POSTERN_ASSIGN(m, f.store->media().importBytes(b, "image/jpeg", "photo" + std::to_string(i) + ".jpg", kStart));
        domain::MediaRef ref;
        ref.hash = crypto::Digest{};
        const Bytes hash = fromHex(m.hash).value();
        std::copy(hash.begin(), hash.end(), ref.hash.begin());
        ref.size = m.size;
        ref.mime = "image/jpeg";
        ref.name = "photo" + std::to_string(i) + ".jpg";
        ref.alt = "A photo from the event";
        f.media.push_back(ref);
    }
    return {};
}

/** generate writes `n` posts in one transaction through the store's repositories, then
 *  exports the approved ones in batches and imports receipts for most of those. */
Status generate(Fixture& f, std::int64_t n)
{
    auto& store = *f.store;
    const std::vector<domain::ChannelId> channels = {domain::ChannelId::parse("bluesky:press").value(),
                                                     domain::ChannelId::parse("mastodon:news").value(),
                                                     domain::ChannelId::parse("x:press").value(),
                                                     domain::ChannelId::parse("outbox:archive").value()};
    std::mt19937_64 rng(42);
    std::vector<std::pair<std::string, std::int64_t>> approved; // post id, approval time
    POSTERN_TRY(store.transaction([&]() -> Status {
        for (std::int64_t i = 0; i < n; ++i) {
            const auto& author = f.authors[rng() % f.authors.size()];
            const std::int64_t created = kStart + static_cast<std::int64_t>(rng() % (700 * 86400));
            domain::PostContent c;
            c.postId = store::PostRepository::newPostId();
            c.author = author.key.publicKey();
            c.created = created;
            c.schedule = (rng() % 3 == 0) ? 0 : created + static_cast<std::int64_t>(rng() % (30 * 86400));
            const std::size_t first = rng() % channels.size();
            const std::size_t count = 1 + rng() % 3;
            const std::string body = text(rng);
            for (std::size_t k = 0; k < count; ++k)
                c.channels.push_back({channels[(first + k) % channels.size()], body, Json(Json::Object{})});
            if (rng() % 5 == 0)
                c.media.push_back(f.media[rng() % f.media.size()]);
            store::NewPostVersion v;
            v.content = c.canonical();
            v.digest = domain::versionDigest(v.content);
            v.schedule = c.schedule;
            for (const auto& ch : c.channels)
                v.channels.push_back(ch.channel.str());
            v.preview = body;
            v.createdAt = created;
            v.createdBy = author.record.id;
            POSTERN_TRY(store.posts().create(c.postId, v));

            // States: about 30% draft, 15% in review, 10% rejected, 45% approved (most of
            // which are exported next, and most of those published).
            const auto roll = rng() % 100;
            if (roll < 30)
                continue;
            const std::int64_t at = created + 3600;
            POSTERN_TRY(
                store.reviews().transition(c.postId, {store::PostState::Draft}, store::PostState::InReview, "", at));
            if (roll < 45)
                continue;
            const auto& approver = f.approvers[rng() % f.approvers.size()];
            if (roll < 55) {
                POSTERN_TRY(store.reviews().reject(c.postId,
                                                   1,
                                                   approver.record.id,
                                                   "Check the date in the second line",
                                                   at + 600));
                continue;
            }
            const domain::Approval a = domain::approve(approver.key, v.digest);
            store::ApprovalRecord rec;
            rec.postId = c.postId;
            rec.version = 1;
            rec.userId = approver.record.id;
            rec.digest = v.digest;
            rec.signature = a.signature;
            rec.createdAt = at + 600;
            POSTERN_TRY(store.reviews().addApproval(rec));
            POSTERN_TRY(store.reviews().transition(c.postId,
                                                   {store::PostState::InReview},
                                                   store::PostState::Approved,
                                                   "",
                                                   at + 600));
            approved.emplace_back(c.postId, at + 600);
        }
        return {};
    }));

    // Exports of 100 posts each (a sequence is reserved on its own, as the workflow does), for
    // 80% of the approved posts; receipts for 90% of the exports, a few posts failing.
    const std::size_t exportCount = approved.size() * 8 / 10;
    for (std::size_t start = 0, bundle = 0; start < exportCount; start += 100, ++bundle) {
        POSTERN_ASSIGN(sequence, store.exports().reserveSequence());
        store::NewExport e;
        e.sequence = sequence;
        Bytes id(16);
        crypto::randomBytes(id);
        e.bundleId = toHex(id);
        e.path = "/media/usb/bundle-" + std::to_string(sequence) + ".postern";
        e.fileFingerprint = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789";
        e.createdBy = f.operatorUser->record.id;
        std::vector<store::PostResult> results;
        for (std::size_t k = start; k < std::min(start + 100, exportCount); ++k) {
            e.items.push_back({approved[k].first, 1});
            e.createdAt = std::max(e.createdAt, approved[k].second + 60);
            store::PostResult r;
            r.postId = approved[k].first;
            r.version = 1;
            r.channel = "bluesky:press";
            r.outcome = (rng() % 50 == 0) ? store::PublishOutcome::Failed : store::PublishOutcome::Published;
            r.platformId = "at://did:plc:bench/app.bsky.feed.post/" + std::to_string(k);
            r.reason = r.outcome == store::PublishOutcome::Failed ? "rate limited" : "";
            results.push_back(r);
        }
        POSTERN_TRY(store.exports().recordExport(e));
        if (bundle % 10 != 9)
            POSTERN_TRY(store.exports().importReceipt(e.bundleId, "{\"bench\":true}", results, e.createdAt + 600));
    }
    return {};
}

double ms(double seconds)
{
    return seconds * 1000.0;
}

/** msSpread is a set of times in seconds as "median ms [min..max, spread]". */
std::string msSpread(const std::vector<double>& seconds)
{
    std::vector<double> msTimes;
    for (const double t : seconds)
        msTimes.push_back(ms(t));
    return describe(spreadOf(std::move(msTimes)), " ms", 2);
}

/** timeList runs the CLI's list query (Workstation::list, as runList calls it) `n` times
 *  on a freshly opened store and returns the first time and all the later ones. */
std::pair<double, std::vector<double>> timeList(const fs::path& dir, const store::PostFilter& filter, int n)
{
    SystemClock clock;
    std::vector<double> later;
    double first = 0;
    for (int i = 0; i <= n; ++i) {
        const double t0 = now();
        auto ws = workflow::Workstation::open(dir, clock);
        if (!ws)
            return {-1, {}};
        auto rows = (*ws)->list(filter);
        const double dt = now() - t0;
        if (!rows)
            return {-1, {}};
        if (i == 0)
            first = dt;
        else
            later.push_back(dt);
    }
    return {first, later};
}

void explain(const fs::path& dir, const char* what, const std::string& sql)
{
    SqliteDatabase db;
    if (!db.open(dir / std::string(store::kDatabaseFileName)))
        return;
    auto plan = db.prepare("EXPLAIN QUERY PLAN " + sql);
    if (!plan)
        return;
    std::string detail;
    while (true) {
        auto more = plan->step();
        if (!more || !*more)
            break;
        detail += (detail.empty() ? "" : "; ") + plan->columnText(3);
    }
    std::printf("  plan %-28s %s\n", what, detail.c_str());
}

/** timeQuickCheck times the integrity check every store open runs (docs/store.md, "Damage"). */
void timeQuickCheck(const fs::path& dir)
{
    const fs::path path = dir / std::string(store::kDatabaseFileName);
    std::vector<double> later;
    double first = 0;
    for (int i = 0; i <= 5; ++i) {
        SqliteDatabase db;
        if (!db.open(path))
            return;
        const double t0 = now();
        if (!db.quickCheck()) {
            std::printf("  quick_check failed: the store is damaged\n");
            return;
        }
        const double dt = now() - t0;
        if (i == 0)
            first = dt;
        else
            later.push_back(dt);
    }
    std::error_code ec;
    std::printf("\nintegrity check on open (PRAGMA quick_check, %.1f MiB database):\n  first %7.2f ms, then 5 "
                "runs %s\n",
                static_cast<double>(fs::file_size(path, ec)) / (1024.0 * 1024.0),
                ms(first),
                msSpread(later).c_str());
}

int measure(const Options& o)
{
    timeQuickCheck(o.dir);
    std::printf("\nqueries (postern-cli list calls Workstation::list with limit 100; time includes opening "
                "the store):\n");
    struct Case
    {
        const char* name;
        store::PostFilter filter;
    };
    std::vector<Case> cases(5);
    cases[0].name = "list (all, newest first)";
    cases[1].name = "list --state approved";
    cases[1].filter.state = store::PostState::Approved;
    cases[2].name = "list --channel mastodon";
    cases[2].filter.channel = "mastodon";
    cases[3].name = "list --search budget";
    cases[3].filter.text = "budget";
    cases[4].name = "list --search nomatch";
    cases[4].filter.text = "zzqx";
    for (const auto& c : cases) {
        const auto [first, later] = timeList(o.dir, c.filter, 5);
        std::printf("  %-30s first %7.2f ms, then 5 runs %s\n", c.name, ms(first), msSpread(later).c_str());
    }
    if (!o.cli.empty() && fs::exists(o.cli)) {
        const std::string cmd = "POSTERN_STORE='" + o.dir.string() + "' '" + o.cli + "' list >/dev/null";
        std::vector<double> times;
        bool failed = false;
        for (int i = 0; i < 5 && !failed; ++i) {
            const double t0 = now();
            failed = std::system(cmd.c_str()) != 0;
            times.push_back(now() - t0);
        }
        if (failed)
            std::printf("  %s list failed\n", o.cli.c_str());
        else
            std::printf("  %-30s 5 runs %s (whole process: start, self-test, open, query, print)\n",
                        "postern-cli list",
                        msSpread(times).c_str());
    }
    explain(o.dir, "list (all)", "SELECT id FROM posts ORDER BY updated_at DESC, id DESC LIMIT 200");
    explain(o.dir, "count (all)", "SELECT count(*) FROM posts");
    explain(o.dir,
            "list --state",
            "SELECT id FROM posts WHERE state = 'draft' ORDER BY updated_at DESC, id DESC LIMIT 200");
    explain(o.dir, "countByState", "SELECT state, count(*) FROM posts GROUP BY state");
    // With a substring filter PostRepository sorts instead of walking the index (see orderBy).
    explain(
        o.dir,
        "filter text (LIKE)",
        "SELECT id FROM posts WHERE title LIKE '%budget%' ESCAPE '\\' ORDER BY +updated_at DESC, id DESC LIMIT 200");
    explain(o.dir,
            "filter text in a queue",
            "SELECT id FROM posts WHERE state = 'draft' AND title LIKE '%budget%' ESCAPE '\\' "
            "ORDER BY +updated_at DESC, id DESC LIMIT 200");
    return 0;
}

/** gui opens the main window over the store as `postern` does after the lock screen, and
 *  times the first page and the text filter. */
int gui(const Options& o)
{
    std::printf("\nGUI (QT_QPA_PLATFORM=%s):\n", qgetenv("QT_QPA_PLATFORM").constData());
    SystemClock clock;
    const double t0 = now();
    gui::Session session(o.dir, clock);
    if (!session.open()) {
        std::printf("  cannot open the store\n");
        return 1;
    }
    gui::MainWindow window(session);
    window.show();
    QApplication::processEvents();
    const double opened = now() - t0;
    // The passphrase's key derivation is the user's wait at the lock screen, not the window's:
    // it is timed on its own.
    const double u0 = now();
    if (!session.unlock(QStringLiteral("alice"), QString::fromLatin1(kPassphrase))) {
        std::printf("  cannot unlock\n");
        return 1;
    }
    const double unlockKdf = now() - u0;
    // Session::unlock emits unlocked(): the window switches to the workspace, fills the
    // queues and loads the first page of the author's drafts, synchronously.
    const double w0 = now();
    QApplication::processEvents();
    auto& model = window.postModel();
    const double firstPage = now() - w0;
    std::printf("  window constructed and shown (store open, lock screen)  %7.1f ms\n", ms(opened));
    std::printf("  unlock: key derivation (interactive cost, bench users)   %7.1f ms (not part of the window)\n",
                ms(unlockKdf));
    std::printf("  after unlock: queues counted, first page shown          %7.1f ms  (%d rows of %lld)\n",
                ms(firstPage),
                model.rowCount(),
                static_cast<long long>(model.totalCount()));
    std::printf("  open to first page, without the key derivation          %7.1f ms\n", ms(opened + firstPage));

    window.selectQueue(std::nullopt);
    auto* filter = window.findChild<QLineEdit*>(QStringLiteral("filterEdit"));
    if (!filter) {
        std::printf("  no filter field\n");
        return 1;
    }
    // Typing "budget" one key at a time: each keystroke restarts the 150 ms debounce; the
    // query runs once typing pauses. The query itself is what PostListModel::setFilter does.
    int resets = 0;
    QObject::connect(&model, &QAbstractItemModel::modelReset, [&resets] { ++resets; });
    const std::string word = "budget";
    double typed = 0;
    for (std::size_t i = 1; i <= word.size(); ++i) {
        const double k0 = now();
        filter->setText(QString::fromStdString(word.substr(0, i)));
        QApplication::processEvents();
        typed = std::max(typed, now() - k0);
    }
    const double d0 = now();
    resets = 0;
    while (resets == 0 && now() - d0 < 5) {
        QApplication::processEvents(QEventLoop::AllEvents, 1);
        QThread::usleep(200);
    }
    const double settle = now() - d0;
    std::printf("  typing \"budget\": slowest keystroke %.2f ms; list updated %.0f ms after the last key "
                "(150 ms debounce included), %lld matches\n",
                ms(typed),
                ms(settle),
                static_cast<long long>(model.totalCount()));
    for (const char* q : {"b", "bu", "budget", "zzqx", ""}) {
        store::PostFilter f = model.filter();
        f.text = q;
        std::vector<double> times;
        for (int i = 0; i < 5; ++i) {
            const double q0 = now();
            model.setFilter(f);
            times.push_back(now() - q0);
        }
        std::printf("  filter query \"%s\" (all posts): count + first page  %s, %lld matches\n",
                    q,
                    msSpread(times).c_str(),
                    static_cast<long long>(model.totalCount()));
    }
    return 0;
}

bool parse(int argc, char** argv, Options& o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--posts" && i + 1 < argc) {
            o.posts = std::strtoll(argv[++i], nullptr, 10);
            if (o.posts > 0 && o.posts <= 1000000)
                continue;
        } else if (a == "--dir" && i + 1 < argc) {
            o.dir = argv[++i];
            continue;
        } else if (a == "--cli" && i + 1 < argc) {
            o.cli = argv[++i];
            continue;
        }
        std::fprintf(stderr,
                     "usage: postern-bench store [--posts N (50000)] [--dir DIR] [--cli PATH]\n"
                     "  generates a store of N posts in DIR (default: a new directory under $TMPDIR, removed\n"
                     "  afterwards; an existing store in DIR is measured as it is), then times the CLI's list\n"
                     "  queries, postern-cli itself (PATH, default: ../src/cli/postern-cli from this binary),\n"
                     "  and the GUI's main window and text filter (offscreen).\n");
        return false;
    }
    return true;
}

} // namespace

int runStoreBench(int argc, char** argv)
{
    Options o;
    if (!parse(argc, argv, o))
        return 1;
    if (o.cli.empty()) {
        std::error_code ec;
        const auto self = fs::read_symlink("/proc/self/exe", ec);
        if (!ec)
            o.cli = (self.parent_path().parent_path() / "src" / "cli" / "postern-cli").string();
    }
    const bool ownDir = o.dir.empty();
    if (ownDir) {
        std::string tmpl = (fs::temp_directory_path() / "postern-bench-store-XXXXXX").string();
        if (!::mkdtemp(tmpl.data()))
            return 2;
        o.dir = fs::path(tmpl) / "store";
    }
    if (!fs::exists(o.dir / std::string(store::kDatabaseFileName))) {
        Fixture f;
        const double t0 = now();
        if (auto s = setUp(o.dir, f); !s) {
            std::fprintf(stderr, "postern-bench store: set-up failed: %s\n", s.error().what().c_str());
            return 2;
        }
        if (auto s = generate(f, o.posts); !s) {
            std::fprintf(stderr, "postern-bench store: generation failed: %s\n", s.error().what().c_str());
            return 2;
        }
        std::printf("postern-bench store: generated %lld posts in %s in %.1f s\n",
                    static_cast<long long>(o.posts),
                    o.dir.c_str(),
                    now() - t0);
    } else {
        std::printf("postern-bench store: measuring the existing store in %s\n", o.dir.c_str());
    }
    {
        SystemClock clock;
        auto ws = workflow::Workstation::open(o.dir, clock);
        if (ws) {
            if (auto counts = (*ws)->queries().postCounts()) {
                std::printf("  states:");
                for (const auto& c : *counts)
                    std::printf(" %s %lld",
                                std::string(store::postStateName(c.state)).c_str(),
                                static_cast<long long>(c.count));
                std::printf("\n");
            }
        }
    }
    int rc = measure(o);
    if (rc == 0) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        int qargc = 1;
        char name[] = "postern-bench";
        char* qargv[] = {name, nullptr};
        QApplication app(qargc, qargv);
        rc = gui(o);
    }
    if (ownDir) {
        std::error_code ec;
        fs::remove_all(o.dir.parent_path(), ec);
    }
    return rc;
}

} // namespace postern::bench
