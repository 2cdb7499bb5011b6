// SPDX-License-Identifier: GPL-3.0-or-later
// First run: the wizard creates the store, the team and the channel rules through the real
// widgets, then the lock screen lets each person in with their own passphrase only.
#include "GuiTestSupport.h"
#include "gui/FirstRunWizard.h"
#include "gui/MainWindow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTextBrowser>

using namespace postern;
using namespace postern::test;

TEST_CASE("first-run wizard creates the store, users and channel rules", "[gui][firstrun]")
{
    GuiStore env;
    REQUIRE_FALSE(env.session.storeExists());
    gui::FirstRunWizard wizard(env.session);
    wizard.show();

    // Page 1: mismatched passphrases are refused on the page, nothing is created.
    QTest::keyClicks(child<QLineEdit>(&wizard, "workstationNameEdit"), "press-office");
    QTest::keyClicks(child<QLineEdit>(&wizard, "adminNameEdit"), "alice");
    QTest::keyClicks(child<QLineEdit>(&wizard, "adminPassEdit"), "correct horse battery");
    QTest::keyClicks(child<QLineEdit>(&wizard, "adminPass2Edit"), "correct horse battery!");
    wizard.next();
    CHECK(wizard.currentId() == 0);
    CHECK(child<QLabel>(&wizard, "storeErrorLabel")->text().contains("differ"));
    CHECK_FALSE(env.session.storeExists());

    child<QLineEdit>(&wizard, "adminPass2Edit")->clear();
    QTest::keyClicks(child<QLineEdit>(&wizard, "adminPass2Edit"), "correct horse battery");
    wizard.next(); // the keys are made off the GUI thread; the wizard moves on when they are
    REQUIRE(waitForKeyWork(env.session));
    REQUIRE(wizard.currentId() == 1);
    CHECK(env.session.storeExists());
    CHECK(env.session.isUnlocked());

    // Page 2: two people; a short passphrase is refused with the rule.
    QTest::keyClicks(child<QLineEdit>(&wizard, "userNameEdit"), "bob");
    QTest::keyClicks(child<QLineEdit>(&wizard, "userPassEdit"), "short");
    QTest::keyClicks(child<QLineEdit>(&wizard, "userPass2Edit"), "short");
    QTest::mouseClick(child<QPushButton>(&wizard, "addUserButton"), Qt::LeftButton);
    CHECK(child<QLabel>(&wizard, "userErrorLabel")->text().contains("12 characters"));

    QTest::keyClicks(child<QLineEdit>(&wizard, "userPassEdit"), "bob's long passphrase");
    QTest::keyClicks(child<QLineEdit>(&wizard, "userPass2Edit"), "bob's long passphrase");
    child<QLineEdit>(&wizard, "userPassEdit")->setText("bob's long passphrase");
    child<QLineEdit>(&wizard, "userPass2Edit")->setText("bob's long passphrase");
    QTest::mouseClick(child<QPushButton>(&wizard, "addUserButton"), Qt::LeftButton);
    REQUIRE(waitForKeyWork(env.session));
    CHECK(child<QLabel>(&wizard, "userErrorLabel")->text().isEmpty());

    QTest::keyClicks(child<QLineEdit>(&wizard, "userNameEdit"), "carol");
    child<QCheckBox>(&wizard, "roleAuthor")->setChecked(false);
    child<QCheckBox>(&wizard, "roleApprover")->setChecked(true);
    child<QLineEdit>(&wizard, "userPassEdit")->setText("carol's long passphrase");
    child<QLineEdit>(&wizard, "userPass2Edit")->setText("carol's long passphrase");
    wizard.next(); // a typed, not yet added person is added on Next
    REQUIRE(waitForKeyWork(env.session));
    REQUIRE(wizard.currentId() == 2);
    CHECK(child<QListWidget>(&wizard, "usersList")->count() == 3);

    // Page 3: one channel needing one approval.
    child<QComboBox>(&wizard, "platformCombo")
        ->setCurrentIndex(child<QComboBox>(&wizard, "platformCombo")->findData(QString("bluesky")));
    QTest::keyClicks(child<QLineEdit>(&wizard, "accountEdit"), "press.example.org");
    QTest::mouseClick(child<QPushButton>(&wizard, "addChannelButton"), Qt::LeftButton);
    CHECK(child<QListWidget>(&wizard, "channelsList")->count() == 1);
    wizard.next();
    REQUIRE(wizard.currentId() == 3);
    CHECK(child<QTextBrowser>(&wizard, "summaryView")->toPlainText().contains("Workstation fingerprint"));
    // Nobody was made an operator: the last page says so and how to change it.
    CHECK(child<QTextBrowser>(&wizard, "summaryView")->toPlainText().contains("Nobody is an operator yet"));
    CHECK(child<QTextBrowser>(&wizard, "summaryView")->toPlainText().contains("tick Operator, Save roles"));

    auto users = env.session.workstation().queries().users();
    REQUIRE(users);
    CHECK(users->size() == 3);
    auto policy = env.session.workstation().currentPolicy();
    REQUIRE(policy);
    CHECK(policy->policy.version == 4); // v1 at init, one per added user (users are in the policy), one for the rules
    REQUIRE(policy->policy.channels.size() == 1);
    CHECK(policy->policy.channels[0].channel.str() == "bluesky:press.example.org");
}

TEST_CASE("lock screen unlocks with the right passphrase only and auto-locks when idle", "[gui][lock]")
{
    GuiStore env;
    REQUIRE(env.session.initialise("ws", "alice", "correct horse battery"));
    gui::MainWindow window(env.session);
    window.show();
    auto* stack = child<QWidget>(&window, "stack");
    auto* lockPage = child<QWidget>(&window, "lockPage");
    CHECK(static_cast<QStackedWidget*>(stack)->currentWidget() == lockPage);

    auto* pass = child<QLineEdit>(&window, "passphraseEdit");
    QTest::keyClicks(pass, "wrong passphrase here");
    QTest::mouseClick(child<QPushButton>(&window, "unlockButton"), Qt::LeftButton);
    REQUIRE(waitForKeyWork(env.session));
    CHECK_FALSE(env.session.isUnlocked());
    CHECK(child<QLabel>(&window, "errorLabel")->text().contains("passphrase", Qt::CaseInsensitive));
    CHECK(pass->text().isEmpty());

    QTest::keyClicks(pass, "correct horse battery");
    QTest::keyClick(pass, Qt::Key_Return);
    REQUIRE(waitForKeyWork(env.session));
    REQUIRE(env.session.isUnlocked());
    CHECK(static_cast<QStackedWidget*>(stack)->currentWidget() == child<QWidget>(&window, "workPage"));

    env.session.setIdleIntervalForTest(50);
    CHECK(waitUntil([&] { return !env.session.isUnlocked(); }));
    CHECK(static_cast<QStackedWidget*>(stack)->currentWidget() == lockPage);
}
