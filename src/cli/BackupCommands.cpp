// SPDX-License-Identifier: GPL-3.0-or-later
// backup and restore: a copy of the store (database and media) in a new folder, and a store
// made again from such a copy. Neither needs a passphrase: they copy what is already sealed.
#include "postern/workflow/Workstation.h"

#include "Session.h"

namespace postern::cli {

namespace {

void printSummary(const Context& ctx, std::string_view what, const store::BackupSummary& s)
{
    ctx.out() << what << " " << s.dir.string() << ": postern.db (" << s.databaseBytes << " bytes) and " << s.mediaFiles
              << " media file(s) (" << s.mediaBytes << " bytes), every file checked\n";
}

} // namespace

ExitCode runBackup(const Context& ctx)
{
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "backup needs the new folder to write", "postern-cli backup DIR");
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    auto s = ws->backup(ctx.args.positionals[0]);
    if (!s)
        return failWith(ctx, s.error());
    printSummary(ctx, "backed up to", *s);
    ctx.out() << "keep it on a separate medium; `postern-cli restore " << s->dir.string()
              << " --store NEWDIR` makes a store from it\n";
    return ExitCode::Ok;
}

ExitCode runRestore(const Context& ctx)
{
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "restore needs the backup folder", "postern-cli restore BACKUP --store NEWDIR");
    auto s = workflow::Workstation::restore(ctx.args.positionals[0], ctx.store);
    if (!s)
        return failWith(ctx, s.error());
    printSummary(ctx, "restored into", *s);
    ctx.out() << "open it with --store " << s->dir.string() << " (or move it where the old store was); run "
              << "`postern-cli audit verify` to check the audit chain\n";
    return ExitCode::Ok;
}

} // namespace postern::cli
