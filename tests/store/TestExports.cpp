// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/ExportRepository.h"

#include "StoreFixture.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;
using postern::test::StoreFixture;
using postern::test::TestUser;

namespace {

/** ExportFixture has an author, an approver, an operator and two approved posts. */
struct ExportFixture : StoreFixture
{
    ExportFixture()
        : alice(addUser("alice", kRoleAuthor)),
          avery(addUser("avery", kRoleApprover)),
          olive(addUser("olive", kRoleOperator))
    {
        p1 = newPost(alice, "first");
        p2 = newPost(alice, "second");
        approve(p1, avery);
        approve(p2, avery);
    }

    NewExport bundle(std::int64_t sequence, std::string bundleId, std::vector<ExportItem> items)
    {
        return NewExport{sequence,
                         std::move(bundleId),
                         "/media/usb/" + std::to_string(sequence) + ".postern",
                         "AAAA-BBBB-CCCC",
                         kT0 + 100,
                         olive.id(),
                         std::move(items),
                         {}};
    }

    TestUser& alice;
    TestUser& avery;
    TestUser& olive;
    std::string p1;
    std::string p2;
};

} // namespace

TEST_CASE("export sequences are reserved monotonically and survive reopening", "[store][exports]")
{
    StoreFixture f;
    CHECK(must(f.store->exports().reserveSequence()) == 1);
    CHECK(must(f.store->exports().reserveSequence()) == 2);
    CHECK(must(f.store->exports().reserveSequence()) == 3);
    f.store.reset();
    f.store = must(WorkstationStore::open(f.dir / "store"));
    CHECK(must(f.store->workstation()).nextSequence == 4);
    CHECK(must(f.store->exports().reserveSequence()) == 4);

    // Inside a caller's transaction the reservation could be rolled back and handed out again.
    Errc inner = Errc::Ok;
    must(f.store->transaction([&]() -> Status {
        inner = f.store->exports().reserveSequence().code();
        return {};
    }));
    CHECK(inner == Errc::InvalidState);
    CHECK(must(f.store->exports().reserveSequence()) == 5);
}

TEST_CASE("recording an export marks its posts exported in one step", "[store][exports]")
{
    ExportFixture f;
    const std::int64_t seq = must(f.store->exports().reserveSequence());
    const ExportRecord rec = must(f.store->exports().recordExport(f.bundle(seq, "bundle-1", {{f.p1, 1}, {f.p2, 1}})));
    CHECK(rec.sequence == seq);
    CHECK(rec.id > 0);
    CHECK(must(f.store->posts().get(f.p1)).state == PostState::Exported);
    CHECK(must(f.store->posts().get(f.p2)).state == PostState::Exported);
    CHECK(must(f.store->posts().get(f.p1)).updatedAt == kT0 + 100);

    const ExportRecord stored = must(f.store->exports().byBundleId("bundle-1"));
    CHECK(stored.sequence == seq);
    CHECK(stored.createdBy == f.olive.id());
    CHECK(stored.fileFingerprint == "AAAA-BBBB-CCCC");
    CHECK(stored.items.size() == 2);
    CHECK(must(f.store->exports().list(0, 10)).size() == 1);
    CHECK(f.store->exports().byBundleId("nope").code() == Errc::NotFound);

    // Exported posts are out of the workstation's hands.
    CHECK(f.store->posts().addVersion(f.p1, StoreFixture::version("late edit", f.alice.id(), kT0)).code()
          == Errc::InvalidState);
    CHECK(f.store->reviews().transition(f.p1, {PostState::Exported}, PostState::Draft, "", kT0).code()
          == Errc::InvalidState);
}

TEST_CASE("the same approved version is never exported twice", "[store][exports]")
{
    ExportFixture f;
    const std::string p3 = f.newPost(f.alice, "third");
    f.approve(p3, f.avery);
    const std::int64_t first = must(f.store->exports().reserveSequence());
    must(f.store->exports().recordExport(f.bundle(first, "bundle-1", {{f.p1, 1}})));

    const std::int64_t second = must(f.store->exports().reserveSequence());
    auto again = f.store->exports().recordExport(f.bundle(second, "bundle-2", {{p3, 1}, {f.p1, 1}}));
    REQUIRE(again.code() == Errc::AlreadyExported);
    CHECK_THAT(again.error().message, Catch::Contains("bundle-1"));
    // Rolled back: p3 is still approved and there is still only one export.
    CHECK(must(f.store->posts().get(p3)).state == PostState::Approved);
    CHECK(must(f.store->exports().list(0, 10)).size() == 1);
    CHECK(f.store->exports().byBundleId("bundle-2").code() == Errc::NotFound);

    // Other refusals, each leaving everything as it was.
    const std::string draft = f.newPost(f.alice, "draft");
    CHECK(f.store->exports().recordExport(f.bundle(second, "bundle-2", {{draft, 1}})).code() == Errc::NotApproved);
    CHECK(f.store->exports().recordExport(f.bundle(second, "bundle-2", {{f.p2, 2}})).code()
          == Errc::ApprovalWrongVersion);
    CHECK(f.store->exports().recordExport(f.bundle(second + 5, "bundle-2", {{f.p2, 1}})).code()
          == Errc::InvalidState); // never reserved
    CHECK(f.store->exports().recordExport(f.bundle(first, "bundle-2", {{f.p2, 1}})).code() == Errc::AlreadyExists);
    CHECK(f.store->exports().recordExport(f.bundle(second, "bundle-1", {{f.p2, 1}})).code() == Errc::AlreadyExists);
    CHECK(f.store->exports().recordExport(f.bundle(second, "bundle-2", {{f.p2, 1}, {f.p2, 1}})).code()
          == Errc::InvalidArgument);
    CHECK(f.store->exports().recordExport(f.bundle(second, "bundle-2", {})).code() == Errc::InvalidArgument);
    NewExport byAuthor = f.bundle(second, "bundle-2", {{f.p2, 1}});
    byAuthor.createdBy = f.alice.id();
    CHECK(f.store->exports().recordExport(byAuthor).code() == Errc::NotAuthorised);
    CHECK(must(f.store->posts().get(f.p2)).state == PostState::Approved);

    // Inside a caller's transaction that fails later, the export is undone with it.
    const Status undone = f.store->transaction([&]() -> Status {
        POSTERN_TRY(f.store->exports().recordExport(f.bundle(second, "bundle-2", {{p3, 1}, {f.p2, 1}})));
        CHECK(must(f.store->posts().get(p3)).state == PostState::Exported);
        return fail(Errc::Io, "the bundle could not be written");
    });
    CHECK(undone.code() == Errc::Io);
    CHECK(must(f.store->posts().get(p3)).state == PostState::Approved);
    CHECK(f.store->exports().byBundleId("bundle-2").code() == Errc::NotFound);

    // The same sequence then works for a valid export.
    must(f.store->exports().recordExport(f.bundle(second, "bundle-2", {{p3, 1}, {f.p2, 1}})));
    CHECK(must(f.store->exports().list(0, 10)).size() == 2);
}

