// SPDX-License-Identifier: GPL-3.0-or-later
// The whole workstation flow through the real widgets, driven by object name: first run,
// users, compose with an image (its metadata stripped), submit, reject with a reason, revise,
// approve twice. Modal questions go through the Dialogs seams, never through sleeps.
#include "postern/bundle/Receipt.h"
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/AdminDialog.h"
#include "gui/ComposeDialog.h"
#include "gui/Dialogs.h"
#include "gui/ExportDialog.h"
#include "gui/FirstRunWizard.h"
#include "gui/MainWindow.h"
#include "gui/PostListModel.h"
#include "gui/PostPane.h"
#include "gui/ReceiptDialog.h"

#include <QCalendarWidget>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>

using namespace postern;
using namespace postern::test;
using postern::gui::Dialogs;

namespace {

const QString kAdminPass = "alice's long passphrase";

QString passOf(const QString& name)
{
    return name + "'s long passphrase";
}

/** runFirstRun fills the wizard: alice (admin), the team, two channels needing two approvals. */
void runFirstRun(gui::Session& session)
{
    gui::FirstRunWizard wizard(session);
    wizard.show();
    QTest::keyClicks(child<QLineEdit>(&wizard, "workstationNameEdit"), "press-office");
    QTest::keyClicks(child<QLineEdit>(&wizard, "adminNameEdit"), "alice");
    child<QLineEdit>(&wizard, "adminPassEdit")->setText(kAdminPass);
    child<QLineEdit>(&wizard, "adminPass2Edit")->setText(kAdminPass);
    wizard.next();
    REQUIRE(waitForKeyWork(session));
    REQUIRE(wizard.currentId() == 1);
    const std::vector<std::pair<QString, std::vector<const char*>>> team = {
        {"bob", {"roleAuthor"}},
        {"carol", {"roleApprover"}},
        {"dave", {"roleApprover", "roleAuthor"}},
        {"erin", {"roleOperator"}},
    };
    for (const auto& [name, roles] : team) {
        for (const char* box : {"roleAuthor", "roleApprover", "roleOperator", "roleAdmin"})
            child<QCheckBox>(&wizard, box)
                ->setChecked(
                    std::find_if(roles.begin(), roles.end(), [&](const char* r) { return std::string_view(r) == box; })
                    != roles.end());
        QTest::keyClicks(child<QLineEdit>(&wizard, "userNameEdit"), name);
        child<QLineEdit>(&wizard, "userPassEdit")->setText(passOf(name));
        child<QLineEdit>(&wizard, "userPass2Edit")->setText(passOf(name));
        QTest::mouseClick(child<QPushButton>(&wizard, "addUserButton"), Qt::LeftButton);
        REQUIRE(waitForKeyWork(session));
        REQUIRE(child<QLabel>(&wizard, "userErrorLabel")->text().isEmpty());
    }
    wizard.next();
    REQUIRE(wizard.currentId() == 2);
    for (const auto& [platform, account] :
         {std::pair{"bluesky", "press.example.org"}, std::pair{"mastodon", "@press@social.example"}}) {
        child<QComboBox>(&wizard, "platformCombo")
            ->setCurrentIndex(child<QComboBox>(&wizard, "platformCombo")->findData(QString::fromUtf8(platform)));
        QTest::keyClicks(child<QLineEdit>(&wizard, "accountEdit"), QString::fromUtf8(account));
        child<QSpinBox>(&wizard, "requiredSpin")->setValue(2);
        QTest::mouseClick(child<QPushButton>(&wizard, "addChannelButton"), Qt::LeftButton);
    }
    wizard.next();
    REQUIRE(wizard.currentId() == 3);
    wizard.accept();
}

void unlockAs(gui::MainWindow& window, gui::Session& session, const QString& name)
{
    if (session.isUnlocked())
        session.lock();
    auto* combo = child<QComboBox>(&window, "userCombo");
    combo->setCurrentIndex(combo->findData(name));
    REQUIRE(combo->currentData().toString() == name);
    QTest::keyClicks(child<QLineEdit>(&window, "passphraseEdit"), name == "alice" ? kAdminPass : passOf(name));
    QTest::mouseClick(child<QPushButton>(&window, "unlockButton"), Qt::LeftButton);
    REQUIRE(waitForKeyWork(session));
    REQUIRE(session.isUnlocked());
    REQUIRE(session.user().record.name == name.toStdString());
}

gui::ComposeDialog* openComposer(gui::MainWindow& window)
{
    gui::ComposeDialog* dialog = nullptr;
    REQUIRE(waitUntil([&] {
        dialog = window.findChild<gui::ComposeDialog*>();
        return dialog != nullptr && dialog->isVisible();
    }));
    return dialog;
}

/** photoWithLocation writes a real PNG whose text chunk carries a GPS position. */
std::filesystem::path photoWithLocation(const std::filesystem::path& dir)
{
    QImage image(120, 80, QImage::Format_RGB32);
    image.fill(QColor(40, 90, 160));
    image.setText("Comment", "GPS 51.5074 N, 0.1278 W; camera: ExampleCam 3000");
    const auto path = dir / "harbour.png";
    REQUIRE(image.save(QString::fromStdString(path.string()), "PNG"));
    return path;
}

store::PostState stateOf(gui::Session& session, const QString& postId)
{
    auto record = session.workstation().queries().post(postId.toStdString());
    REQUIRE(record);
    return record->state;
}

} // namespace

