// SPDX-License-Identifier: GPL-3.0-or-later
// Argon2id runs off the GUI thread: while a passphrase is checked or a key made (unlock,
// approve, export signing, Administration changes, the first-run wizard) the event loop keeps turning, a busy bar
// shows, and the last attempt's error is gone as soon as the next one starts. A timer ticking during the check proves
// the first; a synchronous check would let no tick through while the bar is up.
#include "postern/domain/Identity.h"

#include "GuiTestSupport.h"
#include "gui/AdminDialog.h"
#include "gui/BusyIndicator.h"
#include "gui/Dialogs.h"
#include "gui/ExportDialog.h"
#include "gui/FirstRunWizard.h"
#include "gui/MainWindow.h"
#include "gui/PostPane.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const domain::ChannelId kPress = domain::ChannelId::parse("outbox:press").value();

QString passOf(const std::string& name)
{
    return QString::fromStdString(name) + "'s long passphrase";
}

/** Office: ada (admin), bob (author), carol (approver, 1 needed), olga (operator); one post in review. */
struct Office : GuiStore
{
    std::string postId;

    Office()
    {
        REQUIRE(session.initialise("press-office", "ada", passOf("ada")).ok());
        auto ada = as("ada");
        using domain::Role;
        for (const auto& [name, role] :
             {std::pair{"bob", Role::Author}, {"carol", Role::Approver}, {"olga", Role::Operator}})
            REQUIRE(ws().addUser(ada, name, static_cast<domain::RoleSet>(role), secret(name), session.kdf()).ok());
        REQUIRE(ws().setPolicy(ada, {{kPress, 1, {"carol"}, 86400}}).ok());
        workflow::DraftInput in;
        in.channels = {{kPress, "Band concert on Sunday in the park", Json(Json::Object{})}};
        postId = ws().newDraft(as("bob"), in)->id;
        REQUIRE(ws().submit(as("bob"), postId).ok());
    }

    workflow::Workstation& ws() { return session.workstation(); }
    static crypto::SecureBuffer secret(const std::string& name) { return gui::toSecure(passOf(name)); }
    workflow::UnlockedUser as(const std::string& name) { return ws().unlock(name, secret(name)).value(); }
};

/** Ticker counts timer ticks that arrive while `busy` is on screen and a key check runs. */
struct Ticker
{
    QTimer timer;
    int ticksWhileBusy = 0;

    Ticker(gui::Session& session, QWidget* busy)
    {
        timer.setInterval(2);
        QObject::connect(&timer, &QTimer::timeout, [this, &session, busy] {
            if (session.isKeyWorkRunning() && busy->isVisible())
                ++ticksWhileBusy;
        });
        timer.start();
    }
};

/** busyIn is the busy indicator placed directly in `parent` (not in a child dialog). */
gui::BusyIndicator* busyIn(QWidget* parent)
{
    for (auto* busy : parent->findChildren<gui::BusyIndicator*>())
        if (busy->window() == parent->window())
            return busy;
    FAIL("no busy indicator in " << parent->objectName().toStdString());
    return nullptr;
}

} // namespace

TEST_CASE("unlocking checks the passphrase off the GUI thread with a busy bar", "[gui][keywork]")
{
    Office office;
    gui::MainWindow window(office.session);
    window.resize(1000, 700);
    window.show();
    auto* combo = child<QComboBox>(&window, "userCombo");
    combo->setCurrentIndex(combo->findData("carol"));
    auto* pass = child<QLineEdit>(&window, "passphraseEdit");
    auto* error = child<QLabel>(&window, "errorLabel");
    auto* lockScreenBusy = child<gui::BusyIndicator>(child<QWidget>(&window, "lockPage"), "busyIndicator");

    // A wrong passphrase: the check runs in the background, then the error shows.
    QTest::keyClicks(pass, "not carol's passphrase");
    QTest::keyClick(pass, Qt::Key_Return);
    CHECK(office.session.isKeyWorkRunning());
    REQUIRE(waitForKeyWork(office.session));
    CHECK_FALSE(lockScreenBusy->isVisible());
    REQUIRE(error->text().contains("passphrase"));

    // The right one: the old error goes at once, the bar shows, and the event loop turns.
    Ticker ticker(office.session, lockScreenBusy);
    QTest::keyClicks(pass, passOf("carol"));
    QTest::keyClick(pass, Qt::Key_Return);
    CHECK(error->text().isEmpty());
    CHECK(office.session.isKeyWorkRunning());
    CHECK(lockScreenBusy->isVisible());
    CHECK(lockScreenBusy->text().contains("Checking your passphrase"));
    REQUIRE(waitForKeyWork(office.session));
    CHECK(ticker.ticksWhileBusy > 0);
    REQUIRE(office.session.isUnlocked());
    CHECK(office.session.user().record.name == "carol");
    CHECK_FALSE(child<gui::BusyIndicator>(&window, "statusBusyIndicator")->isVisible());
}

