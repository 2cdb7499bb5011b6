// SPDX-License-Identifier: GPL-3.0-or-later
// Approval, policy and manifest-parsing attacks (security-anchors.md §8 classes 1-9, 12,
// 21-25, 28). The workstation key signs every hostile manifest here, so each check below is
// the uploader's own rule, not the outer signature, doing the rejecting.
#include "Ceremony.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::bundle;
using postern::test::Ceremony;

namespace {
Errc verifyRaw(Ceremony& c, const Manifest& m, const std::string& raw)
{
    Ceremony::SealOptions o;
    o.rawManifest = raw;
    return c.verify(c.seal(m, o)).code();
}

std::string replaceOnce(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return s;
}
} // namespace

TEST_CASE("§8.1 approval by a key the policy does not know", "[attack][approval]")
{
    Ceremony c;
    const auto stranger = crypto::SigningKey::generate();
    const Bytes b = c.seal(c.manifest({c.approved(c.post("x"), {&c.approver1, &stranger})}));
    CHECK(c.verify(b).code() == Errc::UnknownSigner);
}

TEST_CASE("§8.2 threshold not met", "[attack][approval]")
{
    Ceremony c;
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"), {&c.approver1})}))).code() == Errc::ThresholdNotMet);
    // A post for two channels needs the threshold on each.
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x"), {})}))).ok());
}

TEST_CASE("§8.3 the same approver key counted twice", "[attack][approval]")
{
    Ceremony c;
    const Bytes b = c.seal(c.manifest({c.approved(c.post("x"), {&c.approver1, &c.approver1})}));
    CHECK(c.verify(b).code() == Errc::DuplicateApprover);
    // Also at the domain level, whatever order the approvals arrive in.
    const auto post = c.post("y");
    const auto a = domain::approve(c.approver1, post.digest());
    CHECK(domain::checkApprovals(post, post.digest(), {a, a}, c.policy).code() == Errc::DuplicateApprover);
}

TEST_CASE("author approving their own post", "[attack][approval]")
{
    Ceremony c;
    const Bytes b = c.seal(c.manifest({c.approved(c.post("x"), {&c.approver1, &c.author})}));
    CHECK(c.verify(b).code() == Errc::SelfApproval);
    // An author who also holds the approver role still cannot approve their own post.
    domain::Policy p = c.policy;
    for (auto& u : p.users) {
        if (u.key == c.author.publicKey())
            u.roles |= static_cast<domain::RoleSet>(domain::Role::Approver);
    }
    p.channels[0].approvers.push_back(c.author.publicKey());
    const auto post = c.post("y");
    const auto d = post.digest();
    CHECK(domain::checkApprovals(post, d, {domain::approve(c.author, d), domain::approve(c.approver1, d)}, p).code()
          == Errc::SelfApproval);
}

TEST_CASE("§8.4 approver not authorised for the channel", "[attack][approval]")
{
    Ceremony c;
    const Bytes b = c.seal(c.manifest({c.approved(c.post("x"), {&c.approver1, &c.approver2, &c.approver3})}));
    CHECK(c.verify(b).code() == Errc::ApproverNotAuthorised);
    // An author key presented as an approver lacks the role.
    const auto post = c.post("y");
    domain::PostContent other = post;
    other.author = c.admin.publicKey();
    const auto d = other.digest();
    CHECK(domain::checkApprovals(other, d, {domain::approve(c.author, d)}, c.policy).code()
          == Errc::ApproverNotAuthorised);
}

TEST_CASE("§8.5 approval for another version of the post", "[attack][approval]")
{
    Ceremony c;
    auto v1 = c.post("first text");
    auto approvedV1 = c.approved(v1);
    auto v2 = v1;
    v2.version = 2;
    v2.channels[0].text = "edited after approval";
    ManifestPost p;
    p.content = v2;
    p.approvals = approvedV1.approvals;
    CHECK(c.verify(c.seal(c.manifest({p}))).code() == Errc::ApprovalWrongVersion);
}

TEST_CASE("§8.9 approval signature made for another purpose", "[attack][approval]")
{
    Ceremony c;
    const auto post = c.post("x");
    const auto d = post.digest();
    ManifestPost p;
    p.content = post;
    p.approvals = {domain::approve(c.approver1, d),
                   {c.approver2.publicKey(), d, c.approver2.sign("postern/v1/doc/postern.receipt", d)}};
    CHECK(c.verify(c.seal(c.manifest({p}))).code() == Errc::BadApprovalSignature);
}

