// SPDX-License-Identifier: GPL-3.0-or-later
// Document vectors: the verifier's context (key files, trusted workstation identities), policy
// files (§5, §6), workstation and uploader identities (§5), receipts (§8), platform profiles
// (§8.1) and key files (§11). Each breaks exactly one rule.
#include "VectorKit.h"

#include "postern/bundle/PlatformProfile.h"
#include "postern/bundle/Receipt.h"
#include "postern/crypto/Crypto.h"
#include "postern/crypto/KeyFile.h"
#include "postern/domain/Identity.h"
#include "postern/domain/SignedDocument.h"

#include <algorithm>
#include <fstream>

namespace postern::vectors {

namespace {

crypto::SecureBuffer passphrase()
{
    return crypto::SecureBuffer(asBytes(kPassphrase));
}

std::string signedText(const Json& body, std::vector<const crypto::SigningKey*> by)
{
    return domain::signedFileText(domain::makeSignedDocument(body, by));
}

/** sigsEdit re-builds an envelope's `sigs` list with `change` (signatures stay valid). */
std::string envelopeText(const std::string& fileText, const std::function<Json(const Json&)>& change)
{
    const Json env = parseCanonicalJson(std::string_view(fileText).substr(0, fileText.size() - 1), JsonLimits{}).value();
    return change(env).serialize() + "\n";
}

void context(Kit& k, Writer& out)
{
    const auto dir = out.root() / "context";
    std::filesystem::create_directories(dir);
    const auto put = [&](const std::string& name, std::string_view text) {
        std::ofstream f(dir / name, std::ios::binary | std::ios::trunc);
        f << text;
    };
    reseed("context/keys");
    put("uploader-box.key",
        crypto::sealKeyFile(crypto::KeyKind::X25519, k.uploaderBox.secret(), k.uploaderBox.publicKey(), passphrase(),
                            crypto::KdfParams::interactive(), "vectors uploader box key")
            .value());
    put("uploader-sign.key",
        crypto::sealKeyFile(crypto::KeyKind::Ed25519, k.uploaderSign.seed(), k.uploaderSign.publicKey(), passphrase(),
                            crypto::KdfParams::interactive(), "vectors uploader signing key")
            .value());
    put("workstation-identity.json", domain::makeWorkstationIdentity("vectors", k.workstation, {k.v1.fileText}).value());
    put("workstation-identity-v2.json",
        domain::makeWorkstationIdentity("vectors", k.workstation, {k.v1.fileText, k.v2.fileText}).value());
    put("context.txt", "now=" + std::to_string(kNow) + "\npassphrase=" + std::string(kPassphrase) + "\n");
}

void policies(Kit& k, Writer& out)
{
    const auto add = [&](std::string_view name, const std::string& text, std::string_view expect, std::string_view what) {
        out.add("policies", name, ".policy", asBytes(text), expect, what);
    };
    const Json body = k.policy1.toJson();
    const auto withBody = [&](std::string_view name, const std::function<Json(const Json&)>& change, std::string_view expect,
                              std::string_view what) { add(name, signedText(change(body), {&k.admin}), expect, what); };
    const std::string ok = k.v1.fileText;
    add("ok-v1", ok, "OK", "the version-1 policy of the vectors");
    add("ok-v2", k.v2.fileText, "OK", "version 2 (adds admin2, threshold 2)");
    add("no-final-lf", ok.substr(0, ok.size() - 1), "truncated", "the final LF is missing");
    add("crlf", ok.substr(0, ok.size() - 1) + "\r\n", "non-canonical", "CRLF instead of LF");
    add("two-lf", ok + "\n", "non-canonical", "two LFs");
    add("bytes-after", ok.substr(0, ok.size() - 1) + "x\n", "trailing-data", "a byte after the JSON value");
    add("over-1mib", std::string((1u << 20) + 1, ' '), "too-large", "a file of 1 MiB + 1");
    withBody("type-missing", [](const Json& b) { return withoutMember(b, "type"); }, "missing-field", "body.type absent");
    withBody("wrong-type", [](const Json& b) { return edit(b, {"type"}, [](const Json&) { return Json("postern.receipt"); }); },
             "wrong-document-type", "body.type postern.receipt");
    add("sigs-empty", envelopeText(ok, [](const Json& e) { return edit(e, {"sigs"}, [](const Json&) { return Json(Json::Array{}); }); }),
        "policy-unsigned", "no signature");
    add("sigs-duplicate", envelopeText(ok, [](const Json& e) {
            return edit(e, {"sigs"}, [](const Json& s) { Json c = s; c.push(s.asArray()[0]); return c; });
        }), "duplicate-approver", "the same signature twice");
    {
        const std::string two = signedText(body, {&k.admin, &k.author});
        add("sigs-unsorted", envelopeText(two, [](const Json& e) {
                return edit(e, {"sigs"}, [](const Json& s) { Json c(Json::Array{}); c.push(s.asArray()[1]); c.push(s.asArray()[0]); return c; });
            }), "non-canonical", "signatures not sorted by key");
    }
    withBody("users-unsorted", [](const Json& b) {
        return edit(b, {"users"}, [](const Json& u) { Json c(Json::Array{}); for (auto i = u.asArray().size(); i-- > 0;) c.push(u.asArray()[i]); return c; });
    }, "non-canonical", "users not sorted by key");
    withBody("users-duplicate-key", [](const Json& b) {
        return edit(b, {"users"}, [](const Json& u) {
            Json c(Json::Array{});
            c.push(u.asArray()[0]);
            c.push(edit(u.asArray()[0], {"name"}, [](const Json&) { return Json("twin"); }));
            for (std::size_t i = 1; i < u.asArray().size(); ++i) c.push(u.asArray()[i]);
            return c;
        });
    }, "duplicate-field", "the same user key twice");
    const auto user0 = [&](const char* key, Json v) {
        return [key, v](const Json& b) { return edit(b, {"users", 0, key}, [&](const Json&) { return v; }); };
    };
    withBody("user-name-65", user0("name", Json(std::string(65, 'n'))), "too-large", "a user name of 65 bytes");
    withBody("user-name-empty", user0("name", Json("")), "bad-value", "an empty user name");
    withBody("user-key-bad-point", user0("key", Json(std::string(64, 'f'))), "bad-value", "a user key that is not an Ed25519 point");
    withBody("role-unknown", user0("roles", Json(Json::Array{Json("editor")})), "bad-value", "an unknown role name");
    withBody("roles-alphabetical", user0("roles", Json(Json::Array{Json("approver"), Json("author")})), "non-canonical",
             "roles in alphabetical, not canonical, order");
    withBody("role-twice", user0("roles", Json(Json::Array{Json("author"), Json("author")})), "duplicate-field", "a role twice");
    withBody("roles-empty", user0("roles", Json(Json::Array{})), "bad-value", "a user with no role");
    const auto rule0 = [&](const char* key, Json v) {
        return [key, v](const Json& b) { return edit(b, {"channels", 0, key}, [&](const Json&) { return v; }); };
    };
    withBody("max-lifetime-59", rule0("max_lifetime", Json(std::int64_t{59})), "bad-value", "max_lifetime 59 s");
    withBody("max-lifetime-30d-plus-1", rule0("max_lifetime", Json(std::int64_t{30 * 86400 + 1})), "bad-value", "max_lifetime 30 days + 1 s");
    withBody("required-0", rule0("required", Json(std::int64_t{0})), "bad-value", "required 0");
    withBody("required-over-approvers", rule0("required", Json(std::int64_t{3})), "bad-value", "required 3 with 2 approvers");
    withBody("approvers-duplicate", [](const Json& b) {
        return edit(b, {"channels", 0, "approvers"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[0]); c.push(a.asArray()[0]); return c; });
    }, "duplicate-approver", "the same approver twice in a channel rule");
    withBody("approver-not-user", [&](const Json& b) {
        return edit(b, {"channels", 0, "approvers"}, [&](const Json& a) {
            std::vector<std::string> keys{toHex(k.stranger.publicKey())};
            for (const auto& x : a.asArray())
                keys.push_back(x.asString());
            std::sort(keys.begin(), keys.end());
            Json c(Json::Array{});
            for (auto& key : keys)
                c.push(Json(key));
            return c;
        });
    }, "approver-not-authorised", "a channel approver who is not a policy user");
    withBody("channels-unsorted", [](const Json& b) {
        return edit(b, {"channels"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[1]); c.push(a.asArray()[0]); return c; });
    }, "non-canonical", "channel rules not sorted by channel");
    withBody("channels-duplicate", [](const Json& b) {
        return edit(b, {"channels"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[0]); c.push(a.asArray()[0]); return c; });
    }, "duplicate-field", "the same channel rule twice");
    withBody("approvers-unsorted", [](const Json& b) {
        return edit(b, {"channels", 0, "approvers"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[1]); c.push(a.asArray()[0]); return c; });
    }, "non-canonical", "a channel's approvers not sorted by key");
    withBody("threshold-over-admins", [](const Json& b) {
        return edit(b, {"admin_threshold"}, [](const Json&) { return Json(std::int64_t{2}); });
    }, "bad-value", "admin_threshold 2 with one admin");
}

