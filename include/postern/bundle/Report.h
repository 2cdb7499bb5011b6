// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/crypto/Keys.h"
#include "postern/domain/Channel.h"
#include "postern/util/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::bundle {

// The monitoring report (docs/bundle-format.md §8.2): counts and replies the uploader read
// about the posts it published, signed with its Ed25519 key like a receipt.
constexpr std::string_view kReportType = "postern.report";
constexpr std::size_t kMaxReportBytes = 32u << 20; ///< file cap, LF included
constexpr std::size_t kMaxReportTargets = 2000;
constexpr std::size_t kMaxRepliesPerTarget = 5000;
constexpr std::size_t kMaxRepliesPerReport = 20000;
constexpr std::size_t kMaxReportIdBytes = 512;     ///< platform ids, in_reply_to
constexpr std::size_t kMaxReportHandleBytes = 512; ///< author_handle
constexpr std::size_t kMaxReportNameBytes = 1024;  ///< author_name
constexpr std::size_t kMaxReportUrlBytes = 2048;
constexpr std::size_t kMaxReportTextBytes = 8192; ///< reply text
constexpr std::size_t kMaxReportNoteBytes = 1024;
constexpr std::int64_t kMaxReportCount = 1000000000000000; ///< 10^15, any count

/** ReportCounts is one reading of a published post's reactions. Absent: the platform does not
 *  give that number. */
struct ReportCounts
{
    std::optional<std::int64_t> likes, reposts, replies, quotes, views;
    std::int64_t readAt = 0; ///< when they were read (UTC seconds), at most collectedAt
};

/** ReportReply is one reply, as plain text (util/PlainText.h); every string is hostile. */
struct ReportReply
{
    std::string platformId; ///< the reply's platform id, never empty
    std::string url;
    std::string authorHandle;
    std::string authorName;
    std::string text;
    std::int64_t createdAt = 0;
    std::string inReplyTo; ///< platform id of the post or reply it answers, never empty
};

/** ReportTarget is one published (post, version, channel) with what was read about it. */
struct ReportTarget
{
    std::string postId; ///< 32 lowercase hex digits
    std::int64_t version = 0;
    domain::ChannelId channel;
    std::string platformId, url;        ///< of the published post, as in the receipt
    std::optional<ReportCounts> counts; ///< absent: not read this time (note says why)
    std::vector<ReportReply> replies;   ///< new since the report this one follows
    std::string note;                   ///< e.g. "TikTok's API gives no comments"
};

/** MonitorReport is one report file. */
struct MonitorReport
{
    crypto::PublicKey uploader{}; ///< set from the signing key by makeReport
    crypto::PublicKey workstation{};
    std::uint64_t sequence = 0; ///< 1, 2, 3, … per workstation
    std::uint64_t follows = 0;  ///< the report this one continues (0: none), < sequence
    std::int64_t collectedAt = 0;
    std::vector<ReportTarget> targets;
};

/**
 * makeReport validates `report` with the rules readReport applies, sorts its targets and
 * replies and returns the signed file text. It does not make text plain: the collector calls
 * makePlainText/makePlainLine with the caps above, and a string that is not plain here is
 * bad-report-text. Errors: too-large (a cap, or a file over 32 MiB: carry fewer replies),
 * bad-value, duplicate-field, bad-encoding, bad-report-text.
 */
[[nodiscard]] Result<std::string> makeReport(const MonitorReport& report, const crypto::SigningKey& uploaderKey);

/**
 * readReport parses a report file and checks it is signed by `expectedUploader`
 * (bad-signature otherwise). Strict like every parser of outside data: 32 MiB, canonical JSON,
 * no unknown fields, caps on every string and list, plain text only (bad-report-text).
 */
[[nodiscard]] Result<MonitorReport> readReport(std::string_view fileText, const crypto::PublicKey& expectedUploader);

/** ReportAdmission says what a report admitted after `lastImported` leaves out. */
struct ReportAdmission
{
    /** Reports missingFrom … missingTo were never imported (0, 0: none are missing). Their
     *  replies are absent; counts are totals, so only history points are lost. */
    std::uint64_t missingFrom = 0;
    std::uint64_t missingTo = 0;
    [[nodiscard]] bool gap() const noexcept { return missingFrom != 0; }
};

/**
 * admitReport decides whether this workstation takes a report it read (§8.2.2), given its own
 * key and the sequence of the last report it imported from this uploader (0: none).
 * Errors: wrong-recipient (for another workstation), replay (sequence = last), report-too-old
 * (sequence < last).
 */
[[nodiscard]] Result<ReportAdmission>
admitReport(const MonitorReport& report, const crypto::PublicKey& workstation, std::uint64_t lastImported);

} // namespace postern::bundle
