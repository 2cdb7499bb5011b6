// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The value rules of a monitoring report (docs/bundle-format.md §8.2), shared by the writer and
// the reader so the uploader can never sign a report the workstation refuses.

#include "postern/bundle/Report.h"

#include <string>

namespace postern::bundle::reportrules {

/** checkNumbering: sequence ≥ 1, follows < sequence, collectedAt ≥ 0 (bad-value). */
[[nodiscard]] Status checkNumbering(std::uint64_t sequence, std::uint64_t follows, std::int64_t collectedAt);

/** checkTarget checks a target's own members (not its replies): caps, plain text, post id,
 *  version, counts. */
[[nodiscard]] Status checkTarget(const ReportTarget& t, std::int64_t collectedAt, const std::string& where);

/** checkReply checks one reply's members. */
[[nodiscard]] Status checkReply(const ReportReply& r, const std::string& where);

/** countReplies adds `n` to the report's running total (checked), too-large past the cap. */
[[nodiscard]] Status countReplies(std::size_t& total, std::size_t n, const std::string& where);

/** checkTargetOrder / checkReplyOrder: strictly ascending keys, equal is duplicate-field. */
[[nodiscard]] Status checkTargetOrder(const ReportTarget& prev, const ReportTarget& next, const std::string& where);
[[nodiscard]] Status checkReplyOrder(const ReportReply& prev, const ReportReply& next, const std::string& where);

} // namespace postern::bundle::reportrules