void identities(Kit& k, Writer& out)
{
    const auto ws = [&](std::string_view name, const std::string& text, std::string_view expect, std::string_view what) {
        out.add("workstation-identities", name, ".json", asBytes(text), expect, what);
    };
    const auto wsBody = [&](std::string name, std::vector<Json> policies) {
        Json body(Json::Object{});
        Json list(Json::Array{});
        for (auto& p : policies)
            list.push(p);
        body.set("name", Json(std::move(name)))
            .set("policies", list)
            .set("type", Json("postern.workstation-identity"))
            .set("workstation", Json(toHex(k.workstation.publicKey())));
        return body;
    };
    ws("ok-v1", domain::makeWorkstationIdentity("vectors", k.workstation, {k.v1.fileText}).value(), "OK", "chain of version 1");
    ws("ok-v1-v2", domain::makeWorkstationIdentity("vectors", k.workstation, {k.v1.fileText, k.v2.fileText}).value(), "OK",
       "chain 1, 2");
    ws("not-self-signed", signedText(wsBody("vectors", {k.v1.envelope}), {&k.otherWorkstation}), "bad-signature",
       "signed by another key than its workstation key");
    ws("name-empty", signedText(wsBody("", {k.v1.envelope}), {&k.workstation}), "bad-value", "an empty name");
    ws("name-65", signedText(wsBody(std::string(65, 'n'), {k.v1.envelope}), {&k.workstation}), "too-large", "a 65-byte name");
    ws("no-policy", signedText(wsBody("vectors", {}), {&k.workstation}), "missing-field", "an empty policy chain");
    ws("chain-starts-at-2", signedText(wsBody("vectors", {k.v2.envelope}), {&k.workstation}), "policy-version-skipped",
       "the chain is only version 2");
    ws("policy-as-string", signedText(wsBody("vectors", {Json(k.v1.fileText)}), {&k.workstation}), "wrong-type",
       "a policy embedded as a string instead of an object");
    domain::Policy other = k.policy1;
    other.workstation = k.otherWorkstation.publicKey();
    ws("policy-other-workstation", signedText(wsBody("vectors", {domain::signPolicy(other, {&k.admin}).value().envelope}), {&k.workstation}),
       "unknown-workstation", "the policy names another workstation key");

    const auto up = [&](std::string_view name, const std::string& text, std::string_view expect, std::string_view what) {
        out.add("uploader-identities", name, ".json", asBytes(text), expect, what);
    };
    const auto upBody = [&](std::string name, const crypto::PublicKey& sign) {
        Json body(Json::Object{});
        body.set("box_key", Json(toHex(k.uploaderBox.publicKey())))
            .set("name", Json(std::move(name)))
            .set("sign_key", Json(toHex(sign)))
            .set("type", Json("postern.uploader-identity"));
        return body;
    };
    up("ok", domain::makeUploaderIdentity("uploader", k.uploaderBox.publicKey(), k.uploaderSign), "OK", "a valid uploader identity");
    up("signed-by-other", signedText(upBody("uploader", k.uploaderSign.publicKey()), {&k.otherUploaderSign}), "bad-signature",
       "not signed by its own sign_key");
    up("name-empty", signedText(upBody("", k.uploaderSign.publicKey()), {&k.uploaderSign}), "bad-value", "an empty name");
    up("sign-key-upper", envelopeText(signedText(upBody("uploader", k.uploaderSign.publicKey()), {&k.uploaderSign}), [&](const Json& e) {
           return edit(e, {"body", "sign_key"}, [](const Json& s) { std::string t = s.asString(); for (auto& ch : t) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch))); return Json(t); });
       }), "bad-encoding", "sign_key in upper-case hex");
}

