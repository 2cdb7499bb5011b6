// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExitCode.h"
#include "UploaderFixture.h"

#include <sys/stat.h>

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::UploaderFixture;
namespace fs = std::filesystem;

namespace {
unsigned modeOf(const fs::path& p)
{
    struct stat st
    {
    };
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777u;
}
} // namespace

TEST_CASE("init creates private keys, a ledger and an identity whose fingerprint is stable", "[uploader][home]")
{
    UploaderFixture f(false);
    const HomeLayout& l = f.home->layout();
    CHECK(modeOf(l.root) == 0700);
    CHECK(modeOf(l.keysDir) == 0700);
    CHECK(modeOf(l.boxKey) == 0600);
    CHECK(modeOf(l.signKey) == 0600);
    CHECK(fs::is_directory(l.spool));
    CHECK(fs::is_directory(f.outbox()));
    CHECK(f.outbox() == fs::absolute(l.defaultOutbox));
    CHECK(f.init.identityFile == l.identity);

    // The identity file parses, is self-signed, carries the unlocked keys, and its fingerprint
    // is the one init printed, before and after a restart.
    const auto identity = domain::readUploaderIdentity(UploaderFixture::slurp(l.identity));
    REQUIRE(identity.ok());
    CHECK(identity->name == "test uploader");
    CHECK(identity->fingerprint() == f.init.fingerprint);
    CHECK(identity->boxKey == f.home->boxKey()->publicKey());
    CHECK(identity->signKey == f.home->signKey()->publicKey());
    f.restart();
    REQUIRE(f.home->identity().ok());
    CHECK(f.home->identity()->fingerprint() == f.init.fingerprint);
    CHECK(f.home->boxKey()->publicKey() == identity->boxKey);
}

TEST_CASE("init refuses an initialised home and open refuses an uninitialised one", "[uploader][home]")
{
    UploaderFixture f(false);
    const std::string before = UploaderFixture::slurp(f.home->layout().boxKey);
    f.home->close();
    InitOptions again;
    again.name = "again";
    again.kdf = crypto::KdfParams::interactive();
    auto second = UploaderHome::initialise(f.homeDir(), again, UploaderFixture::passphrase(), f.clock);
    REQUIRE_FALSE(second.ok());
    CHECK(second.code() == Errc::AlreadyExists);
    CHECK(UploaderFixture::slurp(f.home->layout().boxKey) == before);

    UploaderHome empty;
    const auto s = empty.open(f.dir / "nowhere");
    CHECK(s.code() == Errc::NotFound);
    CHECK(cli::exitCodeFor(Errc::NotTrusted) == cli::ExitCode::NotReady);
}

TEST_CASE("a wrong passphrase does not unlock the keys", "[uploader][home]")
{
    UploaderFixture f(false);
    UploaderHome other;
    REQUIRE(other.open(f.homeDir(), false).ok());
    const crypto::SecureBuffer wrong(asBytes("not the passphrase at all"));
    CHECK(other.unlockBoxKey(wrong).code() == Errc::WrongPassphrase);
    CHECK(other.unlockSignKey(wrong).code() == Errc::WrongPassphrase);
    CHECK(other.boxKey() == nullptr);
    CHECK(cli::exitCodeFor(Errc::WrongPassphrase) == cli::ExitCode::KeyProblem);
}

TEST_CASE("only one process works in a home at a time", "[uploader][home]")
{
    UploaderFixture f(false);
    UploaderHome second;
    CHECK(second.open(f.homeDir(), true).code() == Errc::InvalidState);
    UploaderHome reader;
    CHECK(reader.open(f.homeDir(), false).ok()); // status needs no lock
}

