// SPDX-License-Identifier: GPL-3.0-or-later
// The workstation without a mouse: Tab leaves the post list, every action has a menu entry and
// a shortcut, the focus is always framed, screen readers get names, and the author → approver
// → operator walk, export to receipt import, runs on key presses sent to whichever widget has the focus. Modal
// questions (passphrase, folder) are answered through the Dialogs seams, as everywhere in these tests.
#include "postern/bundle/Receipt.h"
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/AdminDialog.h"
#include "gui/ComposeDialog.h"
#include "gui/Dialogs.h"
#include "gui/ExportDialog.h"
#include "gui/MainWindow.h"
#include "gui/PostListModel.h"
#include "gui/PostPane.h"
#include "gui/ReceiptDialog.h"

#include <QAccessible>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const domain::ChannelId kPress = domain::ChannelId::parse("outbox:press").value();
const domain::ChannelId kNews = domain::ChannelId::parse("outbox:news").value();

QString passOf(const QString& name)
{
    return name + "'s long passphrase";
}

/** Office: ada (admin), bob (author), carol and dave (approvers, 2 needed), erin (operator). */
struct Office : GuiStore
{
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();

    Office()
    {
        REQUIRE(session.initialise("press-office", "ada", passOf("ada")).ok());
        auto ada = as("ada");
        using domain::Role;
        for (const auto& [name, role] : {std::pair{"bob", Role::Author},
                                         {"carol", Role::Approver},
                                         {"dave", Role::Approver},
                                         {"erin", Role::Operator}})
            REQUIRE(ws().addUser(ada,
                                 name,
                                 static_cast<domain::RoleSet>(role),
                                 secret(QString::fromUtf8(name)),
                                 session.kdf())
                        .ok());
        const auto box = crypto::BoxKey::generate();
        const std::string identity = domain::makeUploaderIdentity("uploader-1", box.publicKey(), uploaderSign);
        REQUIRE(ws().trustUploader(ada, identity, domain::readUploaderIdentity(identity)->fingerprint()).ok());
        REQUIRE(
            ws().setPolicy(ada, {{kPress, 2, {"carol", "dave"}, 86400}, {kNews, 2, {"carol", "dave"}, 86400}}).ok());
    }

    workflow::Workstation& ws() { return session.workstation(); }
    static crypto::SecureBuffer secret(const QString& name) { return gui::toSecure(passOf(name)); }
    workflow::UnlockedUser as(const char* name) { return ws().unlock(name, secret(QString::fromUtf8(name))).value(); }

    std::string submittedPost()
    {
        workflow::DraftInput in;
        in.channels = {{kPress, "Band concert on Sunday", Json(Json::Object{})}};
        auto post = ws().newDraft(as("bob"), in);
        REQUIRE(post.ok());
        REQUIRE(ws().submit(as("bob"), post->id).ok());
        return post->id;
    }

    store::PostState stateOf(const std::string& id) { return ws().show(id)->record.state; }

    /** uploaderPublished writes the uploader's receipt for the last bundle next to it: all published. */
    void uploaderPublished()
    {
        auto exports = ws().queries().recentExports(1);
        REQUIRE(exports.ok());
        REQUIRE(exports->size() == 1);
        const auto& exported = exports->front();
        bundle::Receipt receipt;
        const Bytes id = fromHex(exported.bundleId, receipt.bundleId.size()).value();
        std::copy(id.begin(), id.end(), receipt.bundleId.begin());
        receipt.uploader = uploaderSign.publicKey();
        receipt.workstation = ws().queries().workstation()->publicKey;
        receipt.processedAt = clock.now();
        for (const auto& item : exported.items) {
            bundle::ReceiptEntry e;
            e.postId = item.postId;
            e.version = item.version;
            e.channel = kPress;
            e.state = bundle::ReceiptState::Published;
            e.url = "file:///var/lib/postern-uploader/outbox/press/1.json";
            receipt.entries.push_back(std::move(e));
        }
        REQUIRE(writeFileAtomic(exported.path + ".receipt", bundle::makeReceipt(receipt, uploaderSign)).ok());
    }
};

QWidget* focused()
{
    return QApplication::focusWidget();
}

/** press sends one key to whatever has the focus, as a keyboard does. */
void press(int key, Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    QWidget* target = focused();
    REQUIRE(target != nullptr);
    QTest::keyClick(target, static_cast<Qt::Key>(key), mods);
}

void type(const QString& text)
{
    REQUIRE(focused() != nullptr);
    QTest::keyClicks(focused(), text);
}