void receipts(Kit& k, Writer& out)
{
    const auto add = [&](std::string_view name, const std::string& text, std::string_view expect, std::string_view what) {
        out.add("receipts", name, ".receipt", asBytes(text), expect, what);
    };
    bundle::Receipt r;
    r.bundleId = bundle::deriveBundleId(k.workstation.publicKey(), 1);
    r.uploader = k.uploaderSign.publicKey();
    r.workstation = k.workstation.publicKey();
    r.processedAt = kNow;
    bundle::ReceiptEntry e;
    e.channel = Kit::outbox();
    e.postId = k.post("receipt-a").postId;
    e.state = bundle::ReceiptState::Published;
    e.url = "file:///srv/outbox/press/a";
    e.version = 1;
    bundle::ReceiptEntry e2 = e;
    e2.channel = Kit::bluesky();
    r.entries = {e, e2};
    const std::string ok = bundle::makeReceipt(r, k.uploaderSign);
    add("ok-accepted", ok, "OK", "an accepted bundle with two entries");
    bundle::Receipt rej = r;
    rej.entries.clear();
    rej.error = "expired";
    add("ok-rejected", bundle::makeReceipt(rej, k.uploaderSign), "OK", "a rejection receipt naming expired");
    rej.error = "truncated";
    add("error-not-receipt-code", bundle::makeReceipt(rej, k.uploaderSign), "bad-value",
        "error names truncated, a code that never earns a receipt");
    rej.error = "no-such-code";
    add("error-unknown-code", bundle::makeReceipt(rej, k.uploaderSign), "bad-value", "error is not an error code");
    const auto body = [&](const std::function<Json(const Json&)>& change, const crypto::SigningKey& by) {
        return envelopeText(ok, [&](const Json& env) {
            const Json b = change(*env.find("body"));
            return domain::makeSignedDocument(b, {&by});
        });
    };
    add("signed-by-other", body([](const Json& b) { return b; }, k.otherUploaderSign), "bad-signature",
        "signed by another uploader's key");
    add("uploader-field-other", body([&](const Json& b) {
            return edit(b, {"uploader"}, [&](const Json&) { return Json(toHex(k.otherUploaderSign.publicKey())); });
        }, k.uploaderSign), "bad-signature", "the uploader member names another key");
    add("entries-unsorted", body([](const Json& b) {
            return edit(b, {"entries"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[1]); c.push(a.asArray()[0]); return c; });
        }, k.uploaderSign), "non-canonical", "entries not sorted by (post_id, version, channel)");
    add("entries-duplicate", body([](const Json& b) {
            return edit(b, {"entries"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[0]); c.push(a.asArray()[0]); return c; });
        }, k.uploaderSign), "duplicate-field", "the same entry twice");
    add("orders-empty", body([](const Json& b) { return edit(b, {"orders"}, [](const Json&) { return Json(Json::Array{}); }); }, k.uploaderSign),
        "non-canonical", "orders: [] instead of absent");
    add("error-with-entries", body([](const Json& b) { return edit(b, {"error"}, [](const Json&) { return Json("expired"); }); }, k.uploaderSign),
        "bad-value", "an error and entries together");
    add("state-unknown", body([](const Json& b) {
            return edit(b, {"entries", 0, "state"}, [](const Json&) { return Json("done"); });
        }, k.uploaderSign), "bad-value", "an entry state that is not listed");
    add("bundle-id-upper", body([](const Json& b) {
            return edit(b, {"bundle_id"}, [](const Json& s) { std::string t = s.asString(); for (auto& ch : t) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch))); return Json(t); });
        }, k.uploaderSign), "bad-encoding", "bundle_id in upper-case hex");
    add("post-id-33", body([](const Json& b) {
            return edit(b, {"entries", 0, "post_id"}, [](const Json&) { return Json(std::string(33, 'a')); });
        }, k.uploaderSign), "bad-encoding", "an entry post_id of 33 hex digits");
    add("no-final-lf", ok.substr(0, ok.size() - 1), "truncated", "the final LF is missing");

    // Order results (§8 `orders`): sorted by (order_id, channel), duplicate code duplicate-field.
    bundle::Receipt withOrders = r;
    bundle::OrderResult o;
    o.orderId = toHex(ByteView(crypto::blake2b256(asBytes("order-id/receipt")).data(), 16));
    o.action = domain::OrderAction::Retract;
    o.postId = e.postId;
    o.channel = Kit::bluesky();
    o.outcome = bundle::OrderOutcome::Retracted;
    bundle::OrderResult o2 = o;
    o2.channel = Kit::outbox();
    o2.outcome = bundle::OrderOutcome::Failed;
    o2.reason = "the outbox folder was removed by hand";
    withOrders.orders = {o, o2};
    const std::string okOrders = bundle::makeReceipt(withOrders, k.uploaderSign);
    add("ok-orders", okOrders, "OK", "an accepted bundle with entries and two order results");
    const auto ordersBody = [&](const std::function<Json(const Json&)>& change) {
        return envelopeText(okOrders, [&](const Json& env) {
            return domain::makeSignedDocument(change(*env.find("body")), {&k.uploaderSign});
        });
    };
    add("orders-unsorted", ordersBody([](const Json& b) {
            return edit(b, {"orders"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[1]); c.push(a.asArray()[0]); return c; });
        }), "non-canonical", "order results not sorted by (order_id, channel)");
    add("orders-duplicate", ordersBody([](const Json& b) {
            return edit(b, {"orders"}, [](const Json& a) { Json c(Json::Array{}); c.push(a.asArray()[0]); c.push(a.asArray()[0]); return c; });
        }), "duplicate-field", "the same order result twice");
}