TEST_CASE("receipts move posts to published or failed and import once", "[store][exports]")
{
    ExportFixture f;
    const std::int64_t seq = must(f.store->exports().reserveSequence());
    must(f.store->exports().recordExport(f.bundle(seq, "bundle-1", {{f.p1, 1}, {f.p2, 1}})));

    const std::vector<PostResult> results{
        {f.p1, 1, "bluesky:press", PublishOutcome::Published, "at://did/app.bsky.feed.post/1", "https://bsky/1", "", 0},
        {f.p2, 1, "bluesky:press", PublishOutcome::Failed, "", "", "rate limited", 0},
    };
    CHECK(f.store->exports().importReceipt("bundle-9", "receipt", results, kT0).code() == Errc::NotFound);
    std::vector<PostResult> stranger = results;
    stranger.push_back({f.newPost(f.alice, "never exported"), 1, "x:press", PublishOutcome::Published, "", "", "", 0});
    CHECK(f.store->exports().importReceipt("bundle-1", "receipt", stranger, kT0).code() == Errc::InvalidArgument);
    CHECK(f.store->exports().receipt("bundle-1").code() == Errc::NotFound); // nothing half-imported

    must(f.store->exports().importReceipt("bundle-1", "signed receipt text", results, kT0 + 500));
    const PostRecord published = must(f.store->posts().get(f.p1));
    CHECK(published.state == PostState::Published);
    CHECK(published.updatedAt == kT0 + 500);
    const PostRecord failed = must(f.store->posts().get(f.p2));
    CHECK(failed.state == PostState::Failed);
    CHECK(failed.lastReason == "bluesky:press: rate limited");
    const auto r1 = must(f.store->exports().results(f.p1));
    REQUIRE(r1.size() == 1);
    CHECK(r1[0].url == "https://bsky/1");
    CHECK(r1[0].outcome == PublishOutcome::Published);
    CHECK(must(f.store->exports().receipt("bundle-1")).text == "signed receipt text");

    // Importing the same bundle's receipt again changes nothing, even with other contents.
    const std::vector<PostResult> replay{{f.p2, 1, "bluesky:press", PublishOutcome::Published, "x", "u", "", 0}};
    CHECK(f.store->exports().importReceipt("bundle-1", "other text", replay, kT0 + 900).code() == Errc::AlreadyExists);
    CHECK(must(f.store->posts().get(f.p2)).state == PostState::Failed);
    CHECK(must(f.store->exports().receipt("bundle-1")).text == "signed receipt text");
    CHECK(must(f.store->exports().results(f.p2))[0].outcome == PublishOutcome::Failed);

    // A failed post goes round again as a new version and can then be exported once more.
    must(f.store->posts().addVersion(f.p2, StoreFixture::version("second, retry", f.alice.id(), kT0 + 1000)));
    f.approve(f.p2, f.avery, kT0 + 1001);
    const std::int64_t next = must(f.store->exports().reserveSequence());
    must(f.store->exports().recordExport(f.bundle(next, "bundle-2", {{f.p2, 2}})));
    CHECK(must(f.store->posts().get(f.p2)).state == PostState::Exported);
}

TEST_CASE("a scheduled result keeps the post exported", "[store][exports]")
{
    ExportFixture f;
    const std::int64_t seq = must(f.store->exports().reserveSequence());
    must(f.store->exports().recordExport(f.bundle(seq, "bundle-1", {{f.p1, 1}})));
    must(f.store->exports().importReceipt("bundle-1",
                                          "r",
                                          {{f.p1, 1, "bluesky:press", PublishOutcome::Published, "1", "u1", "", 0},
                                           {f.p1, 1, "x:press", PublishOutcome::Scheduled, "", "", "", 0}},
                                          kT0));
    CHECK(must(f.store->posts().get(f.p1)).state == PostState::Exported);
    CHECK(must(f.store->exports().results(f.p1)).size() == 2);
}
