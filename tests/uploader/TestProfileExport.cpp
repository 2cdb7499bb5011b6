// SPDX-License-Identifier: GPL-3.0-or-later
// `postern-uploader profile export`: live limits mapped from the platforms' answers, the
// documented limits for fixed-limit platforms, and the signed file the workstation imports.
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/platforms/ProfileExport.h"

#include "UploaderFixture.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <ctime>

using namespace postern;
using namespace postern::uploader;
namespace fs = std::filesystem;

namespace {

/** addAccounts stores a Bluesky and an X account in the fixture's home (no network needed). */
void addAccounts(test::UploaderFixture& f)
{
    AccountStore accounts(f.home->ledger(), f.home->layout().hostKey, f.clock);
    REQUIRE(accounts
                .add("bluesky:press.example.org",
                     "press.example.org",
                     "https://bsky.example",
                     crypto::SecureBuffer(asBytes("app-password")))
                .ok());
    AccountSecrets x;
    x.accessToken = crypto::SecretText("x-token");
    x.clientId = "client";
    REQUIRE(accounts.add("x:press", "press", "https://api.x.com", x).ok());
}

std::string quote(const std::string& s)
{
    std::string out = "'";
    for (const char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct Run
{
    int code = -1;
    std::string output;
};

Run run(const std::string& args)
{
    const std::string cmd = quote(POSTERN_UPLOADER_EXE) + " " + args + " </dev/null 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), p))
        r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    INFO(cmd << "\n" << r.output);
    return r;
}

} // namespace

TEST_CASE("a Mastodon instance configuration maps to profile limits", "[uploader][profile]")
{
    // The `configuration` of GET /api/v2/instance as documented for mastodon.social
    // (docs.joinmastodon.org/methods/instance/#v2, example response), abridged.
    const auto config = PlatformJson::parse(R"({
      "urls": {"streaming": "wss://mastodon.social"},
      "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23},
      "media_attachments": {
        "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/heic", "image/webp",
                                 "video/webm", "video/mp4", "video/quicktime", "audio/mpeg", "image/jpeg"],
        "image_size_limit": 10485760, "image_matrix_limit": 16777216,
        "video_size_limit": 41943040, "video_frame_rate_limit": 60, "video_matrix_limit": 2304000},
      "polls": {"max_options": 4}})",
                                            "instance");
    REQUIRE(config.ok());
    const auto l = mastodonLimits(*config);
    CHECK(l.maxCharacters == 500);
    CHECK(l.maxMedia == 4);
    CHECK(l.charactersReservedPerUrl == 23);
    CHECK(l.maxImageBytes == 10485760);
    CHECK(l.maxGifBytes == 10485760);
    CHECK(l.maxVideoBytes == 41943040);
    // Only the types a Postern post carries, sorted, once each.
    CHECK(*l.mimeTypes
          == std::vector<std::string>{"image/gif",
                                      "image/jpeg",
                                      "image/png",
                                      "image/webp",
                                      "video/mp4",
                                      "video/quicktime",
                                      "video/webm"});

    // Missing, mistyped or absurd values are left out rather than failing the export.
    const auto odd =
        PlatformJson::parse(R"({"statuses": {"max_characters": "lots", "max_media_attachments": 100000}})", "instance");
    REQUIRE(odd.ok());
    CHECK(mastodonLimits(*odd) == domain::ChannelLimits{});
    CHECK(mastodonLimits(PlatformJson{}) == domain::ChannelLimits{});
}

TEST_CASE("TikTok creator info maps to privacy options and disabled interactions", "[uploader][profile]")
{
    TikTokCreator c;
    c.privacyOptions = {"SELF_ONLY", "PUBLIC_TO_EVERYONE", "not a level", "SELF_ONLY"};
    c.duetDisabled = true;
    c.maxDurationSec = 600;
    const auto l = tiktokLimits(c);
    CHECK(*l.privacyLevelOptions == std::vector<std::string>{"PUBLIC_TO_EVERYONE", "SELF_ONLY"});
    CHECK(l.duetDisabled);
    CHECK_FALSE(l.commentDisabled);
    CHECK(l.maxVideoDurationS == 600);
    CHECK(l.maxCharacters == 2200); // documented caption limit kept
}

