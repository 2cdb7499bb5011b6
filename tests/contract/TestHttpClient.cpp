// SPDX-License-Identifier: GPL-3.0-or-later
// The uploader's HTTP client against a real local server (tests/contract/http.mjs): bodies
// streamed from file ranges and multipart forms arrive byte for byte, redirects are not
// followed, caps and deadlines hold, and TLS refuses a certificate nobody vouches for.
#include "postern/crypto/Crypto.h"
#include "postern/util/FileIO.h"

#include "ContractServer.h"
#include "TempDir.h"

#include <catch2/catch.hpp>
#include <sodium.h>

#include <random>
#include <thread>

using namespace postern;
using namespace postern::uploader;
using postern::test::ContractServer;

namespace {

std::string sha256Hex(std::string_view bytes)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return toHex(ByteView(digest, sizeof digest));
}

Json echoed(const HttpResponse& r)
{
    REQUIRE(r.status == 200);
    auto doc = parseForeignJson(r.body, JsonLimits{});
    REQUIRE(doc);
    return *doc;
}

std::string str(const Json& doc, std::string_view key)
{
    const Json* v = doc.find(key);
    REQUIRE(v);
    return v->asString();
}

/** Scratch is a file of random bytes to send. */
struct Scratch
{
    Scratch() : bytes(3u << 20, '\0')
    {
        randombytes_buf(bytes.data(), bytes.size());
        REQUIRE(writeFileAtomic(path, bytes, 0600));
    }
    postern::test::TempDir dir;
    std::filesystem::path path = dir.path() / "media-0";
    std::string bytes;
};

} // namespace

TEST_CASE("a byte range of a file is streamed as the body, exactly", "[http]")
{
    ContractServer server;
    Scratch file;
    HttpClient http;
    for (const std::string method : {"PUT", "POST"}) {
        HttpRequest r;
        r.method = method;
        r.url = server.url() + "/echo";
        r.headers = {{"Content-Type", "video/mp4"}, {"Content-Range", "bytes 1000-1001999/3145728"}};
        r.bodyFile = FileRange{file.path, 1000, 1001000};
        const Json doc = echoed(http.send(r).value());
        CHECK(str(doc, "method") == method);
        CHECK(doc.find("length")->asInt() == 1001000);
        CHECK(str(doc, "sha256") == sha256Hex(std::string_view(file.bytes).substr(1000, 1001000)));
        CHECK(str(*doc.find("headers"), "content-range") == "bytes 1000-1001999/3145728");
        CHECK(str(*doc.find("headers"), "content-length") == "1001000");
    }
    // Without a length: to the end of the file.
    HttpRequest tail;
    tail.method = "PUT";
    tail.url = server.url() + "/echo";
    tail.bodyFile = FileRange{file.path, 3000000, std::nullopt};
    const Json doc = echoed(http.send(tail).value());
    CHECK(doc.find("length")->asInt() == static_cast<std::int64_t>(file.bytes.size() - 3000000));

    // A range outside the file is refused before anything is sent.
    tail.bodyFile = FileRange{file.path, 3000000, 1u << 20};
    CHECK_FALSE(http.send(tail));
}

TEST_CASE("a multipart form carries text fields and a streamed file part", "[http]")
{
    ContractServer server;
    Scratch file;
    HttpClient http;
    HttpRequest r;
    r.method = "POST";
    r.url = server.url() + "/echo";
    r.form.push_back(FormPart{"description", "Alt text — with UTF-8 ✓", std::nullopt, "", ""});
    r.form.push_back(FormPart{"file", "", FileRange{file.path, 0, 2u << 20}, "media-0.png", "image/png"});
    r.form.push_back(FormPart{"segment_index", "7", std::nullopt, "", ""});
    const Json doc = echoed(http.send(r).value());
    const auto& parts = doc.find("parts")->asArray();
    REQUIRE(parts.size() == 3);
    CHECK(str(parts[0], "name") == "description");
    CHECK(str(parts[0], "text") == "Alt text — with UTF-8 ✓");
    CHECK(str(parts[1], "name") == "file");
    CHECK(str(parts[1], "filename") == "media-0.png");
    CHECK(str(parts[1], "content_type") == "image/png");
    CHECK(parts[1].find("length")->asInt() == (2 << 20));
    CHECK(str(parts[1], "sha256") == sha256Hex(std::string_view(file.bytes).substr(0, 2u << 20)));
    CHECK(str(parts[2], "text") == "7");
}

