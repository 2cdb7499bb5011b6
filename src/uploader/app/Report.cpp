// SPDX-License-Identifier: GPL-3.0-or-later
// How postern-uploader reports a failure: `postern-uploader: <what happened>`, a hint from the
// one hint table, and the exit code (docs/uploader.md, "Error messages and what to do").
#include "postern/clikit/Hint.h"

#include "Commands.h"

namespace postern::uploader::cli {

namespace {

/** What to do next about an error, whichever command met it; a call site may know better. */
constexpr clikit::Hint kHints[] = {
    {Errc::WrongPassphrase, "use the passphrase chosen at `postern-uploader init`"},
    {Errc::BadKeyFile, "the key files in <home>/keys are damaged; restore them from a backup"},
    {Errc::UnknownWorkstation, "trust the workstation first: `postern-uploader trust WORKSTATION-IDENTITY-FILE`"},
    {Errc::Expired, "export the posts again on the workstation and bring the new bundle"},
    {Errc::FutureDated, "check the clocks of the workstation and of this host"},
    {Errc::WrongRecipient, "this bundle belongs to another uploader; export it again for this one"},
    {Errc::InvalidState, "wait for the other postern-uploader process to finish"},
    {Errc::NotFound, "check the file name and that the removable media is mounted"},
    {Errc::TooLarge, "raise the limit with --max-size BYTES if the bundle is expected to be this big"},
    {Errc::Truncated,
     "the copy is incomplete or still being written; wait for the copy to finish, or copy it again from the "
     "workstation's media, then run the same command"},
    {Errc::TrailingData,
     "the copy is incomplete or still being written; wait for the copy to finish, or copy it again from the "
     "workstation's media, then run the same command"},
    {Errc::ChunkAuthFailed, "the file was damaged or altered in transit; copy it again from the workstation's media"},
    {Errc::BadHeaderSignature,
     "the file was damaged or altered in transit; copy it again from the workstation's media"},
};

} // namespace

std::string hintFor(Errc code)
{
    return clikit::hintFor(kHints, code);
}

void printError(const Context& ctx, std::string_view message, std::string_view hint)
{
    clikit::Reporter(*ctx.io, "postern-uploader").error(message, hint);
}

ExitCode failWith(const Context& ctx, const Error& error, std::optional<ExitCode> code, std::string_view hint)
{
    const std::string suggested = hint.empty() ? hintFor(error.code) : std::string(hint);
    printError(ctx, error.what(), suggested);
    return code.value_or(exitCodeFor(error.code));
}

} // namespace postern::uploader::cli
