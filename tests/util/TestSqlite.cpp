// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Sqlite.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

using namespace postern;

TEST_CASE("migrations apply once and in order", "[sqlite]")
{
    test::TempDir dir;
    SqliteDatabase db;
    REQUIRE(db.open(dir / "t.db").ok());
    const std::vector<SqliteMigration> steps{
        {1, "CREATE TABLE a(x INTEGER NOT NULL UNIQUE);"},
        {2, "ALTER TABLE a ADD COLUMN y TEXT;"},
    };
    REQUIRE(db.migrate(steps).ok());
    CHECK(db.userVersion().value() == 2);
    REQUIRE(db.migrate(steps).ok()); // idempotent
    auto ins = db.prepare("INSERT INTO a(x, y) VALUES(?1, ?2)");
    REQUIRE(ins.ok());
    REQUIRE(ins->bind(1, 7).bind(2, "seven").run().ok());
    ins->reset();
    CHECK(ins->bind(1, 7).bind(2, "again").run().code() == Errc::AlreadyExists);
    auto jm = db.prepare("PRAGMA journal_mode");
    REQUIRE(jm->step().value());
    CHECK(jm->columnText(0) == "wal");
    auto sync = db.prepare("PRAGMA synchronous");
    REQUIRE(sync->step().value());
    CHECK(sync->columnInt(0) == 2); // FULL
}

TEST_CASE("a failing migration leaves the previous version intact", "[sqlite]")
{
    test::TempDir dir;
    SqliteDatabase db;
    REQUIRE(db.open(dir / "t.db").ok());
    REQUIRE(db.migrate({{1, "CREATE TABLE a(x);"}}).ok());
    CHECK_FALSE(db.migrate({{1, "CREATE TABLE a(x);"}, {2, "CREATE TABLE b(y); THIS IS NOT SQL;"}}).ok());
    CHECK(db.userVersion().value() == 1);
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE name='b'");
    REQUIRE(st->step().value());
    CHECK(st->columnInt(0) == 0);
}

TEST_CASE("a database newer than the code is refused", "[sqlite]")
{
    test::TempDir dir;
    SqliteDatabase db;
    REQUIRE(db.open(dir / "t.db").ok());
    REQUIRE(db.exec("PRAGMA user_version=9").ok());
    CHECK(db.migrate({{1, "CREATE TABLE a(x);"}}).code() == Errc::UnsupportedVersion);
}

TEST_CASE("transactions roll back unless committed", "[sqlite]")
{
    test::TempDir dir;
    SqliteDatabase db;
    REQUIRE(db.open(dir / "t.db").ok());
    REQUIRE(db.exec("CREATE TABLE a(x)").ok());
    {
        SqliteTransaction tx(db);
        REQUIRE(tx.begin().ok());
        REQUIRE(db.exec("INSERT INTO a VALUES(1)").ok());
    }
    auto st = db.prepare("SELECT count(*) FROM a");
    REQUIRE(st->step().value());
    CHECK(st->columnInt(0) == 0);
}