TEST_CASE("approving checks the passphrase off the GUI thread with a busy bar", "[gui][keywork]")
{
    Office office;
    REQUIRE(office.session.unlock("carol", passOf("carol")).ok());
    gui::MainWindow window(office.session);
    window.resize(1000, 700);
    window.show();
    window.selectQueue(store::PostState::InReview);
    REQUIRE(window.selectPost(QString::fromStdString(office.postId)));
    auto* busy = child<gui::BusyIndicator>(&window, "statusBusyIndicator");
    Ticker ticker(office.session, busy);
    Dialogs::queueText(passOf("carol"));
    QTest::mouseClick(child<QPushButton>(&window.postPane(), "approveButton"), Qt::LeftButton);
    CHECK(busy->isVisible());
    REQUIRE(waitForKeyWork(office.session));
    CHECK(ticker.ticksWhileBusy > 0);
    CHECK_FALSE(busy->isVisible());
    CHECK(office.ws().show(office.postId)->record.state == store::PostState::Approved);
}

TEST_CASE("export signing checks the passphrase off the GUI thread with a busy bar", "[gui][keywork][export]")
{
    Office office;
    REQUIRE(office.ws().approve(office.as("carol"), office.postId).ok());
    const std::string identity = domain::makeUploaderIdentity("uploader-1",
                                                              crypto::BoxKey::generate().publicKey(),
                                                              crypto::SigningKey::generate());
    REQUIRE(office.ws()
                .trustUploader(office.as("ada"), identity, domain::readUploaderIdentity(identity)->fingerprint())
                .ok());
    REQUIRE(office.session.unlock("olga", passOf("olga")).ok());
    gui::ExportDialog dialog(office.session, {});
    const auto folder = office.dir.path() / "transfer";
    std::filesystem::create_directories(folder);
    Dialogs::queueFiles({QString::fromStdString(folder.string())});
    Dialogs::queueAnswer(Dialogs::Answer::Yes); // not a removable drive: export anyway
    QTest::mouseClick(child<QPushButton>(&dialog, "chooseFolderButton"), Qt::LeftButton);
    dialog.show();

    // A wrong passphrase first, so there is an old message to clear.
    Dialogs::queueText("not olga's passphrase");
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    auto* exportButton = child<QPushButton>(&dialog, "exportButton");
    QTest::mouseClick(exportButton, Qt::LeftButton);
    REQUIRE(waitForKeyWork(office.session));
    auto* busy = busyIn(&dialog);
    Ticker ticker(office.session, busy);
    Dialogs::queueText(passOf("olga"));
    QTest::mouseClick(exportButton, Qt::LeftButton);
    CHECK(busy->isVisible());
    CHECK_FALSE(exportButton->isEnabled()); // one press, one export
    REQUIRE(waitForKeyWork(office.session));
    CHECK(ticker.ticksWhileBusy > 0);
    REQUIRE(waitUntil([&] { return !dialog.isExporting(); }, 30000));
    CHECK(office.ws().show(office.postId)->record.state == store::PostState::Exported);
}

TEST_CASE("an Administration change checks the passphrase and makes the key off the GUI thread",
          "[gui][keywork][admin]")
{
    Office office;
    REQUIRE(office.session.unlock("ada", passOf("ada")).ok());
    gui::AdminDialog dialog(office.session);
    dialog.show();
    auto* error = child<QLabel>(&dialog, "addUserErrorLabel");
    auto* tabs = child<QTabWidget>(&dialog, "tabs");
    auto* add = child<QPushButton>(&dialog, "addUserButton");
    child<QLineEdit>(&dialog, "newUserNameEdit")->setText(QStringLiteral("dave"));
    child<QCheckBox>(&dialog, "newRoleApprover")->setChecked(true);

    // A wrong admin passphrase first: its error is the stale one to clear.
    child<QLineEdit>(&dialog, "newUserPassEdit")->setText(passOf("dave"));
    child<QLineEdit>(&dialog, "newUserPass2Edit")->setText(passOf("dave"));
    Dialogs::queueText(QStringLiteral("not ada's passphrase"));
    Dialogs::queueAnswer(Dialogs::Answer::Ok); // the error message
    QTest::mouseClick(add, Qt::LeftButton);
    REQUIRE(waitForKeyWork(office.session));
    CHECK_FALSE(office.ws().queries().user("dave").ok());
    error->setText(QStringLiteral("an old message"));

    // The check and then the sealing of dave's key: the bar shows, the tabs wait, the loop turns.
    auto* busy = busyIn(&dialog);
    Ticker ticker(office.session, busy);
    child<QLineEdit>(&dialog, "newUserPassEdit")->setText(passOf("dave"));
    child<QLineEdit>(&dialog, "newUserPass2Edit")->setText(passOf("dave"));
    Dialogs::queueText(passOf("ada"));
    QTest::mouseClick(add, Qt::LeftButton);
    CHECK(error->text().isEmpty());
    CHECK(office.session.isKeyWorkRunning());
    CHECK(busy->isVisible());
    CHECK_FALSE(tabs->isEnabled());
    REQUIRE(waitUntil([&] { return office.ws().queries().user("dave").ok(); }, 30000));
    REQUIRE(waitForKeyWork(office.session));
    CHECK(ticker.ticksWhileBusy > 0);
    CHECK_FALSE(busy->isVisible());
    CHECK(tabs->isEnabled());
    CHECK(office.ws().unlock("dave", Office::secret("dave")).ok());
}

