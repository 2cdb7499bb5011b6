// SPDX-License-Identifier: GPL-3.0-or-later
// The Administration dialog driven through its real widgets: people and roles, key
// replacement, the approval policy, the uploader key ceremony, the workstation identity, the
// idle lock and the OPSEC rules; every signed change re-asks the admin's passphrase.
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/AdminDialog.h"
#include "gui/Dialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>

#include <algorithm>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const QString kAdminPass = "ada passphrase 1";

/** AdminEnv is a store whose first admin "ada" is logged in. */
struct AdminEnv : GuiStore
{
    AdminEnv()
    {
        REQUIRE(session.initialise("press-office", "ada", kAdminPass).ok());
        REQUIRE(session.unlock("ada", kAdminPass).ok());
        Dialogs::clearRecorded();
    }

    workflow::Workstation& ws() { return session.workstation(); }
    std::int64_t policyVersion() { return ws().currentPolicy()->policy.version; }
};

/** click presses a button and waits for the key work it may start (off the GUI thread). */
void click(QWidget* dialog, const char* button)
{
    QTest::mouseClick(child<QPushButton>(dialog, button), Qt::LeftButton);
    REQUIRE(waitForAdminWork(dialog));
}

void selectRowNamed(QTableWidget* table, const QString& name)
{
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->text() == name) {
            table->selectRow(r);
            return;
        }
    FAIL("no row named " << name.toStdString());
}

void addPerson(QWidget* dialog, const char* name, const char* roleBox, const QString& pass)
{
    child<QLineEdit>(dialog, "newUserNameEdit")->setText(QString::fromUtf8(name));
    child<QCheckBox>(dialog, "newRoleAuthor")->setChecked(false);
    child<QCheckBox>(dialog, roleBox)->setChecked(true);
    child<QLineEdit>(dialog, "newUserPassEdit")->setText(pass);
    child<QLineEdit>(dialog, "newUserPass2Edit")->setText(pass);
    Dialogs::queueText(kAdminPass);
    click(dialog, "addUserButton");
    child<QCheckBox>(dialog, roleBox)->setChecked(false);
}

bool recordedContains(const QString& text)
{
    for (const auto& line : Dialogs::recorded())
        if (line.contains(text))
            return true;
    return false;
}

} // namespace

