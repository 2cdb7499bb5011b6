// SPDX-License-Identifier: GPL-3.0-or-later
// Backup and restore (issue "A damaged store says so, and never makes it worse").
#include "postern/store/StoreBackup.h"

#include "StoreFixture.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

TEST_CASE("backup copies the database and media; restore makes an equal store", "[store][backup]")
{
    test::StoreFixture f;
    f.addUser("admin", kRoleAdmin);
    const auto media = must(f.store->media().importBytes(asBytes("a photo's bytes"), "image/png", "p.png", kT0));
    must(f.store->settings().put("note", "kept", kT0));
    const fs::path backup = f.dir / "backup";
    const auto s = must(backupStore(*f.store, backup));
    CHECK(s.mediaFiles == 1);
    CHECK(s.mediaBytes == 15);
    CHECK(fs::exists(backup / "postern.db"));

    // A backup never writes over anything, and a restore never writes over a store.
    CHECK(backupStore(*f.store, backup).code() == Errc::AlreadyExists);
    CHECK(restoreStore(backup, f.dir / "store").code() == Errc::AlreadyExists);

    const std::string backupDb = slurp(backup / "postern.db");
    const auto r = must(restoreStore(backup, f.dir / "restored"));
    CHECK(r.mediaFiles == 1);
    CHECK(slurp(backup / "postern.db") == backupDb); // the backup itself is only read
    auto restored = must(WorkstationStore::open(f.dir / "restored"));
    CHECK(must(restored->users().byName("admin")).name == "admin");
    CHECK(must(restored->settings().get("note"))->value == "kept");
    CHECK(must(restored->media().exists(media.hash)));
    CHECK(slurp(must(restored->media().pathFor(media.hash))) == "a photo's bytes");
}

TEST_CASE("a backup with a changed or missing media file is not restored", "[store][backup]")
{
    test::StoreFixture f;
    const auto media = must(f.store->media().importBytes(asBytes("original"), "image/png", "p.png", kT0));
    const fs::path backup = f.dir / "backup";
    must(backupStore(*f.store, backup));
    const fs::path copy = backup / "media" / media.hash.substr(0, 2) / media.hash;
    REQUIRE(fs::exists(copy));
    {
        std::ofstream out(copy, std::ios::binary | std::ios::trunc);
        out << "altered!";
    }
    auto r = restoreStore(backup, f.dir / "restored");
    CHECK(r.code() == Errc::Damaged);
    CHECK_FALSE(fs::exists(f.dir / "restored")); // nothing half-made is left
    fs::remove(copy);
    CHECK(restoreStore(backup, f.dir / "restored").code() == Errc::Damaged);
}

TEST_CASE("a damaged backup database is reported and nothing is made", "[store][backup]")
{
    test::StoreFixture f;
    const fs::path backup = f.dir / "backup";
    must(backupStore(*f.store, backup));
    {
        std::fstream io(backup / "postern.db", std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(0);
        io << "not a database at all, just bytes";
    }
    CHECK(restoreStore(backup, f.dir / "restored").code() == Errc::Damaged);
    CHECK_FALSE(fs::exists(f.dir / "restored"));
}
