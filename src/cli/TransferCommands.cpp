// SPDX-License-Identifier: GPL-3.0-or-later
// Crossing the gap: export (seal approved posts into a bundle) and receipt import.
#include "postern/bundle/Receipt.h"
#include "postern/util/FileIO.h"

#include "Session.h"

namespace postern::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kDefaultLifetime = 24 * 3600;

/** approvedPosts lists every approved post, oldest change first, so nothing is missed by paging. */
Result<std::vector<std::string>> approvedPosts(workflow::Workstation& ws)
{
    std::vector<std::string> ids;
    store::PostFilter filter;
    filter.state = store::PostState::Approved;
    filter.limit = 10000;
    filter.order = store::PostOrder::UpdatedAsc;
    for (;;) {
        POSTERN_ASSIGN(page, ws.list(filter));
        for (const auto& p : page)
            ids.push_back(p.id);
        if (static_cast<std::int64_t>(page.size()) < filter.limit)
            break;
        filter.offset += filter.limit;
    }
    return ids;
}

/** ProgressLine draws "sealing: 42%" on a terminal's stderr and stays silent otherwise. */
class ProgressLine
{
public:
    explicit ProgressLine(const clikit::Io& io) : m_err(io.err), m_enabled(io.errIsTerminal) {}
    ~ProgressLine() { finish(); }
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    void update(std::uint64_t done, std::uint64_t total)
    {
        if (!m_enabled || total == 0)
            return;
        const auto percent = static_cast<int>(done * 100 / total);
        if (percent == m_last)
            return;
        m_last = percent;
        m_err << "\rsealing the bundle: " << percent << "% (" << (done >> 20) << " of " << (total >> 20) << " MiB)"
              << std::flush;
    }
    void finish()
    {
        if (m_enabled && m_last >= 0)
            m_err << "\n";
        m_last = -1;
    }

private:
    std::ostream& m_err;
    bool m_enabled;
    int m_last = -1;
};

/** receiptExitCode: a receipt that could not be taken in is a refusal unless the machine failed. */
ExitCode receiptExitCode(Errc code)
{
    switch (code) {
    case Errc::Io:
    case Errc::Internal:
    case Errc::PermissionDenied:
        return ExitCode::Environment;
    case Errc::NoUploader:
        return ExitCode::NotReady;
    case Errc::WrongPassphrase:
    case Errc::BadKeyFile:
        return ExitCode::KeyProblem;
    default:
        return ExitCode::Refused;
    }
}

std::string receiptHint(Errc code)
{
    switch (code) {
    case Errc::AlreadyExists:
        return "a receipt is imported once; `postern-cli show POST` shows its results";
    case Errc::NotFound:
        return "the receipt answers a bundle this workstation did not export; check the file";
    case Errc::BadSignature:
        return "the receipt is not signed by the trusted uploader, or was altered; fetch it again from the uploader";
    default:
        return hintFor(code);
    }
}

} // namespace

ExitCode runExport(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli export --as OPERATOR --out FILE [--lifetime 24h] "
                                           "(POST... [--order ORDER]... | --all-approved)";
    const auto* out = ctx.args.value("out");
    if (!out || out->empty())
        return usageError(ctx,
                          "export needs --out FILE, where to write the bundle (e.g. on removable media)",
                          kSynopsis);
    const bool all = ctx.args.has("all-approved");
    const std::vector<std::string> givenOrders = ctx.args.values("order");
    const bool named = !ctx.args.positionals.empty() || !givenOrders.empty();
    if (all == named)
        return usageError(ctx,
                          all ? "give either POST ids and --order ORDER, or --all-approved, not both"
                              : "export needs the POST ids or --order ORDER ids to export, or --all-approved",
                          kSynopsis);
    std::int64_t lifetime = kDefaultLifetime;
    if (const auto* text = ctx.args.value("lifetime")) {
        auto seconds = parseDuration(*text);
        if (!seconds)
            return failWith(ctx, seconds.error(), ExitCode::Usage, kSynopsis);
        lifetime = *seconds;
    }
    const fs::path file = *out;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(file, ec)))
        return usageError(ctx,
                          file.string() + " already exists; nothing was exported",
                          "choose a new file name: a bundle never overwrites a file");

    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::vector<std::string> postIds;
    std::vector<std::string> orderIds;
    if (all) {
        // Everything that is ready goes: approved posts and approved cancel/retract orders. An
        // order waiting an extra trip across the gap would let the post it stops go out.
        auto ids = approvedPosts(*ws);
        if (!ids)
            return failWith(ctx, ids.error());
        auto orders = ws->approvedOrders();
        if (!orders)
            return failWith(ctx, orders.error());
        if (ids->empty() && orders->empty())
            return failWith(ctx,
                            fail(Errc::NotApproved, "no post or order is approved and waiting for export"),
                            ExitCode::Refused,
                            "see what is waiting with `postern-cli list --state in_review` and "
                            "`postern-cli order list --state pending`");
        postIds = std::move(ids).value();
        orderIds = std::move(orders).value();
    } else {
        for (const auto& given : ctx.args.positionals) {
            std::string id;
            if (auto code = resolvePostId(ctx, *ws, given, id))
                return *code;
            postIds.push_back(id);
        }
        for (const auto& given : givenOrders) {
            std::string id;
            if (auto code = resolveOrderId(ctx, *ws, given, id))
                return *code;
            orderIds.push_back(id);
        }
    }
    std::optional<workflow::UnlockedUser> op;
    if (auto code = login(ctx, *ws, "export", op))
        return *code;

    ProgressLine progress(*ctx.io);
    bundle::SealProgress sealProgress;
    sealProgress.onProgress = [&progress](std::uint64_t done, std::uint64_t total) { progress.update(done, total); };
    auto result = ws->exportBundle(*op, postIds, orderIds, file, lifetime, sealProgress);
    progress.finish();
    if (!result) {
        if (result.code() == Errc::AlreadyExists)
            return failWith(ctx, result.error(), ExitCode::Usage);
        return failWith(ctx, result.error());
    }
    ctx.out() << "exported " << result->postIds.size() << " post(s) and " << result->orderIds.size() << " order(s) to "
              << file.string() << "\n"
              << field("bundle") << result->bundleId << "\n"
              << field("sequence") << result->sequence << "\n"
              << field("size") << result->fileBytes << " bytes\n"
              << field("fingerprint") << result->fingerprint << "\n"
              << field("expires") << formatUtc(ctx.clock->now() + lifetime) << " (in " << formatDuration(lifetime)
              << ")\n";
    for (const auto& id : result->postIds)
        ctx.out() << field("post") << id << "\n";
    for (const auto& id : result->orderIds)
        ctx.out() << field("order") << id << "\n";
    ctx.out() << "\ncarry checklist\n"
              << "  1. write-protect or safely eject the media\n"
              << "  2. carry it to the uploader host before it expires\n"
              << "  3. there run: postern-uploader publish " << file.filename().string()
              << "   (postern-uploader verify checks it first without using it)\n"
              << "  4. bring back " << file.filename().string() << ".receipt and run:\n"
              << "     postern-cli receipt import " << file.filename().string() << ".receipt --as " << op->record.name
              << "\n";
    return ExitCode::Ok;
}

