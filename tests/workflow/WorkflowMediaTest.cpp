// SPDX-License-Identifier: GPL-3.0-or-later
// Media hygiene in the workflow: attached files reach the store without their metadata, and
// the report of what was removed is kept with them (docs/media.md).
#include "postern/util/FileIO.h"
#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "MediaSamples.h"
#include "TempDir.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace postern;
using namespace postern::workflow;
namespace samples = postern::test::media;
namespace fs = std::filesystem;

namespace {

crypto::SecureBuffer pass(std::string_view s)
{
    return crypto::SecureBuffer(asBytes(s));
}

// The 1x1 RGBA PNG of tests/e2e/full_flow.sh (no metadata): must be stored unchanged.
constexpr char kE2ePngBytes[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
                                "\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9c"
                                "c\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xae"
                                "B`\x82";
const std::string kE2ePng(kE2ePngBytes, sizeof(kE2ePngBytes) - 1);

struct Desk
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    std::unique_ptr<Workstation> ws;

    Desk()
    {
        const auto kdf = crypto::KdfParams::interactive();
        REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kdf, clock).ok());
        ws = std::move(Workstation::open(dir / "store", clock)).value();
        auto admin = as("ada");
        REQUIRE(ws->addUser(admin,
                            "alice",
                            static_cast<domain::RoleSet>(domain::Role::Author),
                            pass("alice passphrase 1"),
                            kdf)
                    .ok());
    }

    UnlockedUser as(std::string_view name)
    {
        auto u = ws->unlock(name, pass(std::string(name) + " passphrase 1"));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    fs::path write(const std::string& name, ByteView data)
    {
        const fs::path p = dir / name;
        std::ofstream out(p, std::ios::binary);
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        return p;
    }

    Bytes stored(const std::string& hash)
    {
        auto path = ws->queries().mediaPath(hash);
        REQUIRE(path.ok());
        auto text = readFileCapped(*path, 1u << 20);
        REQUIRE(text.ok());
        return toBytes(*text);
    }

    /** leftovers counts temporary files in the media folder (there should be none). */
    std::size_t leftovers()
    {
        std::size_t n = 0;
        for (const auto& e : fs::recursive_directory_iterator(dir / "store" / "media"))
            n += e.path().filename().string().starts_with(".");
        return n;
    }
};

} // namespace

TEST_CASE("importMedia stores a GPS-tagged JPEG without its metadata and keeps the report", "[workflow][media]")
{
    Desk d;
    const Bytes original = samples::jpeg(true).file;
    const fs::path file = d.write("holiday.jpg", original);
    const auto expected = media::sanitizeBytes(original, "image/jpeg").value();

    auto imported = d.ws->importMedia(d.as("alice"), file);
    REQUIRE(imported.ok());
    CHECK(imported->mime == "image/jpeg"); // guessed from the extension
    CHECK(imported->name == "holiday.jpg");
    CHECK(imported->hash == toHex(crypto::blake2b256(expected.first)));
    CHECK(imported->size == expected.first.size());
    CHECK(imported->report == expected.second);
    REQUIRE(imported->report.removed.size() == 4);
    CHECK(imported->report.removed[0].what == "EXIF (camera, GPS location)");

    const Bytes kept = d.stored(imported->hash);
    CHECK(kept == expected.first);
    CHECK_FALSE(samples::contains(kept, std::string_view("Exif\0\0", 6)));
    CHECK_FALSE(samples::contains(kept, samples::gpsLatitudeRationals()));
    // The store's own check (BLAKE2b of the file against its name), on a connection of the
    // test's own: the workflow keeps its store private.
    auto inspect = store::WorkstationStore::open(d.dir / "store");
    REQUIRE(inspect.ok());
    CHECK((*inspect)->media().verify(imported->hash).ok());

    // Persisted for the review pane.
    const auto record = d.ws->queries().media(imported->hash);
    REQUIRE(record.ok());
    REQUIRE(record->sanitized.has_value());
    CHECK(*record->sanitized == imported->report);

    CHECK(d.leftovers() == 0);
    CHECK(toBytes(readFileCapped(file, 1u << 20).value()) == original); // the original is untouched
}

TEST_CASE("importMedia refuses what it cannot clean and leaves nothing behind", "[workflow][media]")
{
    Desk d;
    auto alice = d.as("alice");
    SECTION("a PNG named .jpg: bad-value")
    {
        const auto r = d.ws->importMedia(alice, d.write("photo.jpg", samples::png(true).file));
        CHECK(r.code() == Errc::BadValue);
        CHECK_THAT(r.error().message, Catch::Contains("photo.jpg"));
    }
    SECTION("a damaged JPEG: truncated")
    {
        const Bytes good = samples::jpeg(true).file;
        const auto r = d.ws->importMedia(alice, d.write("cut.jpg", ByteView(good).first(60)));
        CHECK(r.code() == Errc::Truncated);
    }
    SECTION("an unsupported type: bad-value")
    {
        CHECK(d.ws->importMedia(alice, d.write("notes.txt", asBytes("hello"))).code() == Errc::BadValue);
    }
    SECTION("someone without the author role: not-authorised")
    {
        CHECK(d.ws->importMedia(d.as("ada"), d.write("a.jpg", samples::jpeg(true).file)).code() == Errc::NotAuthorised);
    }
    CHECK(d.leftovers() == 0);
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(d.dir / "store" / "media"))
        files += e.is_regular_file();
    CHECK(files == 0);
}

TEST_CASE("a draft's attached file goes through the same sanitizer", "[workflow][media]")
{
    Desk d;
    auto alice = d.as("alice");
    const Bytes original = samples::png(true).file;
    const auto expected = media::sanitizeBytes(original, "image/png").value();
    DraftInput in;
    in.channels = {{domain::ChannelId::parse("outbox:press").value(), "Open day", Json(Json::Object{})}};
    in.media = {{d.write("map.png", original), "", "", "Map of the venue"},
                {d.write("open-day.png", toBytes(kE2ePng)), "", "", "Poster"}};
    auto post = d.ws->newDraft(alice, in);
    REQUIRE(post.ok());

    auto view = d.ws->show(post->id);
    REQUIRE(view.ok());
    REQUIRE(view->content.media.size() == 2);
    const auto& map = view->content.media[0];
    CHECK(toHex(map.hash) == toHex(crypto::blake2b256(expected.first)));
    CHECK(map.size == expected.first.size());
    CHECK(d.stored(toHex(map.hash)) == expected.first);
    const auto record = d.ws->queries().media(toHex(map.hash));
    REQUIRE(record.ok());
    REQUIRE(record->sanitized.has_value());
    CHECK(record->sanitized->removed.size() == 5);

    // A clean file is stored byte for byte, with an empty report.
    const auto& poster = view->content.media[1];
    CHECK(d.stored(toHex(poster.hash)) == toBytes(kE2ePng));
    CHECK(d.ws->queries().media(toHex(poster.hash))->sanitized->removed.empty());

    // A draft whose file cannot be cleaned is not created.
    DraftInput bad = in;
    Bytes damaged = original;
    damaged.back() ^= 1; // IEND's CRC
    bad.media = {{d.write("broken.png", damaged), "", "", "x"}};
    CHECK(d.ws->newDraft(alice, bad).code() == Errc::BadEncoding);
    CHECK(d.leftovers() == 0);
}
