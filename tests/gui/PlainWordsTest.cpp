// SPDX-License-Identifier: GPL-3.0-or-later
// What the screens say, in words: no error codes, no long hex ids (ids live in tooltips),
// counters and platform names people read, the audit log as sentences, who can still approve,
// the lock screen's last user, and side tab counts that belong to the post shown.
#include "GuiTestSupport.h"
#include "gui/AdminDialog.h"
#include "gui/AuditText.h"
#include "gui/Dialogs.h"
#include "gui/LockScreen.h"
#include "gui/MainWindow.h"
#include "gui/PostListModel.h"
#include "gui/PostPane.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableWidget>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const domain::ChannelId kPress = domain::ChannelId::parse("bluesky:press.example.org").value();
const QRegularExpression kLongHex("[0-9a-f]{12,}");

crypto::SecureBuffer secret(const std::string& name)
{
    return gui::toSecure(QString::fromStdString(name) + " passphrase 1");
}

/** Office: ada (admin), bob (author), carol and dave (approvers, 2 needed), erin (operator). */
struct Office : GuiStore
{
    std::string postId;

    Office()
    {
        REQUIRE(session.initialise("press-office", "ada", "ada passphrase 1").ok());
        auto ada = as("ada");
        using domain::Role;
        for (const auto& [name, role] : {std::pair{"bob", Role::Author},
                                         {"carol", Role::Approver},
                                         {"dave", Role::Approver},
                                         {"erin", Role::Operator}})
            REQUIRE(ws().addUser(ada, name, static_cast<domain::RoleSet>(role), secret(name), session.kdf()).ok());
        REQUIRE(ws().setPolicy(ada, {{kPress, 2, {"carol", "dave"}, 86400}}).ok());
        workflow::DraftInput in;
        in.channels = {{kPress, "Band concert on Sunday in the park", Json(Json::Object{})}};
        postId = ws().newDraft(as("bob"), in)->id;
        REQUIRE(ws().submit(as("bob"), postId).ok());
    }

    workflow::Workstation& ws() { return session.workstation(); }
    workflow::UnlockedUser as(const std::string& name) { return ws().unlock(name, secret(name)).value(); }
};

} // namespace

TEST_CASE("the post pane says who can still approve, without ids", "[gui][words]")
{
    Office office;
    REQUIRE(office.session.unlock("carol", "carol passphrase 1").ok());
    gui::MainWindow window(office.session);
    window.selectQueue(store::PostState::InReview);
    REQUIRE(window.selectPost(QString::fromStdString(office.postId)));
    auto& pane = window.postPane();
    const QString status = child<QLabel>(&pane, "statusLabel")->text();
    INFO(status.toStdString());
    // Both are needed: "and", not "or".
    CHECK(status.contains("Bluesky press.example.org needs 2 more approvals: carol and dave."));
    CHECK_FALSE(status.contains(kLongHex));
    CHECK_FALSE(
        child<QLabel>(&pane, "titleLabel")->text().contains(QString::fromStdString(office.postId.substr(0, 8))));
    CHECK(child<QLabel>(&pane, "titleLabel")->toolTip().contains(QString::fromStdString(office.postId)));
    // The list shows the platform by name and keeps the id for the tooltip.
    const auto& model = window.postModel();
    CHECK(model.data(model.index(0, gui::PostListModel::Channels)).toString() == "Bluesky press.example.org");
}

TEST_CASE("the audit log reads as sentences with ids on hover", "[gui][words]")
{
    Office office;
    REQUIRE(office.session.unlock("carol", "carol passphrase 1").ok());
    gui::MainWindow window(office.session);
    child<QTabWidget>(&window, "tabs")->setCurrentWidget(child<QWidget>(&window, "auditTab"));
    auto* table = child<QTableWidget>(&window, "auditTable");
    REQUIRE(table->rowCount() > 5);
    QStringList what;
    for (int r = 0; r < table->rowCount(); ++r) {
        const QString text = table->item(r, 3)->text();
        CHECK_FALSE(text.contains(kLongHex));
        CHECK_FALSE(text.contains("draft-new"));
        what << text;
    }
    CHECK(what.contains("Wrote a new post “Band concert on Sunday in the park”"));
    CHECK(what.contains("Submitted “Band concert on Sunday in the park” for review"));
    CHECK(std::any_of(what.begin(), what.end(), [](const QString& t) {
        return t.startsWith("Published approval policy version");
    }));
    bool hover = false;
    for (int r = 0; r < table->rowCount(); ++r)
        hover = hover || table->item(r, 3)->toolTip().contains(QString::fromStdString(office.postId));
    CHECK(hover);
    CHECK_FALSE(child<QLabel>(&window, "auditStatusLabel")->text().contains("entry(ies)"));
}

