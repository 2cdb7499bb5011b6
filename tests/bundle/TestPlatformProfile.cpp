// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/bundle/PlatformProfile.h"
#include "postern/domain/SignedDocument.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::bundle;

namespace {
constexpr std::int64_t kNow = 1798761600;

PlatformProfile sample()
{
    PlatformProfile p;
    p.created = kNow;
    p.expires = kNow + kDefaultProfileLifetimeDays * 86400;
    ProfileChannel tiktok;
    tiktok.channel = domain::ChannelId::parse("tiktok:press").value();
    tiktok.fetched = true;
    tiktok.fetchedAt = kNow - 5;
    tiktok.limits.maxVideoDurationS = 600;
    tiktok.limits.privacyLevelOptions = std::vector<std::string>{"SELF_ONLY", "FOLLOWER_OF_CREATOR"};
    tiktok.limits.duetDisabled = true;
    ProfileChannel masto;
    masto.channel = domain::ChannelId::parse("mastodon:@press@social.example").value();
    masto.fetched = true;
    masto.fetchedAt = kNow - 10;
    masto.limits.maxCharacters = 5000;
    masto.limits.maxMedia = 4;
    masto.limits.maxImageBytes = 16777216;
    masto.limits.mimeTypes = std::vector<std::string>{"image/png", "image/jpeg", "video/mp4"};
    masto.limits.charactersReservedPerUrl = 23;
    p.channels = {tiktok, masto};
    return p;
}

/** resign replaces the body of a valid profile with `edit(body)` and signs it again. */
template <typename Edit>
std::string resign(const std::string& text, const crypto::SigningKey& key, Edit edit)
{
    auto doc = domain::readSignedFile(text, kProfileType, kMaxProfileBytes, 1).value();
    Json body = doc.body;
    edit(body);
    return domain::signedFileText(domain::makeSignedDocument(body, {&key}));
}

/** channelEdit edits the first channel's object inside a body. */
template <typename Edit>
void editFirstChannel(Json& body, Edit edit)
{
    Json channels = *body.find("channels");
    Json first = channels.asArray()[0];
    edit(first);
    Json out(Json::Array{});
    out.push(first);
    for (std::size_t i = 1; i < channels.asArray().size(); ++i)
        out.push(channels.asArray()[i]);
    body.set("channels", out);
}
} // namespace

TEST_CASE("platform profiles round trip under the uploader key", "[profile]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto text = writeProfile(sample(), uploader);
    REQUIRE(text.ok());
    auto p = readProfile(*text, uploader.publicKey(), kNow);
    REQUIRE(p.ok());
    CHECK(p->uploader == uploader.publicKey());
    CHECK(p->created == kNow);
    CHECK(p->expires == kNow + 30 * 86400);
    REQUIRE(p->channels.size() == 2);
    // Sorted by channel id, lists sorted.
    CHECK(p->channels[0].channel.str() == "mastodon:@press@social.example");
    CHECK(p->channels[0].limits.maxCharacters == 5000);
    CHECK(p->channels[0].limits.mimeTypes == std::vector<std::string>{"image/jpeg", "image/png", "video/mp4"});
    CHECK(p->channels[0].limits.charactersReservedPerUrl == 23);
    CHECK_FALSE(p->channels[0].limits.maxVideoBytes.has_value());
    CHECK(p->channels[1].limits.privacyLevelOptions == std::vector<std::string>{"FOLLOWER_OF_CREATOR", "SELF_ONLY"});
    CHECK(p->channels[1].limits.duetDisabled);
    CHECK_FALSE(p->channels[1].limits.commentDisabled);
    CHECK(p->channels[1].fetchedAt == kNow - 5);
    const auto* found = p->find(domain::ChannelId::parse("tiktok:press").value());
    REQUIRE(found);
    CHECK(found->limits.maxVideoDurationS == 600);
    CHECK(p->find(domain::ChannelId::parse("x:press").value()) == nullptr);
    // Re-writing what was read gives the same bytes (one encoding per profile).
    CHECK(writeProfile(*p, uploader).value() == *text);
}