TEST_CASE("DELETE is sent; unknown methods and two bodies are refused", "[http]")
{
    ContractServer server;
    HttpClient http;
    HttpRequest r;
    r.method = "DELETE";
    r.url = server.url() + "/echo";
    CHECK(str(echoed(http.send(r).value()), "method") == "DELETE");

    r.method = "PATCH";
    auto patch = http.send(r);
    REQUIRE_FALSE(patch);
    CHECK(patch.code() == Errc::InvalidArgument);

    r.method = "POST";
    r.body = "x";
    r.form.push_back(FormPart{"a", "b", std::nullopt, "", ""});
    CHECK_FALSE(http.send(r));
}

TEST_CASE("credentials travel from guarded memory: the Authorization header and a secret body", "[http]")
{
    ContractServer server;
    HttpClient http;
    HttpRequest r;
    r.method = "POST";
    r.url = server.url() + "/echo";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    r.authorization = crypto::SecretText::concat({"Bearer ", "tok/en+1"});
    const crypto::SecretText token = percentEncodeSecret("rft.a b&c=d/é");
    r.secretBody = crypto::SecretText::concat({"grant_type=refresh_token&refresh_token=", token.view()});
    const std::string expected = "grant_type=refresh_token&refresh_token=rft.a%20b%26c%3Dd%2F%C3%A9";
    CHECK(r.secretBody == expected);
    const Json doc = echoed(http.send(r).value());
    CHECK(str(*doc.find("headers"), "authorization") == "Bearer tok/en+1");
    CHECK(doc.find("length")->asInt() == static_cast<std::int64_t>(expected.size()));
    CHECK(str(doc, "sha256") == sha256Hex(expected));
    CHECK(r.authorization == "Bearer tok/en+1"); // the caller's copy is untouched by the send

    SECTION("a secret body and a plain body at once are refused")
    {
        r.body = "x";
        auto both = http.send(r);
        REQUIRE_FALSE(both);
        CHECK(both.code() == Errc::Internal);
    }
}

TEST_CASE("jsonQuoteSecret and percentEncodeSecret escape as their plain counterparts do", "[http]")
{
    const std::string nasty = std::string("pa\"ss\\w\x01rd\n", 11) + "é";
    const crypto::SecretText quoted = jsonQuoteSecret(nasty);
    auto parsed = parseForeignJson(quoted.view(), JsonLimits{});
    REQUIRE(parsed);
    CHECK(parsed->asString() == nasty);
    CHECK(quoted == "\"pa\\\"ss\\\\w\\u0001rd\\u000A\u00e9\""); // every control byte as \u00XX
    for (const std::string& text : {std::string(), std::string("plain-123_~."), nasty})
        CHECK(percentEncodeSecret(text) == percentEncode(text));
}

TEST_CASE("redirects are answered as they are, never followed", "[http]")
{
    ContractServer server;
    HttpClient http;
    HttpRequest r;
    r.url = server.url() + "/redirect";
    auto answer = http.send(r);
    REQUIRE(answer);
    CHECK(answer->status == 302);
    REQUIRE(answer->header("location"));
    CHECK(*answer->header("location") == "/echo");
}

TEST_CASE("an answer over its cap is abandoned; a slow one hits the deadline", "[http]")
{
    ContractServer server;
    HttpClient http;
    HttpRequest big;
    big.url = server.url() + "/large?bytes=300000";
    big.maxResponseBytes = 100000;
    auto tooLarge = http.send(big);
    REQUIRE_FALSE(tooLarge);
    CHECK(tooLarge.code() == Errc::TooLarge);
    big.maxResponseBytes = 400000;
    CHECK(http.send(big).value().body.size() == 300000);

    HttpRequest slow;
    slow.url = server.url() + "/slow?ms=3000";
    slow.timeout = std::chrono::milliseconds(500);
    auto late = http.send(slow);
    REQUIRE_FALSE(late);
    CHECK(late.code() == Errc::Io);
    CHECK(late.error().message.find("no answer within") != std::string::npos);
}