TEST_CASE("trusting a workstation stores its key, name and every policy version", "[uploader][trust]")
{
    UploaderFixture f(false);
    auto preview = previewTrust(f.home->ledger(), f.workstationIdentity({f.ceremony.signedPolicy.fileText}));
    REQUIRE(preview.ok());
    CHECK_FALSE(preview->known);
    CHECK(preview->newPolicies.size() == 1);
    CHECK(preview->identity.fingerprint() == domain::keyFingerprint(f.ceremony.workstation.publicKey()));
    REQUIRE(commitTrust(f.home->ledger(), *preview, f.clock.now()).ok());

    auto all = f.home->ledger().workstations();
    REQUIRE(all.ok());
    REQUIRE(all->size() == 1);
    CHECK(all->front().name == "Press office workstation");
    CHECK(all->front().fingerprint == preview->identity.fingerprint());
    CHECK(all->front().policyVersion == 1);
    CHECK_FALSE(all->front().highWater.has_value());
    auto text = f.home->ledger().policyText(f.ceremony.workstation.publicKey(), 1);
    REQUIRE(text.ok());
    CHECK(text->value() == f.ceremony.signedPolicy.fileText);

    // The same identity again changes nothing.
    auto again = previewTrust(f.home->ledger(), f.workstationIdentity({f.ceremony.signedPolicy.fileText}));
    REQUIRE(again.ok());
    CHECK(again->known);
    CHECK(again->newPolicies.empty());
}

TEST_CASE("a newer chain is trusted by the successor rules, a different chain is a fork", "[uploader][trust]")
{
    UploaderFixture f;
    auto& c = f.ceremony;

    domain::Policy v2 = c.policy;
    v2.version = 2;
    v2.created = Ceremony::kNow - 3600;
    v2.channels[0].required = 1;
    auto signedV2 = domain::signPolicy(v2, {&c.admin});
    REQUIRE(signedV2.ok());
    auto newer = previewTrust(f.home->ledger(), f.workstationIdentity({c.signedPolicy.fileText, signedV2->fileText}));
    REQUIRE(newer.ok());
    CHECK(newer->known);
    CHECK(newer->trustedVersion == 1);
    REQUIRE(newer->newPolicies.size() == 1);
    REQUIRE(commitTrust(f.home->ledger(), *newer, f.clock.now()).ok());
    CHECK(f.home->ledger().workstation(c.workstation.publicKey())->value().policyVersion == 2);

    // A different version 1 for the same workstation key: policy-fork, nothing stored.
    domain::Policy other = c.policy;
    other.created = Ceremony::kNow - 7200;
    auto signedOther = domain::signPolicy(other, {&c.admin});
    REQUIRE(signedOther.ok());
    auto fork = previewTrust(f.home->ledger(), f.workstationIdentity({signedOther->fileText}));
    CHECK(fork.code() == Errc::PolicyFork);

    // Only version 1 again, now that 2 is trusted: the chain goes backwards.
    auto older = previewTrust(f.home->ledger(), f.workstationIdentity({c.signedPolicy.fileText}));
    CHECK(older.code() == Errc::PolicyRollback);
    CHECK(f.home->ledger().policies(c.workstation.publicKey())->size() == 2);
}

TEST_CASE("exit codes follow the documented table", "[uploader][exit]")
{
    CHECK(cli::exitCodeFor(Errc::InvalidArgument) == cli::ExitCode::Usage);
    CHECK(cli::exitCodeFor(Errc::Io) == cli::ExitCode::Environment);
    CHECK(cli::exitCodeFor(Errc::ChunkAuthFailed) == cli::ExitCode::Rejected);
    CHECK(cli::exitCodeFor(Errc::Expired) == cli::ExitCode::Rejected);
    CHECK(cli::exitCodeFor(Errc::ThresholdNotMet) == cli::ExitCode::Rejected);
    CHECK(cli::exitCodeFor(Errc::Replay) == cli::ExitCode::Replay);
    CHECK(cli::exitCodeFor(Errc::PublishFailed) == cli::ExitCode::SomeFailed);
    CHECK(cli::exitCodeFor(Errc::UnknownWorkstation) == cli::ExitCode::NotReady);
    CHECK(cli::exitCodeFor(Errc::BadKeyFile) == cli::ExitCode::KeyProblem);
    CHECK_FALSE(isBundleRejection(Errc::Io));
    CHECK(isBundleRejection(Errc::MediaHashMismatch));
}
