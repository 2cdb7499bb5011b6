// SPDX-License-Identifier: GPL-3.0-or-later
// Setup commands (init, identity export, trust, status) and the helpers every command shares:
// opening the home, unlocking the keys. Errors and hints are in Report.cpp; verify, publish and
// resume in PublishCommands.cpp.
#include "Commands.h"

#include "postern/crypto/Passphrase.h"
#include "postern/domain/Roles.h"
#include "postern/uploader/publish/OutboxPublisher.h"
#include "postern/uploader/publish/WorkstationTrust.h"
#include "postern/util/FileIO.h"

#include <iomanip>
#include <istream>

namespace postern::uploader::cli {

namespace fs = std::filesystem;

std::optional<ExitCode> openHome(const Context& ctx, UploaderHome& home, bool exclusive)
{
    if (auto s = home.open(ctx.home, exclusive); !s) {
        if (s.code() == Errc::NotFound)
            return failWith(ctx,
                            s.error(),
                            ExitCode::NotReady,
                            "run `postern-uploader init --name NAME`, or pass --home DIR");
        return failWith(ctx, s.error());
    }
    return std::nullopt;
}

namespace {

Result<crypto::SecureBuffer> readPassphrase(const Context& ctx, std::string_view prompt)
{
    if (ctx.passphraseFile)
        return crypto::readPassphraseFile(*ctx.passphraseFile);
    return crypto::readPassphraseFromTerminal(prompt);
}

Result<crypto::SecureBuffer> readNewPassphrase(const Context& ctx)
{
    if (ctx.passphraseFile) {
        POSTERN_ASSIGN(p, crypto::readPassphraseFile(*ctx.passphraseFile));
        POSTERN_TRY(crypto::checkNewPassphrase(p));
        return p;
    }
    POSTERN_ASSIGN(first, crypto::readPassphraseFromTerminal("New passphrase for the uploader keys: "));
    POSTERN_TRY(crypto::checkNewPassphrase(first));
    POSTERN_ASSIGN(second, crypto::readPassphraseFromTerminal("Repeat the passphrase: "));
    if (first.size() != second.size() || !crypto::equalConstantTime(first.view(), second.view()))
        return fail(Errc::InvalidArgument, "the two passphrases differ");
    return first;
}

void printIdentity(const Context& ctx, const TrustPreview& preview)
{
    const auto& id = preview.identity;
    const auto& p = id.latest().policy;
    ctx.out() << "workstation identity\n"
              << field("name") << id.name << "\n"
              << field("fingerprint") << id.fingerprint() << "\n"
              << field("policy") << "version " << p.version << ", created " << formatUtc(p.created) << ", "
              << p.adminThreshold << " admin signature(s) needed to change it\n"
              << "  users\n";
    for (const auto& u : p.users)
        ctx.out() << "    " << std::left << std::setw(20) << u.name << " " << std::setw(34)
                  << domain::formatRoles(u.roles) << " " << domain::keyFingerprint(u.key) << "\n";
    ctx.out() << "  channels\n";
    for (const auto& c : p.channels) {
        std::string approvers;
        for (const auto& k : c.approvers) {
            const domain::PolicyUser* u = p.userByKey(k);
            approvers += (approvers.empty() ? "" : ", ") + (u ? u->name : domain::keyFingerprint(k));
        }
        ctx.out() << "    " << c.channel.str() << ": " << c.required << " approval(s) from " << approvers
                  << "; bundles live at most " << c.maxLifetime << " s\n";
    }
    if (preview.known && preview.newPolicies.empty())
        ctx.out() << "already trusted at policy version " << preview.trustedVersion << "; nothing new to store\n";
    else if (preview.known)
        ctx.out() << "already trusted at policy version " << preview.trustedVersion << "; "
                  << preview.newPolicies.size() << " newer version(s) follow it correctly and will be stored\n";
}

std::optional<ExitCode> confirmTrust(const Context& ctx, const TrustPreview& preview)
{
    const std::string fp = preview.identity.fingerprint();
    if (const auto* given = ctx.args.value("fingerprint")) {
        if (*given == fp)
            return std::nullopt;
        printError(ctx,
                   "the fingerprint you gave (" + *given + ") does not match this workstation's (" + fp
                       + "); nothing was trusted",
                   "do not trust this file; compare the fingerprint with the workstation admin again");
        return ExitCode::NotReady;
    }
    if (!ctx.io->inIsTerminal) {
        printError(ctx,
                   "refusing to trust a workstation without confirmation",
                   "compare the fingerprint with the workstation admin, then pass --fingerprint " + fp);
        return ExitCode::Usage;
    }
    ctx.out() << "\nCompare the fingerprint above with the workstation admin, aloud or over a trusted channel.\n"
              << "Type yes to trust this workstation: " << std::flush;
    std::string answer;
    std::getline(ctx.io->in, answer);
    if (answer != "yes") {
        printError(ctx, "not confirmed; nothing was trusted");
        return ExitCode::NotReady;
    }
    return std::nullopt;
}

} // namespace

std::optional<ExitCode> unlockKeys(const Context& ctx, UploaderHome& home, bool box, bool sign)
{
    auto passphrase = readPassphrase(ctx, "Passphrase for the uploader keys: ");
    if (!passphrase)
        return failWith(ctx,
                        passphrase.error(),
                        passphrase.code() == Errc::NotFound ? ExitCode::Usage : ExitCode::KeyProblem);
    if (box) {
        if (auto s = home.unlockBoxKey(*passphrase); !s)
            return failWith(ctx, s.error());
    }
    if (sign) {
        if (auto s = home.unlockSignKey(*passphrase); !s)
            return failWith(ctx, s.error());
    }
    return std::nullopt;
}

ExitCode runInit(const Context& ctx)
{
    InitOptions options;
    const auto* name = ctx.args.value("name");
    if (!name || !ctx.args.positionals.empty()) {
        printError(ctx,
                   name ? "init takes no positional argument" : "init needs --name NAME",
                   "postern-uploader init --name NAME [--outbox DIR] [--kdf moderate]");
        return ExitCode::Usage;
    }
    options.name = *name;
    if (const auto* outbox = ctx.args.value("outbox"))
        options.outbox = fs::path(*outbox);
    if (const auto* kdf = ctx.args.value("kdf")) {
        auto params = crypto::KdfParams::byName(*kdf);
        if (!params)
            return failWith(ctx, params.error(), ExitCode::Usage);
        options.kdf = *params;
    }
    {
        // Refuse early, before asking for a passphrase, if the home is already in use.
        UploaderHome probe;
        if (probe.open(ctx.home, false).ok())
            return failWith(ctx,
                            fail(Errc::AlreadyExists,
                                 ctx.home.string() + " is already an initialised uploader home; nothing was changed"),
                            ExitCode::Usage,
                            "use another --home DIR, or keep using this one");
    }
    auto passphrase = readNewPassphrase(ctx);
    if (!passphrase)
        return failWith(ctx, passphrase.error(), ExitCode::Usage);
    auto result = UploaderHome::initialise(ctx.home, options, *passphrase, *ctx.clock);
    if (!result) {
        if (result.code() == Errc::AlreadyExists)
            return failWith(ctx, result.error(), ExitCode::Usage);
        return failWith(ctx, result.error());
    }
    ctx.out() << "initialised uploader \"" << options.name << "\" in " << fs::absolute(ctx.home).string() << "\n"
              << field("fingerprint") << result->fingerprint << "\n"
              << field("identity") << result->identityFile.string() << "\n"
              << field("outbox") << result->outbox.string() << "\n\n"
              << "Carry the identity file to the workstation (postern-uploader identity export FILE copies it)\n"
              << "and read the fingerprint aloud to the workstation admin: both must see the same one.\n";
    return ExitCode::Ok;
}

ExitCode runIdentity(const Context& ctx)
{
    const auto& pos = ctx.args.positionals;
    if (pos.size() != 2 || pos[0] != "export") {
        printError(ctx, "usage: postern-uploader identity export FILE");
        return ExitCode::Usage;
    }
    UploaderHome home;
    if (auto code = openHome(ctx, home, false))
        return *code;
    auto identity = home.identity();
    if (!identity)
        return failWith(ctx, identity.error(), ExitCode::Environment, "the identity file in the home is damaged");
    if (auto s = writeFileAtomic(pos[1], identity->fileText, 0644); !s)
        return failWith(ctx, s.error());
    ctx.out() << "wrote the identity of uploader \"" << identity->name << "\" to " << pos[1] << "\n"
              << field("fingerprint") << identity->fingerprint() << "\n";
    return ExitCode::Ok;
}

ExitCode runTrust(const Context& ctx)
{
    if (ctx.args.positionals.size() != 1) {
        printError(ctx, "usage: postern-uploader trust FILE [--fingerprint FP]");
        return ExitCode::Usage;
    }
    UploaderHome home;
    if (auto code = openHome(ctx, home, true))
        return *code;
    auto text = readFileCapped(ctx.args.positionals[0], domain::kMaxIdentityBytes);
    if (!text)
        return failWith(ctx, text.error());
    auto preview = previewTrust(home.ledger(), *text);
    if (!preview) {
        // A bad identity file is a refusal to trust, whatever the detailed reason.
        const auto code = isBundleRejection(preview.code()) ? ExitCode::NotReady : exitCodeFor(preview.code());
        return failWith(ctx, preview.error(), code, "ask the workstation admin for a fresh identity file");
    }
    printIdentity(ctx, *preview);
    if (preview->known && preview->newPolicies.empty())
        return ExitCode::Ok;
    if (auto code = confirmTrust(ctx, *preview))
        return *code;
    if (auto s = commitTrust(home.ledger(), *preview, ctx.clock->now()); !s)
        return failWith(ctx, s.error(), isBundleRejection(s.code()) ? ExitCode::NotReady : exitCodeFor(s.code()));
    ctx.out() << "trusted workstation \"" << preview->identity.name << "\" (" << preview->identity.fingerprint()
              << ") at policy version " << preview->identity.latest().policy.version << "\n";
    return ExitCode::Ok;
}

ExitCode runStatus(const Context& ctx)
{
    UploaderHome home;
    if (auto code = openHome(ctx, home, false))
        return *code;
    Ledger& ledger = home.ledger();
    auto identity = home.identity();
    auto workstations = ledger.workstations();
    auto bundleCounts = ledger.bundleCounts();
    auto targetCounts = ledger.targetCounts();
    auto orderCounts = ledger.orderCounts();
    auto recent = ledger.recentBundles(20);
    if (!workstations || !bundleCounts || !targetCounts || !orderCounts || !recent)
        return failWith(ctx,
                        !workstations   ? workstations.error()
                        : !bundleCounts ? bundleCounts.error()
                        : !targetCounts ? targetCounts.error()
                        : !orderCounts  ? orderCounts.error()
                                        : recent.error());
    const auto counts = [](const StateCounts& c) {
        std::string s;
        for (const auto& [name, n] : c)
            s += (s.empty() ? "" : ", ") + name + " " + std::to_string(n);
        return s;
    };
    ctx.out() << label("uploader") << (identity ? identity->name : "(identity file unreadable)") << "\n"
              << label("fingerprint") << (identity ? identity->fingerprint() : "?") << "\n"
              << label("home") << home.layout().root.string() << "\n"
              << label("outbox") << home.outbox().string() << "\n"
              << label("bundles") << counts(*bundleCounts) << "\n"
              << label("targets") << counts(*targetCounts) << "\n"
              << label("orders") << counts(*orderCounts) << "\n";
    printServiceStatus(ctx, ledger, ctx.clock->now());
    ctx.out() << "trusted workstations: " << workstations->size() << "\n";
    for (const auto& w : *workstations)
        ctx.out() << "  " << w.name << "  " << w.fingerprint << "  policy version " << w.policyVersion
                  << "  high-water " << (w.highWater ? std::to_string(*w.highWater) : std::string("none")) << "\n";
    if (workstations->empty())
        ctx.out() << "  none yet: run `postern-uploader trust FILE` with a workstation identity\n";
    ctx.out() << "last bundles, newest first: " << recent->size() << "\n";
    for (const auto& b : *recent) {
        ctx.out() << "  " << toHex(b.id) << "  sequence " << b.sequence << "  received " << formatUtc(b.receivedAt)
                  << "  " << bundleStateName(b.state) << "\n";
        if (b.state == BundleState::Complete)
            ctx.out() << "    receipt " << b.receiptPath << "\n";
        auto targets = ledger.targets(b.id);
        if (!targets)
            return failWith(ctx, targets.error());
        for (const auto& t : *targets) {
            ctx.out() << "    " << OutboxPublisher::folderName(t.postIndex, t.channelIndex) << "  " << std::left
                      << std::setw(32) << t.channel << " " << std::setw(8) << targetStateName(t.state) << " "
                      << (t.state == TargetState::Failed ? t.reason : t.url) << "\n";
        }
    }
    return ExitCode::Ok;
}

} // namespace postern::uploader::cli
