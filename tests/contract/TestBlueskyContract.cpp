// SPDX-License-Identifier: GPL-3.0-or-later
// What the Bluesky adapter sends, checked against tests/contract/bluesky.mjs, which records every
// createRecord (run through run_contract.sh: ctest -R contract_bluesky). The adapter's full
// behaviour against a real server is tested with the reference PDS (tests/pds/).
#include "postern/uploader/platforms/bluesky/BlueskyAdapter.h"

#include "ContractServer.h"
#include "UploaderFixture.h"

using namespace postern;
using namespace postern::uploader;
using postern::test::Ceremony;
using postern::test::ContractServer;
using postern::test::UploaderFixture;

namespace {

/** BlueskyRun is an uploader home with the server's account added and the adapter installed. */
struct BlueskyRun
{
    BlueskyRun()
    {
        server.reset();
        AccountStore store(f.home->ledger(), f.home->layout().hostKey, f.clock);
        REQUIRE(store.add(Ceremony::bluesky().str(),
                          "press.bsky.example",
                          server.url(),
                          crypto::SecureBuffer(asBytes(std::string("app-password")))));
        accounts = std::make_unique<AccountStore>(f.home->ledger(), f.home->layout().hostKey, f.clock);
        adapter = std::make_unique<BlueskyAdapter>(*accounts, http, f.clock);
        f.service->setAdapter(domain::Platform::Bluesky, adapter.get());
    }
    /** record returns the value of the created record with this text (REQUIREs exactly one). */
    Json record(const std::string& text)
    {
        const Json state = server.state();
        std::vector<Json> found;
        for (const auto& r : state.find("records")->asArray()) {
            const Json* value = r.find("value");
            if (value && value->find("text") && value->find("text")->asString() == text)
                found.push_back(*value);
        }
        REQUIRE(found.size() == 1);
        return found[0];
    }

    ContractServer server;
    UploaderFixture f;
    HttpClient http;
    std::unique_ptr<AccountStore> accounts;
    std::unique_ptr<BlueskyAdapter> adapter;
};

} // namespace

TEST_CASE("option table: every Bluesky option reaches the app.bsky.feed.post record", "[bluesky][options]")
{
    // docs/bundle-format.md 4.1: lang (optional) is the record's langs; without it, no langs.
    BlueskyRun run;
    auto german = run.f.ceremony.post("Guten Morgen", {}, {Ceremony::bluesky()});
    german.channels[0].options.set("lang", "de");
    auto plain = run.f.ceremony.post("No language given", {}, {Ceremony::bluesky()});
    const auto report = run.f.publish(run.f.writeBundle(run.f.seal(run.f.ceremony.manifest(
                                          {run.f.ceremony.approved(german), run.f.ceremony.approved(plain)}))),
                                      true);
    REQUIRE(report.progress.complete);
    for (const auto& t : report.progress.targets) {
        INFO(t.pendingError << " " << t.record.reason);
        CHECK(t.record.state == TargetState::Done);
    }

    const Json de = run.record("Guten Morgen");
    REQUIRE(de.find("langs") != nullptr);
    CHECK(de.find("langs")->serialize() == R"(["de"])");
    CHECK(de.find("$type")->asString() == "app.bsky.feed.post");
    CHECK(run.record("No language given").find("langs") == nullptr);
}
