// SPDX-License-Identifier: GPL-3.0-or-later
// How postern-cli reports a failure: `postern-cli: <what happened>`, a hint from the one hint
// table, and the exit code an error maps to (docs/cli.md, "Exit codes" and "Common errors").
#include "postern/clikit/Hint.h"

#include "Session.h"

namespace postern::cli {

namespace {

/** What to do next about an error, whichever command met it; a call site may know better. */
constexpr clikit::Hint kHints[] = {
    {Errc::WrongPassphrase,
     "use the passphrase chosen when the account was created; an admin can create a new account if it is lost"},
    {Errc::BadKeyFile, "the user's key in the store is damaged; restore the store from a backup"},
    {Errc::SelfApproval, "another approver must approve it: authors never approve their own posts"},
    {Errc::ThresholdNotMet, "more approvals are needed; `postern-cli show POST` says which channel lacks them"},
    {Errc::NotApproved, "only approved posts can be exported; see `postern-cli list --state approved`"},
    {Errc::AlreadyExported,
     "a post version is exported once; if the uploader reports it failed, import the receipt, then edit, submit "
     "and approve it again"},
    {Errc::NoUploader, "run `postern-cli uploader trust FILE --as ADMIN` with the uploader's identity file"},
    {Errc::NotAuthorised,
     "see who holds which role with `postern-cli user list`; roles are given by `postern-cli user add`"},
    {Errc::InvalidState, "see where the post is with `postern-cli show POST`"},
    {Errc::ChannelNotInPolicy, "an admin must add a rule for the channel with `postern-cli policy set FILE`"},
    {Errc::ApproverNotAuthorised,
     "the policy does not let this user approve for the post's channels; see `postern-cli policy show`"},
    {Errc::LifetimeExceedsPolicy,
     "choose a shorter --lifetime; `postern-cli policy show` lists each channel's maximum"},
    {Errc::ScheduleInPast, "choose a later --schedule, in UTC, e.g. 2027-01-01T09:30Z"},
    {Errc::UnsupportedVersion, "this store was made by a newer Postern; use that version"},
    {Errc::BadSignature,
     "the file was not signed by the trusted uploader, or was altered; fetch it again from the uploader"},
    {Errc::ApprovalWrongVersion, "the post changed since; review the current version"},
};

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

std::string hintFor(Errc code)
{
    return clikit::hintFor(kHints, code);
}

void printError(const Context& ctx, std::string_view message, std::string_view hint)
{
    clikit::Reporter(*ctx.io, "postern-cli").error(message, hint);
}

ExitCode usageError(const Context& ctx, std::string_view message, std::string_view synopsis)
{
    printError(ctx, message, synopsis);
    return ExitCode::Usage;
}

ExitCode failWith(const Context& ctx, const Error& error, std::optional<ExitCode> code, std::string_view hint)
{
    const std::string suggested = hint.empty() ? hintFor(error.code) : std::string(hint);
    printError(ctx, error.what(), suggested);
    return code.value_or(exitCodeFor(error.code));
}

} // namespace postern::cli
