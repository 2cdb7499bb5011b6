// SPDX-License-Identifier: GPL-3.0-or-later
// account add | list | remove: platform credentials, sealed under the host key.
#include "postern/crypto/Passphrase.h"
#include "postern/uploader/net/AccountCredentials.h"
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/util/FileIO.h"

#include "Commands.h"

#include <sodium.h>

#include <iomanip>

namespace postern::uploader::cli {

namespace {

constexpr std::string_view kAddUsage =
    "usage: postern-uploader account add CHANNEL --handle HANDLE [--service URL]\n"
    "         (--app-password-file FILE | --token-file FILE | --credentials-file FILE)";

/** defaultService is the API base URL of platforms that have one; "" where it must be given. */
std::string defaultService(domain::Platform p)
{
    switch (p) {
    case domain::Platform::TikTok:
        return "https://open.tiktokapis.com";
    case domain::Platform::X:
        return "https://api.x.com";
    default:
        return {};
    }
}

/** secretOption is the one secret option each platform takes, and what it holds. */
std::pair<std::string_view, std::string_view> secretOption(domain::Platform p)
{
    switch (p) {
    case domain::Platform::Bluesky:
        return {"app-password-file", "an app password (Settings > Privacy and security > App passwords)"};
    case domain::Platform::Mastodon:
        return {"token-file",
                "an access token with the scopes write:statuses, write:media, read:statuses and read:accounts"};
    default:
        return {"credentials-file", "the OAuth token answer as JSON, with client_id (and client_secret) added"};
    }
}

Result<AccountSecrets> readSecrets(const Context& ctx, domain::Platform platform, std::string_view option)
{
    const std::string path = *ctx.args.value(option);
    if (option == "credentials-file") {
        POSTERN_ASSIGN(text, readFileCapped(path, kMaxCredentialsFileBytes));
        auto parsed = parseCredentials(text, ctx.clock->now());
        sodium_memzero(text.data(), text.size());
        if (!parsed)
            return fail(parsed.code(), path + ": " + parsed.error().message);
        return parsed;
    }
    // The password and token files reuse the passphrase reader: first line, size-capped.
    POSTERN_ASSIGN(secret, crypto::readPassphraseFile(path));
    if (secret.empty())
        return fail(Errc::BadValue, "the file " + path + " is empty");
    AccountSecrets s;
    crypto::SecretText& target = platform == domain::Platform::Bluesky ? s.password : s.accessToken;
    target = crypto::SecretText(std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
    return s;
}

ExitCode addAccount(const Context& ctx, AccountStore& accounts)
{
    const auto* handle = ctx.args.value("handle");
    if (ctx.args.positionals.size() != 2 || !handle) {
        printError(ctx, kAddUsage);
        return ExitCode::Usage;
    }
    auto channel = domain::ChannelId::parse(ctx.args.positionals[1]);
    if (!channel)
        return failWith(ctx, channel.error(), ExitCode::Usage);
    if (channel->platform == domain::Platform::Outbox) {
        printError(ctx,
                   "outbox channels write to a folder and need no account",
                   "publish to them without `account add`");
        return ExitCode::Usage;
    }
    const auto [option, holds] = secretOption(channel->platform);
    for (const char* other : {"app-password-file", "token-file", "credentials-file"}) {
        if (other != option && ctx.args.value(other)) {
            printError(ctx,
                       std::string(domain::platformName(channel->platform)) + " accounts take --" + std::string(option)
                           + ", not --" + other,
                       "give --" + std::string(option) + " FILE holding " + std::string(holds));
            return ExitCode::Usage;
        }
    }
    if (!ctx.args.value(option)) {
        printError(ctx,
                   "--" + std::string(option) + " is missing",
                   "give a file (mode 0600) holding " + std::string(holds));
        return ExitCode::Usage;
    }
    if (handle->empty() || handle->size() > 253) {
        printError(ctx, "--handle needs the account's handle, DID or user name");
        return ExitCode::Usage;
    }
    const auto* service = ctx.args.value("service");
    std::string url = service ? *service : defaultService(channel->platform);
    if (url.empty()) {
        printError(ctx,
                   "--service is missing",
                   channel->platform == domain::Platform::Mastodon
                       ? "give the instance URL, e.g. --service https://mastodon.social"
                       : "give the PDS base URL, e.g. --service https://bsky.social");
        return ExitCode::Usage;
    }
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    if (auto s = HttpClient::checkUrl(url); !s)
        return failWith(ctx, s.error(), ExitCode::Usage, "give the service's base URL, starting with https://");
    auto secrets = readSecrets(ctx, channel->platform, option);
    if (!secrets)
        return failWith(ctx, secrets.error(), ExitCode::Usage);
    if (auto s = accounts.add(channel->str(), *handle, url, *secrets); !s) {
        if (s.code() == Errc::AlreadyExists)
            return failWith(ctx,
                            s.error(),
                            ExitCode::Usage,
                            "remove it first with `postern-uploader account remove " + channel->str() + "`");
        return failWith(ctx, s.error());
    }
    ctx.out() << "added account " << channel->str() << " (" << *handle << " at " << url << ")\n"
              << "the secret is stored sealed; you can delete " << *ctx.args.value(option) << " now\n";
    return ExitCode::Ok;
}

} // namespace

ExitCode runAccount(const Context& ctx)
{
    const std::string sub = ctx.args.positionals.empty() ? std::string() : ctx.args.positionals[0];
    if (sub != "add" && sub != "list" && sub != "remove") {
        printError(ctx,
                   "usage: postern-uploader account add|list|remove ...",
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
            printError(ctx, "usage: postern-uploader account remove CHANNEL");
            return ExitCode::Usage;
        }
        if (auto s = accounts.remove(ctx.args.positionals[1]); !s)
            return failWith(ctx, s.error(), std::nullopt, "`postern-uploader account list` shows the accounts");
        ctx.out() << "removed account " << ctx.args.positionals[1] << " and its stored secrets\n";
        return ExitCode::Ok;
    }
    auto list = accounts.list();
    if (!list)
        return failWith(ctx, list.error());
    if (list->empty())
        ctx.out() << "no accounts; add one with `postern-uploader account add`\n";
    for (const auto& a : *list)
        ctx.out() << std::left << std::setw(34) << a.channel << " " << std::setw(24) << a.handle << " " << a.service
                  << "  (added " << formatUtc(a.addedAt) << ", updated " << formatUtc(a.updatedAt) << ")\n";
    return ExitCode::Ok;
}

} // namespace postern::uploader::cli
