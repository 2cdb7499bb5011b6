// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/PostRepository.h"
#include "postern/store/ReviewRepository.h"

#include "StoreFixture.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;
using postern::test::StoreFixture;
using postern::test::TestUser;

TEST_CASE("posts keep every version and the list columns follow the current one", "[store][posts]")
{
    StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    const std::string id = PostRepository::newPostId();
    REQUIRE(id.size() == 32);

    const auto v1 = StoreFixture::version("{\"text\":\"first\"}",
                                          alice.id(),
                                          kT0,
                                          {"bluesky:press", "x:press"},
                                          "First draft",
                                          kT0 + 3600);
    const PostRecord created = must(f.store->posts().create(id, v1));
    CHECK(created.state == PostState::Draft);
    CHECK(created.currentVersion == 1);
    CHECK(created.channels == "bluesky:press,x:press");
    CHECK(created.title == "First draft");
    CHECK(created.schedule == kT0 + 3600);
    CHECK(must(f.store->posts().get(id)).authorId == alice.id());

    const auto v2 =
        StoreFixture::version("{\"text\":\"second\"}", alice.id(), kT0 + 60, {"mastodon:press"}, "Second\ndraft");
    const PostRecord edited = must(f.store->posts().addVersion(id, v2));
    CHECK(edited.currentVersion == 2);
    CHECK(edited.updatedAt == kT0 + 60);
    CHECK(edited.createdAt == kT0);

    const PostRecord stored = must(f.store->posts().get(id));
    CHECK(stored.currentVersion == 2);
    CHECK(stored.channels == "mastodon:press");
    CHECK(stored.title == "Second draft"); // one line for the list
    CHECK(stored.schedule == 0);

    const PostVersionRecord old = must(f.store->posts().getVersion(id, 1));
    CHECK(old.content == v1.content);
    CHECK(old.digest == v1.digest);
    CHECK(old.schedule == kT0 + 3600);
    const PostVersionRecord cur = must(f.store->posts().getVersion(id, 2));
    CHECK(cur.content == v2.content);
    CHECK(cur.createdBy == alice.id());
    CHECK(f.store->posts().getVersion(id, 3).code() == Errc::NotFound);
    CHECK(f.store->posts().get("0123456789abcdef0123456789abcdef").code() == Errc::NotFound);
}

TEST_CASE("post creation is validated", "[store][posts]")
{
    StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    auto& app = f.addUser("avery", kRoleApprover);
    const auto v = StoreFixture::version("{}", alice.id(), kT0);
    CHECK(f.store->posts().create("ABCDEF0123456789ABCDEF0123456789", v).code() == Errc::InvalidArgument);
    CHECK(f.store->posts().create("../../etc/passwd", v).code() == Errc::InvalidArgument);
    const std::string id = PostRepository::newPostId();
    must(f.store->posts().create(id, v));
    CHECK(f.store->posts().create(id, v).code() == Errc::AlreadyExists);
    CHECK(f.store->posts().create(PostRepository::newPostId(), StoreFixture::version("{}", app.id(), kT0)).code()
          == Errc::NotAuthorised);
    CHECK(f.store->posts()
              .create(PostRepository::newPostId(), StoreFixture::version("{}", alice.id(), kT0, {"a,b"}))
              .code()
          == Errc::InvalidArgument);
    must(f.store->users().disable(alice.id()));
    CHECK(f.store->posts().create(PostRepository::newPostId(), v).code() == Errc::NotAuthorised);
    CHECK(f.store->posts().count({}).value() == 1);
}

TEST_CASE("the title keeps the first 120 characters without splitting one", "[store][posts]")
{
    StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    std::string preview;
    for (int i = 0; i < 200; ++i)
        preview += "\xe2\x82\xac"; // €, three bytes
    const std::string id = PostRepository::newPostId();
    must(f.store->posts().create(id, StoreFixture::version("{}", alice.id(), kT0, {"x:a"}, preview)));
    const PostRecord p = must(f.store->posts().get(id));
    CHECK(p.title.size() == 120 * 3);
    CHECK(p.title == preview.substr(0, 360));
}

