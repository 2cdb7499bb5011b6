// SPDX-License-Identifier: GPL-3.0-or-later
// The Bluesky adapter's pure parts, the ledger's sent/unknown states, sealed accounts and the
// HTTP client's URL rule: everything that needs no server. The server tests are in
// TestBlueskyPds.cpp (run by tests/pds/bluesky_e2e.sh).
#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/platforms/bluesky/BlueskyAdapter.h"
#include "postern/uploader/platforms/bluesky/BlueskyText.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/net/ImageInfo.h"

#include "UploaderFixture.h"

#include <sys/stat.h>

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;

namespace {

std::string spanText(std::string_view text, const FacetSpan& s)
{
    return std::string(text.substr(s.byteStart, s.byteEnd - s.byteStart));
}

/** tidValue decodes a TID back to its 64-bit value (https://atproto.com/specs/tid). */
std::uint64_t tidValue(std::string_view tid)
{
    constexpr std::string_view kAlphabet = "234567abcdefghijklmnopqrstuvwxyz";
    std::uint64_t v = 0;
    for (const char c : tid)
        v = (v << 5) | kAlphabet.find(c);
    return v;
}

} // namespace

TEST_CASE("facets: links, tags and mentions with UTF-8 byte offsets", "[uploader][bluesky]")
{
    // "—" is 3 bytes and "✓" 3 bytes: character and byte offsets differ from here on.
    const std::string text = "Open day — ✓ see https://example.org/a?b=1. #OpenDay (@press.example.org) #2024 x#no";
    const auto spans = detectFacets(text);
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].kind == FacetKind::Link);
    CHECK(spans[0].value == "https://example.org/a?b=1");
    CHECK(spanText(text, spans[0]) == "https://example.org/a?b=1");
    CHECK(spans[0].byteStart == text.find("https://"));
    CHECK(spans[0].byteStart == 21); // 17 characters, 21 bytes
    CHECK(spans[1].kind == FacetKind::Tag);
    CHECK(spans[1].value == "OpenDay");
    CHECK(spanText(text, spans[1]) == "#OpenDay");
    CHECK(spans[2].kind == FacetKind::Mention);
    CHECK(spans[2].value == "press.example.org");
    CHECK(spanText(text, spans[2]) == "@press.example.org");
    // "#2024" (all digits) and "x#no" (not at a word start) are not tags.
}

TEST_CASE("facets: a parenthesised link keeps its own parentheses only", "[uploader][bluesky]")
{
    const std::string text = "(see https://en.wikipedia.org/wiki/Tor_(network))";
    const auto spans = detectFacets(text);
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].value == "https://en.wikipedia.org/wiki/Tor_(network)");
    CHECK(detectFacets("no @handle-without-dot here, nor http:// alone").empty());
}

TEST_CASE("record keys are deterministic, valid TIDs that encode the bundle time", "[uploader][bluesky]")
{
    const bundle::BundleId id = bundle::deriveBundleId(crypto::SigningKey::generate().publicKey(), 7);
    const auto k = recordKeyFor(id, Ceremony::kNow, 2, 1).value();
    CHECK(isValidTid(k));
    CHECK(k == recordKeyFor(id, Ceremony::kNow, 2, 1).value());
    CHECK(k != recordKeyFor(id, Ceremony::kNow, 2, 0).value());
    CHECK(k != recordKeyFor(id, Ceremony::kNow, 1, 1).value());
    const std::uint64_t v = tidValue(k);
    CHECK((v >> 63) == 0);
    CHECK((v >> 10) == static_cast<std::uint64_t>(Ceremony::kNow) * 1000000u + 2 * 64 + 1);
    CHECK_FALSE(recordKeyFor(id, Ceremony::kNow, 15625, 0));
    CHECK_FALSE(recordKeyFor(id, Ceremony::kNow, 0, 64));
    CHECK_FALSE(isValidTid("kaaaaaaaaaaaa")); // first character must be 2-7 or a-j
    CHECK_FALSE(isValidTid("3n33gyqjca2d"));
    CHECK(isValidTid("3n33gyqjca2do"));
}