void profiles(Kit& k, Writer& out)
{
    const auto add = [&](std::string_view name, const std::string& text, std::string_view expect, std::string_view what) {
        out.add("profiles", name, ".profile", asBytes(text), expect, what);
    };
    bundle::PlatformProfile p;
    p.created = kNow - 3600;
    p.expires = kNow + 30 * 86400;
    bundle::ProfileChannel c;
    c.channel = domain::ChannelId::parse("tiktok:press").value();
    c.fetched = true;
    c.fetchedAt = kNow - 3600;
    c.limits.mimeTypes = std::vector<std::string>{"image/jpeg", "video/mp4"};
    c.limits.privacyLevelOptions = std::vector<std::string>{"PUBLIC_TO_EVERYONE", "SELF_ONLY"};
    c.limits.duetDisabled = true;
    p.channels = {c};
    const std::string ok = bundle::writeProfile(p, k.uploaderSign).value();
    add("ok", ok, "OK", "one TikTok channel with lists and a flag");
    const auto body = [&](const std::function<Json(const Json&)>& change) {
        return envelopeText(ok, [&](const Json& env) { return domain::makeSignedDocument(change(*env.find("body")), {&k.uploaderSign}); });
    };
    const auto lim = [&](const char* key, Json v) {
        return body([key, v](const Json& b) { return edit(b, {"channels", 0, "limits", key}, [&](const Json&) { return v; }); });
    };
    add("format-2", body([](const Json& b) { return edit(b, {"format_version"}, [](const Json&) { return Json(std::int64_t{2}); }); }),
        "unsupported-version", "format_version 2");
    add("created-future", body([](const Json& b) {
            return edit(b, {"created"}, [](const Json&) { return Json(std::int64_t{kNow + 86401}); });
        }), "future-dated", "created = now + 86 401");
    add("mime-duplicate", lim("mime_types", Json(Json::Array{Json("image/jpeg"), Json("image/jpeg")})), "duplicate-field",
        "a mime type twice");
    add("mime-unsorted", lim("mime_types", Json(Json::Array{Json("video/mp4"), Json("image/jpeg")})), "non-canonical",
        "mime types out of order");
    add("mime-129-bytes", lim("mime_types", Json(Json::Array{Json("image/" + std::string(123, 'x'))})), "bad-value",
        "a 129-byte mime type: bad-value, not wrong-type");
    add("mime-not-string", lim("mime_types", Json(Json::Array{Json(std::int64_t{1})})), "wrong-type", "a list item that is not a string");
    add("privacy-duplicate", lim("privacy_level_options", Json(Json::Array{Json("SELF_ONLY"), Json("SELF_ONLY")})),
        "duplicate-field", "a privacy level twice");
    add("flag-false", lim("duet_disabled", Json(false)), "non-canonical", "a flag written as false");
    add("platform-mismatch", body([](const Json& b) {
            return edit(b, {"channels", 0, "platform"}, [](const Json&) { return Json("x"); });
        }), "bad-value", "platform x for a tiktok channel");
    add("signed-by-other", envelopeText(ok, [&](const Json& env) {
            return domain::makeSignedDocument(*env.find("body"), {&k.otherUploaderSign});
        }), "bad-signature", "signed by another uploader's key");
}

