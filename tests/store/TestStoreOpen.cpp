// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/WorkstationStore.h"
#include "postern/util/Sqlite.h"

#include "StoreFixture.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;

namespace {

unsigned modeOf(const std::filesystem::path& p)
{
    struct stat st
    {
    };
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode) & 0777u;
}

std::int64_t scalar(SqliteDatabase& db, const std::string& sql)
{
    auto st = must(db.prepare(sql));
    REQUIRE(must(st.step()));
    return st.columnInt(0);
}

} // namespace

TEST_CASE("create makes a private store and open reopens it", "[store]")
{
    test::TempDir dir;
    const auto key = test::seededKey("workstation");
    const auto path = dir / "ws";
    {
        auto s = must(WorkstationStore::create(path, "Press office", key.publicKey(), kT0));
        const WorkstationRecord w = must(s->workstation());
        CHECK(w.name == "Press office");
        CHECK(w.publicKey == key.publicKey());
        CHECK(w.createdAt == kT0);
        CHECK(w.nextSequence == 1);
        CHECK(must(s->schemaVersion()) == kSchemaVersion);
    }
    CHECK(modeOf(path) == 0700);
    CHECK(modeOf(path / "postern.db") == 0600);
    CHECK(modeOf(path / "media") == 0700);

    auto reopened = must(WorkstationStore::open(path));
    CHECK(must(reopened->workstation()).name == "Press office");
    CHECK(reopened->directory() == path);

    auto again = WorkstationStore::create(path, "Other", key.publicKey(), kT0);
    CHECK(again.code() == Errc::AlreadyExists);
    CHECK(must(reopened->workstation()).name == "Press office"); // untouched
}

TEST_CASE("opening a missing store is not-found and tells the user to run init", "[store]")
{
    test::TempDir dir;
    auto r = WorkstationStore::open(dir / "nothing-here");
    REQUIRE(r.code() == Errc::NotFound);
    CHECK_THAT(r.error().message, Catch::Contains("postern-cli init"));
    CHECK_FALSE(std::filesystem::exists(dir / "nothing-here" / "postern.db"));

    // An existing but empty directory is not a store either, and open must not create one in it.
    std::filesystem::create_directory(dir / "empty");
    CHECK(WorkstationStore::open(dir / "empty").code() == Errc::NotFound);
    CHECK_FALSE(std::filesystem::exists(dir / "empty" / "postern.db"));
}

TEST_CASE("create validates its arguments and leaves nothing behind", "[store]")
{
    test::TempDir dir;
    const auto key = test::seededKey("workstation");
    CHECK(WorkstationStore::create(dir / "a", "", key.publicKey(), kT0).code() == Errc::InvalidArgument);
    CHECK(WorkstationStore::create(dir / "a", std::string(65, 'x'), key.publicKey(), kT0).code()
          == Errc::InvalidArgument);
    CHECK(WorkstationStore::create(dir / "a", "tab\there", key.publicKey(), kT0).code() == Errc::InvalidArgument);
    crypto::PublicKey zero{};
    CHECK(WorkstationStore::create(dir / "a", "ok", zero, kT0).code() == Errc::BadEncoding);
    CHECK_FALSE(std::filesystem::exists(dir / "a" / "postern.db"));
}

