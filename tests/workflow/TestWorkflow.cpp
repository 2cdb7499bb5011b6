// SPDX-License-Identifier: GPL-3.0-or-later
// The whole workstation workflow in process, against a real SQLite store, with the bundle
// checked by the same verifier the uploader runs.
#include "postern/bundle/BundleVerifier.h"
#include "postern/workflow/Workstation.h"

#include "TempDir.h"

#include <catch2/catch.hpp>

using namespace postern;
using namespace postern::workflow;

namespace {
crypto::SecureBuffer pass(std::string_view s)
{
    return crypto::SecureBuffer(asBytes(s));
}

const crypto::KdfParams kKdf = crypto::KdfParams::interactive();

struct Office
{
    test::TempDir dir;
    FixedClock clock{1798761600};
    std::unique_ptr<Workstation> ws;
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();
    std::string uploaderIdentity = domain::makeUploaderIdentity("uploader-1", uploaderBox.publicKey(), uploaderSign);

    Office()
    {
        REQUIRE(Workstation::init(dir / "store", "comms-ws", "ada", pass("ada passphrase 1"), kKdf, clock).ok());
        auto opened = Workstation::open(dir / "store", clock);
        REQUIRE(opened.ok());
        ws = std::move(opened).value();
    }

    UnlockedUser as(std::string_view name)
    {
        auto u = ws->unlock(name, pass(std::string(name) + " passphrase 1"));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    void staff()
    {
        auto admin = as("ada");
        using domain::Role;
        auto add = [&](const char* name, domain::RoleSet roles) {
            REQUIRE(ws->addUser(admin, name, roles, pass(std::string(name) + " passphrase 1"), kKdf).ok());
        };
        add("alice", static_cast<domain::RoleSet>(Role::Author));
        add("bob", static_cast<domain::RoleSet>(Role::Approver));
        add("carol", static_cast<domain::RoleSet>(Role::Approver));
        add("olga", static_cast<domain::RoleSet>(Role::Operator));
        auto id = domain::readUploaderIdentity(uploaderIdentity).value();
        REQUIRE(ws->trustUploader(admin, uploaderIdentity, id.fingerprint()).ok());
        ChannelRuleInput rule{domain::ChannelId::parse("outbox:press").value(), 2, {"bob", "carol"}, 86400};
        REQUIRE(ws->setPolicy(admin, {rule}).ok());
    }

    std::string draft(const std::string& text)
    {
        auto alice = as("alice");
        const auto image = dir / "photo.png";
        // A real 1x1 PNG (signature, IHDR, IDAT, IEND): media are parsed and sanitized on import.
        static constexpr unsigned char kPng[] = {
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
            0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
            0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff,
            0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
        REQUIRE(writeFileAtomic(image, std::string_view(reinterpret_cast<const char*>(kPng), sizeof kPng)).ok());
        DraftInput in;
        in.channels = {{domain::ChannelId::parse("outbox:press").value(), text, Json(Json::Object{})}};
        in.media = {{image, "", "", "The press office at dawn"}};
        auto post = ws->newDraft(alice, in);
        REQUIRE(post.ok());
        return post->id;
    }
};
} // namespace

TEST_CASE("init creates a store that refuses a wrong passphrase", "[workflow]")
{
    Office o;
    CHECK(o.ws->unlock("ada", pass("not the passphrase")).code() == Errc::WrongPassphrase);
    CHECK(o.ws->unlock("nobody", pass("whatever passphrase")).code() == Errc::NotFound);
    CHECK(Workstation::init(o.dir / "store", "again", "ada", pass("ada passphrase 1"), kKdf, o.clock).code()
          == Errc::AlreadyExists);
    CHECK(Workstation::init(o.dir / "other", "x", "ada", pass("short"), kKdf, o.clock).code() == Errc::InvalidArgument);
    CHECK(o.ws->currentPolicy()->policy.version == 1);
    CHECK(o.ws->auditVerify().ok());
}

TEST_CASE("the full workflow from draft to receipt", "[workflow]")
{
    Office o;
    o.staff();
    CHECK(o.ws->currentPolicy()->policy.version == 6); // four users and a rule after v1
    const std::string id = o.draft("Open day on Saturday");
    auto alice = o.as("alice");
    REQUIRE(o.ws->submit(alice, id).ok());

    // The author cannot approve; one approval is not enough for a 2-approval channel.
    CHECK(o.ws->approve(alice, id).code() == Errc::NotAuthorised);
    auto bob = o.as("bob");
    auto afterBob = o.ws->approve(bob, id);
    REQUIRE(afterBob.ok());
    CHECK(afterBob->record.state == store::PostState::InReview);
    CHECK_FALSE(afterBob->approvalStatus.empty());
    CHECK(o.ws->approve(bob, id).code() == Errc::AlreadyExists);

    auto olga = o.as("olga");
    CHECK(o.ws->exportBundle(olga, {id}, o.dir / "early.postern", 3600).code() == Errc::NotApproved);
    CHECK_FALSE(std::filesystem::exists(o.dir / "early.postern"));

    auto afterCarol = o.ws->approve(o.as("carol"), id);
    REQUIRE(afterCarol.ok());
    CHECK(afterCarol->record.state == store::PostState::Approved);
    CHECK(afterCarol->approverNames.size() == 2);

    const auto out = o.dir / "bundle.postern";
    CHECK(o.ws->exportBundle(o.as("alice"), {id}, out, 3600).code() == Errc::NotAuthorised);
    auto exported = o.ws->exportBundle(olga, {id}, out, 3600);
    REQUIRE(exported.ok());
    CHECK(exported->sequence == 1);
    CHECK(o.ws->show(id)->record.state == store::PostState::Exported);
    CHECK(o.ws->exportBundle(olga, {id}, o.dir / "again.postern", 3600).code() == Errc::AlreadyExported);
    CHECK_FALSE(std::filesystem::exists(o.dir / "again.postern"));

    // The uploader's verifier accepts exactly this bundle.
    auto identityText = o.ws->exportIdentity(o.as("ada"));
    REQUIRE(identityText.ok());
    auto identity = domain::readWorkstationIdentity(identityText.value());
    REQUIRE(identity.ok());
    bundle::TrustedWorkstation trusted;
    trusted.policy = identity->policies.front(); // the uploader may still be at v1: the bundle carries the rest
    trusted.knownPolicy = [&](std::int64_t v) -> std::optional<std::string> {
        return identity->policies[static_cast<std::size_t>(v - 1)].fileText;
    };
    bundle::VerifyEnvironment env;
    env.uploaderKey = &o.uploaderBox;
    env.findWorkstation = [&](const crypto::PublicKey& k) { return k == identity->workstation ? &trusted : nullptr; };
    env.seen = [](const bundle::BundleId&) -> Result<bool> { return false; };
    bundle::FileSource src;
    REQUIRE(src.open(out).ok());
    bundle::VerifyOptions opt;
    opt.now = o.clock.now() + 10;
    auto verified = bundle::verifyBundle(src, env, opt, nullptr);
    REQUIRE(verified.ok());
    CHECK(verified->policy.policy.version == 6);
    REQUIRE(verified->manifest.posts.size() == 1);
    CHECK(verified->manifest.posts[0].content.channels[0].text == "Open day on Saturday");
    CHECK(verified->manifest.posts[0].content.media[0].alt == "The press office at dawn");

    // Receipt back: the post becomes published with its URL.
    bundle::Receipt r;
    r.bundleId = verified->header.bundleId;
    r.workstation = identity->workstation;
    r.processedAt = o.clock.now() + 60;
    bundle::ReceiptEntry e;
    e.postId = id;
    e.version = 1;
    e.channel = domain::ChannelId::parse("outbox:press").value();
    e.state = bundle::ReceiptState::Published;
    e.url = "file:///srv/outbox/x/000-00";
    r.entries = {e};
    const std::string receipt = bundle::makeReceipt(r, o.uploaderSign);
    CHECK(o.ws->importReceipt(olga, bundle::makeReceipt(r, crypto::SigningKey::generate())).code()
          == Errc::BadSignature);
    auto imported = o.ws->importReceipt(olga, receipt);
    REQUIRE(imported.ok());
    auto view = o.ws->show(id);
    REQUIRE(view.ok());
    CHECK(view->record.state == store::PostState::Published);
    REQUIRE(view->results.size() == 1);
    CHECK(view->results[0].url == "file:///srv/outbox/x/000-00");
    CHECK(o.ws->importReceipt(olga, receipt).code() == Errc::AlreadyExists);
    CHECK(o.ws->auditVerify().ok());
}

TEST_CASE("rejection, revision and voided approvals", "[workflow]")
{
    Office o;
    o.staff();
    const std::string id = o.draft("Frist draft");
    auto alice = o.as("alice");
    REQUIRE(o.ws->submit(alice, id).ok());
    auto bob = o.as("bob");
    CHECK(o.ws->reject(bob, id, "").code() == Errc::InvalidArgument);
    REQUIRE(o.ws->reject(bob, id, "Typo in the first word").ok());
    auto rejected = o.ws->show(id);
    CHECK(rejected->record.state == store::PostState::Rejected);
    CHECK(rejected->record.lastReason == "Typo in the first word");

    DraftInput fixed;
    fixed.channels = {{domain::ChannelId::parse("outbox:press").value(), "First draft", Json(Json::Object{})}};
    REQUIRE(o.ws->editDraft(alice, id, fixed).ok());
    REQUIRE(o.ws->submit(alice, id).ok());
    REQUIRE(o.ws->approve(bob, id).ok());
    REQUIRE(o.ws->approve(o.as("carol"), id).ok());
    CHECK(o.ws->show(id)->record.state == store::PostState::Approved);

    // An edit after approval creates version 3 and voids both approvals.
    fixed.channels[0].text = "First draft, edited";
    auto edited = o.ws->editDraft(alice, id, fixed);
    REQUIRE(edited.ok());
    CHECK(edited->currentVersion == 3);
    CHECK(edited->state == store::PostState::Draft);
    CHECK(o.ws->show(id)->approverNames.empty());
}

TEST_CASE("policy and schedule rules are enforced at the workstation", "[workflow]")
{
    Office o;
    o.staff();
    auto admin = o.as("ada");
    ChannelRuleInput bad{domain::ChannelId::parse("x:press").value(), 1, {"alice"}, 3600};
    CHECK(o.ws->setPolicy(admin, {bad}).code() == Errc::ApproverNotAuthorised);
    ChannelRuleInput ghost{domain::ChannelId::parse("x:press").value(), 1, {"zed"}, 3600};
    CHECK(o.ws->setPolicy(admin, {ghost}).code() == Errc::NotFound);

    auto alice = o.as("alice");
    DraftInput past;
    past.channels = {{domain::ChannelId::parse("outbox:press").value(), "Late", Json(Json::Object{})}};
    past.schedule = o.clock.now() - 1;
    CHECK(o.ws->newDraft(alice, past).code() == Errc::ScheduleInPast);

    DraftInput unruled;
    unruled.channels = {{domain::ChannelId::parse("bluesky:press.example.org").value(), "Hi", Json(Json::Object{})}};
    auto post = o.ws->newDraft(alice, unruled);
    REQUIRE(post.ok());
    CHECK(o.ws->submit(alice, post->id).code() == Errc::ChannelNotInPolicy);

    DraftInput noTikTokPrivacy;
    noTikTokPrivacy.channels = {{domain::ChannelId::parse("tiktok:press").value(), "Hi", Json(Json::Object{})}};
    CHECK(o.ws->newDraft(alice, noTikTokPrivacy).code() == Errc::MissingField);

    auto olga = o.as("olga");
    CHECK(o.ws->exportBundle(olga, {}, o.dir / "x.postern", 3600).code() == Errc::InvalidArgument);
}

TEST_CASE("export needs a trusted uploader", "[workflow]")
{
    Office o;
    auto admin = o.as("ada");
    REQUIRE(o.ws->addUser(admin,
                          "olga",
                          static_cast<domain::RoleSet>(domain::Role::Operator),
                          pass("olga passphrase 1"),
                          kKdf)
                .ok());
    auto olga = o.as("olga");
    CHECK(o.ws->exportBundle(olga, {std::string(32, 'a')}, o.dir / "x.postern", 3600).code() == Errc::NoUploader);
    CHECK(o.ws->exportIdentity(olga).code() == Errc::NotAuthorised);
}