TEST_CASE("admin dialog adds people, changes roles, replaces keys and disables", "[gui][admin]")
{
    AdminEnv env;
    gui::AdminDialog dialog(env.session);
    REQUIRE(dialog.isAvailable());
    auto* users = child<QTableWidget>(&dialog, "usersTable");
    CHECK(users->rowCount() == 1);

    // Mismatched passphrases are refused on the form, before anything is asked or signed.
    child<QLineEdit>(&dialog, "newUserNameEdit")->setText("bob");
    child<QLineEdit>(&dialog, "newUserPassEdit")->setText("bob passphrase 1");
    child<QLineEdit>(&dialog, "newUserPass2Edit")->setText("bob passphrase 2");
    click(&dialog, "addUserButton");
    CHECK(child<QLabel>(&dialog, "addUserErrorLabel")->text().contains("differ"));
    CHECK(users->rowCount() == 1);

    const auto v1 = env.policyVersion();
    addPerson(&dialog, "bob", "newRoleApprover", "bob passphrase 1");
    REQUIRE(users->rowCount() == 2);
    auto bob = env.ws().queries().user("bob");
    REQUIRE(bob.ok());
    CHECK(bob->roles == store::kRoleApprover);
    CHECK(env.policyVersion() == v1 + 1);

    // Change roles: approver -> approver + author, signed after the passphrase.
    selectRowNamed(users, "bob");
    CHECK(child<QCheckBox>(&dialog, "editRoleApprover")->isChecked());
    child<QCheckBox>(&dialog, "editRoleAuthor")->setChecked(true);
    Dialogs::queueText(kAdminPass);
    click(&dialog, "saveRolesButton");
    CHECK(env.ws().queries().user("bob")->roles == (store::kRoleApprover | store::kRoleAuthor));
    CHECK(env.policyVersion() == v1 + 2);

    // A wrong admin passphrase changes nothing and says so.
    selectRowNamed(users, "bob");
    child<QCheckBox>(&dialog, "editRoleAuthor")->setChecked(false);
    Dialogs::queueText("not the passphrase");
    Dialogs::queueAnswer(Dialogs::Answer::Ok); // the error message
    click(&dialog, "saveRolesButton");
    CHECK(recordedContains("passphrase"));
    CHECK(env.policyVersion() == v1 + 2);

    // The last admin cannot demote herself; the error explains.
    Dialogs::clearRecorded();
    selectRowNamed(users, "ada");
    child<QCheckBox>(&dialog, "editRoleAdmin")->setChecked(false);
    child<QCheckBox>(&dialog, "editRoleAuthor")->setChecked(true);
    Dialogs::queueText(kAdminPass);
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    click(&dialog, "saveRolesButton");
    CHECK(recordedContains("your own admin role"));
    CHECK(env.ws().queries().user("ada")->hasRole(store::kRoleAdmin));

    // Replace bob's key: confirm, new passphrase twice, admin passphrase, then the notice.
    selectRowNamed(users, "bob");
    Dialogs::queueAnswer(Dialogs::Answer::Yes);
    Dialogs::queueText("bob passphrase new");
    Dialogs::queueText("bob passphrase new");
    Dialogs::queueText(kAdminPass);
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    click(&dialog, "rotateKeyButton");
    CHECK(env.ws().unlock("bob", gui::toSecure("bob passphrase 1")).code() == Errc::WrongPassphrase);
    CHECK(env.ws().unlock("bob", gui::toSecure("bob passphrase new")).ok());
    CHECK(users->rowCount() == 3); // bob, the retired account, ada
    CHECK(env.ws().auditVerify().ok());

    // Disable bob.
    selectRowNamed(users, "bob");
    Dialogs::queueAnswer(Dialogs::Answer::Yes);
    Dialogs::queueText(kAdminPass);
    click(&dialog, "disableUserButton");
    CHECK(env.ws().queries().user("bob")->disabled);
    selectRowNamed(users, "bob");
    CHECK_FALSE(child<QPushButton>(&dialog, "disableUserButton")->isEnabled());
    maybeScreenshot(&dialog, "admin-users");
}

TEST_CASE("admin dialog publishes the approval policy as the next version", "[gui][admin]")
{
    AdminEnv env;
    gui::AdminDialog dialog(env.session);
    addPerson(&dialog, "bob", "newRoleApprover", "bob passphrase 1");
    addPerson(&dialog, "carol", "newRoleApprover", "carol passphrase 1");
    const auto before = env.policyVersion();

    child<QComboBox>(&dialog, "platformCombo")
        ->setCurrentIndex(child<QComboBox>(&dialog, "platformCombo")->findData(QString("bluesky")));
    child<QLineEdit>(&dialog, "accountEdit")->setText("press.example.org");
    child<QSpinBox>(&dialog, "requiredSpin")->setValue(2);
    auto* approvers = child<QListWidget>(&dialog, "approversList");
    REQUIRE(approvers->count() == 2);
    approvers->item(0)->setCheckState(Qt::Checked);
    click(&dialog, "applyRuleButton");
    CHECK(child<QLabel>(&dialog, "ruleErrorLabel")->text().contains("2 approvals"));
    approvers->item(1)->setCheckState(Qt::Checked);
    click(&dialog, "applyRuleButton");
    CHECK(child<QTableWidget>(&dialog, "rulesTable")->rowCount() == 1);
    CHECK(env.policyVersion() == before); // nothing in force until signed

    Dialogs::queueText(kAdminPass);
    Dialogs::queueAnswer(Dialogs::Answer::Ok); // "Policy published"
    click(&dialog, "savePolicyButton");
    CHECK(env.policyVersion() == before + 1);
    auto policy = env.ws().currentPolicy();
    const auto* rule = policy->policy.rule(domain::ChannelId::parse("bluesky:press.example.org").value());
    REQUIRE(rule != nullptr);
    CHECK(rule->required == 2);
    CHECK(rule->approvers.size() == 2);
    // In words for a comms officer: when and by whom; the number is for whoever investigates.
    auto* inForce = child<QLabel>(&dialog, "policyVersionLabel");
    CHECK(inForce->text().startsWith("These rules were last changed "));
    CHECK(inForce->text().endsWith(" by ada."));
    CHECK_FALSE(inForce->text().contains("version"));
    CHECK(inForce->toolTip().contains(QString("version %1").arg(before + 1)));
    CHECK_FALSE(recordedContains("version"));
    CHECK_FALSE(child<QPushButton>(&dialog, "savePolicyButton")->isEnabled());
    child<QTabWidget>(&dialog, "tabs")->setCurrentIndex(1);
    maybeScreenshot(&dialog, "admin-policy");
}