TEST_CASE("state transitions are guarded", "[store][posts]")
{
    StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    auto& avery = f.addUser("avery", kRoleApprover);
    const std::string id = f.newPost(alice, "hello");
    auto& reviews = f.store->reviews();

    // Not from the expected state: someone else got there first.
    CHECK(reviews.transition(id, {PostState::InReview}, PostState::Approved, "", kT0).code() == Errc::InvalidState);
    // Not an edge a person may take by hand.
    CHECK(reviews.transition(id, {PostState::Draft}, PostState::Approved, "", kT0).code() == Errc::InvalidState);
    CHECK(reviews.transition(id, {PostState::Draft}, PostState::Exported, "", kT0).code() == Errc::InvalidState);
    CHECK(reviews.transition(id, {PostState::Draft}, PostState::Published, "", kT0).code() == Errc::InvalidState);
    CHECK(must(f.store->posts().get(id)).state == PostState::Draft);

    must(reviews.transition(id, {PostState::Draft, PostState::Rejected}, PostState::InReview, "", kT0 + 10));
    const PostRecord inReview = must(f.store->posts().get(id));
    CHECK(inReview.state == PostState::InReview);
    CHECK(inReview.updatedAt == kT0 + 10);
    // Approved needs at least one approval of the current version.
    CHECK(reviews.transition(id, {PostState::InReview}, PostState::Approved, "", kT0).code() == Errc::NotApproved);
    must(reviews.addApproval(f.approval(id, avery)));
    must(reviews.transition(id, {PostState::InReview}, PostState::Approved, "", kT0 + 20));
    CHECK(must(f.store->posts().get(id)).state == PostState::Approved);
    // Withdrawing an approved post back to draft is allowed; unknown posts are not-found.
    must(reviews.transition(id, {PostState::Approved}, PostState::Draft, "needs a new photo", kT0 + 30));
    CHECK(must(f.store->posts().get(id)).lastReason == "needs a new photo");
    CHECK(
        reviews.transition("0123456789abcdef0123456789abcdef", {PostState::Draft}, PostState::InReview, "", kT0).code()
        == Errc::NotFound);
}

TEST_CASE("approvals bind to the current version and are checked", "[store][posts]")
{
    StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    auto& avery = f.addUser("avery", kRoleApprover);
    auto& abel = f.addUser("abel", kRoleApprover | kRoleAuthor);
    auto& olive = f.addUser("olive", kRoleOperator);
    const std::string id = f.newPost(alice, "hello");
    auto& reviews = f.store->reviews();

    CHECK(reviews.addApproval(f.approval(id, avery)).code() == Errc::InvalidState); // still a draft
    must(reviews.transition(id, {PostState::Draft}, PostState::InReview, "", kT0));

    CHECK(reviews.addApproval(f.approval(id, olive)).code() == Errc::NotAuthorised);
    ApprovalRecord wrongDigest = f.approval(id, avery);
    wrongDigest.digest[0] ^= 1;
    wrongDigest.signature = avery.key.sign(kApprovalContext, wrongDigest.digest);
    CHECK(reviews.addApproval(wrongDigest).code() == Errc::ApprovalWrongVersion);
    ApprovalRecord forged = f.approval(id, avery);
    forged.signature = abel.key.sign(kApprovalContext, forged.digest); // signed by someone else
    CHECK(reviews.addApproval(forged).code() == Errc::BadApprovalSignature);
    ApprovalRecord wrongContext = f.approval(id, avery);
    wrongContext.signature = avery.key.sign("postern/v1/audit", wrongContext.digest);
    CHECK(reviews.addApproval(wrongContext).code() == Errc::BadApprovalSignature);
    CHECK(must(reviews.approvals(id, 1)).empty());

    must(reviews.addApproval(f.approval(id, avery, kT0 + 5)));
    CHECK(reviews.addApproval(f.approval(id, avery, kT0 + 6)).code() == Errc::AlreadyExists);
    must(reviews.addApproval(f.approval(id, abel, kT0 + 7)));
    const auto approvals = must(reviews.approvals(id, 1));
    REQUIRE(approvals.size() == 2);
    CHECK(approvals[0].userId == avery.id());
    CHECK(approvals[0].createdAt == kT0 + 5);
    CHECK(
        crypto::verifySignature(avery.key.publicKey(), kApprovalContext, approvals[0].digest, approvals[0].signature));

    // abel edits the post: a new version, back to draft, the old approvals no longer apply.
    must(f.store->posts().addVersion(id, StoreFixture::version("hello, edited", abel.id(), kT0 + 100)));
    const PostRecord p = must(f.store->posts().get(id));
    CHECK(p.state == PostState::Draft);
    CHECK(p.currentVersion == 2);
    CHECK(must(reviews.approvals(id, 2)).empty());
    CHECK(must(reviews.approvals(id, 1)).size() == 2); // history is kept
    must(reviews.transition(id, {PostState::Draft}, PostState::InReview, "", kT0 + 101));
    CHECK(reviews.transition(id, {PostState::InReview}, PostState::Approved, "", kT0).code() == Errc::NotApproved);
    CHECK(reviews.addApproval(approvals[0]).code() == Errc::ApprovalWrongVersion); // the v1 approval, replayed
    // abel wrote version 2 and may not approve it; neither may the post's author.
    CHECK(reviews.addApproval(f.approval(id, abel)).code() == Errc::SelfApproval);
    auto& self = f.addUser("sam", kRoleAuthor | kRoleApprover);
    const std::string own = f.newPost(self, "mine");
    must(reviews.transition(own, {PostState::Draft}, PostState::InReview, "", kT0));
    CHECK(reviews.addApproval(f.approval(own, self)).code() == Errc::SelfApproval);
}

