// SPDX-License-Identifier: GPL-3.0-or-later
// Administration: init, user add / list, uploader trust (the key ceremony, workstation side)
// and identity export. Policy commands are in PolicyCommands.cpp.
#include "postern/domain/Identity.h"
#include "postern/domain/Roles.h"
#include "postern/util/FileIO.h"

#include "Session.h"

#include <iomanip>
#include <istream>

namespace postern::cli {

namespace fs = std::filesystem;

namespace {

ExitCode runUserAdd(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli user add NAME --roles ROLE[,ROLE...] --as ADMIN";
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "user add takes exactly one NAME", kSynopsis);
    const std::string& name = ctx.args.positionals[0];
    const auto* rolesText = ctx.args.value("roles");
    if (!rolesText)
        return usageError(ctx, "user add needs --roles, e.g. --roles author or --roles approver,operator", kSynopsis);
    auto roles = domain::parseRoleList(*rolesText);
    if (!roles)
        return failWith(ctx,
                        roles.error(),
                        ExitCode::Usage,
                        "roles are author, approver, operator and admin, comma-separated");

    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    if (ws->queries().user(name).ok())
        return failWith(
            ctx,
            fail(Errc::AlreadyExists, "there is already a user named \"" + name + "\"; nothing was changed"),
            ExitCode::Refused,
            "choose another name; `postern-cli user list` shows the users");
    std::optional<workflow::UnlockedUser> admin;
    if (auto code = login(ctx, *ws, "user add", admin))
        return *code;
    auto passphrase = readNewPassphrase(ctx, name, false);
    if (!passphrase)
        return failWith(ctx, passphrase.error(), ExitCode::Usage);
    auto user = ws->addUser(*admin, name, *roles, *passphrase, ctx.kdf);
    if (!user)
        return failWith(ctx, user.error());
    ctx.out() << "added user \"" << user->name << "\"\n"
              << field("roles") << domain::formatRoles(user->roles) << "\n"
              << field("fingerprint") << domain::keyFingerprint(user->publicKey) << "\n";
    if (auto policy = ws->currentPolicy())
        ctx.out() << field("policy") << "version " << policy->policy.version << " (the new user is in it)\n";
    return ExitCode::Ok;
}

ExitCode runUserList(const Context& ctx)
{
    if (!ctx.args.positionals.empty())
        return usageError(ctx, "user list takes no argument", "postern-cli user list [--json]");
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    auto users = ws->queries().users();
    if (!users)
        return failWith(ctx, users.error());
    if (ctx.args.has("json")) {
        Json::Array out;
        for (const auto& u : *users) {
            Json::Array roles;
            for (const auto& r : domain::roleNames(u.roles))
                roles.emplace_back(r);
            Json o;
            o.set("name", u.name);
            o.set("roles", Json(std::move(roles)));
            o.set("fingerprint", domain::keyFingerprint(u.publicKey));
            o.set("disabled", u.disabled);
            o.set("created", u.createdAt);
            out.push_back(std::move(o));
        }
        ctx.out() << Json(std::move(out)).serialize() << "\n";
        return ExitCode::Ok;
    }
    ctx.out() << std::left << std::setw(20) << "NAME"
              << " " << std::setw(34) << "ROLES"
              << " " << std::setw(40) << "FINGERPRINT"
              << " STATE\n";
    for (const auto& u : *users)
        ctx.out() << std::setw(20) << u.name << " " << std::setw(34) << domain::formatRoles(u.roles) << " "
                  << std::setw(40) << domain::keyFingerprint(u.publicKey) << " " << (u.disabled ? "disabled" : "active")
                  << "\n";
    return ExitCode::Ok;
}

/** confirmFingerprint asks the admin to confirm the fingerprint, or checks --fingerprint. */
std::optional<ExitCode> confirmFingerprint(const Context& ctx, const std::string& fingerprint)
{
    if (const auto* given = ctx.args.value("fingerprint")) {
        if (*given == fingerprint)
            return std::nullopt;
        printError(ctx,
                   "the fingerprint you gave (" + *given + ") does not match this uploader's (" + fingerprint
                       + "); nothing was trusted",
                   "do not trust this file; compare the fingerprint with the uploader host again");
        return ExitCode::Refused;
    }
    if (!ctx.io->inIsTerminal) {
        printError(ctx,
                   "refusing to trust an uploader without confirmation",
                   "compare the fingerprint with the uploader admin, then pass --fingerprint " + fingerprint);
        return ExitCode::Usage;
    }
    ctx.out() << "\nCompare the fingerprint above with the one `postern-uploader init` printed on the uploader\n"
              << "host, aloud or over a trusted channel. Type yes to trust this uploader: " << std::flush;
    std::string answer;
    std::getline(ctx.io->in, answer);
    if (answer != "yes") {
        printError(ctx, "not confirmed; nothing was trusted");
        return ExitCode::Refused;
    }
    return std::nullopt;
}

} // namespace

