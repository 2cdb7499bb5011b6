// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/Receipt.h"

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