TEST_CASE("buildProfile writes documented limits for fixed-limit platforms", "[uploader][profile]")
{
    test::UploaderFixture f;
    addAccounts(f);
    AccountStore accounts(f.home->ledger(), f.home->layout().hostKey, f.clock);
    auto list = accounts.list();
    REQUIRE(list.ok());
    // A Mastodon account whose instance cannot be reached.
    AccountRecord masto;
    masto.channel = "mastodon:@press@social.example";
    list->push_back(masto);
    std::map<domain::Platform, LimitFetcher> fetchers;
    fetchers[domain::Platform::Mastodon] = [](const AccountRecord&) -> Result<domain::ChannelLimits> {
        return fail(Errc::PublishFailed, "cannot read the limits of https://social.example: connection refused");
    };
    auto built = buildProfile(*list, fetchers, f.clock.now());
    REQUIRE(built.ok());
    CHECK(built->fetchFailures == 1);
    REQUIRE(built->notes.size() == 3);
    CHECK_THAT(built->notes[2], Catch::Contains("connection refused"));
    CHECK(buildProfile(*list, fetchers, f.clock.now(), 0).code() == Errc::InvalidArgument);

    const auto text = bundle::writeProfile(built->profile, *f.home->signKey());
    REQUIRE(text.ok());
    auto p = bundle::readProfile(*text, f.home->signKey()->publicKey(), f.clock.now());
    REQUIRE(p.ok());
    REQUIRE(p->channels.size() == 3);
    CHECK(p->expires == f.clock.now() + 30 * 86400);
    const auto* x = p->find(domain::ChannelId::parse("x:press").value());
    REQUIRE(x);
    CHECK_FALSE(x->fetched);
    CHECK(x->limits.maxCharacters == 280);
    CHECK(x->limits.maxImageBytes == 5000000);
    CHECK(x->limits.maxGifBytes == 15000000);
    const auto* bsky = p->find(domain::ChannelId::parse("bluesky:press.example.org").value());
    REQUIRE(bsky);
    CHECK(bsky->limits.maxCharacters == 300);
    CHECK(bsky->limits.maxMedia == 4);
    const auto* m = p->find(domain::ChannelId::parse(masto.channel).value());
    REQUIRE(m);
    CHECK_FALSE(m->fetched);
    CHECK(m->limits.maxCharacters == 500);
}

TEST_CASE("postern-uploader profile export writes a profile signed by the uploader", "[uploader][profile][cli]")
{
    test::UploaderFixture f;
    const fs::path pass = f.dir / "pass";
    REQUIRE(writeFileAtomic(pass, std::string(test::UploaderFixture::kPassphrase) + "\n", 0600).ok());
    const std::string withPass = "--home " + quote(f.homeDir().string()) + " --passphrase-file " + quote(pass.string());
    const fs::path out = f.dir / "profile.postern";

    // No accounts yet: nothing to describe.
    auto none = run(withPass + " profile export " + quote(out.string()));
    CHECK(none.code == 1);
    CHECK(none.output.find("account add") != std::string::npos);
    CHECK(run(withPass + " profile export " + quote(out.string()) + " --days 0").code == 1);
    CHECK(run(withPass + " profile " + quote(out.string())).code == 1);

    addAccounts(f);
    auto exported = run(withPass + " profile export " + quote(out.string()) + " --days 7");
    INFO(exported.output);
    REQUIRE(exported.code == 0);
    CHECK(exported.output.find("x:press  documented limits") != std::string::npos);
    CHECK(exported.output.find("postern-cli profile import") != std::string::npos);
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    auto p = bundle::readProfile(test::UploaderFixture::slurp(out), f.home->signKey()->publicKey(), now);
    REQUIRE(p.ok());
    CHECK(p->channels.size() == 2);
    CHECK(p->expires - p->created == 7 * 86400);
    CHECK(p->created <= now);
    CHECK(p->created > now - 600);
}

TEST_CASE("profile export falls back to documented limits for a TikTok channel it cannot ask",
          "[uploader][profile][cli]")
{
    // Live TikTok limits against the contract server are tested in tests/contract
    // (TestTikTokContract.cpp, "profile export reads the creator's live limits"). Here the
    // command's own wiring: one channel that cannot be asked does not stop the export.
    test::UploaderFixture f;
    const fs::path pass = f.dir / "pass";
    REQUIRE(writeFileAtomic(pass, std::string(test::UploaderFixture::kPassphrase) + "\n", 0600).ok());
    addAccounts(f);
    {
        AccountStore accounts(f.home->ledger(), f.home->layout().hostKey, f.clock);
        AccountSecrets t;
        t.accessToken = crypto::SecretText("act.token");
        t.refreshToken = crypto::SecretText("rft.token");
        t.clientId = "ck"; // no client secret: the adapter refuses before any request
        REQUIRE(accounts.add("tiktok:press", "press", "http://127.0.0.1:9", t).ok());
    }
    const fs::path out = f.dir / "profile.postern";
    auto exported = run("--home " + quote(f.homeDir().string()) + " --passphrase-file " + quote(pass.string())
                        + " profile export " + quote(out.string()));
    INFO(exported.output);
    CHECK(exported.code == 5); // some channels could not be asked; the profile is still written
    CHECK(exported.output.find("tiktok:press  documented limits") != std::string::npos);
    CHECK(exported.output.find("note: tiktok:press: could not fetch live limits") != std::string::npos);
    CHECK(exported.output.find("no client secret") != std::string::npos);
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    auto p = bundle::readProfile(test::UploaderFixture::slurp(out), f.home->signKey()->publicKey(), now);
    REQUIRE(p.ok());
    CHECK(p->channels.size() == 3);
    const auto* tiktok = p->find(domain::ChannelId::parse("tiktok:press").value());
    REQUIRE(tiktok);
    CHECK_FALSE(tiktok->fetched);
    CHECK(tiktok->limits == documentedLimits(domain::Platform::TikTok));
}
