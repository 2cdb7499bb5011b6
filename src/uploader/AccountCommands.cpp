// SPDX-License-Identifier: GPL-3.0-or-later
// account add | list | remove: platform credentials, sealed under the host key.
#include "postern/crypto/Passphrase.h"
#include "postern/uploader/AccountStore.h"
#include "postern/uploader/HttpClient.h"

#include "Commands.h"

#include <iomanip>
#include <iostream>

namespace postern::uploader::cli {

namespace {

constexpr std::string_view kAddUsage =
    "usage: postern-uploader account add CHANNEL --handle HANDLE --app-password-file FILE --service URL";

ExitCode addAccount(const Context& ctx, AccountStore& accounts)
{
    const auto* handle = ctx.args.value("handle");
    const auto* passwordFile = ctx.args.value("app-password-file");
    const auto* service = ctx.args.value("service");
    if (ctx.args.positionals.size() != 2 || !handle || !passwordFile || !service) {
        printError(kAddUsage);
        return ExitCode::Usage;
    }
    auto channel = domain::ChannelId::parse(ctx.args.positionals[1]);
    if (!channel)
        return failWith(channel.error(), ExitCode::Usage);
    if (channel->platform != domain::Platform::Bluesky) {
        printError("there is no publishing adapter for " + std::string(domain::platformName(channel->platform))
                       + " yet, so it needs no account",
                   "only bluesky:... channels take an account today");
        return ExitCode::Usage;
    }
    if (handle->empty() || handle->size() > 253) {
        printError("--handle needs the account's handle or DID");
        return ExitCode::Usage;
    }
    std::string url = *service;
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    if (auto s = HttpClient::checkUrl(url); !s)
        return failWith(s.error(), ExitCode::Usage, "give the PDS base URL, e.g. --service https://bsky.social");
    // The app password file reuses the passphrase reader: first line, size-capped, no echo.
    auto password = crypto::readPassphraseFile(*passwordFile);
    if (!password)
        return failWith(password.error(), ExitCode::Usage);
    if (password->empty()) {
        printError("the app password file " + *passwordFile + " is empty");
        return ExitCode::Usage;
    }
    if (auto s = accounts.add(channel->str(), *handle, url, *password); !s) {
        if (s.code() == Errc::AlreadyExists)
            return failWith(s.error(),
                            ExitCode::Usage,
                            "remove it first with `postern-uploader account remove " + channel->str() + "`");
        return failWith(s.error());
    }
    std::cout << "added account " << channel->str() << " (" << *handle << " at " << url << ")\n"
              << "the app password is stored sealed; you can delete " << *passwordFile << " now\n";
    return ExitCode::Ok;
}

} // namespace

ExitCode runAccount(const Context& ctx)
{
    const std::string sub = ctx.args.positionals.empty() ? std::string() : ctx.args.positionals[0];
    if (sub != "add" && sub != "list" && sub != "remove") {
        printError("usage: postern-uploader account add|list|remove ...",
                   "run `postern-uploader account --help` for details");
        return ExitCode::Usage;
    }
    UploaderHome home;
    if (auto code = openHome(ctx, home, sub != "list"))
        return *code;
    AccountStore accounts(home.ledger(), home.layout().hostKey, *ctx.clock);
    if (sub == "add")
        return addAccount(ctx, accounts);
    if (sub == "remove") {
        if (ctx.args.positionals.size() != 2) {
            printError("usage: postern-uploader account remove CHANNEL");
            return ExitCode::Usage;
        }
        if (auto s = accounts.remove(ctx.args.positionals[1]); !s)
            return failWith(s.error(), std::nullopt, "`postern-uploader account list` shows the accounts");
        std::cout << "removed account " << ctx.args.positionals[1] << " and its stored secrets\n";
        return ExitCode::Ok;
    }
    auto list = accounts.list();
    if (!list)
        return failWith(list.error());
    if (list->empty())
        std::cout << "no accounts; add one with `postern-uploader account add`\n";
    for (const auto& a : *list)
        std::cout << std::left << std::setw(34) << a.channel << " " << std::setw(24) << a.handle << " " << a.service
                  << "  (added " << formatUtc(a.addedAt) << ", updated " << formatUtc(a.updatedAt) << ")\n";
    return ExitCode::Ok;
}

} // namespace postern::uploader::cli
