// SPDX-License-Identifier: GPL-3.0-or-later
// The argument parser in-process, and a smoke test of the real postern-uploader binary.
#include "CommandTable.h"
#include "UploaderFixture.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <ctime>

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
namespace fs = std::filesystem;

TEST_CASE("the command line parser accepts options anywhere and refuses unknown ones", "[uploader][cli]")
{
    auto a = cli::commands().parse({"--home", "/h", "publish", "b.postern", "--keep", "--receipt=r.txt"});
    REQUIRE(a.ok());
    CHECK(a->command == "publish");
    CHECK(a->positionals == std::vector<std::string>{"b.postern"});
    CHECK(*a->value("home") == "/h");
    CHECK(*a->value("receipt") == "r.txt");
    CHECK(a->has("keep"));

    auto id = cli::commands().parse({"identity", "export", "out.postern"});
    REQUIRE(id.ok());
    CHECK(id->positionals == std::vector<std::string>{"export", "out.postern"});

    CHECK(cli::commands().parse({"publish", "--kep", "b"}).code() == Errc::InvalidArgument);
    CHECK(cli::commands().parse({"verify", "b", "--keep"}).code() == Errc::InvalidArgument); // publish-only option
    CHECK(cli::commands().parse({"frobnicate"}).code() == Errc::InvalidArgument);
    CHECK(cli::commands().parse({"trust", "f", "--fingerprint"}).code() == Errc::InvalidArgument);
    CHECK(cli::commands().parse({"publish", "--keep=yes", "b"}).code() == Errc::InvalidArgument);
    CHECK(cli::commands().parse({"publish", "--receipt", "a", "--receipt", "b", "x"}).code() == Errc::InvalidArgument);
    auto dashes = cli::commands().parse({"verify", "--", "--odd-name"});
    REQUIRE(dashes.ok());
    CHECK(dashes->positionals == std::vector<std::string>{"--odd-name"});
    for (const auto* c : {"init", "identity", "trust", "verify", "publish", "resume", "status"})
        CHECK(cli::commands().help(c).has_value());
    CHECK(cli::commands().help().find("exit codes") != std::string_view::npos);
}

namespace {

struct Run
{
    int code = -1;
    std::string output;
};

std::string quote(const std::string& s)
{
    std::string out = "'";
    for (const char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

Run run(const std::string& args)
{
    const std::string cmd = quote(POSTERN_UPLOADER_EXE) + " " + args + " </dev/null 2>&1";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), p))
        r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    INFO(cmd << "\n" << r.output);
    return r;
}

} // namespace

TEST_CASE("the postern-uploader binary runs the whole flow", "[uploader][cli][smoke]")
{
    test::TempDir dir;
    const std::string home = "--home " + quote((dir / "home").string());
    const fs::path pass = dir / "pass";
    REQUIRE(writeFileAtomic(pass, std::string(test::UploaderFixture::kPassphrase) + "\n", 0600).ok());
    const std::string withPass = home + " --passphrase-file " + quote(pass.string());

    auto help = run("--help");
    CHECK(help.code == 0);
    CHECK(help.output.find("exit codes") != std::string::npos);
    CHECK(run("publish --help").output.find("--receipt FILE") != std::string::npos);
    CHECK(run("--bogus").code == 1);

    auto uninitialised = run(home + " status");
    CHECK(uninitialised.code == 6);
    CHECK(uninitialised.output.find("postern-uploader: hint: run `postern-uploader init") != std::string::npos);

    auto init = run(withPass + " init --name smoke --kdf interactive");
    REQUIRE(init.code == 0);
    CHECK(init.output.find("fingerprint") != std::string::npos);
    CHECK(run(withPass + " init --name again --kdf interactive").code == 1);

    // The workstation side of the ceremony, done in-process.
    Ceremony c;
    auto uploaderId =
        domain::readUploaderIdentity(test::UploaderFixture::slurp(dir / "home" / "uploader-identity.postern"));
    REQUIRE(uploaderId.ok());
    CHECK(init.output.find(uploaderId->fingerprint()) != std::string::npos);
    auto wsText = domain::makeWorkstationIdentity("Smoke workstation", c.workstation, {c.signedPolicy.fileText});
    REQUIRE(wsText.ok());
    const fs::path ws = dir / "ws.postern";
    REQUIRE(writeFileAtomic(ws, wsText.value()).ok());
    const std::string fp = domain::keyFingerprint(c.workstation.publicKey());

    CHECK(run(home + " trust " + quote(ws.string())).code == 1); // no terminal, no --fingerprint
    CHECK(run(home + " trust " + quote(ws.string()) + " --fingerprint WRONG-FINGERPRINT").code == 6);
    auto trusted = run(home + " trust " + quote(ws.string()) + " --fingerprint " + fp);
    REQUIRE(trusted.code == 0);
    CHECK(trusted.output.find("approver1") != std::string::npos);

    Ceremony::SealOptions o;
    o.recipient = uploaderId->boxKey;
    o.created = static_cast<std::int64_t>(std::time(nullptr));
    o.expires = o.created + 3600;
    const auto ref = c.addMedia(toBytes("\x89PNG\r\n\x1a\n smoke"), "p.png", "image/png", "alt");
    const Bytes b =
        c.seal(c.manifest({c.approved(c.post("Smoke test", {ref}, {Ceremony::outbox(), Ceremony::bluesky()}))}), o);
    const fs::path bundlePath = dir / "smoke.postern";
    REQUIRE(writeFileAtomic(bundlePath, toString(b)).ok());

    auto verified = run(withPass + " verify " + quote(bundlePath.string()));
    CHECK(verified.code == 0);
    CHECK(verified.output.find("approver1, approver2") != std::string::npos);
    auto published = run(withPass + " publish --keep " + quote(bundlePath.string()));
    // The outbox target is published; the bluesky one waits for its account (exit 2, no
    // receipt yet) instead of failing the post.
    CHECK(published.code == 2);
    CHECK(published.output.find("there is no account for bluesky:press.example.org") != std::string::npos);
    CHECK(published.output.find("account add") != std::string::npos);
    CHECK_FALSE(fs::exists(bundlePath.string() + ".receipt"));
    auto replay = run(withPass + " publish " + quote(bundlePath.string()));
    CHECK(replay.code == 4);
    CHECK(replay.output.find("replay") != std::string::npos);
    CHECK(run(withPass + " resume").code == 2); // still no account
    auto status = run(home + " status");
    CHECK(status.code == 0);
    CHECK(status.output.find("publishing 1") != std::string::npos);
    CHECK(run(home + " --passphrase-file " + quote((dir / "nope").string()) + " verify x").code == 1);
}
