// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::uploader {

/**
 * XProblem is what an X API error answer says, read leniently (it only feeds messages and a
 * few decisions): the problem+json members `type`, `title`, `detail`, the `errors` array's
 * messages and v1.1-style numeric codes (88 = rate limit), or the OAuth `error` /
 * `error_description` pair of the token endpoint. Every string is capped.
 */
struct XProblem
{
    std::string type;                  ///< e.g. https://api.x.com/2/problems/usage-capped
    std::string title;                 ///< e.g. "Forbidden"
    std::string detail;                ///< e.g. "You are not allowed to create a Tweet with duplicate content."
    std::vector<std::string> messages; ///< errors[].message / errors[].detail, at most 4
    std::vector<std::int64_t> codes;   ///< errors[].code, at most 4

    /** words is "Title: detail (message; message)", for a failure reason. */
    [[nodiscard]] std::string words() const;
    [[nodiscard]] bool usageCapped() const;
    [[nodiscard]] bool duplicate() const;
};

/** parseXProblem reads an error body; anything unreadable gives an empty XProblem. */
[[nodiscard]] XProblem parseXProblem(std::string_view body);

/** XProcessing is a media's `processing_info` (FINALIZE and STATUS answers). */
struct XProcessing
{
    enum class State {
        Pending,
        InProgress,
        Succeeded,
        Failed
    };
    State state = State::Succeeded;
    std::int64_t checkAfterSecs = -1; ///< -1: not given
    std::string error;                ///< failed: "name: message" from processing_info.error
};

/**
 * parseXMediaAnswer reads `{"data":{"id", "processing_info"?}}` of INIT, FINALIZE or STATUS:
 * the media id (digits only, at most 19) and the processing info (nullopt: none, the media is
 * ready). A malformed answer is publish-failed naming `what`.
 */
struct XMediaAnswer
{
    std::string id;
    std::optional<XProcessing> processing;
};
[[nodiscard]] Result<XMediaAnswer> parseXMediaAnswer(std::string_view body, std::string_view what);

/** XListedPost is one post of GET /2/users/:id/tweets. */
struct XListedPost
{
    std::string id;
    std::string text;
    std::size_t mediaCount = 0; ///< attachments.media_keys
};

/** XTimelinePage is one page of the listing; nextToken empty on the last page. */
struct XTimelinePage
{
    std::vector<XListedPost> posts;
    std::string nextToken;
};

/** parseXTimeline reads a listing page strictly enough to trust "not found" (publish-failed otherwise). */
[[nodiscard]] Result<XTimelinePage> parseXTimeline(std::string_view body);

/**
 * sameXText reports whether a listed post's text is the text we sent. X shows `text` with
 * every URL replaced by a t.co link, `&`, `<`, `>` as HTML entities, and (for posts with
 * media) a trailing t.co link to the media; both sides are compared with URLs reduced to a
 * placeholder and the entities decoded, allowing that one trailing link when `withMedia`.
 */
[[nodiscard]] bool sameXText(std::string_view sent, std::string_view listed, bool withMedia);

/** isXId: 1..19 ASCII digits (X's snowflake ids as strings). */
[[nodiscard]] bool isXId(std::string_view id) noexcept;

} // namespace postern::uploader
