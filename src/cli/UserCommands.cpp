// SPDX-License-Identifier: GPL-3.0-or-later
// Changing users after they exist: `user roles`, `user disable`, `user rotate-key` (admin)
// and `passphrase change` (anyone, for themselves). Each is one Workstation call.
#include "postern/domain/Identity.h"
#include "postern/domain/Roles.h"

#include "Session.h"

namespace postern::cli {

namespace {

void printPolicyVersion(const Context& ctx, workflow::Workstation& ws)
{
    if (auto policy = ws.currentPolicy())
        ctx.out() << field("policy") << "version " << policy->policy.version << "\n";
}

ExitCode runUserRoles(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli user roles NAME ROLE[,ROLE...] --as ADMIN";
    if (ctx.args.positionals.size() != 2)
        return usageError(ctx, "user roles takes a NAME and the new ROLES", kSynopsis);
    const std::string& name = ctx.args.positionals[0];
    auto roles = domain::parseRoleList(ctx.args.positionals[1]);
    if (!roles)
        return failWith(ctx,
                        roles.error(),
                        ExitCode::Usage,
                        "roles are author, approver, operator and admin, comma-separated");
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::optional<workflow::UnlockedUser> admin;
    if (auto code = login(ctx, *ws, "user roles", admin))
        return *code;
    if (auto s = ws->setUserRoles(*admin, name, *roles); !s)
        return failWith(ctx, s.error());
    ctx.out() << "\"" << name << "\" now has the roles " << domain::formatRoles(*roles) << "\n";
    printPolicyVersion(ctx, *ws);
    return ExitCode::Ok;
}

ExitCode runUserDisable(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli user disable NAME --as ADMIN";
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "user disable takes exactly one NAME", kSynopsis);
    const std::string& name = ctx.args.positionals[0];
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::optional<workflow::UnlockedUser> admin;
    if (auto code = login(ctx, *ws, "user disable", admin))
        return *code;
    if (auto s = ws->disableUser(*admin, name); !s)
        return failWith(ctx, s.error());
    ctx.out() << "disabled \"" << name << "\"; approvals they gave to posts not yet exported no longer count\n";
    printPolicyVersion(ctx, *ws);
    return ExitCode::Ok;
}

ExitCode runUserRotateKey(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli user rotate-key NAME --as ADMIN [--new-passphrase-file FILE]";
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "user rotate-key takes exactly one NAME", kSynopsis);
    const std::string& name = ctx.args.positionals[0];
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::optional<workflow::UnlockedUser> admin;
    if (auto code = login(ctx, *ws, "user rotate-key", admin))
        return *code;
    auto passphrase = readNewPassphrase(ctx, name, false);
    if (!passphrase)
        return failWith(ctx, passphrase.error(), ExitCode::Usage);
    auto user = ws->rotateUserKey(*admin, name, *passphrase, ctx.kdf);
    if (!user)
        return failWith(ctx, user.error());
    ctx.out() << "\"" << user->name << "\" has a new key\n"
              << field("fingerprint") << domain::keyFingerprint(user->publicKey) << "\n";
    printPolicyVersion(ctx, *ws);
    ctx.out() << "The old key no longer unlocks; approvals it gave to posts not yet exported no longer count.\n";
    return ExitCode::Ok;
}

} // namespace

ExitCode runUserChange(const Context& ctx)
{
    if (ctx.args.command == "user roles")
        return runUserRoles(ctx);
    if (ctx.args.command == "user disable")
        return runUserDisable(ctx);
    return runUserRotateKey(ctx);
}

ExitCode runPassphrase(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli passphrase change --as USER [--new-passphrase-file FILE]";
    if (!ctx.args.positionals.empty())
        return usageError(ctx, "passphrase change takes no argument", kSynopsis);
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    const std::string* name = ctx.args.value("as");
    if (!name || name->empty())
        return usageError(ctx, "passphrase change needs --as USER, whose passphrase changes", kSynopsis);
    // The current passphrase is read here, not through login(), because the workflow wants it
    // again to re-encrypt the key (an unlocked session alone must not be enough).
    auto old = ctx.passphraseFile ? crypto::readPassphraseFile(*ctx.passphraseFile)
                                  : crypto::readPassphraseFromTerminal("Current passphrase for " + *name + ": ");
    if (!old)
        return failWith(ctx, old.error(), ExitCode::Usage, "pass --passphrase-file FILE when there is no terminal");
    auto user = ws->unlock(*name, *old);
    if (!user)
        return failWith(ctx, user.error());
    auto fresh = readNewPassphrase(ctx, *name, false);
    if (!fresh)
        return failWith(ctx, fresh.error(), ExitCode::Usage);
    if (auto s = ws->changePassphrase(*user, *old, *fresh, ctx.kdf); !s)
        return failWith(ctx, s.error());
    ctx.out() << "the passphrase of \"" << *name << "\" is changed; the key stays the same\n";
    return ExitCode::Ok;
}

} // namespace postern::cli