TEST_CASE("an expired profile still reads; the caller decides", "[profile]")
{
    const auto uploader = crypto::SigningKey::generate();
    const auto text = writeProfile(sample(), uploader).value();
    auto p = readProfile(text, uploader.publicKey(), kNow + 31 * 86400);
    REQUIRE(p.ok());
    CHECK(p->expiredAt(kNow + 31 * 86400));
    CHECK_FALSE(p->expiredAt(kNow + 29 * 86400));
}

TEST_CASE("broken platform profiles are refused with the named error", "[profile]")
{
    const auto uploader = crypto::SigningKey::generate();
    const std::string text = writeProfile(sample(), uploader).value();
    const auto key = uploader.publicKey();

    // bad-signature: signed by another key, a wrong key expected, one byte edited after signing.
    CHECK(readProfile(text, crypto::SigningKey::generate().publicKey(), kNow).code() == Errc::BadSignature);
    const auto other = crypto::SigningKey::generate();
    CHECK(readProfile(writeProfile(sample(), other).value(), key, kNow).code() == Errc::BadSignature);
    std::string tampered = text;
    tampered.replace(tampered.find("5000"), 4, "9000");
    CHECK(readProfile(tampered, key, kNow).code() == Errc::BadSignature);
    // bad-signature: another key signed a body that names the trusted uploader.
    CHECK(readProfile(resign(text, other, [&](Json& b) { b.set("uploader", toHex(key)); }), key, kNow).code()
          == Errc::BadSignature);

    // too-large: over 64 KiB. truncated: no final newline. trailing-data after the document.
    CHECK(readProfile(std::string(kMaxProfileBytes + 1, ' '), key, kNow).code() == Errc::TooLarge);
    CHECK(readProfile(text.substr(0, text.size() - 1), key, kNow).code() == Errc::Truncated);
    CHECK(readProfile(text.substr(0, text.size() - 1) + "x\n", key, kNow).code() == Errc::TrailingData);
    // wrong-document-type: a receipt-typed body.
    CHECK(readProfile(resign(text, uploader, [](Json& b) { b.set("type", "postern.receipt"); }), key, kNow).code()
          == Errc::WrongDocumentType);

    // unknown-field at the top and inside limits.
    CHECK(readProfile(resign(text, uploader, [](Json& b) { b.set("note", "x"); }), key, kNow).code()
          == Errc::UnknownField);
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 editFirstChannel(b, [](Json& c) {
                                     Json l = *c.find("limits");
                                     l.set("max_polls", 3);
                                     c.set("limits", l);
                                 });
                             }),
                      key,
                      kNow)
              .code()
          == Errc::UnknownField);
    // missing-field: no created.
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 Json::Object kept;
                                 for (const auto& m : b.asObject())
                                     if (m.first != "created")
                                         kept.push_back(m);
                                 b = Json(kept);
                             }),
                      key,
                      kNow)
              .code()
          == Errc::MissingField);

    // unsupported-version: format 2.
    CHECK(readProfile(resign(text, uploader, [](Json& b) { b.set("format_version", 2); }), key, kNow).code()
          == Errc::UnsupportedVersion);
    // future-dated: created more than a day ahead of the workstation clock; a day is fine.
    CHECK(readProfile(text, key, kNow - 86401).code() == Errc::FutureDated);
    CHECK(readProfile(text, key, kNow - 86400).ok());
    // bad-value: expires not after created.
    CHECK(readProfile(resign(text, uploader, [](Json& b) { b.set("expires", kNow); }), key, kNow).code()
          == Errc::BadValue);
    // bad-value: platform field disagrees with the channel id.
    CHECK(readProfile(
              resign(text, uploader, [](Json& b) { editFirstChannel(b, [](Json& c) { c.set("platform", "x"); }); }),
              key,
              kNow)
              .code()
          == Errc::BadValue);
    // bad-value: max_characters 0; a MIME type Postern does not carry.
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 editFirstChannel(b, [](Json& c) {
                                     Json l = *c.find("limits");
                                     l.set("max_characters", 0);
                                     c.set("limits", l);
                                 });
                             }),
                      key,
                      kNow)
              .code()
          == Errc::BadValue);
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 editFirstChannel(b, [](Json& c) {
                                     Json l = *c.find("limits");
                                     Json m(Json::Array{});
                                     m.push("audio/mpeg");
                                     l.set("mime_types", m);
                                     c.set("limits", l);
                                 });
                             }),
                      key,
                      kNow)
              .code()
          == Errc::BadValue);
    // non-canonical: an unsorted list; a flag written as false.
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 editFirstChannel(b, [](Json& c) {
                                     Json l = *c.find("limits");
                                     Json m(Json::Array{});
                                     m.push("video/mp4");
                                     m.push("image/png");
                                     l.set("mime_types", m);
                                     c.set("limits", l);
                                 });
                             }),
                      key,
                      kNow)
              .code()
          == Errc::NonCanonical);
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 Json channels = *b.find("channels");
                                 Json t = channels.asArray()[1];
                                 Json l = *t.find("limits");
                                 l.set("comment_disabled", false);
                                 t.set("limits", l);
                                 Json out(Json::Array{});
                                 out.push(channels.asArray()[0]);
                                 out.push(t);
                                 b.set("channels", out);
                             }),
                      key,
                      kNow)
              .code()
          == Errc::NonCanonical);
    // bad-value: a TikTok setting on a Mastodon channel.
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 editFirstChannel(b, [](Json& c) {
                                     Json l = *c.find("limits");
                                     l.set("duet_disabled", true);
                                     c.set("limits", l);
                                 });
                             }),
                      key,
                      kNow)
              .code()
          == Errc::BadValue);
    // duplicate-field: the same channel twice; non-canonical: channels out of order.
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 Json channels = *b.find("channels");
                                 Json out(Json::Array{});
                                 out.push(channels.asArray()[0]);
                                 out.push(channels.asArray()[0]);
                                 b.set("channels", out);
                             }),
                      key,
                      kNow)
              .code()
          == Errc::DuplicateField);
    CHECK(readProfile(resign(text,
                             uploader,
                             [](Json& b) {
                                 Json channels = *b.find("channels");
                                 Json out(Json::Array{});
                                 out.push(channels.asArray()[1]);
                                 out.push(channels.asArray()[0]);
                                 b.set("channels", out);
                             }),
                      key,
                      kNow)
              .code()
          == Errc::NonCanonical);
}