TEST_CASE("§8.6/§8.12 policy rollback, skipped version and fork", "[attack][policy]")
{
    Ceremony c;
    domain::Policy v2 = c.policy;
    v2.version = 2;
    auto sp2 = domain::signPolicy(v2, {&c.admin}).value();
    domain::Policy v3 = v2;
    v3.version = 3;
    auto sp3 = domain::signPolicy(v3, {&c.admin}).value();

    SECTION("rollback: uploader trusts v2, bundle carries only v1")
    {
        c.trusted.policy = sp2;
        const Bytes b = c.seal(c.manifest({c.approved(c.post("x"))}));
        CHECK(c.verify(b).code() == Errc::PolicyRollback);
    }
    SECTION("skipped: chain v1 then v3")
    {
        Manifest m = c.manifest({c.approved(c.post("x"))});
        m.policies.push_back(sp3);
        CHECK(c.verify(c.seal(m)).code() == Errc::PolicyVersionSkipped);
    }
    SECTION("fork: a different v1 than the one accepted")
    {
        domain::Policy other = c.policy;
        other.created += 1;
        Manifest m = c.manifest({c.approved(c.post("x"))});
        m.policies = {domain::signPolicy(other, {&c.admin}).value()};
        CHECK(c.verify(c.seal(m)).code() == Errc::PolicyFork);
    }
    SECTION("v2 not signed by a v1 admin")
    {
        const auto usurper = crypto::SigningKey::generate();
        domain::Policy evil = v2;
        evil.users.push_back({"usurper", usurper.publicKey(), static_cast<domain::RoleSet>(domain::Role::Admin)});
        for (auto& u : evil.users) {
            if (u.key == c.admin.publicKey())
                u.roles = static_cast<domain::RoleSet>(domain::Role::Author);
        }
        Manifest m = c.manifest({c.approved(c.post("x"))});
        m.policies.push_back(domain::signPolicy(evil, {&usurper}).value());
        CHECK(c.verify(c.seal(m)).code() == Errc::ThresholdNotMet);
    }
}

TEST_CASE("§8.21/§8.22 non-canonical and duplicate manifest fields", "[attack][manifest]")
{
    Ceremony c;
    const Manifest m = c.manifest({c.approved(c.post("x"))});
    const std::string good = m.serialize();
    REQUIRE(c.verify(c.seal(m)).ok());
    CHECK(verifyRaw(c, m, replaceOnce(good, "\"posts\":", "\"posts\": ")) == Errc::NonCanonical);
    CHECK(verifyRaw(c, m, replaceOnce(good, "\"type\":\"postern.manifest\"", "\"type\":\"postern.manif\\u0065st\""))
          == Errc::NonCanonical);
    CHECK(verifyRaw(c, m, replaceOnce(good, "\"v\":1", "\"v\":01")) == Errc::NonCanonical);
    CHECK(verifyRaw(c, m, replaceOnce(good, "\"v\":1}", "\"v\":1,\"v\":1}")) == Errc::DuplicateField);
    CHECK(verifyRaw(c, m, good + " ") == Errc::NonCanonical);
}

TEST_CASE("§8.29 unknown fields anywhere in the manifest", "[attack][manifest]")
{
    Ceremony c;
    const Manifest m = c.manifest({c.approved(c.post("x"))});
    const std::string good = m.serialize();
    // Keys stay sorted so the document is canonical: only the schema can refuse it.
    CHECK(verifyRaw(c, m, replaceOnce(good, "{\"media\":", "{\"aaa\":\"covert\",\"media\":")) == Errc::UnknownField);
    CHECK(verifyRaw(c,
                    m,
                    replaceOnce(good,
                                "{\"channel\":\"outbox:press\",\"options\"",
                                "{\"aaa\":1,\"channel\":\"outbox:press\",\"options\""))
          == Errc::UnknownField);
    CHECK(verifyRaw(c, m, replaceOnce(good, "\"author\":", "\"aaa\":true,\"author\":")) == Errc::UnknownField);
}

TEST_CASE("§8.25 path-like media names are refused", "[attack][manifest]")
{
    for (const std::string name :
         {"../../etc/passwd", "/etc/shadow", "a/b.png", "..\\x.png", ".hidden.png", "c:x.png"}) {
        Ceremony c;
        const auto ref = c.addMedia(Bytes(100, 1), name);
        CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x", {ref}))}))).code() == Errc::BadMediaName);
    }
}

TEST_CASE("media table must match the posts exactly", "[attack][manifest]")
{
    Ceremony c;
    const auto ref = c.addMedia(Bytes(100, 1));
    Manifest m = c.manifest({c.approved(c.post("x", {ref}))});
    Manifest extra = m;
    const auto spare = c.addMedia(Bytes(50, 2), "spare.png");
    extra.media.push_back({spare.hash, spare.size});
    CHECK(c.verify(c.seal(extra)).code() == Errc::BadValue); // unreferenced data (covert channel)
    Manifest missing = m;
    missing.media.clear();
    CHECK(c.verify(c.seal(missing)).code() == Errc::BadValue);
}