TEST_CASE("migrations are idempotent and set user_version", "[store]")
{
    test::TempDir dir;
    const auto key = test::seededKey("workstation");
    must(WorkstationStore::create(dir / "ws", "WS", key.publicKey(), kT0));
    for (int i = 0; i < 3; ++i) {
        auto s = must(WorkstationStore::open(dir / "ws"));
        CHECK(must(s->schemaVersion()) == kSchemaVersion);
    }
    SqliteDatabase raw;
    must(raw.open(dir / "ws" / "postern.db"));
    CHECK(must(raw.userVersion()) == kSchemaVersion);
    const std::int64_t tables = scalar(raw,
                                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                       "('workstation','users','workstation_grants','uploaders','policies',"
                                       "'posts','post_versions','media','approvals','rejections','exports',"
                                       "'export_items','receipts','post_results','audit')");
    CHECK(tables == 15);
    // The list indexes exist, and the state filter with the default sort really uses one.
    CHECK(scalar(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'posts_%'") == 6);
    auto plan = must(raw.prepare("EXPLAIN QUERY PLAN SELECT id FROM posts WHERE state = 'draft' "
                                 "ORDER BY updated_at DESC, id DESC LIMIT 50"));
    std::string detail;
    while (must(plan.step()))
        detail += plan.columnText(3) + "\n";
    CHECK_THAT(detail, Catch::Contains("posts_state_updated"));
    CHECK_THAT(detail, !Catch::Contains("TEMP B-TREE"));
    CHECK(scalar(raw, "SELECT count(*) FROM workstation") == 1);
}

TEST_CASE("a store made by a newer Postern is refused", "[store]")
{
    test::TempDir dir;
    const auto key = test::seededKey("workstation");
    must(WorkstationStore::create(dir / "ws", "WS", key.publicKey(), kT0));
    {
        SqliteDatabase raw;
        must(raw.open(dir / "ws" / "postern.db"));
        must(raw.exec("PRAGMA user_version = 99"));
    }
    CHECK(WorkstationStore::open(dir / "ws").code() == Errc::UnsupportedVersion);
}

TEST_CASE("an empty store file is reported as damaged and left as it is", "[store][damage]")
{
    test::TempDir dir;
    std::filesystem::create_directory(dir / "ws");
    std::ofstream(dir / "ws" / "postern.db").close(); // empty file: a crash right after creating it
    auto r = WorkstationStore::open(dir / "ws");
    REQUIRE(r.code() == Errc::Damaged);
    CHECK_THAT(r.error().message, Catch::Contains("postern.db is empty"));
    CHECK_THAT(r.error().message, Catch::Contains("postern-cli restore"));
    CHECK_THAT(r.error().message, !Catch::Contains("remove"));
    // Opening wrote nothing: SQLite would have put a schema into the empty file.
    CHECK(std::filesystem::file_size(dir / "ws" / "postern.db") == 0);
}

namespace {
std::string fileBytes(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

TEST_CASE("random bytes over a few pages are reported as damaged, never as something else", "[store][damage]")
{
    test::StoreFixture f;
    for (int i = 0; i < 40; ++i) // enough rows for a dozen pages
        must(f.store->settings().put("filler_" + std::to_string(i), std::string(1000, 'x'), kT0));
    const auto dir = f.dir.path() / "store";
    f.store.reset();
    const auto db = dir / "postern.db";
    {
        // dd if=/dev/urandom of=postern.db bs=4096 seek=5 count=3 conv=notrunc
        std::fstream io(db, std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(5 * 4096);
        std::string noise(3 * 4096, '\0');
        for (std::size_t k = 0; k < noise.size(); ++k)
            noise[k] = static_cast<char>((k * 2654435761u) >> 13);
        io.write(noise.data(), static_cast<std::streamsize>(noise.size()));
    }
    const std::string before = fileBytes(db);
    // Either the cheap check at open finds it (the noise hit the schema or a table's root), or
    // the full check does; nothing ever answers with another code.
    auto r = WorkstationStore::open(dir);
    Status found = r ? (*r)->checkIntegrity() : Status(r.error());
    if (r) {
        for (const auto& key : {"filler_3", "filler_20", "filler_39"}) {
            auto got = (*r)->settings().get(key);
            CHECK((got.ok() || got.code() == Errc::Damaged));
        }
    }
    REQUIRE(found.code() == Errc::Damaged);
    CHECK_THAT(found.error().message, Catch::Contains("is damaged"));
    CHECK_THAT(found.error().message, Catch::Contains("postern-cli restore"));
    CHECK_THAT(found.error().message, !Catch::Contains("remove"));
    r = Result<std::unique_ptr<WorkstationStore>>(fail(Errc::Internal, "closed"));
    CHECK(fileBytes(db) == before);
}

TEST_CASE("transaction commits all or nothing and nests", "[store]")
{
    test::StoreFixture f;
    auto& admin = f.addUser("admin", kRoleAdmin);

    // An error anywhere rolls back every call in the body, the audit entry included.
    Status failed = f.store->transaction([&]() -> Status {
        POSTERN_TRY(f.store->trust().addPolicy(1, "policy v1", kT0));
        POSTERN_TRY(f.store->audit().append(admin.key, "policy.add", "1", "", kT0));
        return fail(Errc::Cancelled, "operator cancelled");
    });
    CHECK(failed.code() == Errc::Cancelled);
    CHECK(f.store->trust().latestPolicy().code() == Errc::NotFound);
    CHECK(must(f.store->audit().count()) == 0);

    // A failing inner call rolls back only itself; the body may carry on and commit.
    must(f.store->transaction([&]() -> Status {
        POSTERN_TRY(f.store->trust().addPolicy(1, "policy v1", kT0));
        CHECK(f.store->trust().addPolicy(3, "skips 2", kT0).code() == Errc::InvalidState);
        CHECK(f.store->users().add({"admin", admin.key.publicKey(), kRoleAdmin, test::keyFileFor("admin"), kT0}).code()
              == Errc::AlreadyExists);
        POSTERN_TRY(f.store->audit().append(admin.key, "policy.add", "1", "", kT0));
        return f.store->transaction([&]() -> Status { return f.store->trust().addPolicy(2, "policy v2", kT0); });
    }));
    CHECK(must(f.store->trust().latestPolicy()).version == 2);
    CHECK(must(f.store->audit().count()) == 1);

    // Committed work survives reopening.
    f.store.reset();
    auto reopened = must(WorkstationStore::open(f.dir / "store"));
    CHECK(must(reopened->trust().policies()).size() == 2);
}