TEST_CASE("writeProfile refuses what readProfile would refuse", "[profile]")
{
    const auto uploader = crypto::SigningKey::generate();
    PlatformProfile p = sample();
    p.channels.push_back(p.channels[0]);
    CHECK(writeProfile(p, uploader).code() == Errc::DuplicateField);
    p = sample();
    p.expires = p.created;
    CHECK(writeProfile(p, uploader).code() == Errc::BadValue);
    p = sample();
    p.channels[1].limits.commentDisabled = true; // mastodon
    CHECK(writeProfile(p, uploader).code() == Errc::BadValue);
    p = sample();
    const ProfileChannel base = p.channels[1];
    p.channels.clear();
    for (std::size_t i = 0; i < kMaxProfileChannels + 1; ++i) {
        ProfileChannel c = base;
        c.channel = domain::ChannelId::parse("mastodon:@a" + std::to_string(i) + "@social.example").value();
        p.channels.push_back(c);
    }
    CHECK(writeProfile(p, uploader).code() == Errc::TooLarge);
    p.channels.pop_back();
    CHECK(writeProfile(p, uploader).ok());
}

TEST_CASE("profile list items: a repeat is duplicate-field, an over-long item bad-value", "[profile]")
{
    const auto uploader = crypto::SigningKey::generate();
    const std::string text = writeProfile(sample(), uploader).value();
    const auto withMimes = [&](std::vector<std::string> items) {
        return resign(text, uploader, [&](Json& b) {
            editFirstChannel(b, [&](Json& c) {
                Json l = *c.find("limits");
                Json m(Json::Array{});
                for (const auto& i : items)
                    m.push(i);
                l.set("mime_types", m);
                c.set("limits", l);
            });
        });
    };
    // §8.1: duplicate code duplicate-field; a 129-byte item is not a mime type (bad-value).
    CHECK(readProfile(withMimes({"image/png", "image/png"}), uploader.publicKey(), kNow).code() == Errc::DuplicateField);
    CHECK(readProfile(withMimes({"image/" + std::string(123, 'x')}), uploader.publicKey(), kNow).code()
          == Errc::BadValue);
}