TEST_CASE("admin dialog trusts an uploader only with the fingerprint read aloud", "[gui][admin]")
{
    AdminEnv env;
    gui::AdminDialog dialog(env.session);
    CHECK(child<QLabel>(&dialog, "currentUploaderLabel")->text().contains("No uploader"));

    const auto box = crypto::BoxKey::generate();
    const auto sign = crypto::SigningKey::generate();
    const std::string identity = domain::makeUploaderIdentity("uploader-1", box.publicKey(), sign);
    const std::string fingerprint = domain::readUploaderIdentity(identity)->fingerprint();
    const auto file = env.dir.path() / "uploader.identity";
    REQUIRE(writeFileAtomic(file, identity).ok());

    Dialogs::queueFiles({QString::fromStdString(file.string())});
    click(&dialog, "chooseUploaderButton");
    // The next file dialog of this run opens where this file was found.
    CHECK(Dialogs::lastFolder() == QString::fromStdString(env.dir.path().string()));
    // Nothing of the expected value is on screen: the admin types only what is read aloud.
    const QStringList groups = QString::fromStdString(fingerprint).split('-');
    const auto showsAnyGroup = [&](const QString& text) {
        return std::any_of(groups.begin(), groups.end(), [&](const QString& g) { return text.contains(g); });
    };
    CHECK(child<QLabel>(&dialog, "uploaderFileLabel")->text().contains("uploader-1"));
    CHECK_FALSE(showsAnyGroup(child<QLabel>(&dialog, "uploaderFileLabel")->text()));
    CHECK(child<QLineEdit>(&dialog, "fingerprintEdit")->text().isEmpty()); // typed, never pre-filled

    // A fingerprint that differs in one character is refused before any passphrase is asked,
    // and neither the message nor the error box repeats the right value.
    std::string wrong = fingerprint;
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    auto* edit = child<QLineEdit>(&dialog, "fingerprintEdit");
    edit->setText(QString::fromStdString(wrong));
    Dialogs::clearRecorded();
    QTest::keyClick(edit, Qt::Key_Return); // Enter in the field acts
    CHECK_FALSE(env.ws().queries().trustedUploader().ok());
    const QString refusal = child<QLabel>(&dialog, "uploaderErrorLabel")->text();
    CHECK(refusal.contains("Compare it again"));
    CHECK_FALSE(showsAnyGroup(refusal.toUpper()));
    for (const auto& line : Dialogs::recorded()) {
        CHECK_FALSE(line.contains("passphrase", Qt::CaseInsensitive));
        CHECK_FALSE(showsAnyGroup(line.toUpper()));
    }
    CHECK(edit->text().isEmpty()); // cleared so the next attempt is typed afresh

    // Typed the way people read it: lower case, spaces between the groups; Enter confirms.
    QString spoken = QString::fromStdString(fingerprint).toLower();
    spoken.replace('-', ' ');
    edit->setText(spoken);
    Dialogs::queueText(kAdminPass);
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    QTest::keyClick(edit, Qt::Key_Enter);
    REQUIRE(waitForAdminWork(&dialog));
    REQUIRE(env.ws().queries().trustedUploader().ok());
    CHECK(child<QLabel>(&dialog, "currentUploaderLabel")->text().contains(QString::fromStdString(fingerprint)));
    CHECK(gui::groupFingerprint("abcd efgh-ijkl") == "ABCD-EFGH-IJKL");
    child<QTabWidget>(&dialog, "tabs")->setCurrentIndex(2);
    maybeScreenshot(&dialog, "admin-uploader");
}

