// SPDX-License-Identifier: GPL-3.0-or-later
// postern-uploader in-process (cli::run with string streams): help generated from the command
// table, usage errors, and the commands of a whole round against a real home in a TempDir.
#include "postern/bundle/Report.h"
#include "postern/clikit/Parser.h"
#include "postern/uploader/platforms/PlatformAdapters.h"

#include "CommandTable.h"
#include "UploaderApp.h"
#include "UploaderFixture.h"

#include <algorithm>
#include <iostream>
#include <sstream>

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
namespace fs = std::filesystem;

namespace {

struct Ran
{
    int code = -1;
    std::string out;
    std::string err;
};

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

/**
 * up runs postern-uploader in-process with string streams and the fixture's clock. The process's
 * std::cout and std::cerr are swapped for buffers meanwhile and must stay empty.
 */
Ran up(const std::vector<std::string>& args, const std::string& input = {}, bool terminal = false)
{
    static const FixedClock clock{Ceremony::kNow + 60};
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in(input);
    const clikit::Io io{out, err, in, terminal, false};
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    std::ostringstream leakedOut;
    std::ostringstream leakedErr;
    auto* oldOut = std::cout.rdbuf(leakedOut.rdbuf());
    auto* oldErr = std::cerr.rdbuf(leakedErr.rdbuf());
    Ran r;
    r.code = cli::run(argv, io, clock);
    std::cout.rdbuf(oldOut);
    std::cerr.rdbuf(oldErr);
    r.out = out.str();
    r.err = err.str();
    INFO("postern-uploader exited " << r.code << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(leakedOut.str().empty());
    CHECK(leakedErr.str().empty());
    return r;
}

} // namespace

TEST_CASE("postern-uploader --help is generated from the command table", "[uploader][app][help]")
{
    const auto& program = cli::commands().program();
    auto help = up({"--help"});
    CHECK(help.code == 0);
    CHECK(help.out.rfind("usage: postern-uploader [--home DIR] COMMAND [ARGS] [OPTIONS]\n", 0) == 0);
    for (const auto& c : program.commands) {
        INFO(c.name);
        for (const auto& l : c.listed)
            CHECK(contains(help.out, "\n  " + l.synopsis));
        CHECK(cli::commands().find(c.name) != nullptr);
    }
    for (const auto& o : program.globals)
        CHECK(contains(help.out, "\n  --" + o.name));
    const auto checked = clikit::checkProgram(program);
    INFO((checked.ok() ? std::string() : checked.error().message));
    CHECK(checked.ok());
    for (int code = 0; code <= 7; ++code)
        CHECK(contains(help.out, "\n  " + std::to_string(code) + "  "));
    // Every platform with an adapter is named: the list comes from the adapter table.
    std::string description = help.out.substr(0, help.out.find("\n\ncommands:"));
    std::replace(description.begin(), description.end(), '\n', ' ');
    for (const auto platform : PlatformAdapters::platforms())
        CHECK(contains(description, std::string(domain::platformName(platform))));
    CHECK(contains(description, "bluesky, mastodon, tiktok and x channels"));
    CHECK_FALSE(contains(help.out, "recorded as failed"));
    CHECK(up({}).code == 1);
    CHECK(up({"--version"}).out == "postern-uploader 0.1.0\n");
}

TEST_CASE("postern-uploader COMMAND --help shows its usage and every option it takes", "[uploader][app][help]")
{
    for (const auto& c : cli::commands().program().commands) {
        INFO(c.name);
        auto help = up({c.name, "--help"});
        CHECK(help.code == 0);
        CHECK(help.out.rfind("usage: postern-uploader " + c.name, 0) == 0);
        for (const auto& u : c.usage)
            CHECK(contains(help.out, "postern-uploader " + u + "\n"));
        for (const auto& o : c.options)
            CHECK(contains(help.out, "\n  --" + o.name + (o.value.empty() ? "" : " " + o.value)));
    }
    CHECK(contains(up({"publish", "--help"}).out, "--receipt FILE"));
}

TEST_CASE("postern-uploader usage errors name the mistake and the help to read, exit 1", "[uploader][app]")
{
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"frobnicate"}, "unknown command \"frobnicate\"\npostern-uploader: hint: run `postern-uploader --help`"},
        {{"publish", "--kep", "b"},
         "unknown option --kep\npostern-uploader: hint: run `postern-uploader publish --help`"},
        {{"verify", "b", "--keep"}, "option --keep does not apply to `verify`"},
        {{"trust", "f", "--fingerprint"}, "option --fingerprint needs a value"},
        {{"publish", "--keep=yes", "b"}, "option --keep takes no value"},
        {{"publish", "--receipt", "a", "--receipt", "b", "x"}, "option --receipt is given twice"},
        {{"--keep"}, "option --keep needs a command"},
    };
    for (const auto& [args, message] : cases) {
        INFO(message);
        auto r = up(args);
        CHECK(r.code == 1);
        CHECK(r.err.rfind("postern-uploader: " + message, 0) == 0);
    }
}

