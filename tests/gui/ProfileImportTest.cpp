// SPDX-License-Identifier: GPL-3.0-or-later
// The platform profile through the real widgets: the admin imports the uploader's signed
// profile on the Uploader tab, and the composer then flags a text the built-in rules accept.
#include "postern/bundle/PlatformProfile.h"
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/AdminDialog.h"
#include "gui/ComposeDialog.h"
#include "gui/Dialogs.h"

#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>

#include <ctime>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const QString kAdminPass = "ada passphrase 1";
const domain::ChannelId kMasto{domain::Platform::Mastodon, "press"};

std::vector<compose::Violation> textViolations(const gui::ComposeDialog& dialog)
{
    std::vector<compose::Violation> out;
    for (const auto& v : dialog.violations())
        if (v.field == "text")
            out.push_back(v);
    return out;
}

/** compose opens the composer as bob with only the Mastodon channel ticked and `text` typed. */
std::vector<compose::Violation> composeAsBob(GuiStore& env, const std::string& text)
{
    gui::ComposeDialog dialog(env.session);
    dialog.show();
    auto* channels = child<QListWidget>(&dialog, "channelList");
    for (int i = 0; i < channels->count(); ++i)
        channels->item(i)->setCheckState(
            channels->item(i)->data(Qt::UserRole).toString() == QString::fromStdString(kMasto.str()) ? Qt::Checked
                                                                                                     : Qt::Unchecked);
    child<QPlainTextEdit>(&dialog, "sharedTextEdit")->setPlainText(QString::fromStdString(text));
    return textViolations(dialog);
}

} // namespace

TEST_CASE("an imported platform profile lowers Mastodon's limit in the composer", "[gui][profile]")
{
    GuiStore env;
    REQUIRE(env.session.initialise("press-office", "ada", kAdminPass).ok());
    REQUIRE(env.session.unlock("ada", kAdminPass).ok());
    auto& ws = env.session.workstation();
    const auto box = crypto::BoxKey::generate();
    const auto uploader = crypto::SigningKey::generate();
    const std::string identity = domain::makeUploaderIdentity("uploader-1", box.publicKey(), uploader);
    REQUIRE(ws.trustUploader(env.session.user(), identity, domain::readUploaderIdentity(identity)->fingerprint()).ok());
    REQUIRE(ws.addUser(env.session.user(),
                       "bob",
                       static_cast<domain::RoleSet>(domain::Role::Author),
                       gui::toSecure("bob's long passphrase"),
                       env.session.kdf()));
    REQUIRE(ws.addUser(env.session.user(),
                       "carol",
                       static_cast<domain::RoleSet>(domain::Role::Approver),
                       gui::toSecure("carol's long passphrase"),
                       env.session.kdf()));
    REQUIRE(ws.setPolicy(env.session.user(), {{kMasto, 1, {"carol"}, 86400}}));

    // 300 characters: within Mastodon's default 500.
    const std::string text(300, 'a');
    env.session.lock();
    REQUIRE(env.session.unlock("bob", "bob's long passphrase"));
    CHECK(composeAsBob(env, text).empty());

    // The uploader's profile says this instance takes 200.
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    bundle::PlatformProfile profile;
    profile.created = now;
    profile.expires = now + 30 * 86400;
    bundle::ProfileChannel c;
    c.channel = kMasto;
    c.fetched = true;
    c.fetchedAt = now;
    c.limits.maxCharacters = 200;
    profile.channels = {c};
    const auto file = env.dir.path() / "profile.postern";
    REQUIRE(writeFileAtomic(file, bundle::writeProfile(profile, uploader).value()).ok());

    env.session.lock();
    REQUIRE(env.session.unlock("ada", kAdminPass));
    {
        gui::AdminDialog dialog(env.session);
        auto* label = child<QLabel>(&dialog, "profileLabel");
        CHECK(label->text().contains("No platform profile"));
        Dialogs::clearRecorded();
        Dialogs::queueFiles({QString::fromStdString(file.string())});
        Dialogs::queueText(kAdminPass);
        Dialogs::queueAnswer(Dialogs::Answer::Ok); // "Platform profile imported"
        QTest::mouseClick(child<QPushButton>(&dialog, "importProfileButton"), Qt::LeftButton);
        REQUIRE(waitForAdminWork(&dialog));
        INFO(Dialogs::recorded().join("\n").toStdString());
        REQUIRE(ws.currentProfile()->has_value());
        const QString expires =
            QDateTime::fromSecsSinceEpoch(profile.expires, Qt::UTC).toString("yyyy-MM-dd HH:mm 'UTC'");
        CHECK(label->text().contains("created"));
        CHECK(label->text().contains(expires));
    }

    env.session.lock();
    REQUIRE(env.session.unlock("bob", "bob's long passphrase"));
    const auto flagged = composeAsBob(env, text);
    REQUIRE(flagged.size() == 1);
    CHECK(flagged[0].channel == kMasto.str());
    CHECK(flagged[0].message.find("300 of 200") != std::string::npos);
    CHECK(flagged[0].offsetUtf8 == 200);
}
