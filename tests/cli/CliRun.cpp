// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliRun.h"

#include "postern/util/FileIO.h"

#include "CliApp.h"

#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>

namespace postern::test {

namespace {

/** Captured swaps a process stream's buffer for a string buffer while it lives. */
class Captured
{
public:
    explicit Captured(std::ostream& stream) : m_stream(stream), m_old(stream.rdbuf(m_buffer.rdbuf())) {}
    ~Captured() { m_stream.rdbuf(m_old); }
    Captured(const Captured&) = delete;
    Captured& operator=(const Captured&) = delete;
    [[nodiscard]] std::string text() const { return m_buffer.str(); }

private:
    std::ostringstream m_buffer;
    std::ostream& m_stream;
    std::streambuf* m_old;
};

} // namespace

Ran runCli(const std::vector<std::string>& args, const std::string& input, bool terminal)
{
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in(input);
    const clikit::Io io{out, err, in, terminal, false};
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    Ran r;
    std::string leakedOut;
    std::string leakedErr;
    {
        const Captured processOut(std::cout);
        const Captured processErr(std::cerr);
        r.code = cli::run(argv, io);
        leakedOut = processOut.text();
        leakedErr = processErr.text();
    }
    r.out = out.str();
    r.err = err.str();
    INFO("postern-cli exited " << r.code << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(leakedOut.empty()); // every line goes through the injected streams
    CHECK(leakedErr.empty());
    return r;
}

std::string CliStore::passphraseFile(const std::string& name, const std::string& passphrase) const
{
    const auto path = dir / (name + ".pass");
    REQUIRE(writeFileAtomic(path, passphrase + "\n", 0600).ok());
    return path.string();
}

std::string CliStore::file(const std::string& name, const std::string& content) const
{
    const auto path = dir / name;
    REQUIRE(writeFileAtomic(path, content, 0600).ok());
    return path.string();
}

Ran CliStore::run(const std::string& pass, std::vector<std::string> args) const
{
    std::vector<std::string> full = {"--store", store()};
    if (!pass.empty()) {
        full.push_back("--passphrase-file");
        full.push_back(pass);
    }
    full.insert(full.end(), args.begin(), args.end());
    return runCli(full);
}

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

} // namespace postern::test
