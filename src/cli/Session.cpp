// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers every command shares: error output and hints, exit codes, opening the store, logging
// a user in, reading passphrases, resolving post id prefixes, and small text formatters.
#include "Session.h"

#include "postern/crypto/Passphrase.h"

#include <algorithm>
#include <cctype>
#include <iostream>

namespace postern::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMinPrefix = 6;
constexpr std::size_t kPostIdChars = 32;

} // namespace

ExitCode exitCodeFor(Errc code) noexcept
{
    switch (code) {
    case Errc::Ok:
        return ExitCode::Ok;
    // Something the person typed or wrote into an input file is wrong.
    case Errc::InvalidArgument:
    case Errc::Syntax:
    case Errc::UnknownField:
    case Errc::MissingField:
    case Errc::WrongType:
    case Errc::BadValue:
    case Errc::DuplicateField:
    case Errc::NonCanonical:
    case Errc::TrailingData:
    case Errc::BadEncoding:
    case Errc::BadMediaName:
        return ExitCode::Usage;
    // This machine: files, disk, database, the crypto library.
    case Errc::Io:
    case Errc::NotFound:
    case Errc::PermissionDenied:
    case Errc::Cancelled:
    case Errc::Internal:
    case Errc::Truncated:
    case Errc::CryptoInit:
    case Errc::SelfTestFailed:
    case Errc::UnsupportedVersion:
    case Errc::Damaged:
        return ExitCode::Environment;
    case Errc::WrongPassphrase:
    case Errc::BadKeyFile:
        return ExitCode::KeyProblem;
    case Errc::NoUploader:
        return ExitCode::NotReady;
    // Everything else is a rule saying no: roles, states, policy, approvals, limits, checks.
    default:
        return ExitCode::Refused;
    }
}

void printError(std::string_view message, std::string_view hint)
{
    std::cout.flush(); // keep stdout and stderr in order on a shared terminal
    std::cerr << "postern-cli: " << message << "\n";
    if (!hint.empty())
        std::cerr << "postern-cli: hint: " << hint << "\n";
}

ExitCode usageError(std::string_view message, std::string_view synopsis)
{
    printError(message, synopsis.empty() ? std::string_view() : synopsis);
    return ExitCode::Usage;
}

std::string hintFor(Errc code)
{
    switch (code) {
    case Errc::WrongPassphrase:
        return "use the passphrase chosen when the account was created; an admin can create a new account if it "
               "is lost";
    case Errc::BadKeyFile:
        return "the user's key in the store is damaged; restore the store from a backup";
    case Errc::SelfApproval:
        return "another approver must approve it: authors never approve their own posts";
    case Errc::ThresholdNotMet:
        return "more approvals are needed; `postern-cli show POST` says which channel lacks them";
    case Errc::NotApproved:
        return "only approved posts can be exported; see `postern-cli list --state approved`";
    case Errc::AlreadyExported:
        return "a post version is exported once; if the uploader reports it failed, import the receipt, then edit, "
               "submit and approve it again";
    case Errc::NoUploader:
        return "run `postern-cli uploader trust FILE --as ADMIN` with the uploader's identity file";
    case Errc::NotAuthorised:
        return "see who holds which role with `postern-cli user list`; roles are given by `postern-cli user add`";
    case Errc::InvalidState:
        return "see where the post is with `postern-cli show POST`";
    case Errc::ChannelNotInPolicy:
        return "an admin must add a rule for the channel with `postern-cli policy set FILE`";
    case Errc::ApproverNotAuthorised:
        return "the policy does not let this user approve for the post's channels; see `postern-cli policy show`";
    case Errc::LifetimeExceedsPolicy:
        return "choose a shorter --lifetime; `postern-cli policy show` lists each channel's maximum";
    case Errc::ScheduleInPast:
        return "choose a later --schedule, in UTC, e.g. 2027-01-01T09:30Z";
    case Errc::UnsupportedVersion:
        return "this store was made by a newer Postern; use that version";
    case Errc::BadSignature:
        return "the file was not signed by the trusted uploader, or was altered; fetch it again from the uploader";
    case Errc::ApprovalWrongVersion:
        return "the post changed since; review the current version";
    default:
        return {};
    }
}

ExitCode failWith(const Error& error, std::optional<ExitCode> code, std::string_view hint)
{
    const std::string suggested = hint.empty() ? hintFor(error.code) : std::string(hint);
    printError(error.what(), suggested);
    return code.value_or(exitCodeFor(error.code));
}

std::optional<ExitCode> openStore(const Context& ctx, std::unique_ptr<workflow::Workstation>& out)
{
    auto ws = workflow::Workstation::open(ctx.store, *ctx.clock);
    if (!ws) {
        if (ws.code() == Errc::NotFound)
            return failWith(ws.error(),
                            ExitCode::NotReady,
                            "run `postern-cli init --name WORKSTATION --admin NAME`, or pass --store DIR");
        return failWith(ws.error());
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
        return usageError(std::string(action) + " needs --as USER, the user who acts",
                          "e.g. postern-cli " + ctx.args.command + " ... --as NAME");
    // Check the name before asking for a passphrase: a typo should not cost a prompt.
    if (auto user = ws.queries().user(*name); !user) {
        if (user.code() == Errc::NotFound)
            return failWith(fail(Errc::NotFound, "there is no user named \"" + *name + "\""),
                            ExitCode::Usage,
                            "see the users with `postern-cli user list`");
        return failWith(user.error());
    }
    Result<crypto::SecureBuffer> passphrase =
        ctx.passphraseFile ? crypto::readPassphraseFile(*ctx.passphraseFile)
                           : crypto::readPassphraseFromTerminal("Passphrase for " + *name + ": ");
    if (!passphrase)
        return failWith(passphrase.error(),
                        ExitCode::Usage,
                        ctx.passphraseFile ? "check the --passphrase-file path"
                                           : "pass --passphrase-file FILE when there is no terminal");
    auto user = ws.unlock(*name, *passphrase);
    if (!user) {
        if (user.code() == Errc::NotAuthorised)
            return failWith(user.error(), ExitCode::Refused, "the account is disabled; ask an admin for a new one");
        return failWith(user.error());
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

std::optional<ExitCode> resolvePostId(workflow::Workstation& ws, std::string_view given, std::string& out)
{
    std::string id(given);
    std::transform(id.begin(), id.end(), id.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    const bool hex =
        std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (!hex || id.size() < kMinPrefix || id.size() > kPostIdChars)
        return usageError("\"" + std::string(given) + "\" is not a post id",
                          "give the post id, or at least its first 6 hex digits, as `postern-cli list` shows them");
    if (id.size() == kPostIdChars) {
        auto post = ws.queries().post(id);
        if (!post && post.code() == Errc::NotFound)
            return usageError("there is no post " + id, "see the posts with `postern-cli list`");
        if (!post)
            return failWith(post.error());
        out = id;
        return std::nullopt;
    }
    auto found = ws.queries().postIdsStartingWith(id);
    if (!found)
        return failWith(found.error());
    const std::vector<std::string>& matches = *found;
    if (matches.empty())
        return usageError("no post id starts with " + id, "see the posts with `postern-cli list`");
    if (matches.size() > 1) {
        std::string some;
        for (std::size_t i = 0; i < matches.size() && i < 5; ++i)
            some += (i ? ", " : "") + matches[i];
        return usageError("the prefix " + id + " matches " + std::to_string(matches.size()) + " posts (" + some + ")",
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
