// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Error.h"

namespace postern {

std::string_view errcName(Errc code) noexcept
{
    switch (code) {
    case Errc::Ok:
        return "ok";
    case Errc::InvalidArgument:
        return "invalid-argument";
    case Errc::Io:
        return "io";
    case Errc::NotFound:
        return "not-found";
    case Errc::AlreadyExists:
        return "already-exists";
    case Errc::PermissionDenied:
        return "permission-denied";
    case Errc::Cancelled:
        return "cancelled";
    case Errc::Internal:
        return "internal";
    case Errc::TooLarge:
        return "too-large";
    case Errc::Truncated:
        return "truncated";
    case Errc::TrailingData:
        return "trailing-data";
    case Errc::Syntax:
        return "syntax";
    case Errc::NonCanonical:
        return "non-canonical";
    case Errc::DuplicateField:
        return "duplicate-field";
    case Errc::UnknownField:
        return "unknown-field";
    case Errc::MissingField:
        return "missing-field";
    case Errc::WrongType:
        return "wrong-type";
    case Errc::BadValue:
        return "bad-value";
    case Errc::BadEncoding:
        return "bad-encoding";
    case Errc::CryptoInit:
        return "crypto-init";
    case Errc::SelfTestFailed:
        return "self-test-failed";
    case Errc::WrongPassphrase:
        return "wrong-passphrase";
    case Errc::BadKeyFile:
        return "bad-key-file";
    case Errc::BadSignature:
        return "bad-signature";
    case Errc::BadMagic:
        return "bad-magic";
    case Errc::UnsupportedVersion:
        return "unsupported-version";
    case Errc::UnknownWorkstation:
        return "unknown-workstation";
    case Errc::BadHeaderSignature:
        return "bad-header-signature";
    case Errc::WrongRecipient:
        return "wrong-recipient";
    case Errc::BadBundleId:
        return "bad-bundle-id";
    case Errc::Expired:
        return "expired";
    case Errc::FutureDated:
        return "future-dated";
    case Errc::LifetimeExceedsPolicy:
        return "lifetime-exceeds-policy";
    case Errc::Replay:
        return "replay";
    case Errc::SequenceRollback:
        return "sequence-rollback";
    case Errc::SequenceJump:
        return "sequence-jump";
    case Errc::BadKeySeal:
        return "bad-key-seal";
    case Errc::ChunkAuthFailed:
        return "chunk-auth-failed";
    case Errc::BadManifestSignature:
        return "bad-manifest-signature";
    case Errc::MediaHashMismatch:
        return "media-hash-mismatch";
    case Errc::BadMediaName:
        return "bad-media-name";
    case Errc::UnknownSigner:
        return "unknown-signer";
    case Errc::ThresholdNotMet:
        return "threshold-not-met";
    case Errc::DuplicateApprover:
        return "duplicate-approver";
    case Errc::SelfApproval:
        return "self-approval";
    case Errc::ApproverNotAuthorised:
        return "approver-not-authorised";
    case Errc::ApprovalWrongVersion:
        return "approval-wrong-version";
    case Errc::BadApprovalSignature:
        return "bad-approval-signature";
    case Errc::ChannelNotInPolicy:
        return "channel-not-in-policy";
    case Errc::PolicyRollback:
        return "policy-rollback";
    case Errc::PolicyVersionSkipped:
        return "policy-version-skipped";
    case Errc::PolicyFork:
        return "policy-fork";
    case Errc::PolicyUnsigned:
        return "policy-unsigned";
    case Errc::WrongDocumentType:
        return "wrong-document-type";
    case Errc::ScheduleInPast:
        return "schedule-in-past";
    case Errc::NotAuthorised:
        return "not-authorised";
    case Errc::InvalidState:
        return "invalid-state";
    case Errc::AlreadyExported:
        return "already-exported";
    case Errc::NotApproved:
        return "not-approved";
    case Errc::NoUploader:
        return "no-uploader";
    case Errc::AuditChainBroken:
        return "audit-chain-broken";
    case Errc::LimitExceeded:
        return "limit-exceeded";
    case Errc::NotTrusted:
        return "not-trusted";
    case Errc::PublishFailed:
        return "publish-failed";
    case Errc::Suspended:
        return "suspended";
    case Errc::RateLimited:
        return "rate-limited";
    case Errc::Damaged:
        return "damaged";
    case Errc::ReportTooOld:
        return "report-too-old";
    case Errc::BadReportText:
        return "bad-report-text";
    }
    return "unknown";
}

std::string Error::what() const
{
    std::string out(errcName(code));
    if (!message.empty()) {
        out += ": ";
        out += message;
    }
    return out;
}

} // namespace postern

namespace postern {

std::string refusalInWords(std::string_view code)
{
    struct Words
    {
        std::string_view codes;
        std::string_view words;
    };
    // Grouped by what the person at the workstation does next; the code stays at the end for
    // whoever compares it with the uploader's log.
    static constexpr Words kWords[] = {
        {" expired ", "the bundle expired before it was published; export the post again"},
        {" future-dated ", "the bundle looked older than the uploader's clock allows; check both clocks, then export again"},
        {" lifetime-exceeds-policy ",
         "the bundle was set to stay valid longer than the policy allows; export again with a shorter lifetime"},
        {" wrong-recipient ", "the bundle was sealed for a different uploader; export it again for this one"},
        {" sequence-rollback sequence-jump ",
         "the bundle's number is too far from the ones the uploader has seen; export the post again"},
        {" chunk-auth-failed bad-key-seal bad-manifest-signature media-hash-mismatch bad-bundle-id ",
         "the bundle was damaged or altered on the way; export it again and carry a fresh copy"},
        {" threshold-not-met self-approval approver-not-authorised approval-wrong-version bad-approval-signature "
         "duplicate-approver unknown-signer not-authorised channel-not-in-policy ",
         "the approvals did not satisfy the policy the uploader holds; check the approvals and the policy, then "
         "export again"},
        {" policy-rollback policy-version-skipped policy-fork ",
         "the uploader holds a different policy history than this workstation; ask the administrator"},
        {" schedule-in-past ", "the post was scheduled before the bundle was made; set a new time and export again"},
    };
    const std::string padded = " " + std::string(code) + " ";
    for (const auto& w : kWords) {
        if (w.codes.find(padded) != std::string_view::npos)
            return "refused by the uploader: " + std::string(w.words) + " (" + std::string(code) + ")";
    }
    return "refused by the uploader: it could not accept the bundle as it is; export the post again ("
           + std::string(code) + ")";
}

} // namespace postern