TEST_CASE("image sizes come from PNG, JPEG and GIF headers; broken headers are refused", "[uploader][bluesky]")
{
    // The 1x1 PNG of tests/e2e/full_flow.sh.
    const Bytes png =
        toBytes(std::string_view("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x03\x00\x00\x00\x02\x08\x06"
                                 "\x00\x00\x00",
                                 29));
    auto size = parseImageSize(png);
    REQUIRE(size);
    CHECK(size->width == 3);
    CHECK(size->height == 2);
    // JPEG: SOI, an APP0 segment of 4 bytes, then SOF0 with height 480 and width 640.
    const Bytes jpeg =
        {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80};
    size = parseImageSize(jpeg);
    REQUIRE(size);
    CHECK(size->width == 640);
    CHECK(size->height == 480);
    const Bytes gif = toBytes(std::string_view("GIF89a\x10\x00\x20\x00", 10));
    CHECK(parseImageSize(gif)->height == 32);

    CHECK(parseImageSize(Bytes(png.begin(), png.begin() + 20)).code() == Errc::Truncated);
    Bytes zero = png;
    zero[19] = 0; // width 0
    CHECK(parseImageSize(zero).code() == Errc::BadValue);
    const Bytes sos = {0xff, 0xd8, 0xff, 0xda, 0x00, 0x04, 0x00, 0x00};
    CHECK(parseImageSize(sos).code() == Errc::BadValue); // image data before any SOF
    CHECK(parseImageSize(toBytes("RIFF....WEBP")).code() == Errc::BadValue);
}

TEST_CASE("parseForeignJson drops null members and nothing else", "[uploader][bluesky]")
{
    auto doc = parseForeignJson(R"({ "z": 1, "a": null, "b": {"c": null, "d": "x"} })", JsonLimits{});
    REQUIRE(doc);
    CHECK(doc->find("a") == nullptr);
    CHECK(doc->find("z")->asInt() == 1);
    CHECK(doc->find("b")->find("d")->asString() == "x");
    CHECK(doc->find("b")->asObject().size() == 1);
    CHECK(parseForeignJson("[null]", JsonLimits{}).code() == Errc::Syntax);
    CHECK(parseForeignJson("null", JsonLimits{}).code() == Errc::Syntax);
    CHECK(parseForeignJson(R"({"a":1.5})", JsonLimits{}).code() == Errc::Syntax);
    CHECK(parseForeignJson(R"({"a":1,"a":2})", JsonLimits{}).code() == Errc::DuplicateField);
    // The strict parsers are unchanged.
    CHECK(parseJson(R"({"a":null})", JsonLimits{}).code() == Errc::Syntax);
}

TEST_CASE("the HTTP client allows plain http only to this host", "[uploader][bluesky]")
{
    CHECK(HttpClient::checkUrl("https://bsky.social"));
    CHECK(HttpClient::checkUrl("http://localhost:2583"));
    CHECK(HttpClient::checkUrl("http://127.0.0.1:2583/xrpc"));
    CHECK(HttpClient::checkUrl("http://[::1]:2583"));
    CHECK(HttpClient::checkUrl("http://bsky.social").code() == Errc::InvalidArgument);
    CHECK(HttpClient::checkUrl("http://localhost.evil.example").code() == Errc::InvalidArgument);
    CHECK(HttpClient::checkUrl("ftp://localhost").code() == Errc::InvalidArgument);
    CHECK(HttpClient::checkUrl("not a url").code() == Errc::InvalidArgument);
    HttpClient http;
    HttpRequest r;
    r.url = "http://example.org/";
    CHECK(http.send(r).code() == Errc::InvalidArgument); // refused before anything is sent
    r.url = "http://127.0.0.1:1/";                       // nothing listens on port 1
    CHECK(http.send(r).code() == Errc::Io);
}