TEST_CASE("postern-uploader runs a whole round in-process", "[uploader][app]")
{
    test::TempDir dir;
    const std::string home = (dir / "home").string();
    const fs::path pass = dir / "pass";
    REQUIRE(writeFileAtomic(pass, std::string(test::UploaderFixture::kPassphrase) + "\n", 0600).ok());
    const auto withHome = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--home", home, "--passphrase-file", pass.string()});
        return args;
    };

    auto uninitialised = up({"--home", home, "status"});
    CHECK(uninitialised.code == 6);
    CHECK(contains(uninitialised.err, "postern-uploader: hint: run `postern-uploader init --name NAME`"));

    auto init = up(withHome({"init", "--name", "inproc", "--kdf", "interactive"}));
    REQUIRE(init.code == 0);
    CHECK(init.out.rfind("initialised uploader \"inproc\" in ", 0) == 0);
    CHECK(up(withHome({"init", "--name", "again", "--kdf", "interactive"})).code == 1);
    const std::string copy = (dir / "copy.identity").string();
    REQUIRE(up(withHome({"identity", "export", copy})).code == 0);
    auto uploaderId = domain::readUploaderIdentity(test::UploaderFixture::slurp(copy));
    REQUIRE(uploaderId.ok());
    CHECK(contains(init.out, uploaderId->fingerprint()));

    // Trust: the answer to the question comes from the injected input.
    Ceremony c;
    auto wsText = domain::makeWorkstationIdentity("In-process workstation", c.workstation, {c.signedPolicy.fileText});
    REQUIRE(wsText.ok());
    const fs::path ws = dir / "ws.postern";
    REQUIRE(writeFileAtomic(ws, wsText.value()).ok());
    CHECK(up(withHome({"trust", ws.string()})).code == 1); // no terminal, no --fingerprint
    auto declined = up(withHome({"trust", ws.string()}), "no\n", true);
    CHECK(declined.code == 6);
    CHECK(contains(declined.err, "not confirmed; nothing was trusted"));
    auto trusted = up(withHome({"trust", ws.string()}), "yes\n", true);
    REQUIRE(trusted.code == 0);
    CHECK(contains(trusted.out, "Type yes to trust this workstation: "));
    CHECK(contains(trusted.out, "trusted workstation \"In-process workstation\""));

    Ceremony::SealOptions o;
    o.recipient = uploaderId->boxKey;
    const fs::path bundle = dir / "press-1.postern";
    REQUIRE(writeFileAtomic(bundle, toString(c.seal(c.manifest({c.approved(c.post("In-process"))}), o))).ok());
    REQUIRE(fs::copy_file(bundle, dir / "press-1.copy"));

    auto verified = up(withHome({"verify", bundle.string()}));
    REQUIRE(verified.code == 0);
    CHECK(contains(verified.out, "OK: the bundle passed every check; nothing was consumed"));
    auto published = up(withHome({"publish", bundle.string()}));
    REQUIRE(published.code == 0);
    CHECK(contains(published.out, "1 published, 0 failed, 0 waiting"));
    CHECK(fs::exists(bundle.string() + ".receipt"));
    CHECK_FALSE(fs::exists(bundle));
    auto replay = up(withHome({"publish", (dir / "press-1.copy").string()}));
    CHECK(replay.code == 4);
    CHECK(contains(replay.err, "bundle rejected: replay"));

    const std::string again = (dir / "again.receipt").string();
    auto receipt = up(withHome({"receipt", (dir / "press-1.copy").string(), "--out", again}));
    REQUIRE(receipt.code == 0);
    CHECK(test::UploaderFixture::slurp(again) == test::UploaderFixture::slurp(bundle.string() + ".receipt"));

    auto status = up({"--home", home, "status"});
    REQUIRE(status.code == 0);
    CHECK(contains(status.out, "trusted workstations: 1"));
    CHECK(contains(status.out, "publishing   active"));

    // Monitoring: the outbox post is listed with what the outbox cannot give; the report is
    // signed by this uploader, numbered per workstation, and never written over a file.
    const std::string first = (dir / "1.report").string();
    auto report = up(withHome({"report", "--out", first}));
    REQUIRE(report.code == 0);
    CHECK(contains(report.out, "outbox:"));
    CHECK(contains(report.out, "counts not read; 0 new replies in this report"));
    CHECK(contains(report.out, "note: the outbox has nothing to collect: it was posted by hand, if at all"));
    CHECK(contains(report.out, "for workstation In-process workstation"));
    CHECK(contains(report.out, "window 30 days, 1 targets, 0 new replies"));
    auto read = bundle::readReport(test::UploaderFixture::slurp(first), uploaderId->signKey);
    REQUIRE(read.ok());
    CHECK(read->sequence == 1);
    CHECK(read->follows == 0);
    CHECK(read->workstation == c.workstation.publicKey());
    CHECK(read->collectedAt == Ceremony::kNow + 60);
    REQUIRE(read->targets.size() == 1);
    CHECK(read->targets[0].channel.platform == domain::Platform::Outbox);
    CHECK_FALSE(read->targets[0].counts);
    CHECK(read->targets[0].replies.empty());
    CHECK(read->targets[0].note == "the outbox has nothing to collect: it was posted by hand, if at all");

    const std::string before = test::UploaderFixture::slurp(first);
    auto overwrite = up(withHome({"report", "--out", first}));
    CHECK(overwrite.code == 2);
    CHECK(contains(overwrite.err, "already exists; a report is never written over a file"));
    CHECK(test::UploaderFixture::slurp(first) == before);
    CHECK(up(withHome({"report", "--out", (dir / "x.report").string(), "--window", "0"})).code == 1);
    CHECK(up(withHome({"report", "--out", (dir / "x.report").string(), "--workstation", "nope"})).code == 6);
    CHECK_FALSE(fs::exists(dir / "x.report"));

    const std::string second = (dir / "2.report").string();
    REQUIRE(up(withHome({"report", "--out", second, "--window", "1"})).code == 0);
    auto next = bundle::readReport(test::UploaderFixture::slurp(second), uploaderId->signKey);
    REQUIRE(next.ok());
    CHECK(next->sequence == 2);
    CHECK(next->follows == 1);
}