TEST_CASE("admin dialog exports the workstation identity and sets the idle lock", "[gui][admin]")
{
    AdminEnv env;
    gui::AdminDialog dialog(env.session);
    const auto ws = env.ws().queries().workstation().value();
    CHECK(child<QLabel>(&dialog, "workstationNameLabel")->text() == "press-office");
    CHECK(child<QLabel>(&dialog, "workstationFingerprintLabel")->text()
          == QString::fromStdString(crypto::fingerprint(ws.publicKey)));

    const auto out = env.dir.path() / "workstation.identity";
    // Public keys only and nothing changes, so no passphrase is asked (a queued cancel would
    // stop the export if it were) and no box needs closing: the result shows in the tab.
    Dialogs::clearRecorded();
    Dialogs::queueFiles({QString::fromStdString(out.string())});
    Dialogs::queueCancelText();
    click(&dialog, "exportIdentityButton");
    Dialogs::clearQueues();
    CHECK(Dialogs::recorded().isEmpty());
    CHECK(child<QLabel>(&dialog, "exportHintLabel")->text().contains("Wrote"));
    auto text = readFileCapped(out, domain::kMaxIdentityBytes);
    REQUIRE(text.ok());
    auto identity = domain::readWorkstationIdentity(*text);
    REQUIRE(identity.ok());
    CHECK(identity->workstation == ws.publicKey);

    child<QSpinBox>(&dialog, "idleSpin")->setValue(5);
    CHECK(env.session.idleMinutes() == 5);
    child<QSpinBox>(&dialog, "idleSpin")->setValue(0);
    CHECK(env.session.idleMinutes() == 0);
    CHECK(child<QSpinBox>(&dialog, "idleSpin")->text() == "Never");
    child<QTabWidget>(&dialog, "tabs")->setCurrentIndex(3);
    maybeScreenshot(&dialog, "admin-workstation");
}

TEST_CASE("admin dialog edits, tests and saves OPSEC rules", "[gui][admin]")
{
    AdminEnv env;
    const auto defaults = compose::defaultOpsecRules();
    {
        gui::AdminDialog dialog(env.session);
        auto* table = child<QTableWidget>(&dialog, "opsecTable");
        CHECK(table->rowCount() == static_cast<int>(defaults.size()));

        // A regular expression that does not compile is refused on the form.
        click(&dialog, "opsecNewButton");
        child<QLineEdit>(&dialog, "opsecNameEdit")->setText("Broken");
        child<QComboBox>(&dialog, "opsecKindCombo")->setCurrentIndex(0);
        child<QPlainTextEdit>(&dialog, "opsecPatternEdit")->setPlainText("(unclosed");
        click(&dialog, "opsecApplyButton");
        CHECK_FALSE(child<QLabel>(&dialog, "opsecErrorLabel")->text().isEmpty());
        CHECK(table->rowCount() == static_cast<int>(defaults.size()));

        click(&dialog, "opsecNewButton");
        child<QLineEdit>(&dialog, "opsecNameEdit")->setText("Exercise code names");
        child<QComboBox>(&dialog, "opsecKindCombo")->setCurrentIndex(1);
        child<QPlainTextEdit>(&dialog, "opsecPatternEdit")->setPlainText("Nightjar, Kestrel");
        click(&dialog, "opsecApplyButton");
        CHECK(child<QLabel>(&dialog, "opsecErrorLabel")->text().isEmpty());
        REQUIRE(table->rowCount() == static_cast<int>(defaults.size()) + 1);

        // The test box flags the code word live, before anything is saved.
        QTest::keyClicks(child<QPlainTextEdit>(&dialog, "opsecTestEdit"), "Exercise NIGHTJAR starts at dawn");
        CHECK(child<QLabel>(&dialog, "opsecTestResultLabel")->text().contains("Exercise code names"));
        CHECK(child<QPlainTextEdit>(&dialog, "opsecTestEdit")->extraSelections().size() == 1);

        Dialogs::queueText(kAdminPass);
        click(&dialog, "opsecSaveButton");
        child<QTabWidget>(&dialog, "tabs")->setCurrentIndex(4);
        maybeScreenshot(&dialog, "admin-opsec");
    }
    auto saved = env.ws().opsecRules();
    REQUIRE(saved.ok());
    REQUIRE(saved->size() == defaults.size() + 1);
    CHECK(saved->back().name == "Exercise code names");
    CHECK(saved->back().kind == compose::OpsecKind::Words);
    CHECK(saved->back().id == "exercise-code-names");

    // A fresh dialog shows what was saved; reset to defaults and save again restores them.
    gui::AdminDialog again(env.session);
    CHECK(child<QTableWidget>(&again, "opsecTable")->rowCount() == static_cast<int>(defaults.size()) + 1);
    Dialogs::queueAnswer(Dialogs::Answer::Yes);
    click(&again, "opsecResetButton");
    Dialogs::queueText(kAdminPass);
    click(&again, "opsecSaveButton");
    CHECK(env.ws().opsecRules().value() == defaults);
}