/** tabTo presses Tab until `target` has the focus; false if 40 presses do not get there. */
bool tabTo(QWidget* target)
{
    for (int i = 0; i < 40 && focused() != target; ++i)
        press(Qt::Key_Tab);
    return focused() == target;
}

void showActive(QWidget& window)
{
    window.resize(1280, 800);
    window.show();
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
}

/** unlockByKeyboard picks `name` on the lock screen by its first letter, types the passphrase, Enter. */
void unlockByKeyboard(gui::MainWindow& window, gui::Session& session, const QString& name)
{
    // Without a window manager nothing hands the activation back when a dialog closes.
    if (!window.isActiveWindow()) {
        window.activateWindow();
        REQUIRE(QTest::qWaitForWindowActive(&window));
    }
    if (session.isUnlocked())
        press(Qt::Key_L, Qt::ControlModifier);
    REQUIRE_FALSE(session.isUnlocked());
    auto* combo = child<QComboBox>(&window, "userCombo");
    auto* passphrase = child<QLineEdit>(&window, "passphraseEdit");
    REQUIRE(waitUntil([&] { return focused() == passphrase; }));
    press(Qt::Key_Tab, Qt::ShiftModifier);
    REQUIRE(focused() == combo);
    // Letters typed within the keyboard interval extend one search ("cb"); a person is slower.
    QTest::qWait(QApplication::keyboardInputInterval() + 50);
    type(name.left(1));
    REQUIRE(combo->currentData().toString() == name);
    if (focused() == combo) // the same user as last time: the combo did not move on
        press(Qt::Key_Tab);
    REQUIRE(focused() == passphrase);
    type(passOf(name));
    press(Qt::Key_Return);
    REQUIRE(waitForKeyWork(session)); // the passphrase is checked off the GUI thread
    REQUIRE(session.isUnlocked());
    REQUIRE(session.user().record.name == name.toStdString());
}

template <typename Dialog>
Dialog* activeDialog(QWidget& window)
{
    Dialog* dialog = nullptr;
    REQUIRE(waitUntil([&] {
        dialog = window.findChild<Dialog*>();
        return dialog != nullptr && dialog->isActiveWindow();
    }));
    return dialog;
}

QString accessibleName(QWidget* w)
{
    QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
    return iface ? iface->text(QAccessible::Name) : QString();
}

/** unnamedControls lists the visible controls Tab can reach that a screen reader cannot name. */
QStringList unnamedControls(QWidget* root)
{
    QStringList missing;
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisible() || !w->isEnabled() || !(w->focusPolicy() & Qt::TabFocus))
            continue;
        if (w->objectName() == "focusFrame" || w->objectName().startsWith("qt_"))
            continue;
        if (accessibleName(w).trimmed().isEmpty())
            missing << QString::fromLatin1(w->metaObject()->className()) + " " + w->objectName();
    }
    return missing;
}

} // namespace

TEST_CASE("Tab leaves the post list and reaches Approve; Shift+Tab goes back", "[gui][keyboard]")
{
    Office office;
    office.submittedPost();
    gui::MainWindow window(office.session);
    showActive(window);
    unlockByKeyboard(window, office.session, "carol");

    // After unlocking, the keyboard is on the first post of the approver's queue.
    auto* table = child<QTableView>(&window, "postTable");
    REQUIRE(focused() == table);
    REQUIRE(window.selectedPostIds().size() == 1);
    CHECK_FALSE(table->tabKeyNavigation());

    press(Qt::Key_Tab);
    CHECK(focused() != table); // no walk through the row's cells
    auto* approve = child<QPushButton>(&window.postPane(), "approveButton");
    REQUIRE(approve->isEnabled());
    CHECK(tabTo(approve));

    table->setFocus();
    press(Qt::Key_Tab, Qt::ShiftModifier);
    CHECK(focused() == child<QComboBox>(&window, "channelFilter"));

    // Whatever has the focus wears the frame.
    table->setFocus();
    auto* frame = window.findChild<QWidget*>("focusFrame");
    REQUIRE(frame != nullptr);
    CHECK(frame->isVisible());
    CHECK(frame->parentWidget() == &window); // laid over the window, never a pane of the splitter
    CHECK(frame->geometry().contains(QRect(table->mapTo(&window, QPoint(0, 0)), table->size())));
    CHECK(child<QSplitter>(&window, "postsSplitter")->count() == 2);
}

