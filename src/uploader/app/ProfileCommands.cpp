// SPDX-License-Identifier: GPL-3.0-or-later
// profile export FILE: the signed platform profile the workstation imports to check drafts
// against each account's live limits (docs/uploader.md, "profile export").
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/platforms/ProfileExport.h"
#include "postern/util/FileIO.h"

#include "Commands.h"

#include <charconv>

namespace postern::uploader::cli {

ExitCode runProfile(const Context& ctx)
{
    const auto& pos = ctx.args.positionals;
    if (pos.size() != 2 || pos[0] != "export") {
        printError(ctx, "usage: postern-uploader profile export FILE [--days N]");
        return ExitCode::Usage;
    }
    std::int64_t days = bundle::kDefaultProfileLifetimeDays;
    if (const auto* d = ctx.args.value("days")) {
        const auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), days);
        if (ec != std::errc() || end != d->data() + d->size() || days < 1 || days > 365) {
            printError(ctx, "--days must be a whole number of days from 1 to 365", "the default is 30");
            return ExitCode::Usage;
        }
    }
    UploaderHome home;
    if (auto code = openHome(ctx, home, false))
        return *code;
    if (auto code = unlockKeys(ctx, home, false, true))
        return *code;
    AccountStore accounts(home.ledger(), home.layout().hostKey, *ctx.clock);
    auto list = accounts.list();
    if (!list)
        return failWith(ctx, list.error());
    if (list->empty()) {
        printError(ctx,
                   "there are no platform accounts, so there is nothing to describe",
                   "add them with `postern-uploader account add`, then export the profile");
        return ExitCode::Usage;
    }
    HttpClient http;
    MastodonAdapter mastodon(accounts, http, *ctx.clock);
    TikTokAdapter tiktok(accounts, http, *ctx.clock);
    // A channel whose fetch fails gets the documented limits and a note naming it and why
    // (buildProfile); the others are still fetched.
    auto built = buildProfile(*list, liveFetchers(mastodon, tiktok), ctx.clock->now(), days);
    if (!built)
        return failWith(ctx, built.error());
    auto text = bundle::writeProfile(built->profile, *home.signKey());
    if (!text)
        return failWith(ctx, text.error());
    if (auto s = writeFileAtomic(pos[1], *text, 0644); !s)
        return failWith(ctx, s.error());
    ctx.out() << "wrote the platform profile of " << built->profile.channels.size() << " channel(s) to " << pos[1]
              << "\n"
              << "  created  " << formatUtc(built->profile.created) << "\n"
              << "  expires  " << formatUtc(built->profile.expires) << "\n";
    for (const auto& c : built->profile.channels)
        ctx.out() << "  " << c.channel.str() << "  " << (c.fetched ? "fetched live" : "documented limits") << "\n";
    for (const auto& n : built->notes)
        ctx.out() << "  note: " << n << "\n";
    ctx.out() << "carry it to the workstation and run `postern-cli profile import FILE`\n";
    if (built->fetchFailures > 0) {
        printError(ctx,
                   std::to_string(built->fetchFailures) + " channel(s) could not be asked for their live limits",
                   "the profile was written with the documented limits for them; fix the cause and export again");
        return ExitCode::SomeFailed;
    }
    return ExitCode::Ok;
}

} // namespace postern::uploader::cli
