// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/PostRecords.h"

#include <array>

namespace postern::store {

namespace {
constexpr std::array<PostState, 9> kAllStates{PostState::Draft,
                                              PostState::InReview,
                                              PostState::Approved,
                                              PostState::Rejected,
                                              PostState::Exported,
                                              PostState::Published,
                                              PostState::Failed,
                                              PostState::Cancelled,
                                              PostState::Retracted};
} // namespace

std::string_view postStateName(PostState state) noexcept
{
    switch (state) {
    case PostState::Draft:
        return "draft";
    case PostState::InReview:
        return "in_review";
    case PostState::Approved:
        return "approved";
    case PostState::Rejected:
        return "rejected";
    case PostState::Exported:
        return "exported";
    case PostState::Published:
        return "published";
    case PostState::Failed:
        return "failed";
    case PostState::Cancelled:
        return "cancelled";
    case PostState::Retracted:
        return "retracted";
    }
    return "unknown";
}

Result<PostState> parsePostState(std::string_view name)
{
    for (const PostState s : kAllStates) {
        if (postStateName(s) == name)
            return s;
    }
    return fail(Errc::BadValue, "unknown post state \"" + std::string(name) + "\"");
}

const std::vector<PostState>& allPostStates()
{
    static const std::vector<PostState> kStates(kAllStates.begin(), kAllStates.end());
    return kStates;
}

std::string_view publishOutcomeName(PublishOutcome outcome) noexcept
{
    switch (outcome) {
    case PublishOutcome::Published:
        return "published";
    case PublishOutcome::Failed:
        return "failed";
    case PublishOutcome::Scheduled:
        return "scheduled";
    case PublishOutcome::Cancelled:
        return "cancelled";
    case PublishOutcome::Retracted:
        return "retracted";
    }
    return "unknown";
}

} // namespace postern::store