ExitCode runReceipt(const Context& ctx)
{
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx,
                          "receipt import takes exactly one FILE",
                          "postern-cli receipt import FILE --as OPERATOR");
    const fs::path file = ctx.args.positionals[0];
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    auto text = readFileCapped(file, bundle::kMaxReceiptBytes);
    if (!text)
        return failWith(ctx, text.error(), text.code() == Errc::TooLarge ? ExitCode::Refused : ExitCode::Environment);
    std::optional<workflow::UnlockedUser> op;
    if (auto code = login(ctx, *ws, "receipt import", op))
        return *code;
    auto summary = ws->importReceipt(*op, *text);
    if (!summary)
        return failWith(ctx, summary.error(), receiptExitCode(summary.code()), receiptHint(summary.code()));
    ctx.out() << "imported the receipt for bundle " << summary->bundleId << "\n";
    if (!summary->error.empty()) {
        printError(ctx,
                   "the uploader rejected the whole bundle: " + printable(summary->error)
                       + "; nothing in it was published or carried out, and its posts and orders are marked failed",
                   "fix the cause, then edit, submit, approve and export the posts again");
        return ExitCode::SomeFailed;
    }
    std::size_t failed = 0;
    for (const auto& e : summary->entries) {
        ctx.out() << "  " << shortId(e.postId) << "  version " << e.version << "  " << e.channel.str() << "  "
                  << bundle::receiptStateName(e.state);
        if (!e.url.empty())
            ctx.out() << "  " << printable(e.url);
        if (!e.reason.empty())
            ctx.out() << "  reason: " << printable(e.reason);
        ctx.out() << "\n";
        if (e.state == bundle::ReceiptState::Failed || e.state == bundle::ReceiptState::Rejected)
            ++failed;
    }
    std::size_t ordersFailed = 0;
    for (const auto& o : summary->orders) {
        ctx.out() << "  order " << o.orderId.substr(0, 12) << "  " << domain::orderActionName(o.action) << "  post "
                  << shortId(o.postId) << "  " << o.channel.str() << "  " << bundle::orderOutcomeName(o.outcome);
        if (!o.reason.empty())
            ctx.out() << "  reason: " << printable(o.reason);
        ctx.out() << "\n";
        if (o.outcome == bundle::OrderOutcome::Failed)
            ++ordersFailed;
    }
    if (failed > 0)
        printError(ctx,
                   std::to_string(failed) + " of " + std::to_string(summary->entries.size())
                       + " channel(s) failed on the uploader; the posts are marked failed",
                   "read the reasons above; the author can revise a failed post with `postern-cli draft edit`");
    if (ordersFailed > 0)
        printError(ctx,
                   std::to_string(ordersFailed) + " of " + std::to_string(summary->orders.size())
                       + " order result(s) failed: those channels were not cancelled or retracted",
                   "read the reasons above (`postern-cli order show ORDER`); request a new order if it is still "
                   "needed, or remove the post on the platform by hand");
    return failed + ordersFailed > 0 ? ExitCode::SomeFailed : ExitCode::Ok;
}

} // namespace postern::cli
