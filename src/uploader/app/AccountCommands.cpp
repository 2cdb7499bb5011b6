// SPDX-License-Identifier: GPL-3.0-or-later
// account add | list | remove: platform credentials, sealed under the host key.
#include "postern/crypto/Passphrase.h"
#include "postern/uploader/net/AccountCredentials.h"
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/platforms/PlatformAdapters.h"
#include "postern/util/FileIO.h"

#include "Commands.h"

#include <sodium.h>

#include <iomanip>

namespace postern::uploader::cli {

namespace {

constexpr std::string_view kAddUsage =
    "usage: postern-uploader account add CHANNEL --handle HANDLE [--service URL]\n"
    "         (--app-password-file FILE | --token-file FILE | --credentials-file FILE)";

/** secretOption is the option that carries a secret of this kind. */
std::string_view secretOption(AccountSecretKind kind)
{
    switch (kind) {
    case AccountSecretKind::AppPassword:
        return "app-password-file";
    case AccountSecretKind::Token:
        return "token-file";
    case AccountSecretKind::Credentials:
        break;
    }
    return "credentials-file";
}

Result<AccountSecrets> readSecrets(const Context& ctx, AccountSecretKind kind)
{
    const std::string path = *ctx.args.value(secretOption(kind));
    if (kind == AccountSecretKind::Credentials) {
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
    crypto::SecretText& target = kind == AccountSecretKind::AppPassword ? s.password : s.accessToken;
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
    const AccountFacts* facts = PlatformAdapters::account(channel->platform);
    if (!facts) {
        printError(ctx,
                   "outbox channels write to a folder and need no account",
                   "publish to them without `account add`");
        return ExitCode::Usage;
    }
    const std::string_view option = secretOption(facts->secret);
    const std::string_view holds = facts->secretHolds;
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
    std::string url = service ? *service : std::string(facts->defaultService);
    if (url.empty()) {
        printError(ctx, "--service is missing", std::string(facts->serviceExample));
        return ExitCode::Usage;
    }
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    if (auto s = HttpClient::checkUrl(url); !s)
        return failWith(ctx, s.error(), ExitCode::Usage, "give the service's base URL, starting with https://");
    auto secrets = readSecrets(ctx, facts->secret);
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
