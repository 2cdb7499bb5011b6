// SPDX-License-Identifier: GPL-3.0-or-later
// The OAuth credentials file of `account add` (TikTok, X) and the sealing of every secret field.
#include "postern/uploader/net/AccountCredentials.h"
#include "postern/uploader/net/AccountStore.h"
#include "postern/util/FileIO.h"

#include "UploaderFixture.h"

#include <filesystem>

using namespace postern;
using namespace postern::uploader;
using postern::test::UploaderFixture;

namespace {

constexpr std::int64_t kNow = 1790000000;

/** The answer shape of TikTok's token endpoint, from
 *  https://developers.tiktok.com/doc/oauth-user-access-token-management (values made up),
 *  with the app's client_key and secret added as client_id / client_secret. */
constexpr std::string_view kTikTok = R"({
  "access_token": "act.1d1021d2aee3d41fee2d2add43456badMFZnrhFhfWotu3Ecuiuka27L56lr",
  "expires_in": 86400,
  "open_id": "afd97af1-b87b-48b9-ac98-410aghda5344",
  "refresh_expires_in": 31536000,
  "refresh_token": "rft.713j3d2aee3d41fee2d2add43456badMFZnrhFhfWotu3Ecuiuka27L56lr",
  "scope": "user.info.basic,video.publish",
  "token_type": "Bearer",
  "client_id": "awabc123",
  "client_secret": "s3cr3t"
})";

std::string_view code(const Result<AccountSecrets>& r)
{
    return r ? std::string_view("ok") : errcName(r.code());
}

} // namespace

TEST_CASE("a TikTok token answer becomes account secrets with absolute expiry times", "[uploader][accounts]")
{
    auto s = parseCredentials(kTikTok, kNow);
    REQUIRE(s);
    CHECK(s->accessToken.view().rfind("act.", 0) == 0);
    CHECK(s->refreshToken.view().rfind("rft.", 0) == 0);
    CHECK(s->clientId == "awabc123");
    CHECK(s->clientSecret == "s3cr3t");
    CHECK(s->userId == "afd97af1-b87b-48b9-ac98-410aghda5344");
    CHECK(s->accessExpires == kNow + 86400);
    CHECK(s->refreshExpires == kNow + 31536000);
    CHECK(s->password.empty());
}

TEST_CASE("an X token answer (public client, no secret) is accepted", "[uploader][accounts]")
{
    // Shape from https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
    auto s = parseCredentials(R"({"token_type":"bearer","expires_in":7200,"access_token":"VGhpcyBpcyBhbiBleGFtcGxl",)"
                              R"("scope":"tweet.read tweet.write users.read media.write offline.access",)"
                              R"("refresh_token":"bWFzdGVyIHJlZnJlc2g","client_id":"cGF0aA"})",
                              kNow);
    REQUIRE(s);
    CHECK(s->clientSecret.empty());
    CHECK(s->accessExpires == kNow + 7200);
    CHECK(s->refreshExpires == 0); // X does not say: unknown
}

TEST_CASE("broken credentials files are refused with named errors", "[uploader][accounts]")
{
    // Each line: the file, and the error it must produce.
    const std::vector<std::pair<std::string, std::string_view>> cases{
        {R"({"access_token":"a","refresh_token":"b"})", "missing-field"}, // no client_id
        {R"({"access_token":"a","client_id":"c"})", "missing-field"},     // no refresh token
        {R"({"acces_token":"a","access_token":"a","client_id":"c","refresh_token":"b"})", "unknown-field"}, // typo
        {R"({"access_token":"","client_id":"c","refresh_token":"b"})", "bad-value"}, // empty token
        {R"({"access_token":"a","client_id":"c","refresh_token":"b","token_type":"mac"})", "bad-value"},
        {R"({"access_token":"a","client_id":"c","refresh_token":"b","expires_in":0})", "bad-value"},
        {R"({"access_token":"a","client_id":"c","refresh_token":"b","expires_in":"7200"})", "wrong-type"},
        {R"({"access_token":"a","client_id":"c","refresh_token":"b","open_id":"x","user_id":"y"})", "bad-value"},
        {R"(["access_token"])", "syntax"},
        {R"({"access_token":"a",)", "truncated"},
        {std::string(kMaxCredentialsFileBytes + 1, ' '), "too-large"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text.substr(0, 120));
        CHECK(code(parseCredentials(text, kNow)) == expected);
    }
}

TEST_CASE("every secret field survives sealing and a restart", "[uploader][accounts]")
{
    UploaderFixture f;
    AccountStore accounts(f.home->ledger(), f.home->layout().hostKey, f.clock);
    auto secrets = parseCredentials(kTikTok, kNow).value();
    REQUIRE(accounts.add("tiktok:newsroom", "newsroom", "https://open.tiktokapis.com", secrets));
    f.restart();
    AccountStore reopened(f.home->ledger(), f.home->layout().hostKey, f.clock);
    auto loaded = reopened.load("tiktok:newsroom").value().value();
    CHECK(loaded.service == "https://open.tiktokapis.com");
    CHECK(loaded.secrets.accessToken == secrets.accessToken);
    CHECK(loaded.secrets.refreshToken == secrets.refreshToken);
    CHECK(loaded.secrets.clientId == secrets.clientId);
    CHECK(loaded.secrets.clientSecret == secrets.clientSecret);
    CHECK(loaded.secrets.userId == secrets.userId);
    CHECK(loaded.secrets.accessExpires == secrets.accessExpires);
    CHECK(loaded.secrets.refreshExpires == secrets.refreshExpires);
    // No file of the home (ledger, its WAL, keys) holds any of them in the clear.
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(f.home->layout().root)) {
        if (!e.is_regular_file() || e.path().filename() == "lock")
            continue;
        ++files;
        const auto bytes = readFileCapped(e.path(), 64u << 20).value();
        INFO(e.path());
        CHECK(bytes.find(secrets.refreshToken.view()) == std::string::npos);
        CHECK(bytes.find(secrets.accessToken.view()) == std::string::npos);
        CHECK(bytes.find("s3cr3t") == std::string::npos);
    }
    CHECK(files >= 3);
}
