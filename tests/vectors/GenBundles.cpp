// SPDX-License-Identifier: GPL-3.0-or-later
// Bundle vectors: header and stream (§2), payload framing (§3), canonical JSON inside a
// manifest (§7), manifest schema (§4), policy chain (§6) and approvals (§9 steps 13–17).
// Each breaks exactly one rule of a bundle that is otherwise valid.
#include "VectorKit.h"

#include "postern/domain/Order.h"

#include <sodium.h>

namespace postern::vectors {

namespace {

using bundle::Manifest;
constexpr std::int64_t kDay = 86400;
constexpr std::uint8_t kMessage = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
constexpr std::uint8_t kPush = crypto_secretstream_xchacha20poly1305_TAG_PUSH;
constexpr std::uint8_t kRekey = crypto_secretstream_xchacha20poly1305_TAG_REKEY;
constexpr std::uint8_t kFinal = crypto_secretstream_xchacha20poly1305_TAG_FINAL;

/** fillerBytes are deterministic bytes standing in for an image. */
Bytes fillerBytes(std::size_t n, std::string_view label)
{
    Bytes out(n);
    const auto seed = crypto::blake2b256(asBytes("filler/" + std::string(label)));
    randombytes_buf_deterministic(out.data(), out.size(), seed.data());
    return out;
}

class Gen
{
public:
    Gen(Kit& kit, Writer& out) : m_kit(kit), m_out(out) {}

    /** base is a valid bundle carrying `m`. */
    RawBundle base(const Manifest& m)
    {
        RawBundle b;
        b.signer = &m_kit.workstation;
        b.recipient = m_kit.uploaderBox.publicKey();
        b.manifest = m.serialize();
        b.media = m_kit.mediaBytes(m);
        return b;
    }
    RawBundle simple(std::string_view label) { return base(m_kit.manifest({m_kit.approved(m_kit.post(label))})); }

    void emit(std::string_view name, const RawBundle& b, std::string_view expect, std::string_view what, std::string env = {})
    {
        reseed(name);
        m_out.add("bundles", name, ".bundle", sealRaw(b), expect, what, env);
    }
    void emitBytes(std::string_view name, ByteView bytes, std::string_view expect, std::string_view what, std::string env = {})
    {
        m_out.add("bundles", name, ".bundle", bytes, expect, what, env);
    }
    /** emitJson seals the manifest JSON after `change` (signature over the changed text). */
    void emitJson(std::string_view name, const std::function<Json(const Json&)>& change, std::string_view expect, std::string_view what)
    {
        RawBundle b = simple(name);
        const Json parsed = parseCanonicalJson(b.manifest, JsonLimits{16u << 20, 12, 1u << 22, 1u << 16}).value();
        b.manifest = change(parsed).serialize();
        emit(name, b, expect, what);
    }
    void emitText(std::string_view name, std::string_view from, std::string_view to, std::string_view expect, std::string_view what)
    {
        RawBundle b = simple(name);
        b.manifest = replaceOnce(b.manifest, from, to);
        emit(name, b, expect, what);
    }

    void header();
    void stream();
    void json();
    void schema();
    void chain();
    void approvals();

