// SPDX-License-Identifier: GPL-3.0-or-later
// Runs every conformance vector in tests/vectors through the real readers and verifier and
// checks the outcome against its .expect file (docs/bundle-format.md, "Conformance vectors").
#include "postern/bundle/BundleVerifier.h"
#include "postern/bundle/PlatformProfile.h"
#include "postern/bundle/Receipt.h"
#include "postern/bundle/Report.h"
#include "postern/crypto/KeyFile.h"
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using namespace postern;

namespace {

const fs::path kDir = POSTERN_VECTORS_DIR;

std::string slurp(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

/** keyValues reads KEY=VALUE lines (context.txt and a vector's .env). */
std::map<std::string, std::string> keyValues(const fs::path& p)
{
    std::map<std::string, std::string> out;
    if (!fs::exists(p))
        return out;
    std::istringstream in(slurp(p));
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos)
            out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

template <typename T>
std::string outcome(const Result<T>& r)
{
    return r.ok() ? "OK" : std::string(errcName(r.code()));
}

struct Context
{
    std::map<std::string, std::string> values = keyValues(kDir / "context" / "context.txt");
    std::int64_t now = std::stoll(values.at("now"));
    crypto::SecureBuffer passphrase{asBytes(values.at("passphrase"))};
    crypto::BoxKey box = open<crypto::BoxKey>("uploader-box.key", crypto::KeyKind::X25519);
    crypto::PublicKey uploaderSign = crypto::SigningKey::fromSeed(
                                         crypto::openKeyFile(slurp(kDir / "context" / "uploader-sign.key"),
                                                             crypto::KeyKind::Ed25519, passphrase)
                                             .value()
                                             .secret.view())
                                         .value()
                                         .publicKey();

    template <typename K>
    K open(const char* name, crypto::KeyKind kind)
    {
        auto opened = crypto::openKeyFile(slurp(kDir / "context" / name), kind, passphrase).value();
        return K::fromSecret(opened.secret.view()).value();
    }
};

Context& context()
{
    static Context c;
    return c;
}

Result<bundle::VerifiedBundle> verifyVector(const fs::path& file, const std::map<std::string, std::string>& env)
{
    Context& c = context();
    const Bytes bytes = [&] {
        const std::string s = slurp(file);
        return Bytes(s.begin(), s.end());
    }();
    const std::string trustedFile = env.count("trusted") ? env.at("trusted") : "context/workstation-identity.json";
    const auto identity = domain::readWorkstationIdentity(slurp(kDir / trustedFile)).value();
    bundle::TrustedWorkstation trusted;
    trusted.policy = identity.latest();
    if (env.count("high_water"))
        trusted.highWater = std::stoull(env.at("high_water"));
    trusted.knownPolicy = [&](std::int64_t v) -> std::optional<std::string> {
        for (const auto& p : identity.policies)
            if (p.policy.version == v)
                return p.fileText;
        return std::nullopt;
    };
    // The ledger stand-in: "seen=self" puts the bundle's own id (bytes 80..96) in it.
    std::set<bundle::BundleId> seen;
    if (env.count("seen") && env.at("seen") == "self" && bytes.size() >= 96) {
        bundle::BundleId id{};
        std::copy(bytes.begin() + 80, bytes.begin() + 96, id.begin());
        seen.insert(id);
    }
    bundle::VerifyEnvironment e;
    e.uploaderKey = &c.box;
    e.findWorkstation = [&](const crypto::PublicKey& k) -> const bundle::TrustedWorkstation* {
        return crypto::equalConstantTime(k, identity.workstation) ? &trusted : nullptr;
    };
    e.seen = [&](const bundle::BundleId& id) -> Result<bool> { return seen.count(id) == 1; };
    bundle::VerifyOptions opt;
    opt.now = env.count("now") ? std::stoll(env.at("now")) : c.now;
    if (env.count("max_size"))
        opt.maxBundleBytes = std::stoull(env.at("max_size"));
    bundle::MemorySource src(bytes);
    return bundle::verifyBundle(src, e, opt, nullptr);
}

std::string runBundle(const fs::path& file, const std::map<std::string, std::string>& env)
{
    return outcome(verifyVector(file, env));
}

std::string run(const std::string& kind, const fs::path& file, const std::map<std::string, std::string>& env)
{
    Context& c = context();
    if (kind == "bundles")
        return runBundle(file, env);
    const std::string text = slurp(file);
    if (kind == "policies")
        return outcome(domain::readPolicyFile(text));
    if (kind == "workstation-identities")
        return outcome(domain::readWorkstationIdentity(text));
    if (kind == "uploader-identities")
        return outcome(domain::readUploaderIdentity(text));
    if (kind == "receipts")
        return outcome(bundle::readReceipt(text, c.uploaderSign));
    if (kind == "profiles")
        return outcome(bundle::readProfile(text, c.uploaderSign, c.now));
    if (kind == "reports") {
        // Read under the trusted uploader, then admitted for the trusted workstation (§8.2.2).
        const auto report = bundle::readReport(text, c.uploaderSign);
        if (!report.ok())
            return outcome(report);
        const auto workstation =
            domain::readWorkstationIdentity(slurp(kDir / "context" / "workstation-identity.json")).value().workstation;
        const std::uint64_t last = env.count("last") ? std::stoull(env.at("last")) : 0;
        return outcome(bundle::admitReport(report.value(), workstation, last));
    }
    if (kind == "keyfiles") {
        const auto kindName = env.count("kind") ? env.at("kind") : "ed25519";
        const crypto::SecureBuffer pass(asBytes(env.count("passphrase") ? env.at("passphrase") : c.values.at("passphrase")));
        return outcome(crypto::openKeyFile(text, kindName == "x25519" ? crypto::KeyKind::X25519 : crypto::KeyKind::Ed25519, pass));
    }
    FAIL("unknown vector directory " << kind);
    return {};
}

const std::set<std::string> kSidecars = {".expect", ".txt", ".env"};

} // namespace

TEST_CASE("every conformance vector has the outcome its .expect file states", "[vectors]")
{
    int checked = 0;
    std::map<std::string, int> perKind;
    for (const auto& d : fs::directory_iterator(kDir)) {
        if (!d.is_directory() || d.path().filename() == "context")
            continue;
        const std::string kind = d.path().filename().string();
        for (const auto& f : fs::directory_iterator(d.path())) {
            if (kSidecars.count(f.path().extension().string()))
                continue;
            const fs::path stem = f.path().parent_path() / f.path().stem();
            INFO(kind << "/" << f.path().filename().string());
            const fs::path expectFile = fs::path(stem.string() + ".expect");
            REQUIRE(fs::exists(expectFile));
            REQUIRE(fs::exists(fs::path(stem.string() + ".txt")));
            const std::string expectText = slurp(expectFile);
            REQUIRE(!expectText.empty());
            REQUIRE(expectText.back() == '\n');
            const std::string expect = expectText.substr(0, expectText.size() - 1);
            REQUIRE(expect.find('\n') == std::string::npos);
            CHECK(run(kind, f.path(), keyValues(fs::path(stem.string() + ".env"))) == expect);
            ++checked;
            ++perKind[kind];
        }
    }
    // Guard against an empty or half-copied tree passing vacuously.
    CHECK(checked >= 100);
    for (const auto& k : {"bundles", "policies", "workstation-identities", "uploader-identities", "receipts", "profiles", "reports", "keyfiles"})
        CHECK(perKind[k] > 0);
}

TEST_CASE("every sidecar belongs to a vector", "[vectors]")
{
    for (const auto& d : fs::recursive_directory_iterator(kDir)) {
        if (!d.is_regular_file() || !kSidecars.count(d.path().extension().string()) || d.path().parent_path() == kDir
            || d.path().parent_path().filename() == "context")
            continue;
        INFO(d.path().string());
        bool hasInput = false;
        for (const auto& f : fs::directory_iterator(d.path().parent_path()))
            hasInput |= f.path().stem() == d.path().stem() && !kSidecars.count(f.path().extension().string());
        CHECK(hasInput);
    }
}

TEST_CASE("the verifier marks a cut or padded copy, not bytes after the manifest's JSON", "[vectors]")
{
    // docs/bundle-format.md 9.1: truncated and trailing-data of the bundle file are the carrying
    // copy's (no receipt); trailing-data inside the manifest is a verdict (a signed rejection).
    // The uploader tells them apart by Error::ofCopy alone.
    for (const char* copy : {"trailing-data-byte", "truncated-last-byte", "truncated-header"}) {
        INFO(copy);
        const auto r = verifyVector(kDir / "bundles" / (std::string(copy) + ".bundle"), {});
        REQUIRE_FALSE(r.ok());
        CHECK((r.code() == Errc::TrailingData || r.code() == Errc::Truncated));
        CHECK(r.error().ofCopy);
    }
    const auto inManifest = verifyVector(kDir / "bundles" / "json-trailing-bytes.bundle", {});
    REQUIRE_FALSE(inManifest.ok());
    CHECK(inManifest.code() == Errc::TrailingData);
    CHECK_FALSE(inManifest.error().ofCopy);
}