ExitCode runInit(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli init --name WORKSTATION --admin NAME [--store DIR]";
    const auto* name = ctx.args.value("name");
    const auto* admin = ctx.args.value("admin");
    if (!ctx.args.positionals.empty())
        return usageError(ctx, "init takes no positional argument", kSynopsis);
    if (!name || !admin)
        return usageError(ctx,
                          name ? "init needs --admin NAME, the first admin's user name"
                               : "init needs --name WORKSTATION, a name for this workstation",
                          kSynopsis);
    {
        // Refuse early, before asking for a passphrase, if a store is already there.
        auto existing = workflow::Workstation::open(ctx.store, *ctx.clock);
        if (existing)
            return failWith(
                ctx,
                fail(Errc::AlreadyExists, ctx.store.string() + " is already an initialised store; nothing was changed"),
                ExitCode::Usage,
                "use another --store DIR, or keep using this one");
    }
    auto passphrase = readNewPassphrase(ctx, *admin, true);
    if (!passphrase)
        return failWith(ctx, passphrase.error(), ExitCode::Usage);
    auto result = workflow::Workstation::init(ctx.store, *name, *admin, *passphrase, ctx.kdf, *ctx.clock);
    if (!result)
        return failWith(ctx,
                        result.error(),
                        result.code() == Errc::AlreadyExists ? std::optional(ExitCode::Usage) : std::nullopt);
    ctx.out() << "initialised workstation \"" << *name << "\" in " << fs::absolute(ctx.store).string() << "\n"
              << field("workstation") << result->workstationFingerprint << "\n"
              << field("admin") << *admin << " " << result->adminFingerprint << "\n"
              << field("policy") << "version " << result->policyVersion << "\n\n"
              << "next steps (as " << *admin << "):\n"
              << "  1. add users:        postern-cli user add NAME --roles author|approver|operator|admin --as "
              << *admin << "\n"
              << "  2. trust the uploader: bring its identity file, compare its fingerprint aloud, then\n"
              << "                       postern-cli uploader trust FILE --as " << *admin << "\n"
              << "  3. introduce this workstation: postern-cli identity export FILE --as " << *admin << ",\n"
              << "                       carry FILE to the uploader and run `postern-uploader trust FILE` there\n"
              << "  4. set the approval rules: postern-cli policy set POLICY.json --as " << *admin << "\n";
    return ExitCode::Ok;
}

ExitCode runUser(const Context& ctx)
{
    if (ctx.args.command == "user add")
        return runUserAdd(ctx);
    if (ctx.args.command == "user list")
        return runUserList(ctx);
    return runUserChange(ctx); // roles, disable, rotate-key: UserCommands.cpp
}

ExitCode runUploader(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli uploader trust FILE --as ADMIN [--fingerprint FP]";
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "uploader trust takes exactly one FILE, the uploader's identity file", kSynopsis);
    const fs::path file = ctx.args.positionals[0];
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    auto text = readFileCapped(file, domain::kMaxIdentityBytes);
    if (!text)
        return failWith(ctx, text.error());
    auto identity = domain::readUploaderIdentity(*text);
    if (!identity)
        return failWith(ctx,
                        identity.error(),
                        ExitCode::Refused,
                        file.string()
                            + " is not a valid uploader identity; ask the uploader admin for a fresh one "
                              "(postern-uploader identity export FILE)");
    std::optional<workflow::UnlockedUser> admin;
    if (auto code = login(ctx, *ws, "uploader trust", admin))
        return *code;
    const std::string fingerprint = identity->fingerprint();
    ctx.out() << "uploader identity\n"
              << field("name") << identity->name << "\n"
              << field("fingerprint") << fingerprint << "\n";
    if (auto code = confirmFingerprint(ctx, fingerprint))
        return *code;
    auto trusted = ws->trustUploader(*admin, *text, fingerprint);
    if (!trusted)
        return failWith(ctx, trusted.error());
    ctx.out() << "trusted uploader \"" << trusted->name << "\" (" << trusted->fingerprint()
              << "); bundles are now encrypted to it\n";
    return ExitCode::Ok;
}

ExitCode runIdentity(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli identity export FILE --as ADMIN";
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "identity export takes exactly one FILE", kSynopsis);
    const fs::path file = ctx.args.positionals[0];
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::optional<workflow::UnlockedUser> admin;
    if (auto code = login(ctx, *ws, "identity export", admin))
        return *code;
    auto text = ws->exportIdentity(*admin);
    if (!text)
        return failWith(ctx, text.error());
    auto identity = domain::readWorkstationIdentity(*text);
    if (!identity)
        return failWith(ctx,
                        identity.error(),
                        ExitCode::Environment,
                        "the identity just made does not read back; report it");
    if (auto s = writeFileAtomic(file, *text, 0644); !s)
        return failWith(ctx, s.error());
    ctx.out() << "wrote the identity of workstation \"" << identity->name << "\" to " << file.string() << "\n"
              << field("fingerprint") << identity->fingerprint() << "\n"
              << field("policy") << "version " << identity->latest().policy.version << "\n\n"
              << "Carry the file to the uploader host once, run `postern-uploader trust " << file.filename().string()
              << "` there\nand read this fingerprint aloud to the uploader admin: both must see the same one.\n";
    return ExitCode::Ok;
}

} // namespace postern::cli