    Kit& m_kit;
    Writer& m_out;
};

void Gen::header()
{
    emit("ok-minimal", simple("ok-minimal"), "OK", "one approved post, one channel, no media");
    {
        auto img = m_kit.addMedia(fillerBytes(300, "ok-media"));
        emit("ok-media", base(m_kit.manifest({m_kit.approved(m_kit.post("ok-media", {img}))})), "OK",
             "one approved post with one 300-byte image");
    }
    const Bytes ok = [&] {
        reseed("ok-minimal");
        return sealRaw(simple("ok-minimal"));
    }();
    emitBytes("truncated-empty", {}, "truncated", "an empty file");
    emitBytes("truncated-short-prefix", asBytes("POSTE"), "truncated", "5 bytes that begin the magic");
    emitBytes("bad-magic-short", asBytes("XOSTE"), "bad-magic", "5 bytes that do not begin the magic");
    {
        Bytes b = ok;
        b[14] = 'X';
        emitBytes("bad-magic", b, "bad-magic", "POSTERN-BUNDLX/1: the prefix differs");
        b = ok;
        b[15] = '2';
        emitBytes("unsupported-version", b, "unsupported-version", "version byte '2'");
        b = ok;
        b[15] = 0x01;
        emitBytes("unsupported-version-binary-1", b, "unsupported-version", "version byte 0x01, not ASCII '1'");
        emitBytes("truncated-header", ByteView(ok.data(), 200), "truncated", "the first 200 bytes of a valid bundle");
        b = ok;
        b[260] ^= 0x01;
        emitBytes("bad-header-signature", b, "bad-header-signature", "one bit of the header signature flipped");
        b = ok;
        b[ok.size() - 40] ^= 0x01;
        emitBytes("chunk-auth-failed-flip", b, "chunk-auth-failed", "one ciphertext bit of the only chunk flipped");
        b = ok;
        b.pop_back();
        emitBytes("truncated-last-byte", b, "truncated", "the last byte of a valid bundle missing");
        b = ok;
        b.push_back(0);
        emitBytes("trailing-data-byte", b, "trailing-data", "one byte after the FINAL chunk");
        emitBytes("replay", ok, "replay", "the bundle id is in the ledger already", "seen=self\n");
        emitBytes("too-large-local-cap", ok, "too-large", "file larger than the local --max-size", "max_size=400\n");
    }
    RawBundle b = simple("unknown-workstation");
    b.signer = &m_kit.otherWorkstation;
    emit("unknown-workstation", b, "unknown-workstation", "header signed by a workstation the uploader does not trust");
    b = simple("wrong-recipient");
    b.recipient = m_kit.otherUploaderBox.publicKey();
    emit("wrong-recipient", b, "wrong-recipient", "sealed to another uploader's box key");
    b = simple("bad-bundle-id");
    b.bundleId = bundle::deriveBundleId(m_kit.workstation.publicKey(), 2);
    emit("bad-bundle-id", b, "bad-bundle-id", "bundle id of sequence 2 in a sequence-1 header");
    b = simple("future-dated");
    b.created = kNow + 301;
    emit("future-dated", b, "future-dated", "created = now + 301");
    b = simple("future-dated-edge");
    b.created = kNow + 300;
    emit("future-dated-edge", b, "OK", "created = now + 300 is still allowed");
    b = simple("expired");
    b.created = kNow - 3600;
    b.expires = kNow;
    emit("expired", b, "expired", "expires = now");
    b = simple("lifetime-zero");
    b.created = kNow + 10;
    b.expires = kNow + 10;
    emit("lifetime-zero", b, "lifetime-exceeds-policy", "expires = created (lifetime 0)");
    b = simple("lifetime-negative");
    b.created = kNow + 100;
    b.expires = kNow + 50;
    emit("lifetime-negative", b, "lifetime-exceeds-policy", "expires before created");
    b = simple("lifetime-30d-plus-1");
    b.created = kNow - 10;
    b.expires = kNow - 10 + 30 * kDay + 1;
    emit("lifetime-30d-plus-1", b, "lifetime-exceeds-policy", "lifetime 30 days + 1 s");
    b = simple("lifetime-overflow-max");
    b.created = INT64_MIN;
    b.expires = INT64_MAX;
    emit("lifetime-overflow-max", b, "lifetime-exceeds-policy", "created = -2^63, expires = 2^63-1: the difference overflows");
    b = simple("lifetime-overflow-now");
    b.created = INT64_MIN;
    b.expires = kNow + 3600;
    emit("lifetime-overflow-now", b, "lifetime-exceeds-policy", "created = -2^63, expires = now + 1h: the difference overflows");
    b = simple("lifetime-over-channel-max");
    b.expires = b.created + 2 * kDay;
    emit("lifetime-over-channel-max", b, "lifetime-exceeds-policy", "2-day lifetime, the channel allows 1 day (step 16)");
    b = simple("sequence-rollback");
    b.sequence = 100000;
    emit("sequence-rollback", b, "sequence-rollback", "sequence 100000 with high-water 200000", "high_water=200000\n");
    b = simple("sequence-window-edge");
    b.sequence = 100001;
    emit("sequence-window-edge", b, "OK", "sequence 100001 with high-water 200000", "high_water=200000\n");
    b = simple("sequence-jump");
    b.sequence = 100001;
    emit("sequence-jump", b, "sequence-jump", "sequence 100001 before any bundle was accepted");
    b = simple("sequence-max");
    b.sequence = UINT64_MAX;
    emit("sequence-max", b, "sequence-jump", "sequence 2^64-1 before any bundle: no wrap-around");
    b = simple("sequence-max-near-high-water");
    b.sequence = UINT64_MAX;
    emit("sequence-max-near-high-water", b, "OK", "sequence 2^64-1 with high-water 2^64-2",
         "high_water=18446744073709551614\n");
    b = simple("payload-bytes-max");
    b.payloadBytes = UINT64_MAX;
    emit("payload-bytes-max", b, "truncated", "payload_bytes 2^64-1: the file is far shorter than the header implies");
    b = simple("bad-key-seal");
    b.editHeader = [](bundle::BundleHeader& h) { h.sealedKey[40] ^= 0x01; };
    emit("bad-key-seal", b, "bad-key-seal", "one bit of sealed_key flipped before the header was signed");
}

void Gen::stream()
{
    RawBundle b = simple("tag-message-last");
    b.tagFor = [](std::uint64_t, std::uint64_t) { return kMessage; };
    emit("tag-message-last", b, "chunk-auth-failed", "the only (last) chunk is tagged MESSAGE, not FINAL");
    b = simple("tag-push-last");
    b.tagFor = [](std::uint64_t, std::uint64_t) { return kPush; };
    emit("tag-push-last", b, "chunk-auth-failed", "the last chunk is tagged PUSH");
    b = simple("tag-rekey-last");
    b.tagFor = [](std::uint64_t, std::uint64_t) { return kRekey; };
    emit("tag-rekey-last", b, "chunk-auth-failed", "the last chunk is tagged REKEY");
    // Two-chunk bundles: the smallest that have a non-last chunk (1 MiB of image).
    auto big = m_kit.addMedia(fillerBytes(bundle::kChunkBytes, "two-chunks"), "big.png");
    const Manifest two = m_kit.manifest({m_kit.approved(m_kit.post("two-chunks", {big}))});
    emit("ok-two-chunks", base(two), "OK", "a 1 MiB image: the payload spans two chunks");
    b = base(two);
    b.tagFor = [](std::uint64_t, std::uint64_t) { return kFinal; };
    emit("tag-final-early", b, "chunk-auth-failed", "FINAL on chunk 0 of 2");
    b = base(two);
    b.tagFor = [](std::uint64_t i, std::uint64_t) { return i == 0 ? kPush : kFinal; };
    emit("tag-push-first", b, "chunk-auth-failed", "PUSH on chunk 0 of 2 (exact tag comparison)");
    // Order along the stream: a failure decided by chunk 0 wins over chunk 1's.
    b = base(two);
    b.manifest = replaceOnce(b.manifest, "\"v\":1}", "\"v\":2}");
    reseed("earlier-chunk-wins");
    Bytes e = sealRaw(b);
    e[e.size() - 40] ^= 0x01;
    emitBytes("earlier-chunk-wins", e, "bad-value",
              "manifest v = 2 (chunk 0) and chunk 1 fails authentication: the manifest's code");

    // Payload framing (§3).
    b = simple("payload-under-8");
    b.plain = Bytes{1, 2, 3, 4, 5};
    emit("payload-under-8", b, "bad-value", "payload of 5 bytes: no room for the manifest length");
    b = simple("payload-under-72");
    Bytes p;
    putU64(p, 0);
    p.resize(30, 0);
    b.plain = p;
    emit("payload-under-72", b, "bad-value", "payload of 30 bytes: no room for the manifest signature");
    b = simple("manifest-len-over-16mib");
    b.manifestLen = (16u << 20) + 1;
    emit("manifest-len-over-16mib", b, "too-large", "manifest_len = 16 MiB + 1");
    b = simple("manifest-len-exceeds-payload");
    b.manifestLen = b.manifest.size() + 1000;
    emit("manifest-len-exceeds-payload", b, "bad-value", "manifest_len points past the payload");
    b = simple("bad-manifest-signature");
    b.signOverHash = crypto::Digest{};
    emit("bad-manifest-signature", b, "bad-manifest-signature", "manifest signed over another header hash");
    b = simple("payload-size-mismatch");
    b.media = Bytes(10, 0x55);
    emit("payload-size-mismatch", b, "bad-value", "10 payload bytes the media table does not account for");
    auto img = m_kit.addMedia(fillerBytes(300, "media-hash-mismatch"));
    b = base(m_kit.manifest({m_kit.approved(m_kit.post("media-hash-mismatch", {img}))}));
    b.media.back() ^= 0x01;
    emit("media-hash-mismatch", b, "media-hash-mismatch", "the last media byte differs from what was hashed");
}

void Gen::json()
{
    emitText("json-whitespace", "{\"media\"", "{ \"media\"", "non-canonical", "a space after the opening brace");
    emitText("json-unsorted-members", "\"type\":\"postern.manifest\",\"v\":1}", "\"v\":1,\"type\":\"postern.manifest\"}",
             "non-canonical", "members out of bytewise order");
    emitText("json-duplicate-member", "\"v\":1}", "\"v\":1,\"v\":1}", "duplicate-field", "member v twice");
    emitText("json-duplicate-then-syntax", "\"v\":1}", "\"v\":1,\"v\":1,\"w\":x}", "syntax",
             "a duplicate member, then a syntax error later in the same object: syntax wins");
    emitText("json-null", "\"v\":1}", "\"v\":null}", "syntax", "null");
    emitText("json-fraction", "\"v\":1}", "\"v\":1.0}", "syntax", "a fraction");
    emitText("json-exponent", "\"v\":1}", "\"v\":1e0}", "syntax", "an exponent");
    emitText("json-bad-escape", "\"Conformance", "\"\\qConformance", "syntax", "an unknown escape \\q");
    emitText("json-raw-control", "\"Conformance", "\"\x01" "Conformance", "syntax", "a raw U+0001 in a string");
    emitText("json-int-2-63", "\"v\":1}", "\"v\":9223372036854775808}", "bad-value", "an integer of 2^63");
    emitText("json-leading-zero", "\"v\":1}", "\"v\":01}", "non-canonical", "a leading zero");
    emitText("json-minus-zero", "\"schedule\":0", "\"schedule\":-0", "non-canonical", "-0");
    emitText("json-escaped-slash", "\"Conformance", "\"\\/Conformance", "non-canonical", "\\/ instead of /");
    emitText("json-upper-u-hex", "\"Conformance", "\"\\u00E9Conformance", "non-canonical", "\\u00E9 instead of a literal é");
    emitText("json-invalid-utf8", "\"Conformance", "\"\xff" "Conformance", "bad-encoding", "byte 0xFF in a string");
    emitText("json-lone-surrogate", "\"Conformance", "\"\\ud800Conformance", "bad-encoding", "a lone surrogate escape");
    {
        RawBundle b = simple("json-ends-early");
        b.manifest = b.manifest.substr(0, b.manifest.size() / 2);
        emit("json-ends-early", b, "syntax", "the manifest JSON stops half way (a workstation defect, not truncated)");
        b = simple("json-trailing-bytes");
        b.manifest += "x";
        emit("json-trailing-bytes", b, "trailing-data", "a byte after the manifest's JSON value");
        b = simple("json-depth-13");
        b.manifest = replaceOnce(b.manifest, "{\"media\"", "{\"a\":[[[[[[[[[[[[0]]]]]]]]]]]],\"media\"");
        emit("json-depth-13", b, "too-large", "a value at depth 13 (manifest cap 12)");
        b = simple("json-string-65537");
        b.manifest = replaceOnce(b.manifest, "\"Conformance", "\"" + std::string(65537, 'a') + "Conformance");
        emit("json-string-65537", b, "too-large", "a string over the 65 536-byte JSON string cap");
    }
}

void Gen::schema()
{
    emitText("manifest-wrong-type", "\"postern.manifest\"", "\"postern.manifesto\"", "wrong-document-type", "type postern.manifesto");
    emitText("manifest-v2", "\"v\":1}", "\"v\":2}", "bad-value", "manifest v = 2");
    emitText("manifest-unknown-member", "\"v\":1}", "\"v\":1,\"w\":1}", "unknown-field", "an extra member w");
    emitJson("policies-empty", [](const Json& m) { return edit(m, {"policies"}, [](const Json&) { return Json(Json::Array{}); }); },
             "missing-field", "an empty policies list");
    emitJson("policy-as-string", [](const Json& m) {
        return edit(m, {"policies", 0}, [](const Json& p) { return Json(p.serialize()); });
    }, "wrong-type", "a policy carried as a string holding its JSON");
    emitJson("no-post-no-order", [](const Json& m) {
        return edit(m, {"posts"}, [](const Json&) { return Json(Json::Array{}); });
    }, "missing-field", "no post and no order");
    emitJson("orders-empty", [](const Json& m) { return edit(m, {"orders"}, [](const Json&) { return Json(Json::Array{}); }); },
             "non-canonical", "orders: [] instead of an absent member");
    emitJson("post-twice", [](const Json& m) {
        return edit(m, {"posts"}, [](const Json& a) { Json c = a; c.push(a.asArray()[0]); return c; });
    }, "duplicate-field", "the same post twice");
    emitJson("approvals-duplicate", [](const Json& m) {
        return edit(m, {"posts", 0, "approvals"}, [](const Json& a) {
            Json c(Json::Array{});
            c.push(a.asArray()[0]);
            c.push(a.asArray()[0]);
            return c;
        });
    }, "duplicate-approver", "the same approval twice");
    emitJson("approvals-unsorted", [](const Json& m) {
        return edit(m, {"posts", 0, "approvals"}, [](const Json& a) {
            Json c(Json::Array{});
            c.push(a.asArray()[1]);
            c.push(a.asArray()[0]);
            return c;
        });
    }, "non-canonical", "approvals not sorted by key");
    const auto setContent = [](std::string key, Json value) {
        return [key, value](const Json& m) { return edit(m, {"posts", 0, "content", key.c_str()}, [&](const Json&) { return value; }); };
    };
    emitJson("approval-key-uppercase", [](const Json& m) {
        return edit(m, {"posts", 0, "approvals", 0, "key"}, [](const Json& k) {
            std::string s = k.asString();
            const auto at = s.find_first_of("abcdef");
            s[at] = static_cast<char>(s[at] - 'a' + 'A');
            return Json(s);
        });
    }, "bad-encoding", "an approval key in upper-case hex");
    emitJson("post-wrong-type", setContent("type", Json("postern.order")), "wrong-document-type", "content type postern.order");
    emitJson("post-id-uppercase", setContent("post_id", Json(std::string(32, 'A'))), "bad-encoding", "post_id in upper-case hex");
    emitJson("post-id-33", setContent("post_id", Json(std::string(33, 'a'))), "bad-encoding", "post_id of 33 hex digits");
    emitJson("post-id-long", setContent("post_id", Json(std::string(300, 'a'))), "bad-encoding",
             "post_id of 300 hex digits: the field's code at any length");
    emitJson("author-bad-hex", setContent("author", Json(std::string(64, 'g'))), "bad-encoding", "author is not hex");
    emitJson("version-0", setContent("version", Json(std::int64_t{0})), "bad-value", "post version 0");
    emitJson("channels-empty", setContent("channels", Json(Json::Array{})), "missing-field", "a post with no channel");
    emitJson("channel-no-colon", [](const Json& m) {
        return edit(m, {"posts", 0, "content", "channels", 0, "channel"}, [](const Json&) { return Json("outboxpress"); });
    }, "bad-value", "channel id without a colon");
    emitJson("channel-200-bytes", [](const Json& m) {
        return edit(m, {"posts", 0, "content", "channels", 0, "channel"},
                    [](const Json&) { return Json("outbox:" + std::string(193, 'p')); });
    }, "bad-value", "a 200-byte channel id: bad-value at any length");
    emitJson("text-16385", [](const Json& m) {
        return edit(m, {"posts", 0, "content", "channels", 0, "text"}, [](const Json&) { return Json(std::string(16385, 't')); });
    }, "too-large", "text of 16 385 bytes");
    emitJson("empty-text-no-media", [](const Json& m) {
        return edit(m, {"posts", 0, "content", "channels", 0, "text"}, [](const Json&) { return Json(""); });
    }, "missing-field", "empty text and no media");
    emitJson("outbox-option", [](const Json& m) {
        return edit(m, {"posts", 0, "content", "channels", 0, "options", "lang"}, [](const Json&) { return Json("en"); });
    }, "unknown-field", "an option on the outbox channel, which has none");
    {
        RawBundle b = simple("channels-unsorted");
        const auto c = m_kit.post("channels-unsorted", {}, {Kit::bluesky(), Kit::outbox()});
        const Manifest mf = m_kit.manifest({m_kit.approved(c)});
        b = base(mf);
        // bluesky:… sorts before outbox:…; swap the two channel objects in the text.
        const Json parsed = parseCanonicalJson(b.manifest, JsonLimits{16u << 20, 12, 1u << 22, 1u << 16}).value();
        b.manifest = edit(parsed, {"posts", 0, "content", "channels"}, [](const Json& a) {
            Json r(Json::Array{});
            r.push(a.asArray()[1]);
            r.push(a.asArray()[0]);
            return r;
        }).serialize();
        emit("channels-unsorted", b, "non-canonical", "post channels not sorted by channel id");
    }
    // Media names and table.
    const auto withImage = [&](std::string_view label, std::string name) {
        auto ref = m_kit.addMedia(fillerBytes(64, label), std::move(name));
        return base(m_kit.manifest({m_kit.approved(m_kit.post(label, {ref}))}));
    };
    emit("media-name-255", withImage("media-name-255", std::string(251, 'n') + ".png"), "OK", "a 255-byte media name");
    const auto badName = [&](std::string_view label, std::string name, std::string_view what) {
        RawBundle b = withImage(label, "photo.png");
        b.manifest = replaceOnce(b.manifest, "\"name\":\"photo.png\"", "\"name\":" + Json(name).serialize());
        emit(label, b, "bad-media-name", what);
    };
    badName("media-name-256", std::string(252, 'n') + ".png", "a 256-byte media name: bad-media-name, not too-large");
    badName("media-name-empty", "", "an empty media name");
    badName("media-name-dotdot", "a..png", "a media name containing ..");
    badName("media-name-slash", "a/b.png", "a media name containing /");
    badName("media-name-control", "a\tb.png", "a media name containing a control character");
    {
        RawBundle b = withImage("mime-bmp", "photo.png");
        b.manifest = replaceOnce(b.manifest, "\"mime\":\"image/png\"", "\"mime\":\"image/bmp\"");
        emit("mime-bmp", b, "bad-value", "media type image/bmp is not carried");
        b = withImage("mime-100-bytes", "photo.png");
        b.manifest = replaceOnce(b.manifest, "\"mime\":\"image/png\"", "\"mime\":\"image/" + std::string(94, 'p') + "\"");
        emit("mime-100-bytes", b, "bad-value", "a 100-byte media type: bad-value at any length");
        b = withImage("alt-4097", "photo.png");
        b.manifest = replaceOnce(b.manifest, "\"alt\":\"A test image\"", "\"alt\":\"" + std::string(4097, 'a') + "\"");
        emit("alt-4097", b, "too-large", "alt text of 4 097 bytes");
        b = withImage("table-size-differs", "photo.png");
        b.manifest = replaceOnce(b.manifest, "\"size\":64}]", "\"size\":65}]");
        emit("table-size-differs", b, "bad-value", "the media table gives another size than the post");
    }
    {
        auto a = m_kit.addMedia(fillerBytes(64, "table-a"), "a.png");
        auto c = m_kit.addMedia(fillerBytes(64, "table-c"), "c.png");
        const Manifest m2 = m_kit.manifest({m_kit.approved(m_kit.post("table-two", {a, c}))});
        RawBundle b = base(m2);
        const Json parsed = parseCanonicalJson(b.manifest, JsonLimits{16u << 20, 12, 1u << 22, 1u << 16}).value();
        const auto table = [&](std::vector<std::size_t> order) {
            return edit(parsed, {"media"}, [&](const Json& t) {
                Json r(Json::Array{});
                for (auto i : order)
                    r.push(t.asArray()[i]);
                return r;
            }).serialize();
        };
        emit("ok-two-media", b, "OK", "two images; the media table in first-reference order");
        b.manifest = table({1, 0});
        b.media = m_kit.mediaBytes(m2);
        {
            // The payload follows the (wrong) table order so that only the order is at fault.
            Bytes swapped = m_kit.media.at(c.hash);
            swapped.insert(swapped.end(), m_kit.media.at(a.hash).begin(), m_kit.media.at(a.hash).end());
            b.media = swapped;
        }
        emit("media-table-unsorted", b, "non-canonical", "the media table not in first-reference order");
        b = base(m2);
        b.manifest = table({0});
        b.media = m_kit.media.at(a.hash);
        emit("media-table-missing", b, "bad-value", "a referenced media hash missing from the table");
        b = base(m2);
        b.manifest = table({0, 1, 1});
        emit("media-table-duplicate", b, "duplicate-field", "a media hash twice in the table");
        b = simple("media-table-unreferenced");
        b.manifest = edit(parseCanonicalJson(b.manifest, JsonLimits{16u << 20, 12, 1u << 22, 1u << 16}).value(), {"media"},
                          [&](const Json&) { return Json(Json::Array{parsed.find("media")->asArray()[0]}); })
                         .serialize();
        b.media = m_kit.media.at(a.hash);
        emit("media-table-unreferenced", b, "bad-value", "a table entry no post references");
    }
}

void Gen::chain()
{
    const auto withPolicies = [&](std::string_view label, std::vector<domain::SignedPolicy> chain) {
        Manifest m = m_kit.manifest({m_kit.approved(m_kit.post(label))});
        m.policies = std::move(chain);
        return base(m);
    };
    emit("chain-v1-v2", withPolicies("chain-v1-v2", {m_kit.v1, m_kit.v2}), "OK", "the chain 1, 2: the policy advances");
    emit("chain-starts-at-2", withPolicies("chain-starts-at-2", {m_kit.v2}), "policy-version-skipped",
         "the chain is only version 2 (newest only; must start at 1)");
    domain::Policy p3 = m_kit.v2.policy;
    p3.version = 3;
    const auto v3 = domain::signPolicy(p3, {&m_kit.admin, &m_kit.admin2}).value();
    emit("chain-gap", withPolicies("chain-gap", {m_kit.v1, v3}), "policy-version-skipped", "the chain 1, 3");
    domain::Policy p2 = m_kit.v2.policy;
    const auto v2root = domain::signPolicy(p2, {&m_kit.admin}).value();
    emit("chain-v2-root-signed-only", withPolicies("chain-v2-root-signed-only", {m_kit.v1, v2root}), "threshold-not-met",
         "version 2 signed only by version 1's admin; its own threshold 2 is not met");
    domain::Policy alt = m_kit.policy1;
    alt.created += 1;
    const auto v1alt = domain::signPolicy(alt, {&m_kit.admin}).value();
    emit("chain-v1-altered", withPolicies("chain-v1-altered", {v1alt}), "policy-fork",
         "version 1 differs from the trusted version 1");
    emit("chain-ends-below-trusted", withPolicies("chain-ends-below-trusted", {m_kit.v1}), "policy-rollback",
         "the uploader trusts version 2; the bundle carries only version 1", "trusted=context/workstation-identity-v2.json\n");
    domain::Policy other = m_kit.v2.policy;
    other.workstation = m_kit.otherWorkstation.publicKey();
    const auto v2other = domain::signPolicy(other, {&m_kit.admin, &m_kit.admin2}).value();
    emit("chain-successor-other-workstation", withPolicies("chain-successor-other-workstation", {m_kit.v1, v2other}),
         "unknown-workstation", "version 2 names another workstation key");
}

void Gen::approvals()
{
    auto& k = m_kit;
    const auto one = [&](std::string_view, domain::PostContent c, std::vector<const crypto::SigningKey*> by) {
        return base(k.manifest({k.approved(c, std::move(by))}));
    };
    auto c = k.post("author-unknown");
    c.author = k.stranger.publicKey();
    emit("author-unknown", one("author-unknown", c, {}), "unknown-signer", "the author is not a policy user");
    c = k.post("author-no-role");
    c.author = k.approver3.publicKey();
    emit("author-no-role", one("author-no-role", c, {&k.approver1, &k.approver2}), "not-authorised",
         "the author has only the approver role");
    c = k.post("approval-unknown-key");
    emit("approval-unknown-key", one("x", c, {&k.approver1, &k.approver2, &k.stranger}), "unknown-signer",
         "an approval by a key that is not a policy user");
    c = k.post("approval-by-author");
    emit("approval-by-author", one("x", c, {&k.approver1, &k.approver2, &k.author}), "self-approval",
         "the author approved their own post");
    c = k.post("approval-no-role");
    emit("approval-no-role", one("x", c, {&k.approver1, &k.approver2, &k.operatorUser}), "approver-not-authorised",
         "an approval by an operator (no approver role)");
    c = k.post("approval-not-listed");
    emit("approval-not-listed", one("x", c, {&k.approver1, &k.approver2, &k.approver3}), "approver-not-authorised",
         "an approver who is listed for no channel");
    c = k.post("threshold-short");
    emit("threshold-short", one("x", c, {&k.approver1}), "threshold-not-met", "one approval, the channel needs two");
    // Outbox keeps the approvers authorised; mastodon:… (sorted first) has no rule.
    c = k.post("channel-not-in-policy", {}, {domain::ChannelId::parse("mastodon:press@example.org").value(), Kit::outbox()});
    c.channels[0].options = Json(Json::Object{});
    c.channels[0].options.set("visibility", Json("public"));
    emit("channel-not-in-policy", one("x", c, {}), "channel-not-in-policy", "a channel with no rule in the policy");
    c = k.post("schedule-in-past");
    c.schedule = kNow - 60 - 61;
    emit("schedule-in-past", one("x", c, {}), "schedule-in-past", "schedule = bundle created - 61");
    c = k.post("schedule-edge");
    c.schedule = kNow - 60 - 60;
    emit("schedule-edge", one("x", c, {}), "OK", "schedule = bundle created - 60");
    c = k.post("schedule-max");
    c.schedule = INT64_MAX;
    emit("schedule-max", one("x", c, {}), "OK", "schedule = 2^63-1");

    // Which approval is bad decides the code: approvals are checked in key order.
    c = k.post("approval-order");
    const bool oneFirst = k.approver1.publicKey() < k.approver2.publicKey();
    const crypto::SigningKey& first = oneFirst ? k.approver1 : k.approver2;
    const crypto::SigningKey& second = oneFirst ? k.approver2 : k.approver1;
    const auto badPair = [&](bool firstBadSig) {
        bundle::ManifestPost p;
        p.content = c;
        p.digest = c.digest();
        crypto::Digest other = p.digest;
        other[0] ^= 0x01;
        domain::Approval a = domain::approve(first, firstBadSig ? p.digest : other);
        domain::Approval b = domain::approve(second, firstBadSig ? other : p.digest);
        if (firstBadSig)
            a.signature[0] ^= 0x01;
        else
            b.signature[0] ^= 0x01;
        p.approvals = {a, b};
        return base(k.manifest({p}));
    };
    emit("approval-order-bad-sig-first", badPair(true), "bad-approval-signature",
         "first approval (by key order) has a bad signature, the second a wrong digest");
    emit("approval-order-wrong-digest-first", badPair(false), "approval-wrong-version",
         "first approval (by key order) has a wrong digest, the second a bad signature");

    // Posts are checked in manifest order.
    auto p1 = k.post("two-posts-first");
    p1.schedule = kNow - 60 - 61;
    auto p2 = k.post("two-posts-second");
    p2.author = k.stranger.publicKey();
    emit("two-posts-first-bad", base(k.manifest({k.approved(p1), k.approved(p2)})), "schedule-in-past",
         "post 1 has a schedule in the past, post 2 an unknown author: post 1's code");

    // Orders (§4.2, step 17).
    domain::OrderContent o;
    const auto id = crypto::blake2b256(asBytes("order-id/ok-order"));
    o.orderId = toHex(ByteView(id.data(), 16));
    o.action = domain::OrderAction::Cancel;
    o.postId = k.post("some-post").postId;
    o.channels = {Kit::outbox()};
    o.requester = k.author.publicKey();
    o.created = kNow - 120;
    o.reason = "withdrawn by the editor";
    const auto withOrder = [&](const domain::OrderContent& order) {
        Manifest m = k.manifest({});
        bundle::ManifestOrder mo;
        mo.order = order;
        mo.digest = order.digest();
        mo.approvals = {domain::approveOrder(k.approver1, mo.digest), domain::approveOrder(k.approver2, mo.digest)};
        m.orders = {mo};
        return base(m);
    };
    emit("ok-order-only", withOrder(o), "OK", "a cancel order and no post");
    auto bad = o;
    bad.created = kNow - 60 + 61;
    emit("order-future-dated", withOrder(bad), "future-dated", "order created = bundle created + 61");
    bad = o;
    bad.requester = k.stranger.publicKey();
    emit("order-requester-unknown", withOrder(bad), "unknown-signer", "the order's requester is not a policy user");
    bad = o;
    bad.requester = k.operatorUser.publicKey();
    emit("order-requester-operator", withOrder(bad), "not-authorised", "the requester has only the operator role");
    RawBundle r = withOrder(o);
    r.manifest = replaceOnce(r.manifest, "\"reason\":\"withdrawn by the editor\"", "\"reason\":\"\"");
    emit("order-reason-empty", r, "bad-value", "an order with an empty reason");
    // Order channels (§4.2): sorted, no channel twice. The edits break only the list: parsing
    // refuses it before any approval is looked at.
    auto two = o;
    two.channels = {Kit::bluesky(), Kit::outbox()};
    r = withOrder(two);
    const std::string sorted = "\"channels\":[\"bluesky:press.example.org\",\"outbox:press\"]";
    r.manifest = replaceOnce(r.manifest, sorted, "\"channels\":[\"outbox:press\",\"bluesky:press.example.org\"]");
    emit("order-channels-unsorted", r, "non-canonical", "an order's channels not sorted");
    r = withOrder(two);
    r.manifest = replaceOnce(r.manifest, sorted, "\"channels\":[\"outbox:press\",\"outbox:press\"]");
    emit("order-channels-duplicate", r, "duplicate-field", "an order naming the same channel twice");
}

} // namespace

void generateBundles(Kit& kit, Writer& out)
{
    Gen g(kit, out);
    g.header();
    g.stream();
    g.json();
    g.schema();
    g.chain();
    g.approvals();
}

} // namespace postern::vectors