TEST_CASE("TLS refuses a certificate that does not chain to a trusted CA", "[http]")
{
    ContractServer server;
    std::string httpsUrl;
    for (int i = 0; i < 50 && httpsUrl.empty(); ++i) {
        const Json state = server.state();
        if (const Json* u = state.find("https_url"); u && u->type() == Json::Type::String)
            httpsUrl = u->asString();
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE_FALSE(httpsUrl.empty());
    server.reset();
    HttpClient http;
    HttpRequest r;
    r.url = httpsUrl + "/xrpc/com.atproto.server.createSession";
    auto answer = http.send(r);
    REQUIRE_FALSE(answer);
    CHECK(answer.code() == Errc::Io);
    INFO(answer.error().message);
    // Qt names the TLS failure ("SSL handshake failed", "The certificate is self-signed ...").
    CHECK((answer.error().message.find("SSL") != std::string::npos
           || answer.error().message.find("certificate") != std::string::npos));
    // The server's handler never ran: no request got past the handshake.
    CHECK(server.state().find("https_requests")->asInt() == 0);
}

namespace {

/**
 * postAfterIdle sends a GET (which leaves a pooled keep-alive connection), waits about as long
 * as the server keeps an idle connection (2 s), then POSTs: the moment a create can meet a
 * connection the server is closing. Returns how many of `runs` POSTs got no answer. (Qt 6.4
 * on loopback did not lose one here even without a fresh connection, in 140 tries; the issue
 * saw it against the full publish flow, so this guards the rule rather than replaying the race.)
 */
int postAfterIdle(int runs, bool fresh = true, int waitMs = 1950, int spreadMs = 100)
{
    ContractServer server;
    Json keepAlive(Json::Object{});
    keepAlive.set("ms", std::int64_t{2000});
    server.control("keepalive", keepAlive);
    HttpClient http;
    std::mt19937 rng(std::random_device{}());
    int lost = 0;
    for (int run = 0; run < runs; ++run) {
        HttpRequest get;
        get.url = server.url() + "/echo";
        auto first = http.send(get);
        REQUIRE(first);
        const std::int64_t pooled = echoed(*first).find("remote_port")->asInt();
        std::this_thread::sleep_for(std::chrono::milliseconds(waitMs + static_cast<int>(rng() % spreadMs)));
        HttpRequest post;
        post.method = "POST";
        post.url = server.url() + "/echo";
        post.body = "create " + std::to_string(run);
        post.freshConnection = fresh;
        auto answer = http.send(post);
        if (!answer || answer->status != 200) {
            ++lost;
            WARN("run " << run << ": " << (answer ? std::to_string(answer->status) : answer.error().message));
            continue;
        }
        // A new connection (another client port), not the pooled one the server may be closing.
        if (fresh)
            CHECK(echoed(*answer).find("remote_port")->asInt() != pooled);
    }
    server.control("keepalive", Json(Json::Object{}));
    return lost;
}

} // namespace

TEST_CASE("a create on a fresh connection never meets a connection the server is closing", "[http][race]")
{
    // Issue 12: a POST written as the server closed its idle keep-alive connection got no
    // answer (Qt may not re-send it) and the post was recorded unknown. 20 runs in a row.
    CHECK(postAfterIdle(20) == 0);
}

TEST_CASE("an ordinary request reuses the pooled connection", "[http]")
{
    // The counterpart: without freshConnection the pool works as usual (one handshake per run).
    ContractServer server;
    HttpClient http;
    HttpRequest r;
    r.url = server.url() + "/echo";
    auto first = http.send(r);
    auto second = http.send(r);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(echoed(*first).find("remote_port")->asInt() == echoed(*second).find("remote_port")->asInt());
}

TEST_CASE("replay attempt: a pooled POST after the server's 2 s keep-alive (the old behaviour)", "[.][race-repro]")
{
    // Hidden (run with "[race-repro]"): the failure, tried against the behaviour before
    // freshConnection. Waits of 1995-2005 ms and 2000-2500 ms straddle Node's 2000 ms timer.
    const int tight = postAfterIdle(40, false, 1995, 10);
    const int wide = postAfterIdle(20, false, 2000, 500);
    WARN("pooled POSTs lost: " << tight << " of 40 (1995-2005 ms), " << wide << " of 20 (2000-2500 ms)");
    CHECK(tight + wide >= 0);
}
