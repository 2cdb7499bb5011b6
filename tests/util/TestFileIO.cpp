// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/FileIO.h"

#include "TempDir.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

using namespace postern;

TEST_CASE("atomic write creates the file with the exact mode", "[fileio]")
{
    test::TempDir dir;
    const auto path = dir / "secret.key";
    REQUIRE(writeFileAtomic(path, "hello", 0600).ok());
    struct stat st
    {
    };
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(readFileCapped(path, 100).value() == "hello");
    // No temporary file is left beside it.
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
        (void)e;
        ++entries;
    }
    CHECK(entries == 1);
}

TEST_CASE("uncommitted atomic writer leaves nothing behind", "[fileio]")
{
    test::TempDir dir;
    const auto path = dir / "bundle";
    {
        AtomicFileWriter w;
        REQUIRE(w.open(path).ok());
        REQUIRE(w.write(asBytes("partial")).ok());
    }
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("readFileCapped refuses oversized and missing files", "[fileio]")
{
    test::TempDir dir;
    const auto path = dir / "big";
    REQUIRE(writeFileAtomic(path, std::string(100, 'x')).ok());
    CHECK(readFileCapped(path, 99).code() == Errc::TooLarge);
    CHECK(readFileCapped(dir / "absent", 10).code() == Errc::NotFound);
    CHECK(readFileCapped(dir.path(), 10).code() == Errc::Io); // a directory is not a regular file
}

TEST_CASE("overwriteAndRemove wipes and unlinks", "[fileio]")
{
    test::TempDir dir;
    const auto path = dir / "used.bundle";
    REQUIRE(writeFileAtomic(path, std::string(3u << 20, 'b')).ok());
    REQUIRE(overwriteAndRemove(path).ok());
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(overwriteAndRemove(path).code() == Errc::Io);
}

TEST_CASE("FileReader reports truncation", "[fileio]")
{
    test::TempDir dir;
    const auto path = dir / "short";
    REQUIRE(writeFileAtomic(path, "abc").ok());
    FileReader r;
    REQUIRE(r.open(path).ok());
    CHECK(r.size() == 3);
    std::uint8_t buf[4];
    CHECK(r.readExact(buf).code() == Errc::Truncated);
}

TEST_CASE("a FIFO is refused at once, never waited on", "[fileio]")
{
    // A FIFO given as a bundle, --credentials-file or --app-password-file once blocked open()
    // forever with the uploader's home lock held. This test would hang before the fix.
    test::TempDir dir;
    const auto fifo = dir / "pipe";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    FileReader reader;
    const auto s = reader.open(fifo);
    CHECK(s.code() == Errc::Io);
    CHECK(s.error().message.find("not a regular file") != std::string::npos);
    CHECK(readFileCapped(fifo, 100).code() == Errc::Io);
    CHECK(reader.open(dir.path()).code() == Errc::Io); // a folder too
}

TEST_CASE("wiping through a symbolic link is refused with a reason and touches nothing", "[fileio]")
{
    test::TempDir dir;
    const auto target = dir / "bundle.postern";
    REQUIRE(writeFileAtomic(target, "sealed bytes", 0600).ok());
    const auto link = dir / "link.postern";
    std::filesystem::create_symlink(target, link);
    const auto s = overwriteAndRemove(link);
    CHECK(s.code() == Errc::Io);
    CHECK(s.error().message.find("symbolic link") != std::string::npos);
    CHECK(readFileCapped(target, 100).value() == "sealed bytes");
    CHECK(std::filesystem::is_symlink(link));
}
