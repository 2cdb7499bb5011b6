// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers every command shares: opening the store, logging a user in, reading passphrases,
// resolving post id prefixes. Errors, hints and exit codes are in Report.cpp, small text
// formatters in Format.cpp.
#include "Session.h"

#include "postern/crypto/Passphrase.h"

#include <algorithm>
#include <cctype>

namespace postern::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMinPrefix = 6;
constexpr std::size_t kPostIdChars = 32;

} // namespace

std::optional<ExitCode> openStore(const Context& ctx, std::unique_ptr<workflow::Workstation>& out)
{
    auto ws = workflow::Workstation::open(ctx.store, *ctx.clock);
    if (!ws) {
        if (ws.code() == Errc::NotFound)
            return failWith(ctx,
                            ws.error(),
                            ExitCode::NotReady,
                            "run `postern-cli init --name WORKSTATION --admin NAME`, or pass --store DIR");
        return failWith(ctx, ws.error());
    }
    out = std::move(ws).value();
    return std::nullopt;
}

std::optional<ExitCode> login(const Context& ctx,
                              workflow::Workstation& ws,
                              std::string_view action,
                              std::optional<workflow::UnlockedUser>& out)
{
    const std::string* name = ctx.args.value("as");
    if (!name || name->empty())
        return usageError(ctx,
                          std::string(action) + " needs --as USER, the user who acts",
                          "e.g. postern-cli " + ctx.args.command + " ... --as NAME");
    // Check the name before asking for a passphrase: a typo should not cost a prompt.
    if (auto user = ws.queries().user(*name); !user) {
        if (user.code() == Errc::NotFound)
            return failWith(ctx,
                            fail(Errc::NotFound, "there is no user named \"" + *name + "\""),
                            ExitCode::Usage,
                            "see the users with `postern-cli user list`");
        return failWith(ctx, user.error());
    }
    Result<crypto::SecureBuffer> passphrase =
        ctx.passphraseFile ? crypto::readPassphraseFile(*ctx.passphraseFile)
                           : crypto::readPassphraseFromTerminal("Passphrase for " + *name + ": ");
    if (!passphrase)
        return failWith(ctx,
                        passphrase.error(),
                        ExitCode::Usage,
                        ctx.passphraseFile ? "check the --passphrase-file path"
                                           : "pass --passphrase-file FILE when there is no terminal");
    auto user = ws.unlock(*name, *passphrase);
    if (!user) {
        if (user.code() == Errc::NotAuthorised)
            return failWith(ctx,
                            user.error(),
                            ExitCode::Refused,
                            "the account is disabled; ask an admin for a new one");
        return failWith(ctx, user.error());
    }
    out.emplace(std::move(user).value());
    return std::nullopt;
}

Result<crypto::SecureBuffer> readNewPassphrase(const Context& ctx, std::string_view who, bool allowActingFile)
{
    std::optional<fs::path> file = ctx.newPassphraseFile;
    if (!file && allowActingFile)
        file = ctx.passphraseFile;
    if (file) {
        POSTERN_ASSIGN(p, crypto::readPassphraseFile(*file));
        POSTERN_TRY(crypto::checkNewPassphrase(p));
        return p;
    }
    auto asked = crypto::readPassphraseFromTerminal("New passphrase for " + std::string(who) + ": ");
    if (!asked && asked.error().message.find("no terminal") != std::string::npos)
        return fail(Errc::InvalidArgument,
                    "no terminal to ask for the new passphrase of " + std::string(who)
                        + "; use --new-passphrase-file FILE");
    POSTERN_ASSIGN(first, std::move(asked));
    POSTERN_TRY(crypto::checkNewPassphrase(first));
    POSTERN_ASSIGN(second, crypto::readPassphraseFromTerminal("Repeat the passphrase: "));
    if (first.size() != second.size() || !crypto::equalConstantTime(first.view(), second.view()))
        return fail(Errc::InvalidArgument, "the two passphrases differ; nothing was changed, run the command again");
    return first;
}

std::optional<ExitCode>
resolvePostId(const Context& ctx, workflow::Workstation& ws, std::string_view given, std::string& out)
{
    std::string id(given);
    std::transform(id.begin(), id.end(), id.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    const bool hex =
        std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (!hex || id.size() < kMinPrefix || id.size() > kPostIdChars)
        return usageError(ctx,
                          "\"" + std::string(given) + "\" is not a post id",
                          "give the post id, or at least its first 6 hex digits, as `postern-cli list` shows them");
    if (id.size() == kPostIdChars) {
        auto post = ws.queries().post(id);
        if (!post && post.code() == Errc::NotFound)
            return usageError(ctx, "there is no post " + id, "see the posts with `postern-cli list`");
        if (!post)
            return failWith(ctx, post.error());
        out = id;
        return std::nullopt;
    }
    auto found = ws.queries().postIdsStartingWith(id);
    if (!found)
        return failWith(ctx, found.error());
    const std::vector<std::string>& matches = *found;
    if (matches.empty())
        return usageError(ctx, "no post id starts with " + id, "see the posts with `postern-cli list`");
    if (matches.size() > 1) {
        std::string some;
        for (std::size_t i = 0; i < matches.size() && i < 5; ++i)
            some += (i ? ", " : "") + matches[i];
        return usageError(ctx,
                          "the prefix " + id + " matches " + std::to_string(matches.size()) + " posts (" + some + ")",
                          "give more digits of the post id");
    }
    out = matches.front();
    return std::nullopt;
}

std::string userName(workflow::Workstation& ws, std::int64_t userId)
{
    auto user = ws.queries().userById(userId);
    return user ? user->name : "#" + std::to_string(userId);
}

} // namespace postern::cli