void keyFiles(Kit& k, Writer& out)
{
    reseed("keyfiles");
    const std::string ok = crypto::sealKeyFile(crypto::KeyKind::Ed25519, k.uploaderSign.seed(), k.uploaderSign.publicKey(),
                                               passphrase(), crypto::KdfParams::interactive(), "vectors")
                               .value();
    const auto add = [&](std::string_view name, const std::string& text, std::string_view expect, std::string_view what,
                         std::string_view env = {}) { out.add("keyfiles", name, ".key", asBytes(text), expect, what, env); };
    add("ok-ed25519", ok, "OK", "an Ed25519 key file under the vectors passphrase (interactive cost)");
    add("wrong-passphrase", ok, "wrong-passphrase", "opened with another passphrase", "passphrase=not the passphrase\n");
    add("wrong-kind", ok, "bad-key-file", "an ed25519 file opened as an x25519 key", "kind=x25519\n");
    const Json parsed = parseCanonicalJson(std::string_view(ok).substr(0, ok.size() - 1), JsonLimits{}).value();
    const auto changed = [&](std::vector<PathStep> path, Json v) {
        return edit(parsed, path, [&](const Json&) { return v; }).serialize() + "\n";
    };
    add("version-2", changed({"v"}, Json(std::int64_t{2})), "unsupported-version", "v = 2");
    add("mem-below-64mib", changed({"kdf", "mem"}, Json(std::int64_t{67108863})), "bad-key-file", "mem = 64 MiB - 1 byte");
    add("mem-above-1gib", changed({"kdf", "mem"}, Json(std::int64_t{1073741825})), "bad-key-file", "mem = 1 GiB + 1 byte");
    add("ops-1", changed({"kdf", "ops"}, Json(std::int64_t{1})), "bad-key-file", "ops = 1");
    add("ops-5", changed({"kdf", "ops"}, Json(std::int64_t{5})), "bad-key-file", "ops = 5");
    add("over-4096", std::string(4097, ' '), "bad-key-file", "a file of 4 097 bytes");
    add("public-mismatch", changed({"public"}, Json(toHex(k.stranger.publicKey()))), "bad-key-file",
        "the recorded public key is not the secret's");
}

} // namespace

void generateDocuments(Kit& kit, Writer& out)
{
    context(kit, out);
    policies(kit, out);
    identities(kit, out);
    receipts(kit, out);
    profiles(kit, out);
    keyFiles(kit, out);
}

} // namespace postern::vectors
