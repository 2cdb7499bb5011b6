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
