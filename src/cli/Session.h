// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/clikit/Io.h"
#include "postern/crypto/KeyFile.h"
#include "postern/util/Clock.h"
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "CommandLine.h"
#include "ExitCode.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace postern::cli {

/** Context is what every command gets from run(): its streams, parsed arguments, the store, the clock. */
struct Context
{
    const clikit::Io* io = nullptr; ///< where the command writes (out, err) and reads answers (in)
    Arguments args;
    std::filesystem::path store;
    std::optional<std::filesystem::path> passphraseFile;    ///< the acting user's (--passphrase-file)
    std::optional<std::filesystem::path> newPassphraseFile; ///< a new user's (--new-passphrase-file)
    crypto::KdfParams kdf = crypto::KdfParams::moderate();
    const Clock* clock = nullptr;

    /** out is where results go (stdout in the executable). */
    [[nodiscard]] std::ostream& out() const { return io->out; }
    /** err is where errors, hints and progress go (stderr in the executable). */
    [[nodiscard]] std::ostream& err() const { return io->err; }
};

/** Each command prints its results to ctx.out() and its errors (with hints) to ctx.err(). */
[[nodiscard]] ExitCode runInit(const Context& ctx);
[[nodiscard]] ExitCode runUser(const Context& ctx);
/** runUserChange is `user roles`, `user disable` and `user rotate-key` (UserCommands.cpp). */
[[nodiscard]] ExitCode runUserChange(const Context& ctx);
/** runPassphrase is `passphrase change --as USER` (UserCommands.cpp). */
[[nodiscard]] ExitCode runPassphrase(const Context& ctx);
[[nodiscard]] ExitCode runUploader(const Context& ctx);
[[nodiscard]] ExitCode runIdentity(const Context& ctx);
[[nodiscard]] ExitCode runPolicy(const Context& ctx);
[[nodiscard]] ExitCode runDraft(const Context& ctx);
[[nodiscard]] ExitCode runSubmit(const Context& ctx);
[[nodiscard]] ExitCode runApprove(const Context& ctx);
[[nodiscard]] ExitCode runReject(const Context& ctx);
[[nodiscard]] ExitCode runList(const Context& ctx);
[[nodiscard]] ExitCode runShow(const Context& ctx);
[[nodiscard]] ExitCode runExport(const Context& ctx);
[[nodiscard]] ExitCode runReceipt(const Context& ctx);
[[nodiscard]] ExitCode runAudit(const Context& ctx);
/** runBackup and runRestore copy the store to a new folder and back (BackupCommands.cpp). */
[[nodiscard]] ExitCode runBackup(const Context& ctx);
[[nodiscard]] ExitCode runRestore(const Context& ctx);
// Composer rules (ComposeCommands.cpp): `check POST`, `opsec list`, `opsec set FILE`.
[[nodiscard]] ExitCode runCheck(const Context& ctx);
[[nodiscard]] ExitCode runOpsec(const Context& ctx);
// The uploader's platform profile (ProfileCommands.cpp): `profile import FILE`, `profile show`.
[[nodiscard]] ExitCode runProfile(const Context& ctx);
// Cancel and retract orders (OrderCommands.cpp): `order cancel|retract|approve|decline|withdraw|list|show`.
[[nodiscard]] ExitCode runOrder(const Context& ctx);
/** resolveOrderId is resolvePostId for orders: a full id or a unique prefix of 6+ hex digits. */
[[nodiscard]] std::optional<ExitCode>
resolveOrderId(const Context& ctx, workflow::Workstation& ws, std::string_view given, std::string& out);
/** printPostOrders lists a post's orders under `show POST` (nothing when it has none). */
void printPostOrders(const Context& ctx, workflow::Workstation& ws, std::string_view postId);
/** printViolations lists platform-limit violations, one per line, for check and a refused submit. */
void printViolations(const Context& ctx, const std::vector<compose::Violation>& violations);

// -- helpers shared by the command files --------------------------------------------------------

/** printError writes `postern-cli: <message>` and, if given, `postern-cli: hint: <hint>` to ctx.err(). */
void printError(const Context& ctx, std::string_view message, std::string_view hint = {});

/** usageError prints a usage problem with the command's synopsis as the hint and returns Usage. */
[[nodiscard]] ExitCode usageError(const Context& ctx, std::string_view message, std::string_view synopsis);

/** hintFor suggests what to do about an error, or "" when the message says it all (HintTable.cpp). */
[[nodiscard]] std::string hintFor(Errc code);

/** failWith prints an error (code name and message) with a hint and returns the exit code. */
[[nodiscard]] ExitCode failWith(const Context& ctx,
                                const Error& error,
                                std::optional<ExitCode> code = std::nullopt,
                                std::string_view hint = {});

/** openStore opens the workstation store; on failure prints why (with the init hint) and returns the code. */
[[nodiscard]] std::optional<ExitCode> openStore(const Context& ctx, std::unique_ptr<workflow::Workstation>& out);

/**
 * login unlocks the user named by --as with their passphrase (--passphrase-file, or asked on
 * the terminal). `action` names what the login is for, in the missing --as message.
 */
[[nodiscard]] std::optional<ExitCode> login(const Context& ctx,
                                            workflow::Workstation& ws,
                                            std::string_view action,
                                            std::optional<workflow::UnlockedUser>& out);

/** readNewPassphrase reads a new user's passphrase (--new-passphrase-file, or asked twice) and checks it. */
[[nodiscard]] Result<crypto::SecureBuffer>
readNewPassphrase(const Context& ctx, std::string_view who, bool allowActingFile);

/**
 * resolvePostId turns a full id or a unique prefix of at least 6 hex digits into a post id.
 * Prints the problem and returns the exit code when there is no match or more than one.
 */
[[nodiscard]] std::optional<ExitCode>
resolvePostId(const Context& ctx, workflow::Workstation& ws, std::string_view given, std::string& out);

/** userName returns the name of a user id, or "#id" if it cannot be read. */
[[nodiscard]] std::string userName(workflow::Workstation& ws, std::int64_t userId);

/** parseDuration reads "90", "90s", "15m", "24h" or "7d" into seconds (positive). */
[[nodiscard]] Result<std::int64_t> parseDuration(std::string_view text);
/** formatDuration renders seconds in the largest unit that divides them: "24h", "90m", "45s". */
[[nodiscard]] std::string formatDuration(std::int64_t seconds);
/** parseCount reads a positive decimal integer of at most `max`. */
[[nodiscard]] Result<std::int64_t> parseCount(std::string_view text, std::int64_t max);

/** field pads a label for aligned "label value" lines. */
[[nodiscard]] std::string field(std::string_view label, std::size_t width = 13);
/** scheduleText renders a schedule: UTC time or "on arrival". */
[[nodiscard]] std::string scheduleText(std::int64_t schedule);
/**
 * printable makes stored text safe to print on a terminal: control characters (escape sequences
 * could rewrite the screen) become spaces, except newlines when `keepNewlines`.
 */
[[nodiscard]] std::string printable(std::string_view text, bool keepNewlines = false);
/** truncateChars cuts UTF-8 text to at most `maxChars` code points, marking a cut with "...". */
[[nodiscard]] std::string truncateChars(std::string_view text, std::size_t maxChars);
/** shortId is the first 12 hex digits of a post id, enough for the prefix rules. */
[[nodiscard]] std::string shortId(std::string_view postId);

} // namespace postern::cli
