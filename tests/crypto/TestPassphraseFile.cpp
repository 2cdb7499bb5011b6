// SPDX-License-Identifier: GPL-3.0-or-later
// Passphrase and secret files (--passphrase-file, --app-password-file, --token-file): a mistake
// in the file is said as such, never as "wrong passphrase", and nothing blocks.
#include "postern/crypto/Passphrase.h"

#include "TempDir.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

using namespace postern;
using namespace postern::crypto;

namespace {
std::filesystem::path write(const test::TempDir& dir, const std::string& name, const std::string& bytes)
{
    const auto p = dir / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
}
} // namespace

TEST_CASE("a passphrase file gives its first line", "[passphrase]")
{
    test::TempDir dir;
    auto p = readPassphraseFile(write(dir, "ok", "correct horse battery staple\nsecond line\n"));
    REQUIRE(p.ok());
    CHECK(std::string(reinterpret_cast<const char*>(p->data()), p->size()) == "correct horse battery staple");
    auto crlf = readPassphraseFile(write(dir, "crlf", "with crlf\r\n"));
    REQUIRE(crlf.ok());
    CHECK(crlf->size() == 9);
}

TEST_CASE("empty, newline-only, NUL-holding or odd passphrase files are named as such", "[passphrase]")
{
    test::TempDir dir;
    CHECK(readPassphraseFile(write(dir, "empty", "")).code() == Errc::BadValue);
    CHECK(readPassphraseFile(write(dir, "newline", "\n")).code() == Errc::BadValue);
    CHECK(readPassphraseFile(write(dir, "crlf-only", "\r\n")).code() == Errc::BadValue);
    CHECK(readPassphraseFile(write(dir, "nul", std::string("app\0pass\n", 9))).code() == Errc::BadValue);
    CHECK(readPassphraseFile(dir / "missing").code() == Errc::NotFound);
    CHECK(readPassphraseFile(dir.path()).code() == Errc::Io); // a folder
    const auto fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(readPassphraseFile(fifo).code() == Errc::Io); // refused at once, not waited on
    const auto unreadable = write(dir, "unreadable", "secret\n");
    ::chmod(unreadable.c_str(), 0);
    if (::geteuid() != 0) // root reads it anyway
        CHECK(readPassphraseFile(unreadable).code() == Errc::Io);
}