TEST_CASE("§8.23 too many posts or approvals", "[attack][manifest]")
{
    Ceremony c;
    auto p = c.approved(c.post("x"));
    for (int i = 0; i < 40; ++i)
        p.approvals.push_back(domain::approve(crypto::SigningKey::generate(), p.digest));
    CHECK(c.verify(c.seal(c.manifest({p}))).code() == Errc::TooLarge);
}

TEST_CASE("options outside the platform's table are refused", "[attack][manifest]")
{
    Ceremony c;
    auto post = c.post("x", {}, {Ceremony::bluesky()});
    post.channels[0].options.set("visibility", "public"); // a Mastodon option on Bluesky
    CHECK(c.verify(c.seal(c.manifest({c.approved(post)}))).code() == Errc::UnknownField);
}

TEST_CASE("the carried policy chain starts at version 1", "[attack][policy]")
{
    // Found by a second implementation: each of these was accepted although the spec says the
    // chain runs "from version 1 upwards" and every bundle carries the whole chain.
    Ceremony c;
    domain::Policy v2 = c.policy;
    v2.version = 2;
    const auto sp2 = domain::signPolicy(v2, {&c.admin}).value();
    SECTION("a chain starting at v2 (root-signed v+1 only)")
    {
        Manifest m = c.manifest({c.approved(c.post("x"))});
        m.policies = {sp2};
        CHECK(c.verify(c.seal(m)).code() == Errc::PolicyVersionSkipped);
    }
    SECTION("a chain with only the newest trusted version")
    {
        c.trusted.policy = sp2;
        Manifest m = c.manifest({c.approved(c.post("x"))});
        m.policies = {sp2};
        CHECK(c.verify(c.seal(m)).code() == Errc::PolicyVersionSkipped);
    }
    SECTION("the whole chain v1, v2 is accepted")
    {
        Manifest m = c.manifest({c.approved(c.post("x"))});
        m.policies.push_back(sp2);
        CHECK(c.verify(c.seal(m)).ok());
    }
}

TEST_CASE("post channels out of canonical order are refused", "[attack][manifest]")
{
    Ceremony c;
    const auto content = c.post("x", {}, {Ceremony::bluesky(), Ceremony::outbox()});
    const Manifest m = c.manifest({c.approved(content)});
    const std::string good = m.serialize();
    REQUIRE(c.verify(c.seal(m)).ok());
    const std::string blue = "{\"channel\":\"bluesky:press.example.org\",\"options\":{},\"text\":\"x\"}";
    const std::string box = "{\"channel\":\"outbox:press\",\"options\":{},\"text\":\"x\"}";
    const std::string swapped = replaceOnce(good, blue + "," + box, box + "," + blue);
    CHECK(verifyRaw(c, m, swapped) == Errc::NonCanonical);
    const std::string twice = replaceOnce(good, blue + "," + box, box + "," + box);
    CHECK(verifyRaw(c, m, twice) == Errc::DuplicateField);
}

TEST_CASE("over-long fields answer their own code, not too-large", "[attack][manifest]")
{
    // §4.1: a 256-byte media name breaks a media-name rule (bad-media-name).
    Ceremony c;
    const auto ref = c.addMedia(Bytes(100, 1), std::string(252, 'n') + ".png");
    CHECK(c.verify(c.seal(c.manifest({c.approved(c.post("x", {ref}))}))).code() == Errc::BadMediaName);
    // §7: a hex id of any wrong length is bad-encoding; §4: type is wrong-document-type.
    Ceremony d;
    const Manifest m = d.manifest({d.approved(d.post("x"))});
    const std::string raw = m.serialize();
    const std::string id = m.posts[0].content.postId;
    CHECK(verifyRaw(d, m, replaceOnce(raw, id, id + std::string(100, 'a'))) == Errc::BadEncoding);
    CHECK(verifyRaw(d, m, replaceOnce(raw, "\"postern.manifest\"", "\"postern." + std::string(40, 'm') + "\""))
          == Errc::WrongDocumentType);
    // §7: a manifest whose JSON stops early is a syntax error (truncated is for the file).
    CHECK(verifyRaw(d, m, raw.substr(0, raw.size() / 2)) == Errc::Syntax);
}

TEST_CASE("the media table must be in first-reference order", "[attack][manifest]")
{
    Ceremony c;
    const auto a = c.addMedia(Bytes(100, 1), "a.png");
    const auto b = c.addMedia(Bytes(50, 2), "b.png");
    Manifest m = c.manifest({c.approved(c.post("x", {a, b}))});
    REQUIRE(c.verify(c.seal(m)).ok());
    std::swap(m.media[0], m.media[1]); // the writer seals media in table order, so only the order is wrong
    CHECK(c.verify(c.seal(m)).code() == Errc::NonCanonical);
}