TEST_CASE("the lock screen remembers who unlocked last", "[gui][lock]")
{
    Office office;
    {
        gui::MainWindow window(office.session);
        REQUIRE(office.session.unlock("dave", "dave passphrase 1").ok());
        office.session.lock();
        CHECK(child<QComboBox>(&window, "userCombo")->currentData().toString() == "dave");
    }
    // Also after a restart: a new session on the same store.
    gui::Session again(office.dir.path() / "store", office.clock);
    REQUIRE(again.open().ok());
    gui::LockScreen lock(again);
    CHECK(child<QComboBox>(&lock, "userCombo")->currentData().toString() == "dave");
}

TEST_CASE("side tab counts belong to the post shown, not the last user's", "[gui][words]")
{
    Office office;
    REQUIRE(office.session.unlock("carol", "carol passphrase 1").ok());
    gui::MainWindow window(office.session);
    window.selectQueue(store::PostState::InReview);
    REQUIRE(window.selectPost(QString::fromStdString(office.postId)));
    auto* tabs = child<QTabWidget>(&window.postPane(), "sideTabs");
    QStringList before;
    for (int i = 0; i < tabs->count(); ++i)
        before << tabs->tabText(i);
    CHECK(before.contains("Media (0)"));
    office.session.lock();
    REQUIRE(office.session.unlock("erin", "erin passphrase 1").ok()); // starts at Approved: nothing selected
    for (int i = 0; i < tabs->count(); ++i)
        CHECK_FALSE(tabs->tabText(i).contains('('));
}

TEST_CASE("Save roles says what was saved", "[gui][admin]")
{
    Office office;
    REQUIRE(office.session.unlock("ada", "ada passphrase 1").ok());
    gui::AdminDialog dialog(office.session);
    auto* users = child<QTableWidget>(&dialog, "usersTable");
    for (int r = 0; r < users->rowCount(); ++r)
        if (users->item(r, 0)->text() == "bob")
            users->selectRow(r);
    child<QCheckBox>(&dialog, "editRoleOperator")->setChecked(true);
    Dialogs::queueText("ada passphrase 1");
    QTest::mouseClick(child<QPushButton>(&dialog, "saveRolesButton"), Qt::LeftButton);
    REQUIRE(waitForAdminWork(&dialog));
    const QString said = child<QLabel>(&dialog, "usersStatusLabel")->text();
    CHECK(said.startsWith("Saved: bob is now"));
    CHECK(said.contains("operator"));
}

TEST_CASE("the post pane says whether any approver suffices or all are needed", "[gui][words][policy]")
{
    Office office;
    auto ada = office.as("ada");
    REQUIRE(office.ws()
                .addUser(ada,
                         "frank",
                         static_cast<domain::RoleSet>(domain::Role::Approver),
                         secret("frank"),
                         office.session.kdf())
                .ok());
    const auto statusWith = [&](std::int64_t required, std::vector<std::string> approvers) {
        REQUIRE(office.ws().setPolicy(office.as("ada"), {{kPress, required, std::move(approvers), 86400}}).ok());
        gui::PostPane pane(office.session);
        pane.showPost(QString::fromStdString(office.postId));
        return child<QLabel>(&pane, "statusLabel")->text();
    };
    REQUIRE(office.session.unlock("carol", "carol passphrase 1").ok());
    CHECK(statusWith(1, {"carol", "dave"}).contains("needs 1 more approval: carol or dave."));
    CHECK(statusWith(2, {"carol", "dave"}).contains("needs 2 more approvals: carol and dave."));
    CHECK(statusWith(2, {"carol", "dave", "frank"}).contains("needs 2 more approvals: any 2 of carol, dave or frank."));
    CHECK(statusWith(3, {"carol", "dave", "frank"}).contains("needs 3 more approvals: carol, dave and frank."));
}

TEST_CASE("OPSEC flags say where they matched in words, not as field paths", "[gui][words]")
{
    compose::OpsecFlag inText;
    inText.ruleName = "E-mail address";
    inText.match = "press@example.org";
    inText.channel = "bluesky:press.example.org";
    inText.field = "text";
    CHECK(gui::opsecFlagText(inText)
          == QStringLiteral("E-mail address: “press@example.org” in the Bluesky press.example.org text"));

    compose::OpsecFlag inAlt = inText;
    inAlt.channel.clear(); // media is shared by every channel
    inAlt.field = "media[1].alt";
    const QString alt = gui::opsecFlagText(inAlt);
    CHECK(alt == QStringLiteral("E-mail address: “press@example.org” in the alt text of image 2"));
    CHECK_FALSE(alt.contains(QStringLiteral("media[")));
}

TEST_CASE("the audit log lists several roles with a space after each comma", "[gui][words]")
{
    GuiStore env;
    gui::AuditText text(env.session);
    store::AuditRecord added;
    added.action = "user-add";
    added.subject = "dave";
    added.details = "author,approver ABCD-EFGH-IJKL policy v3";
    CHECK(text.what(added) == QStringLiteral("Added dave (author, approver)"));
    store::AuditRecord changed;
    changed.action = "user-roles";
    changed.subject = "dave";
    changed.details = "author,approver -> approver,operator policy v4";
    CHECK(text.what(changed) == QStringLiteral("Changed the roles of dave (author, approver → approver, operator)"));
}