TEST_CASE("account secrets are sealed under the host key and bound to their channel", "[uploader][bluesky]")
{
    UploaderFixture f;
    const std::string password = "app-password-abcd-efgh";
    AccountStore accounts(f.home->ledger(), f.home->layout().hostKey, f.clock);
    REQUIRE(accounts.add("bluesky:press.example.org",
                         "press.example.org",
                         "https://pds.example",
                         crypto::SecureBuffer(asBytes(password))));
    CHECK(accounts.add("bluesky:press.example.org", "x", "https://pds.example", crypto::SecureBuffer(asBytes(password)))
              .code()
          == Errc::AlreadyExists);
    struct stat st
    {
    };
    REQUIRE(::stat(f.home->layout().hostKey.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    const auto record = f.home->ledger().account("bluesky:press.example.org").value().value();
    const std::string sealed = toString(record.sealed);
    CHECK(sealed.find(password) == std::string::npos);

    auto loaded = accounts.load("bluesky:press.example.org").value().value();
    CHECK(loaded.secrets.password == password);
    CHECK(loaded.secrets.accessToken.empty());
    loaded.secrets.accessToken = crypto::SecretText("access");
    loaded.secrets.refreshToken = crypto::SecretText("refresh");
    loaded.secrets.did = "did:plc:abc";
    REQUIRE(accounts.saveSecrets("bluesky:press.example.org", loaded.secrets));
    f.restart();
    AccountStore reopened(f.home->ledger(), f.home->layout().hostKey, f.clock);
    auto again = reopened.load("bluesky:press.example.org").value().value();
    CHECK(again.secrets.refreshToken == "refresh");
    CHECK(again.secrets.did == "did:plc:abc");

    // A row copied onto another channel does not open.
    AccountRecord copy = f.home->ledger().account("bluesky:press.example.org").value().value();
    copy.channel = "bluesky:other.example.org";
    REQUIRE(f.home->ledger().addAccount(copy));
    CHECK(reopened.load("bluesky:other.example.org").code() == Errc::BadKeyFile);
    // A host key readable by others is refused.
    REQUIRE(::chmod(f.home->layout().hostKey.c_str(), 0644) == 0);
    CHECK(reopened.load("bluesky:press.example.org").code() == Errc::PermissionDenied);
    REQUIRE(reopened.remove("bluesky:press.example.org"));
    CHECK(reopened.remove("bluesky:press.example.org").code() == Errc::NotFound);
}

TEST_CASE("ledger: sent and unknown are pending, keyed, and resolved once", "[uploader][bluesky]")
{
    UploaderFixture f;
    int hits = 0;
    f.options.crashAt = [&hits](CrashPoint p) { return p == CrashPoint::AfterClaim && ++hits == 1; };
    f.restart();
    auto content = f.ceremony.post("Pending", {}, {Ceremony::bluesky()});
    PublishRequest request;
    request.bundlePath = f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(content)})));
    CHECK(f.service->publish(request).code() == Errc::Cancelled);
    const auto id = bundle::deriveBundleId(f.ceremony.workstation.publicKey(), 1);
    Ledger& ledger = f.home->ledger();
    TargetRecord t = ledger.targets(id).value().at(0);
    CHECK(t.state == TargetState::Claimed);
    CHECK(ledger.markUnknown(t, "x", 1).code() == Errc::InvalidState); // never sent
    REQUIRE(ledger.markSent(t, "3n33gyqjca2do", 1));
    CHECK(ledger.markSent(t, "3n33gyqjca2dp", 1).code() == Errc::InvalidState); // another key
    REQUIRE(ledger.markUnknown(t, "no answer", 2));
    t = ledger.targets(id).value().at(0);
    CHECK(t.state == TargetState::Unknown);
    CHECK(t.idempotencyKey == "3n33gyqjca2do");
    CHECK(ledger.countPending().value() == 2);       // the target and its bundle
    REQUIRE(ledger.markSent(t, "3n33gyqjca2do", 3)); // a retry after reconciling
    t.state = TargetState::Done;
    REQUIRE(ledger.resolveTarget(t));
    CHECK(ledger.resolveTarget(t).code() == Errc::InvalidState);
    CHECK(ledger.markSent(t, "3n33gyqjca2do", 4).code() == Errc::InvalidState);
}

TEST_CASE("a bluesky target without an account stays pending with a hint", "[uploader][bluesky]")
{
    UploaderFixture f;
    HttpClient http;
    AccountStore accounts(f.home->ledger(), f.home->layout().hostKey, f.clock);
    BlueskyAdapter adapter(accounts, http, f.clock);
    f.service->setAdapter(domain::Platform::Bluesky, &adapter);
    auto content = f.ceremony.post("No account yet", {}, {Ceremony::bluesky()});
    const auto report = f.publish(f.writeBundle(f.seal(f.ceremony.manifest({f.ceremony.approved(content)}))));
    REQUIRE(report.progress.targets.size() == 1);
    CHECK(report.progress.targets[0].record.state == TargetState::Claimed);
    CHECK(report.progress.targets[0].pendingError.find("account add") != std::string::npos);
    CHECK_FALSE(report.progress.complete);
}