TEST_CASE("rejection returns the post to its author with a reason", "[store][posts]")
{
    StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    auto& avery = f.addUser("avery", kRoleApprover);
    const std::string id = f.newPost(alice, "hello");
    auto& reviews = f.store->reviews();
    CHECK(reviews.reject(id, 1, avery.id(), "grid reference in text", kT0).code() == Errc::InvalidState);
    must(reviews.transition(id, {PostState::Draft}, PostState::InReview, "", kT0));
    CHECK(reviews.reject(id, 1, avery.id(), "", kT0).code() == Errc::InvalidArgument);
    CHECK(reviews.reject(id, 2, avery.id(), "why", kT0).code() == Errc::ApprovalWrongVersion);
    CHECK(reviews.reject(id, 1, alice.id(), "why", kT0).code() == Errc::NotAuthorised);
    must(reviews.reject(id, 1, avery.id(), "grid reference in text", kT0 + 9));

    PostRecord p = must(f.store->posts().get(id));
    CHECK(p.state == PostState::Rejected);
    CHECK(p.lastReason == "grid reference in text");
    const auto rejections = must(reviews.rejections(id));
    REQUIRE(rejections.size() == 1);
    CHECK(rejections[0].userId == avery.id());
    CHECK(rejections[0].version == 1);
    CHECK(rejections[0].createdAt == kT0 + 9);
    // A rejected post can only move on through a new version.
    CHECK(reviews.transition(id, {PostState::Rejected}, PostState::InReview, "", kT0).code() == Errc::InvalidState);
    must(f.store->posts().addVersion(id, StoreFixture::version("hello, fixed", alice.id(), kT0 + 20)));
    p = must(f.store->posts().get(id));
    CHECK(p.state == PostState::Draft);
    CHECK(p.lastReason == "grid reference in text"); // still shown while revising
    must(reviews.transition(id, {PostState::Draft}, PostState::InReview, "", kT0 + 30));
    CHECK(must(f.store->posts().get(id)).lastReason.empty());
}

