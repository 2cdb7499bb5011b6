// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/Receipt.h"
#include "postern/domain/SignedDocument.h"
#include "postern/util/Json.h"

#include <cstdio>
#include <functional>

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::bundle;

namespace {
Receipt sample(const crypto::SigningKey& ws)
{
    Receipt r;
    r.bundleId = deriveBundleId(ws.publicKey(), 3);
    r.workstation = ws.publicKey();
    r.processedAt = 1798761600;
    ReceiptEntry e;
    e.postId = std::string(32, 'a');
    e.version = 2;
    e.channel = domain::ChannelId::parse("outbox:press").value();
    e.state = ReceiptState::Published;
    e.url = "file:///srv/outbox/x";
    r.entries.push_back(e);
    e.channel = domain::ChannelId::parse("bluesky:press.example.org").value();
    e.state = ReceiptState::Failed;
    e.url.clear();
    e.reason = "no publishing adapter for bluesky yet";
    r.entries.push_back(e);
    return r;
}
} // namespace

TEST_CASE("receipts round trip under the uploader key", "[receipt]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const std::string text = makeReceipt(sample(ws), uploader);
    auto r = readReceipt(text, uploader.publicKey());
    REQUIRE(r.ok());
    REQUIRE(r->entries.size() == 2);
    CHECK(r->entries[0].channel.str() == "bluesky:press.example.org"); // sorted
    CHECK(r->entries[0].state == ReceiptState::Failed);
    CHECK(r->entries[1].url == "file:///srv/outbox/x");
    CHECK(r->bundleId == deriveBundleId(ws.publicKey(), 3));
}

TEST_CASE("broken receipts are refused with the named error", "[receipt]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const std::string text = makeReceipt(sample(ws), uploader);
    // Signed by someone else.
    CHECK(readReceipt(text, crypto::SigningKey::generate().publicKey()).code() == Errc::BadSignature);
    // Edited after signing.
    std::string edited = text;
    edited.replace(edited.find("\"published\""), 11, "\"scheduled\"");
    CHECK(readReceipt(edited, uploader.publicKey()).code() == Errc::BadSignature);
    // Cut short, CRLF, an extra newline, trailing garbage, oversized.
    CHECK(readReceipt(text.substr(0, text.size() - 1), uploader.publicKey()).code() == Errc::Truncated);
    CHECK(readReceipt(text.substr(0, text.size() - 1) + "\r\n", uploader.publicKey()).code() == Errc::NonCanonical);
    CHECK(readReceipt(text + "\n", uploader.publicKey()).code() == Errc::NonCanonical);
    CHECK(readReceipt(text.substr(0, text.size() - 1) + "x\n", uploader.publicKey()).code() == Errc::TrailingData);
    CHECK(readReceipt(std::string(kMaxReceiptBytes + 1, ' '), uploader.publicKey()).code() == Errc::TooLarge);
    CHECK(readReceipt("{}\n", uploader.publicKey()).code() == Errc::MissingField);
}

namespace {
/** resignedWith signs `text`'s body again after `edit` changed it: only the rule under test can
 *  then refuse the receipt, not its signature. */
std::string resignedWith(const std::string& text,
                         const crypto::SigningKey& uploader,
                         const std::function<Json(const Json&)>& edit)
{
    const auto envelope = parseCanonicalJson(text.substr(0, text.size() - 1), JsonLimits{});
    REQUIRE(envelope.ok());
    const Json body = edit(*envelope->find("body"));
    return domain::signedFileText(domain::makeSignedDocument(body, {&uploader}));
}

Json withMember(const Json& object, const std::string& key, Json value)
{
    Json out = object;
    out.set(key, std::move(value));
    return out;
}
} // namespace

TEST_CASE("receipt entries out of canonical order or twice are refused", "[receipt][canonical]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const std::string text = makeReceipt(sample(ws), uploader);
    REQUIRE(readReceipt(text, uploader.publicKey()).ok());
    const auto reversed = resignedWith(text, uploader, [](const Json& body) {
        const auto& e = body.find("entries")->asArray();
        return withMember(body, "entries", Json(Json::Array{e[1], e[0]}));
    });
    CHECK(readReceipt(reversed, uploader.publicKey()).code() == Errc::NonCanonical);
    const auto twice = resignedWith(text, uploader, [](const Json& body) {
        const auto& e = body.find("entries")->asArray();
        return withMember(body, "entries", Json(Json::Array{e[0], e[0]}));
    });
    CHECK(readReceipt(twice, uploader.publicKey()).code() == Errc::DuplicateField);
}

TEST_CASE("a receipt naming an error carries no entries", "[receipt]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    const std::string text = makeReceipt(sample(ws), uploader);
    const auto both = resignedWith(text, uploader, [](const Json& body) {
        return withMember(body, "error", Json(std::string("expired")));
    });
    CHECK(readReceipt(both, uploader.publicKey()).code() == Errc::BadValue);
}

TEST_CASE("a receipt's error is a code that earns a receipt", "[receipt]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    Receipt r = sample(ws);
    r.entries.clear();
    r.error = "lifetime-exceeds-policy";
    CHECK(readReceipt(makeReceipt(r, uploader), uploader.publicKey()).ok());
    // §8, §9.1: truncated and bad-magic never earn a receipt; anything else is not a code.
    for (const char* bad : {"truncated", "bad-magic", "replay", "io", "no-such-code"}) {
        r.error = bad;
        INFO(bad);
        CHECK(readReceipt(makeReceipt(r, uploader), uploader.publicKey()).code() == Errc::BadValue);
    }
}

TEST_CASE("receipt ids with the wrong length are bad-encoding at any length", "[receipt]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    Receipt r = sample(ws);
    r.entries[0].postId = std::string(300, 'a');
    r.entries[1].postId = std::string(300, 'a');
    CHECK(readReceipt(makeReceipt(r, uploader), uploader.publicKey()).code() == Errc::BadEncoding);
}

TEST_CASE("a receipt with the most entries a reader accepts still reads", "[receipt][slow]")
{
    // §7: receipts have a value cap of 262 144; 13 000 entries exceed the old 100 000 default.
    const auto uploader = crypto::SigningKey::generate();
    const auto ws = crypto::SigningKey::generate();
    Receipt r = sample(ws);
    r.entries.clear();
    for (int i = 0; i < 13000; ++i) {
        ReceiptEntry e;
        char id[33];
        std::snprintf(id, sizeof id, "%032x", i);
        e.postId = id;
        e.version = 1;
        e.channel = domain::ChannelId::parse("outbox:press").value();
        e.state = ReceiptState::Published;
        r.entries.push_back(e);
    }
    CHECK(readReceipt(makeReceipt(r, uploader), uploader.publicKey()).ok());
}
