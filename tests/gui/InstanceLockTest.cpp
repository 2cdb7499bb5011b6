// SPDX-License-Identifier: GPL-3.0-or-later
// One window per store: a second `postern` on the same store is refused with a sentence, the
// lock goes with the first window, and the store stays usable (as by postern-cli) meanwhile.
#include "GuiTestSupport.h"
#include "gui/InstanceLock.h"

#include <unistd.h>

using namespace postern;
using namespace postern::test;

TEST_CASE("a second window on the same store is refused in words", "[gui][instance]")
{
    GuiStore env;
    const auto storeDir = env.dir.path() / "store";
    auto first = gui::InstanceLock::acquire(storeDir); // also creates the folder for the wizard
    REQUIRE(first.ok());
    REQUIRE(env.session.initialise("press-office", "ada", "ada passphrase 1").ok());

    auto second = gui::InstanceLock::acquire(storeDir);
    REQUIRE_FALSE(second.ok());
    CHECK(second.code() == Errc::AlreadyExists);
    CHECK(second.error().message.find("already open on this store") != std::string::npos);
    CHECK(second.error().message.find("process " + std::to_string(::getpid())) != std::string::npos);

    // What the command line does meanwhile: open the store and sign a change into the audit log.
    auto cli = workflow::Workstation::open(storeDir, env.clock);
    REQUIRE(cli.ok());
    auto ada = (*cli)->unlock("ada", gui::toSecure("ada passphrase 1"));
    REQUIRE(ada.ok());
    REQUIRE((*cli)
                ->addUser(*ada,
                          "bob",
                          static_cast<domain::RoleSet>(domain::Role::Author),
                          gui::toSecure("bob passphrase 1"),
                          env.session.kdf())
                .ok());
    CHECK((*cli)->auditVerify().ok());

    // Closing the first window frees the store for the next one.
    first->reset();
    CHECK(gui::InstanceLock::acquire(storeDir).ok());
}

TEST_CASE("different stores do not share a lock", "[gui][instance]")
{
    TempDir dir;
    auto a = gui::InstanceLock::acquire(dir.path() / "a");
    auto b = gui::InstanceLock::acquire(dir.path() / "b");
    CHECK(a.ok());
    CHECK(b.ok());
}