TEST_CASE("menu bar: every action with a mnemonic and a shortcut", "[gui][keyboard]")
{
    Office office;
    gui::MainWindow window(office.session);
    showActive(window);
    unlockByKeyboard(window, office.session, "erin");

    QStringList menus;
    for (QAction* a : window.menuBar()->actions())
        menus << a->text();
    CHECK(menus == QStringList{"&File", "&Post", "&View", "&Tools", "&Help"});
    for (const char* name : {"actionNewPost",
                             "actionEditPost",
                             "actionSubmit",
                             "actionApprove",
                             "actionReject",
                             "actionExport",
                             "actionImportReceipt",
                             "actionAdmin",
                             "actionLock",
                             "actionQuit",
                             "actionHelp"}) {
        auto* action = window.findChild<QAction*>(QString::fromUtf8(name));
        INFO(name);
        REQUIRE(action != nullptr);
        CHECK(action->text().contains('&'));
        CHECK_FALSE(action->shortcut().isEmpty());
        const auto widgets = action->associatedObjects();
        CHECK(std::any_of(widgets.begin(), widgets.end(), [](QObject* o) { return qobject_cast<QMenu*>(o); }));
    }
    // Shortcuts are shown in the toolbar tooltips too.
    CHECK(window.findChild<QAction*>("actionExport")->toolTip().contains("Ctrl+E"));

    // F1 lists the keys.
    Dialogs::clearRecorded();
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    press(Qt::Key_F1);
    REQUIRE(Dialogs::recorded().size() == 1);
    CHECK(Dialogs::recorded().front().contains("Export bundle"));
}

TEST_CASE("screen readers get a name for every control Tab reaches", "[gui][accessibility]")
{
    Office office;
    office.submittedPost();
    gui::MainWindow window(office.session);
    showActive(window);
    CHECK(unnamedControls(&window).isEmpty());
    CHECK(accessibleName(child<QLineEdit>(&window, "passphraseEdit")) == "Passphrase");
    // A combo box reads out its current entry; its name is set for the label.
    CHECK(child<QComboBox>(&window, "userCombo")->accessibleName() == "User");

    unlockByKeyboard(window, office.session, "carol");
    INFO(unnamedControls(&window).join(", ").toStdString());
    CHECK(unnamedControls(&window).isEmpty());
    CHECK(accessibleName(child<QTableView>(&window, "postTable")) == "Posts");
    CHECK(accessibleName(child<QPushButton>(&window.postPane(), "approveButton")).startsWith("Approve"));
    QAccessibleInterface* list = QAccessible::queryAccessibleInterface(child<QWidget>(&window, "queueList"));
    REQUIRE(list != nullptr);
    CHECK(list->role() == QAccessible::List);
    CHECK_FALSE(list->text(QAccessible::Description).isEmpty());
    // The tree reaches the post list from the window.
    QAccessibleInterface* root = QAccessible::queryAccessibleInterface(&window);
    REQUIRE(root != nullptr);
    CHECK(root->childCount() > 0);

    unlockByKeyboard(window, office.session, "bob");
    window.newPost();
    auto* composer = activeDialog<gui::ComposeDialog>(window);
    INFO(unnamedControls(composer).join(", ").toStdString());
    CHECK(unnamedControls(composer).isEmpty());
    composer->reject();

    // Administration, every tab, and the receipt dialog as the menu opens it (Ctrl+I).
    unlockByKeyboard(window, office.session, "ada");
    window.openAdministration();
    auto* admin = activeDialog<gui::AdminDialog>(window);
    auto* tabs = child<QTabWidget>(admin, "tabs");
    for (int i = 0; i < tabs->count(); ++i) {
        tabs->setCurrentIndex(i);
        INFO(tabs->tabText(i).toStdString() << ": " << unnamedControls(admin).join(", ").toStdString());
        CHECK(unnamedControls(admin).isEmpty());
    }
    admin->reject();
    REQUIRE(waitUntil([&] { return window.findChild<gui::AdminDialog*>() == nullptr; }));

    unlockByKeyboard(window, office.session, "erin");
    window.importReceipt();
    auto* receipts = activeDialog<gui::ReceiptDialog>(window);
    INFO(unnamedControls(receipts).join(", ").toStdString());
    CHECK(unnamedControls(receipts).isEmpty());
    receipts->reject();
}