TEST_CASE("admin dialog explains itself to someone who is not an admin", "[gui][admin]")
{
    AdminEnv env;
    auto ada = env.ws().unlock("ada", gui::toSecure(kAdminPass));
    REQUIRE(ada.ok());
    REQUIRE(env.ws()
                .addUser(*ada,
                         "alice",
                         static_cast<domain::RoleSet>(domain::Role::Author),
                         gui::toSecure("alice passphrase 1"),
                         env.session.kdf())
                .ok());
    env.session.lock();
    REQUIRE(env.session.unlock("alice", "alice passphrase 1").ok());
    gui::AdminDialog dialog(env.session);
    CHECK_FALSE(dialog.isAvailable());
    CHECK_FALSE(child<QTabWidget>(&dialog, "tabs")->isEnabled());
    CHECK(child<QLabel>(&dialog, "notAdminLabel")->text().contains("only for administrators"));
}

TEST_CASE("admin dialog warns when an author's posts can never be approved", "[gui][admin][policy]")
{
    AdminEnv env;
    gui::AdminDialog dialog(env.session);
    addPerson(&dialog, "carol", "newRoleApprover", "carol passphrase 1");
    addPerson(&dialog, "dave", "newRoleApprover", "dave passphrase 1");
    auto* warning = child<QLabel>(&dialog, "policyWarningLabel");

    // 2 of {carol, dave}: fine while neither writes posts.
    child<QComboBox>(&dialog, "platformCombo")
        ->setCurrentIndex(child<QComboBox>(&dialog, "platformCombo")->findData(QString("bluesky")));
    child<QLineEdit>(&dialog, "accountEdit")->setText("press.example.org");
    child<QSpinBox>(&dialog, "requiredSpin")->setValue(2);
    auto* approvers = child<QListWidget>(&dialog, "approversList");
    REQUIRE(approvers->count() == 2);
    approvers->item(0)->setCheckState(Qt::Checked);
    approvers->item(1)->setCheckState(Qt::Checked);
    click(&dialog, "applyRuleButton");
    Dialogs::queueText(kAdminPass);
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    click(&dialog, "savePolicyButton");
    CHECK(warning->isHidden());

    // Carol also becomes an author: her own posts there need 2 approvals but only Dave is left.
    REQUIRE(env.ws()
                .setUserRoles(env.session.user(),
                              "carol",
                              static_cast<domain::RoleSet>(domain::Role::Approver)
                                  | static_cast<domain::RoleSet>(domain::Role::Author))
                .ok());
    gui::AdminDialog again(env.session);
    auto* warned = child<QLabel>(&again, "policyWarningLabel");
    CHECK_FALSE(warned->isHidden());
    CHECK(warned->text().startsWith("carol's posts to Bluesky press.example.org can never be approved: it needs 2 "
                                    "approvals from carol and dave"));
    CHECK_FALSE(warned->text().contains("dave's posts"));

    // Needing one approval fixes it, and the warning goes as soon as the rule is edited.
    auto* rules = child<QTableWidget>(&again, "rulesTable");
    rules->selectRow(0);
    child<QSpinBox>(&again, "requiredSpin")->setValue(1);
    click(&again, "applyRuleButton");
    CHECK(warned->isHidden());
}