TEST_CASE("whole flow through the widgets: compose, reject, revise, approve twice, export, receipt", "[gui][flow]")
{
    GuiStore env;
    runFirstRun(env.session);
    gui::MainWindow window(env.session);
    window.resize(1280, 800);
    window.show();

    // Bob writes a post for both channels with a photo; the composer strips its metadata.
    unlockAs(window, env.session, "bob");
    CHECK(child<QLabel>(&window, "userLabel")->text().contains("bob"));
    window.newPost();
    auto* composer = openComposer(window);
    auto* channels = child<QListWidget>(composer, "channelList");
    REQUIRE(channels->count() == 2);
    channels->item(0)->setCheckState(Qt::Checked);
    channels->item(1)->setCheckState(Qt::Checked);
    QTest::keyClicks(child<QPlainTextEdit>(composer, "sharedTextEdit"),
                     "Harbour open day on Saturday: https://example.org/open-day #openday");
    Dialogs::queueFiles({QString::fromStdString(photoWithLocation(env.dir.path()).string())});
    QTest::mouseClick(child<QPushButton>(composer, "addMediaButton"), Qt::LeftButton);
    REQUIRE(child<QListWidget>(composer, "mediaList")->count() == 1);
    CHECK(child<QLabel>(composer, "mediaReportLabel")->text().contains("Removed from harbour.png"));
    QTest::keyClicks(child<QLineEdit>(composer, "altTextEdit"), "The harbour at dawn with two patrol boats");
    CHECK(child<QLabel>(composer, "countersLabel")->text().contains("of 300 characters"));
    // Both channels' counters are visible, not only the first line.
    auto* counters = child<QLabel>(composer, "countersLabel");
    CHECK(counters->text().contains("Mastodon @press@social.example"));
    CHECK(counters->height() >= 2 * counters->fontMetrics().lineSpacing());
    CHECK(composer->violations().empty());
    maybeScreenshot(composer, "compose");
    Dialogs::queueAnswer(Dialogs::Answer::Yes); // "Submit for review" confirmed
    QTest::mouseClick(child<QPushButton>(composer, "submitButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ComposeDialog*>() == nullptr; }));
    const QString postId = [&] {
        auto posts = env.session.workstation().list({});
        REQUIRE(posts);
        REQUIRE(posts->size() == 1);
        return QString::fromStdString(posts->front().id);
    }();
    CHECK(stateOf(env.session, postId) == store::PostState::InReview);

    // The stored photo no longer carries the location.
    auto view = env.session.workstation().show(postId.toStdString());
    REQUIRE(view);
    REQUIRE(view->content.media.size() == 1);
    CHECK(view->content.media[0].alt == "The harbour at dawn with two patrol boats");
    auto stored = env.session.workstation().queries().mediaPath(toHex(view->content.media[0].hash));
    REQUIRE(stored);
    QFile storedFile(QString::fromStdString(stored->string()));
    REQUIRE(storedFile.open(QIODevice::ReadOnly));
    CHECK_FALSE(storedFile.readAll().contains("51.5074"));

    // Carol rejects it with a reason the author sees.
    unlockAs(window, env.session, "carol");
    window.selectQueue(store::PostState::InReview);
    REQUIRE(window.selectPost(postId));
    auto& pane = window.postPane();
    auto* reject = child<QPushButton>(&pane, "rejectButton");
    REQUIRE(reject->isVisible());
    REQUIRE(reject->isEnabled());
    Dialogs::queueText("Say which harbour, and do not show the patrol boats.");
    QTest::mouseClick(reject, Qt::LeftButton);
    CHECK(stateOf(env.session, postId) == store::PostState::Rejected);

    // Bob sees the reason, revises and resubmits.
    unlockAs(window, env.session, "bob");
    window.selectQueue(store::PostState::Rejected);
    REQUIRE(window.selectPost(postId));
    CHECK(child<QLabel>(&pane, "statusLabel")->text().contains("do not show the patrol boats"));
    QTest::mouseClick(child<QPushButton>(&pane, "reviseButton"), Qt::LeftButton);
    composer = openComposer(window);
    auto* text = child<QPlainTextEdit>(composer, "sharedTextEdit");
    CHECK(text->toPlainText().startsWith("Harbour open day"));
    text->setPlainText("Portsmouth harbour open day on Saturday: https://example.org/open-day #openday "
                       "Questions: press@example.org");
    auto* alt = child<QLineEdit>(composer, "altTextEdit");
    child<QListWidget>(composer, "mediaList")->setCurrentRow(0);
    alt->clear();
    QTest::keyClicks(alt, "The harbour at dawn");
    Dialogs::queueAnswer(Dialogs::Answer::Yes); // "Submit for review" confirmed
    QTest::mouseClick(child<QPushButton>(composer, "submitButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ComposeDialog*>() == nullptr; }));
    CHECK(stateOf(env.session, postId) == store::PostState::InReview);

    // Carol and Dave approve; each approval asks for the approver's passphrase.
    for (const QString& approver : {QStringLiteral("carol"), QStringLiteral("dave")}) {
        unlockAs(window, env.session, approver);
        window.selectQueue(store::PostState::InReview);
        REQUIRE(window.selectPost(postId));
        auto* approve = child<QPushButton>(&pane, "approveButton");
        REQUIRE(approve->isEnabled());
        if (approver == "carol") {
            // The reviewer sees what changed since the version they rejected, and the OPSEC flag.
            const QString diff = child<QTextBrowser>(&pane, "diffView")->toHtml();
            CHECK(diff.contains("Portsmouth"));
            CHECK(child<QTextBrowser>(&pane, "diffView")->toPlainText().contains("alt text"));
            auto* flags = child<QListWidget>(&pane, "opsecList");
            REQUIRE(flags->count() == 2); // the shared text goes to both channels
            for (int i = 0; i < flags->count(); ++i) {
                CHECK(flags->item(i)->text().contains("E-mail address"));
                CHECK(flags->item(i)->text().contains("press@example.org"));
                // The channel in words, never its raw id ("mastodon:press").
                CHECK_FALSE(flags->item(i)->text().contains(
                    QRegularExpression(QStringLiteral("\\b(bluesky|mastodon|x|tiktok|outbox):"))));
            }
            // A wrong passphrase signs nothing and says so.
            Dialogs::queueText("not the passphrase at all");
            Dialogs::queueAnswer(Dialogs::Answer::Ok);
            QTest::mouseClick(approve, Qt::LeftButton);
            REQUIRE(waitForKeyWork(env.session));
            CHECK(Dialogs::recorded().last().contains("passphrase", Qt::CaseInsensitive));
            CHECK(stateOf(env.session, postId) == store::PostState::InReview);
        }
        Dialogs::queueText(passOf(approver));
        QTest::mouseClick(approve, Qt::LeftButton);
        REQUIRE(waitForKeyWork(env.session));
        maybeScreenshot(&window, approver == "carol" ? "review" : "approved");
    }
    CHECK(stateOf(env.session, postId) == store::PostState::Approved);
    auto approved = env.session.workstation().show(postId.toStdString());
    REQUIRE(approved);
    CHECK(approved->approverNames.size() == 2);
    CHECK(approved->content.version == 2);

    // The uploader's identity is trusted (the admin dialog's own test drives that tab).
    const auto uploaderBox = crypto::BoxKey::generate();
    const auto uploaderSign = crypto::SigningKey::generate();
    {
        auto alice = env.session.workstation().unlock("alice", gui::toSecure(kAdminPass));
        REQUIRE(alice);
        const std::string identity = domain::makeUploaderIdentity("uploader-1", uploaderBox.publicKey(), uploaderSign);
        REQUIRE(env.session.workstation().trustUploader(*alice,
                                                        identity,
                                                        domain::readUploaderIdentity(identity)->fingerprint()));
    }

    // Erin exports it through the export dialog to a folder (confirming it is not removable).
    unlockAs(window, env.session, "erin");
    window.selectQueue(store::PostState::Approved);
    REQUIRE(window.selectPost(postId));
    window.exportSelected();
    gui::ExportDialog* exporter = nullptr;
    REQUIRE(waitUntil([&] { return (exporter = window.findChild<gui::ExportDialog*>()) != nullptr; }));
    const auto outDir = env.dir.path() / "transfer";
    std::filesystem::create_directories(outDir);
    Dialogs::queueFiles({QString::fromStdString(outDir.string())});
    Dialogs::queueAnswer(Dialogs::Answer::Yes);
    QTest::mouseClick(child<QPushButton>(exporter, "chooseFolderButton"), Qt::LeftButton);
    REQUIRE(exporter->destination() == QString::fromStdString(outDir.string()));
    Dialogs::queueText(passOf("erin"));
    QTest::mouseClick(child<QPushButton>(exporter, "exportButton"), Qt::LeftButton);
    auto* pages = child<QStackedWidget>(exporter, "pages");
    REQUIRE(waitUntil([&] { return pages->currentWidget() == child<QWidget>(exporter, "donePage"); }, 30000));
    CHECK(stateOf(env.session, postId) == store::PostState::Exported);
    for (const char* box : {"checkFingerprint", "checkEjected", "checkSealed", "checkLog"})
        child<QCheckBox>(exporter, box)->setChecked(true);
    QTest::mouseClick(child<QPushButton>(exporter, "closeButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ExportDialog*>() == nullptr; }));
    auto exports = env.session.workstation().queries().recentExports(10);
    REQUIRE(exports);
    REQUIRE(exports->size() == 1);
    REQUIRE(std::filesystem::exists(exports->front().path));

    // The uploader's signed receipt comes back; importing it marks the post published.
    bundle::Receipt receipt;
    const Bytes id = fromHex(exports->front().bundleId, 16).value();
    std::copy(id.begin(), id.end(), receipt.bundleId.begin());
    receipt.uploader = uploaderSign.publicKey();
    receipt.workstation = env.session.workstation().queries().workstation()->publicKey;
    receipt.processedAt = env.clock.now();
    for (const auto& channel : approved->content.channels) {
        bundle::ReceiptEntry e;
        e.postId = postId.toStdString();
        e.version = 2;
        e.channel = channel.channel;
        e.state = bundle::ReceiptState::Published;
        e.url = "https://example.social/" + std::string(domain::platformName(channel.channel.platform)) + "/1";
        receipt.entries.push_back(std::move(e));
    }
    const auto receiptPath = env.dir.path() / "bundle.receipt";
    REQUIRE(writeFileAtomic(receiptPath, bundle::makeReceipt(receipt, uploaderSign)));
    window.importReceipt();
    QDialog* receipts = nullptr;
    REQUIRE(waitUntil([&] { return (receipts = window.findChild<gui::ReceiptDialog*>()) != nullptr; }));
    Dialogs::queueFiles({QString::fromStdString(receiptPath.string())});
    QTest::mouseClick(child<QPushButton>(receipts, "chooseReceiptButton"), Qt::LeftButton);
    CHECK(stateOf(env.session, postId) == store::PostState::Published);
    auto published = env.session.workstation().show(postId.toStdString());
    REQUIRE(published);
    REQUIRE(published->results.size() == 2);
    CHECK(published->results[0].url.rfind("https://example.social/", 0) == 0);
}

TEST_CASE("an author cannot approve their own post and the pane says why", "[gui][selfapproval]")
{
    GuiStore env;
    runFirstRun(env.session);
    gui::MainWindow window(env.session);
    window.show();
    unlockAs(window, env.session, "dave"); // author and approver
    window.newPost();
    auto* composer = openComposer(window);
    child<QListWidget>(composer, "channelList")->item(0)->setCheckState(Qt::Checked);
    QTest::keyClicks(child<QPlainTextEdit>(composer, "sharedTextEdit"), "Dave's own announcement");
    Dialogs::queueAnswer(Dialogs::Answer::Yes); // "Submit for review" confirmed
    QTest::mouseClick(child<QPushButton>(composer, "submitButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ComposeDialog*>() == nullptr; }));

    window.selectQueue(store::PostState::InReview);
    REQUIRE(window.postModel().rowCount() == 1);
    REQUIRE(window.selectPost(window.postModel().postId(0)));
    auto& pane = window.postPane();
    auto* approve = child<QPushButton>(&pane, "approveButton");
    CHECK(approve->isVisible());
    CHECK_FALSE(approve->isEnabled());
    CHECK(approve->toolTip().contains("another approver"));
    CHECK(child<QLabel>(&pane, "blockedLabel")->text().contains("You wrote this post"));
    CHECK_FALSE(child<QPushButton>(&pane, "rejectButton")->isEnabled());
}

// Screenshots for docs/user-guide.md (hidden: run with `test_gui "[.screenshots]"` and
// POSTERN_SCREENSHOT_DIR set, under xvfb-run with QT_QPA_PLATFORM=xcb for the real look).
TEST_CASE("screenshots of each main screen", "[.screenshots]")
{
    GuiStore env;
    {
        gui::FirstRunWizard wizard(env.session);
        wizard.resize(720, 520);
        wizard.show();
        QTest::keyClicks(child<QLineEdit>(&wizard, "workstationNameEdit"), "press-office");
        QTest::keyClicks(child<QLineEdit>(&wizard, "adminNameEdit"), "alice");
        maybeScreenshot(&wizard, "first-run");
    }
    runFirstRun(env.session);
    auto& ws = env.session.workstation();
    auto bob = ws.unlock("bob", gui::toSecure(passOf("bob")));
    REQUIRE(bob);
    const auto channel = domain::ChannelId::parse("bluesky:press.example.org").value();
    const QDateTime base = QDateTime::currentDateTime().addDays(1);
    const char* texts[] = {"Harbour open day on Saturday: https://example.org/open-day #openday",
                           "Road closures around the barracks this weekend. Call 020 7946 0958 for details.",
                           "Thank you to everyone who joined the charity run!",
                           "Recruitment evening on Thursday at 18:00, all welcome."};
    int i = 0;
    for (const char* text : texts) {
        workflow::DraftInput in;
        in.channels = {{channel, text, Json(Json::Object{})}};
        in.schedule = base.addDays(i * 2).toSecsSinceEpoch();
        auto post = ws.newDraft(*bob, in);
        REQUIRE(post);
        if (i % 2 == 0)
            REQUIRE(ws.submit(*bob, post->id));
        if (i++ == 0) // one approved post waiting for export
            for (const char* approver : {"carol", "dave"}) {
                auto who = ws.unlock(approver, gui::toSecure(passOf(QString::fromUtf8(approver))));
                REQUIRE(who);
                REQUIRE(ws.approve(*who, post->id));
            }
    }
    gui::MainWindow window(env.session);
    window.resize(1280, 800);
    window.show();
    env.session.lock();
    maybeScreenshot(&window, "lock-screen");
    unlockAs(window, env.session, "carol");
    window.selectQueue(store::PostState::InReview);
    REQUIRE(window.selectPost(window.postModel().postId(0)));
    maybeScreenshot(&window, "main-window");
    auto* tabs = child<QTabWidget>(&window, "tabs");
    tabs->setCurrentIndex(1);
    child<QCalendarWidget>(&window, "calendar")->setSelectedDate(base.date());
    maybeScreenshot(&window, "calendar");
    tabs->setCurrentIndex(2);
    QTest::mouseClick(child<QPushButton>(&window, "verifyChainButton"), Qt::LeftButton);
    maybeScreenshot(&window, "audit-log");
    tabs->setCurrentIndex(0);

    unlockAs(window, env.session, "alice");
    window.openAdministration();
    QDialog* admin = nullptr;
    REQUIRE(waitUntil([&] { return (admin = window.findChild<gui::AdminDialog*>()) != nullptr; }));
    admin->resize(1000, 680);
    maybeScreenshot(admin, "administration");
    admin->close();

    unlockAs(window, env.session, "erin");
    window.exportSelected();
    QDialog* exporter = nullptr;
    REQUIRE(waitUntil([&] { return (exporter = window.findChild<gui::ExportDialog*>()) != nullptr; }));
    exporter->resize(900, 620);
    maybeScreenshot(exporter, "export");
    exporter->close();
    // A receipt for the approved post, so the screenshot shows its results.
    const auto uploaderSign = crypto::SigningKey::generate();
    {
        auto alice = ws.unlock("alice", gui::toSecure(kAdminPass));
        REQUIRE(alice);
        const std::string identity =
            domain::makeUploaderIdentity("uploader-1", crypto::BoxKey::generate().publicKey(), uploaderSign);
        REQUIRE(ws.trustUploader(*alice, identity, domain::readUploaderIdentity(identity)->fingerprint()));
    }
    store::PostFilter approvedOnly;
    approvedOnly.state = store::PostState::Approved;
    const std::string approvedId = ws.list(approvedOnly)->front().id;
    auto erin = ws.unlock("erin", gui::toSecure(passOf("erin")));
    REQUIRE(erin);
    auto exported = ws.exportBundle(*erin, {approvedId}, env.dir.path() / "shot.postern", 3600);
    REQUIRE(exported);
    bundle::Receipt receipt;
    const Bytes id = fromHex(exported->bundleId, 16).value();
    std::copy(id.begin(), id.end(), receipt.bundleId.begin());
    receipt.uploader = uploaderSign.publicKey();
    receipt.workstation = ws.queries().workstation()->publicKey;
    receipt.processedAt = env.clock.now();
    bundle::ReceiptEntry e;
    e.postId = approvedId;
    e.version = 1;
    e.channel = channel;
    e.state = bundle::ReceiptState::Published;
    e.url = "https://bsky.app/profile/press.example.org/post/3kq2xyzabc";
    receipt.entries.push_back(e);
    const auto receiptPath = env.dir.path() / "shot.receipt";
    REQUIRE(writeFileAtomic(receiptPath, bundle::makeReceipt(receipt, uploaderSign)));
    window.importReceipt();
    gui::ReceiptDialog* receipts = nullptr;
    REQUIRE(waitUntil([&] { return (receipts = window.findChild<gui::ReceiptDialog*>()) != nullptr; }));
    receipts->resize(900, 520);
    REQUIRE(receipts->importFile(QString::fromStdString(receiptPath.string())));
    maybeScreenshot(receipts, "receipts");
    receipts->close();
}
