// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/MediaStore.h"
#include "postern/util/FileIO.h"

#include "StoreFixture.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

using namespace postern;
using namespace postern::store;
using postern::test::kT0;
using postern::test::must;
using postern::test::StoreFixture;

namespace {

constexpr std::string_view kAbcHash = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";

std::filesystem::path mediaRoot(const StoreFixture& f)
{
    return f.dir / "store" / "media";
}

/** filesUnder counts regular files below `dir`, temporary ones included. */
std::size_t filesUnder(const std::filesystem::path& dir)
{
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_regular_file())
            ++n;
    }
    return n;
}

void writeFile(const std::filesystem::path& p, const Bytes& data)
{
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

} // namespace

TEST_CASE("media are content-addressed with BLAKE2b-256 and stored once", "[store][media]")
{
    StoreFixture f;
    const ImportedMedia first = must(f.store->media().importBytes(asBytes("abc"), "image/png", "abc.png", kT0));
    CHECK(first.hash == kAbcHash); // known answer for BLAKE2b-256("abc")
    CHECK(first.size == 3);
    CHECK_FALSE(first.alreadyPresent);

    const auto path = must(f.store->media().pathFor(first.hash));
    CHECK(path == mediaRoot(f) / "bd" / std::string(kAbcHash));
    CHECK(must(readFileCapped(path, 100)) == "abc");
    struct stat st
    {
    };
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat(path.parent_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);

    const ImportedMedia second = must(f.store->media().importBytes(asBytes("abc"), "image/png", "copy.png", kT0 + 1));
    CHECK(second.hash == first.hash);
    CHECK(second.alreadyPresent);
    CHECK(filesUnder(mediaRoot(f)) == 1); // one file, no temporary left behind
    const MediaRecord rec = must(f.store->media().get(first.hash));
    CHECK(rec.originalName == "abc.png"); // the first import's row is kept
    CHECK(rec.size == 3);
    CHECK(rec.mime == "image/png");
    CHECK(must(f.store->media().exists(first.hash)));
    must(f.store->media().verify(first.hash));
}

TEST_CASE("media import streams files larger than its buffer", "[store][media]")
{
    StoreFixture f;
    Bytes data(3 * (1u << 20) + 12345);
    crypto::randomBytes(data);
    writeFile(f.dir / "video.mp4", data);

    const ImportedMedia m = must(f.store->media().importFile(f.dir / "video.mp4", "video/mp4", "video.mp4", kT0));
    CHECK(m.hash == toHex(crypto::blake2b256(data)));
    CHECK(m.size == data.size());
    const auto stored = must(readFileCapped(must(f.store->media().pathFor(m.hash)), data.size()));
    CHECK(stored == toString(data));
    must(f.store->media().verify(m.hash));
    CHECK(filesUnder(mediaRoot(f)) == 1);
}

TEST_CASE("media verify detects a changed or missing file", "[store][media]")
{
    StoreFixture f;
    const ImportedMedia m =
        must(f.store->media().importBytes(asBytes("the original bytes"), "image/png", "a.png", kT0));
    const auto path = must(f.store->media().pathFor(m.hash));

    writeFile(path, toBytes("the original bytez")); // same size, one byte changed
    CHECK(f.store->media().verify(m.hash).code() == Errc::MediaHashMismatch);

    // Re-importing the genuine bytes over a copy of the wrong size repairs it.
    writeFile(path, toBytes("short"));
    CHECK(f.store->media().verify(m.hash).code() == Errc::MediaHashMismatch);
    must(f.store->media().importBytes(asBytes("the original bytes"), "image/png", "a.png", kT0));
    must(f.store->media().verify(m.hash));

    std::filesystem::remove(path);
    CHECK(f.store->media().verify(m.hash).code() == Errc::NotFound);
    CHECK_FALSE(must(f.store->media().exists(m.hash)));
    CHECK(f.store->media().verify(std::string(kAbcHash)).code() == Errc::NotFound); // never imported
}

TEST_CASE("media paths come only from canonical hashes", "[store][media]")
{
    StoreFixture f;
    CHECK(f.store->media().pathFor("../../etc/passwd").code() == Errc::InvalidArgument);
    CHECK(f.store->media().pathFor(std::string(64, 'A')).code() == Errc::InvalidArgument);
    CHECK(f.store->media().pathFor(std::string(63, 'a')).code() == Errc::InvalidArgument);
    CHECK(f.store->media().exists("../x").code() == Errc::InvalidArgument);
    CHECK(f.store->media().importBytes(asBytes("x"), "", "x.png", kT0).code() == Errc::InvalidArgument);
    CHECK(f.store->media().importBytes(asBytes("x"), "image/png", "bad\xff", kT0).code() == Errc::InvalidArgument);
    CHECK(f.store->media().importFile(f.dir / "missing.png", "image/png", "m.png", kT0).code() == Errc::NotFound);
}

TEST_CASE("media over 4 GiB are refused without being copied", "[store][media]")
{
    StoreFixture f;
    const auto big = f.dir / "huge.mp4";
    std::ofstream(big).close();
    // A sparse file: the size check must fire before anything is read or written.
    REQUIRE(::truncate(big.c_str(), static_cast<off_t>(kMaxMediaFileBytes + 1)) == 0);
    auto r = f.store->media().importFile(big, "video/mp4", "huge.mp4", kT0);
    CHECK(r.code() == Errc::TooLarge);
    CHECK(filesUnder(mediaRoot(f)) == 0);
}