TEST_CASE("the list filters and pages 2,000 posts correctly", "[store][posts][list]")
{
    StoreFixture f;
    auto& alice = f.addUser("alice", kRoleAuthor);
    auto& adam = f.addUser("adam", kRoleAuthor);
    auto& avery = f.addUser("avery", kRoleApprover);
    constexpr int kPosts = 2000;
    const std::vector<std::string> channelSets[] = {{"bluesky:press"}, {"x:press", "mastodon:press"}, {"x:press"}};

    std::map<std::string, int> index; // id -> i
    must(f.store->transaction([&]() -> Status {
        for (int i = 0; i < kPosts; ++i) {
            const TestUser& author = (i % 2 == 0) ? alice : adam;
            const std::string id = PostRepository::newPostId();
            const std::string text = (i % 10 == 0 ? "Launch day " : "Update ") + std::to_string(i);
            const std::int64_t schedule = (i % 4 == 0) ? 0 : kT0 + 86400 + i;
            POSTERN_TRY(f.store->posts().create(id,
                                                StoreFixture::version("{\"n\":" + std::to_string(i) + "}",
                                                                      author.id(),
                                                                      kT0 + i,
                                                                      channelSets[i % 3],
                                                                      text,
                                                                      schedule)));
            index[id] = i;
            switch (i % 5) {
            case 1:
                POSTERN_TRY(f.store->reviews().transition(id, {PostState::Draft}, PostState::InReview, "", kT0 + i));
                break;
            case 2:
                POSTERN_TRY(f.store->reviews().transition(id, {PostState::Draft}, PostState::InReview, "", kT0 + i));
                POSTERN_TRY(f.store->reviews().reject(id, 1, avery.id(), "no", kT0 + i));
                break;
            case 3:
                f.approve(id, avery, kT0 + i);
                break;
            default:
                break;
            }
        }
        return {};
    }));

    auto& posts = f.store->posts();
    CHECK(must(posts.count({})) == kPosts);
    const auto byState = must(posts.countByState());
    REQUIRE(byState.size() == 9); // with cancelled and retracted (schema v4)
    CHECK(byState[static_cast<int>(PostState::Draft)].count == 800);
    CHECK(byState[static_cast<int>(PostState::InReview)].count == 400);
    CHECK(byState[static_cast<int>(PostState::Rejected)].count == 400);
    CHECK(byState[static_cast<int>(PostState::Approved)].count == 400);
    CHECK(byState[static_cast<int>(PostState::Published)].count == 0);

    PostFilter drafts;
    drafts.state = PostState::Draft;
    CHECK(must(posts.count(drafts)) == 800);
    PostFilter aliceDrafts = drafts;
    aliceDrafts.authorId = alice.id();
    CHECK(must(posts.count(aliceDrafts)) == 400); // i % 5 in {0, 4} and even: half of them
    PostFilter mastodon;
    mastodon.channel = "mastodon:";
    CHECK(must(posts.count(mastodon)) == 667); // i % 3 == 1
    PostFilter xPress;
    xPress.channel = "x:press";
    CHECK(must(posts.count(xPress)) == 1333);
    PostFilter launch;
    launch.text = "LAUNCH DAY"; // ASCII case is ignored
    CHECK(must(posts.count(launch)) == 200);
    PostFilter percent;
    percent.text = "%"; // a literal character, not a wildcard
    CHECK(must(posts.count(percent)) == 0);
    PostFilter window;
    window.scheduledFrom = kT0 + 86400 + 100;
    window.scheduledUntil = kT0 + 86400 + 200;
    CHECK(must(posts.count(window)) == 75); // 100..199 without multiples of 4

    // Page through the alice drafts 37 at a time: every post exactly once, newest first.
    aliceDrafts.limit = 37;
    std::vector<std::string> seen;
    for (aliceDrafts.offset = 0;; aliceDrafts.offset += aliceDrafts.limit) {
        const auto page = must(posts.list(aliceDrafts));
        for (const auto& p : page) {
            CHECK(p.state == PostState::Draft);
            CHECK(p.authorId == alice.id());
            seen.push_back(p.id);
        }
        if (static_cast<std::int64_t>(page.size()) < aliceDrafts.limit)
            break;
    }
    REQUIRE(seen.size() == 400);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 400);
    for (std::size_t k = 1; k < seen.size(); ++k)
        CHECK(index[seen[k - 1]] > index[seen[k]]); // updated_at = kT0 + i, descending

    // Schedule order: scheduled posts ascending, unscheduled ones last.
    PostFilter bySchedule;
    bySchedule.order = PostOrder::ScheduleAsc;
    bySchedule.limit = kPosts;
    const auto all = must(posts.list(bySchedule));
    REQUIRE(all.size() == kPosts);
    CHECK(all.front().schedule == kT0 + 86400 + 1);
    CHECK(all[1499].schedule != 0);
    CHECK(all[1500].schedule == 0);
    CHECK(all.back().schedule == 0);
    CHECK(std::is_sorted(all.begin(), all.begin() + 1500, [](const PostRecord& a, const PostRecord& b) {
        return a.schedule < b.schedule;
    }));

    PostFilter bad;
    bad.limit = 0;
    CHECK(posts.list(bad).code() == Errc::InvalidArgument);
}

TEST_CASE("splitChannels inverts the stored channel list", "[store][posts]")
{
    CHECK(postern::store::splitChannels("outbox:press,bluesky:press.example.org")
          == std::vector<std::string>{"outbox:press", "bluesky:press.example.org"});
    CHECK(postern::store::splitChannels("x:press") == std::vector<std::string>{"x:press"});
    CHECK(postern::store::splitChannels("").empty());
}