TEST_CASE("changing one's own passphrase opens and seals the key off the GUI thread", "[gui][keywork][admin]")
{
    Office office;
    REQUIRE(office.session.unlock("ada", passOf("ada")).ok());
    gui::AdminDialog dialog(office.session);
    dialog.show();
    auto* change = child<QPushButton>(&dialog, "changePassphraseButton");
    auto* tabs = child<QTabWidget>(&dialog, "tabs");
    const QString fresh = QStringLiteral("ada's brand new passphrase");

    // A wrong current passphrase is refused after the check, and nothing is stored.
    Dialogs::queueText(QStringLiteral("not ada's passphrase"));
    Dialogs::queueText(fresh);
    Dialogs::queueText(fresh);
    Dialogs::queueAnswer(Dialogs::Answer::Ok); // the error message
    QTest::mouseClick(change, Qt::LeftButton);
    REQUIRE(waitForKeyWork(office.session));
    CHECK(office.ws().unlock("ada", Office::secret("ada")).ok());

    // The right one: two Argon2id runs while the bar shows, the tabs wait and the loop turns.
    auto* busy = busyIn(&dialog);
    Ticker ticker(office.session, busy);
    Dialogs::queueText(passOf("ada"));
    Dialogs::queueText(fresh);
    Dialogs::queueText(fresh);
    Dialogs::queueAnswer(Dialogs::Answer::Ok); // "Your passphrase is changed"
    QTest::mouseClick(change, Qt::LeftButton);
    CHECK(office.session.isKeyWorkRunning());
    CHECK(busy->isVisible());
    CHECK_FALSE(tabs->isEnabled());
    REQUIRE(waitForKeyWork(office.session));
    CHECK(ticker.ticksWhileBusy > 0);
    CHECK(tabs->isEnabled());
    CHECK_FALSE(office.ws().unlock("ada", Office::secret("ada")).ok());
    CHECK(office.ws().unlock("ada", gui::toSecure(fresh)).ok());
}

TEST_CASE("the first-run wizard makes keys off the GUI thread", "[gui][keywork][firstrun]")
{
    GuiStore env;
    gui::FirstRunWizard wizard(env.session);
    wizard.show();
    QTest::keyClicks(child<QLineEdit>(&wizard, "workstationNameEdit"), QStringLiteral("press-office"));
    QTest::keyClicks(child<QLineEdit>(&wizard, "adminNameEdit"), QStringLiteral("ada"));
    child<QLineEdit>(&wizard, "adminPassEdit")->setText(passOf("ada"));
    child<QLineEdit>(&wizard, "adminPass2Edit")->setText(passOf("ada") + QLatin1Char('!'));
    wizard.next();
    auto* storeError = child<QLabel>(&wizard, "storeErrorLabel");
    REQUIRE_FALSE(storeError->text().isEmpty()); // the passphrases differ: the stale message

    // Creating the store and the admin's key, then logging the admin in.
    child<QLineEdit>(&wizard, "adminPass2Edit")->setText(passOf("ada"));
    auto* storeBusy = child<gui::BusyIndicator>(&wizard, "storeBusyIndicator");
    {
        Ticker ticker(env.session, storeBusy);
        wizard.next();
        CHECK(storeError->text().isEmpty());
        CHECK(env.session.isKeyWorkRunning());
        CHECK(storeBusy->isVisible());
        CHECK_FALSE(wizard.button(QWizard::NextButton)->isEnabled());
        REQUIRE(waitForKeyWork(env.session));
        CHECK(ticker.ticksWhileBusy > 0);
    }
    REQUIRE(wizard.currentId() == 1);
    REQUIRE(env.session.isUnlocked());

    // Adding a person seals their key the same way.
    auto* usersBusy = child<gui::BusyIndicator>(&wizard, "usersBusyIndicator");
    Ticker ticker(env.session, usersBusy);
    child<QLineEdit>(&wizard, "userNameEdit")->setText(QStringLiteral("bob"));
    child<QLineEdit>(&wizard, "userPassEdit")->setText(passOf("bob"));
    child<QLineEdit>(&wizard, "userPass2Edit")->setText(passOf("bob"));
    QTest::mouseClick(child<QPushButton>(&wizard, "addUserButton"), Qt::LeftButton);
    CHECK(usersBusy->isVisible());
    CHECK_FALSE(child<QPushButton>(&wizard, "addUserButton")->isEnabled());
    REQUIRE(waitForKeyWork(env.session));
    CHECK(ticker.ticksWhileBusy > 0);
    CHECK(child<QListWidget>(&wizard, "usersList")->count() == 2);
    CHECK(env.session.workstation().unlock("bob", gui::toSecure(passOf("bob"))).ok());
}