TEST_CASE("author, two approvers and the operator work by keyboard only", "[gui][keyboard][flow]")
{
    Office office;
    gui::MainWindow window(office.session);
    showActive(window);

    // Bob writes and submits: Ctrl+N, Space ticks the channel, Tab to the text, Ctrl+Return.
    unlockByKeyboard(window, office.session, "bob");
    press(Qt::Key_N, Qt::ControlModifier);
    auto* composer = activeDialog<gui::ComposeDialog>(window);
    auto* channels = child<QWidget>(composer, "channelList");
    REQUIRE(focused() == channels);
    press(Qt::Key_Space); // ticks the first channel
    CHECK(static_cast<QListWidget*>(channels)->item(0)->checkState() == Qt::Checked);
    CHECK(static_cast<QListWidget*>(channels)->item(1)->checkState() == Qt::Unchecked);
    REQUIRE(tabTo(child<QWidget>(composer, "sharedTextEdit")));
    type("Band concert on Sunday at 3 pm in the park");
    press(Qt::Key_Tab); // Tab leaves the text instead of typing a tab character
    CHECK(focused() != child<QWidget>(composer, "sharedTextEdit"));
    Dialogs::queueAnswer(Dialogs::Answer::Yes); // the confirmation's Submit, the default button
    press(Qt::Key_Return, Qt::ControlModifier);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ComposeDialog*>() == nullptr; }));
    auto posts = office.ws().list({});
    REQUIRE(posts.ok());
    REQUIRE(posts->size() == 1);
    const std::string postId = posts->front().id;
    CHECK(office.stateOf(postId) == store::PostState::InReview);

    // Carol and Dave: Ctrl+L, unlock, the post is already selected, Ctrl+Shift+A.
    for (const QString& approver : {QStringLiteral("carol"), QStringLiteral("dave")}) {
        unlockByKeyboard(window, office.session, approver);
        REQUIRE(window.selectedPostIds() == QStringList{QString::fromStdString(postId)});
        Dialogs::queueText(passOf(approver));
        press(Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
        REQUIRE(waitForKeyWork(office.session));
    }
    CHECK(office.stateOf(postId) == store::PostState::Approved);

    // Erin exports: Ctrl+E, Alt+F for a folder, Alt+E, then the checklist with Space and Tab.
    unlockByKeyboard(window, office.session, "erin");
    press(Qt::Key_E, Qt::ControlModifier);
    auto* exporter = activeDialog<gui::ExportDialog>(window);
    INFO(unnamedControls(exporter).join(", ").toStdString());
    CHECK(unnamedControls(exporter).isEmpty());
    const auto folder = office.dir.path() / "transfer";
    std::filesystem::create_directories(folder);
    Dialogs::queueFiles({QString::fromStdString(folder.string())});
    Dialogs::queueAnswer(Dialogs::Answer::Yes); // not a removable drive: export anyway
    press(Qt::Key_F, Qt::AltModifier);
    REQUIRE(waitUntil([&] { return exporter->destination() == QString::fromStdString(folder.string()); }));
    Dialogs::queueText(passOf("erin"));
    press(Qt::Key_E, Qt::AltModifier);
    auto* pages = child<QStackedWidget>(exporter, "pages");
    REQUIRE(waitUntil([&] { return pages->currentWidget() == child<QWidget>(exporter, "donePage"); }, 30000));
    CHECK(office.stateOf(postId) == store::PostState::Exported);
    INFO(unnamedControls(exporter).join(", ").toStdString());
    CHECK(unnamedControls(exporter).isEmpty());
    REQUIRE(focused() == child<QCheckBox>(exporter, "checkFingerprint"));
    press(Qt::Key_Space);
    REQUIRE(tabTo(child<QCheckBox>(exporter, "checkLog")));
    press(Qt::Key_Space);
    REQUIRE(focused() == child<QPushButton>(exporter, "closeButton"));
    press(Qt::Key_Return);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ExportDialog*>() == nullptr; }));

    // The uploader publishes and writes its receipt next to the bundle. Back here the banner
    // offers it; Tab reaches its button and Enter imports it.
    office.uploaderPublished();
    if (!window.isActiveWindow()) {
        window.activateWindow();
        REQUIRE(QTest::qWaitForWindowActive(&window));
    }
    auto* import = child<QPushButton>(&window, "importFoundReceiptButton");
    REQUIRE(waitUntil([&] { return import->isVisible(); }, 10000));
    REQUIRE(tabTo(import));
    press(Qt::Key_Return);
    auto* results = activeDialog<gui::ReceiptDialog>(window);
    CHECK(office.stateOf(postId) == store::PostState::Published);
    INFO(unnamedControls(results).join(", ").toStdString());
    CHECK(unnamedControls(results).isEmpty());
    press(Qt::Key_Escape);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ReceiptDialog*>() == nullptr; }));
}
