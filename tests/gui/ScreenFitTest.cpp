// SPDX-License-Identifier: GPL-3.0-or-later
// Small screens: on a 1366×768 laptop and on 1920×1080 at 150% (1280×720 logical pixels),
// each less a 32-pixel panel, the main window keeps its status bar on the screen and the
// composer keeps "Publish at", Save and Submit on it, with every channel's options shown.
#include "GuiTestSupport.h"
#include "gui/ComposeDialog.h"
#include "gui/MainWindow.h"
#include "gui/ScreenFit.h"

#include <QDateTimeEdit>
#include <QGuiApplication>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QStatusBar>

using namespace postern;
using namespace postern::test;

namespace {

/** onScreen: the widget is shown, not clipped away by a scroll area, and inside `available`. */
bool onScreen(QWidget* w, const QRect& available)
{
    const QRect global(w->mapToGlobal(QPoint(0, 0)), w->size());
    INFO(w->objectName().toStdString() << " at " << global.x() << "," << global.y() << " " << global.width() << "x"
                                       << global.height());
    return w->isVisible() && !w->visibleRegion().isEmpty() && available.contains(global);
}

/** Office: ada (admin and author) with four channels, so the composer shows every option box. */
struct Office : GuiStore
{
    Office()
    {
        REQUIRE(session.initialise("press-office", "ada", "ada passphrase 1").ok());
        auto ada = session.workstation().unlock("ada", gui::toSecure("ada passphrase 1")).value();
        REQUIRE(session.workstation()
                    .addUser(ada,
                             "carol",
                             static_cast<domain::RoleSet>(domain::Role::Approver),
                             gui::toSecure("carol passphrase 1"),
                             session.kdf())
                    .ok());
        REQUIRE(session.workstation()
                    .setUserRoles(ada,
                                  "ada",
                                  static_cast<domain::RoleSet>(domain::Role::Admin)
                                      | static_cast<domain::RoleSet>(domain::Role::Author))
                    .ok());
        ada = session.workstation().unlock("ada", gui::toSecure("ada passphrase 1")).value();
        std::vector<workflow::ChannelRuleInput> rules;
        for (const char* id :
             {"bluesky:press.example.org", "mastodon:@press@social.example", "tiktok:press", "x:press"})
            rules.push_back({domain::ChannelId::parse(id).value(), 1, {"carol"}, 86400});
        REQUIRE(session.workstation().setPolicy(ada, rules).ok());
        REQUIRE(session.unlock("ada", "ada passphrase 1").ok());
    }
};

} // namespace

TEST_CASE("windows fit 1366x768 and 1920x1080 at 150%", "[gui][screen]")
{
    const QRect laptop(0, 0, 1366, 768 - 32);
    const QRect scaled(0, 0, 1920 * 2 / 3, 1080 * 2 / 3 - 32);
    for (const QRect& available : {laptop, scaled}) {
        INFO("available " << available.width() << "x" << available.height());
        Office office;
        gui::MainWindow window(office.session);
        gui::fitToScreen(&window, available);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        CHECK(available.contains(window.geometry()));
        CHECK(onScreen(window.statusBar(), available));
        CHECK(onScreen(child<QWidget>(&window, "userLabel"), available));
        // "Logged in as ada (author, admin)" in full, beside however long the air-gap warning is.
        auto* user = child<QLabel>(&window, "userLabel");
        CHECK(user->width() >= user->fontMetrics().horizontalAdvance(user->text()));
        CHECK(user->text().contains(QStringLiteral("author, admin"))); // roles in words, not "author,admin"

        window.newPost();
        gui::ComposeDialog* composer = nullptr;
        REQUIRE(waitUntil([&] { return (composer = window.findChild<gui::ComposeDialog*>()) != nullptr; }));
        auto* channels = child<QListWidget>(composer, "channelList");
        for (int i = 0; i < channels->count(); ++i)
            channels->item(i)->setCheckState(Qt::Checked); // TikTok and Mastodon option boxes too
        gui::fitToScreen(composer, available);
        REQUIRE(QTest::qWaitForWindowExposed(composer));
        QTest::qWait(20); // layouts settle
        CHECK(available.contains(composer->geometry()));
        CHECK(onScreen(child<QDateTimeEdit>(composer, "scheduleEdit"), available));
        CHECK(onScreen(child<QPushButton>(composer, "saveButton"), available));
        CHECK(onScreen(child<QPushButton>(composer, "submitButton"), available));
        // The text still has room to write in (the rest scrolls).
        auto* text = child<QPlainTextEdit>(composer, "sharedTextEdit");
        CHECK(text->height() >= 3 * text->fontMetrics().lineSpacing());
        composer->reject();
    }
}

TEST_CASE("windows size themselves to the screen they open on", "[gui][screen]")
{
    Office office;
    const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
    INFO("screen " << available.width() << "x" << available.height());
    gui::MainWindow window(office.session); // the form asks for 1280×800
    CHECK(window.width() <= available.width());
    CHECK(window.height() <= available.height());
    gui::ComposeDialog composer(office.session, {}, &window); // the form asks for 1180×760
    CHECK(composer.width() <= available.width());
    CHECK(composer.height() <= available.height());
}
