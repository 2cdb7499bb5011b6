// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace postern {

/**
 * Errc is the closed list of every failure Postern can report. Each code has a stable
 * kebab-case name (errcName) that appears in CLI output, receipts, logs, tests and
 * docs/bundle-format.md; never renumber or rename a published code.
 */
enum class Errc {
    Ok = 0,
    // Generic
    InvalidArgument,
    Io,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    Cancelled,
    Internal,
    // Limits and parsing of outside data
    TooLarge,
    Truncated,
    TrailingData,
    Syntax,
    NonCanonical,
    DuplicateField,
    UnknownField,
    MissingField,
    WrongType,
    BadValue,
    BadEncoding,
    // Crypto and keys
    CryptoInit,
    SelfTestFailed,
    WrongPassphrase,
    BadKeyFile,
    BadSignature,
    // Bundle verification (capability 7 order)
    BadMagic,
    UnsupportedVersion,
    UnknownWorkstation,
    BadHeaderSignature,
    WrongRecipient,
    BadBundleId,
    Expired,
    FutureDated,
    LifetimeExceedsPolicy,
    Replay,
    SequenceRollback,
    SequenceJump,
    BadKeySeal,
    ChunkAuthFailed,
    BadManifestSignature,
    MediaHashMismatch,
    BadMediaName,
    // Policy and approvals
    UnknownSigner,
    ThresholdNotMet,
    DuplicateApprover,
    SelfApproval,
    ApproverNotAuthorised,
    ApprovalWrongVersion,
    BadApprovalSignature,
    ChannelNotInPolicy,
    PolicyRollback,
    PolicyVersionSkipped,
    PolicyFork,
    PolicyUnsigned,
    WrongDocumentType,
    ScheduleInPast,
    // Workstation workflow
    NotAuthorised,
    InvalidState,
    AlreadyExported,
    NotApproved,
    NoUploader,
    AuditChainBroken,
    LimitExceeded,
    // Uploader
    NotTrusted,
    PublishFailed,
    Suspended,
    RateLimited,
    // Storage
    Damaged, ///< a database or file is corrupt: report it, write nothing, point at the backup
    // Monitoring reports (docs/bundle-format.md §8.2)
    ReportTooOld,  ///< a report older than the last one imported
    BadReportText, ///< a report's text member is not plain text (§8.2.1)
};

/** errcName returns the stable kebab-case name of a code, e.g. "threshold-not-met". */
[[nodiscard]] std::string_view errcName(Errc code) noexcept;

/**
 * refusalInWords says, for the people at the workstation, what an uploader's signed rejection
 * (a receipt naming `code`) means and what to do: "refused by the uploader: ... (expired)".
 */
[[nodiscard]] std::string refusalInWords(std::string_view code);

/** Error is a code plus a sentence for people: what happened and, where useful, what to do. */
struct Error
{
    Errc code = Errc::Internal;
    std::string message;
    /** ofCopy is set by the bundle verifier when the failure is of the copy that carried a file
     *  (cut short or padded outside its signed content), not of the content itself: the same
     *  code from inside a manifest is a verdict and earns a signed rejection (bundle-format §9.1). */
    bool ofCopy = false;

    /** Error::what renders "name: message" for logs and CLI output. */
    [[nodiscard]] std::string what() const;
};

} // namespace postern
