// SPDX-License-Identifier: GPL-3.0-or-later
// The export dialog on a real store, with drive detection pointed at a fake /proc, /sys and
// /dev whose USB stick is a real temporary folder: choose, confirm, seal, read back, check
// the fingerprint and the checklist; cancel; refuse a wrong passphrase; warn about a folder
// that is not on removable media.
#include "postern/bundle/BundleVerifier.h"
#include "postern/bundle/Receipt.h"
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/Dialogs.h"
#include "gui/ExportDialog.h"
#include "gui/MainWindow.h"
#include "gui/PostListModel.h"
#include "gui/ReceiptDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTreeWidget>

#include <fstream>
#include <string_view>

using namespace postern;
using namespace postern::test;
using postern::gui::Dialogs;
namespace fs = std::filesystem;

namespace {

crypto::SecureBuffer secure(const std::string& s)
{
    return crypto::SecureBuffer(asBytes(s));
}

std::string passOf(const std::string& name)
{
    return name + "'s long passphrase";
}

void put(const fs::path& file, const std::string& text)
{
    fs::create_directories(file.parent_path());
    REQUIRE(writeFileAtomic(file, text).ok());
}

/** ExportStore is a store with two approved posts, olga logged in, and one USB stick. */
struct ExportStore : GuiStore
{
    fs::path stick = dir / "media" / "olga" / "TRANSFER 1";
    system::SystemPaths paths{dir / "proc", dir / "sys", dir / "dev"};
    std::vector<std::string> postIds;
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();

    explicit ExportStore(std::uint64_t mediaBytes = 4096)
    {
        REQUIRE(session.initialise("press-office", "ada", QString::fromStdString(passOf("ada"))).ok());
        auto& ws = session.workstation();
        auto ada = ws.unlock("ada", secure(passOf("ada"))).value();
        using domain::Role;
        for (auto [name, role] : {std::pair{"alice", Role::Author},
                                  std::pair{"bob", Role::Approver},
                                  std::pair{"carol", Role::Approver},
                                  std::pair{"olga", Role::Operator}})
            REQUIRE(
                ws.addUser(ada, name, static_cast<domain::RoleSet>(role), secure(passOf(name)), session.kdf()).ok());
        const std::string identity = domain::makeUploaderIdentity("uploader-1", uploaderBox.publicKey(), uploaderSign);
        REQUIRE(ws.trustUploader(ada, identity, domain::readUploaderIdentity(identity)->fingerprint()).ok());
        workflow::ChannelRuleInput rule{domain::ChannelId::parse("outbox:press").value(),
                                        2,
                                        {"bob", "carol"},
                                        12 * 3600};
        REQUIRE(ws.setPolicy(ada, {rule}).ok());

        auto alice = ws.unlock("alice", secure(passOf("alice"))).value();
        auto bob = ws.unlock("bob", secure(passOf("bob"))).value();
        auto carol = ws.unlock("carol", secure(passOf("carol"))).value();
        for (const char* text : {"Band concert on Sunday", "Open day at the barracks"}) {
            const fs::path video = dir / "clip.webm";
            {
                std::ofstream f(video, std::ios::binary | std::ios::trunc);
                std::string bytes(mediaBytes, '\x42');
                bytes.replace(0, 4, "\x1a\x45\xdf\xa3"); // WebM: passed through by the sanitizer
                bytes.replace(4, std::min<std::size_t>(40, mediaBytes - 4), text);
                f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            }
            workflow::DraftInput in;
            in.channels = {{domain::ChannelId::parse("outbox:press").value(), text, Json(Json::Object{})}};
            in.media = {{video, "", "", "A short clip"}};
            auto post = ws.newDraft(alice, in);
            INFO((post.ok() ? std::string() : post.error().what()));
            REQUIRE(post.ok());
            REQUIRE(ws.submit(alice, post->id).ok());
            REQUIRE(ws.approve(bob, post->id).ok());
            REQUIRE(ws.approve(carol, post->id).ok());
            postIds.push_back(post->id);
        }
        REQUIRE(session.unlock("olga", QString::fromStdString(passOf("olga"))).ok());
        fakeDrives();
    }

    /** fakeDrives: the system disk at "/" and a USB stick (label with a space) at `stick`. */
    void fakeDrives()
    {
        fs::create_directories(stick);
        const std::string usb = "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb";
        const std::string sata = "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda";
        put(paths.sys / "devices" / usb / "removable", "1\n");
        put(paths.sys / "devices" / usb / "sdb1" / "partition", "1\n");
        put(paths.sys / "devices" / sata / "removable", "0\n");
        put(paths.sys / "devices" / sata / "sda2" / "partition", "2\n");
        fs::create_directories(paths.sys / "dev" / "block");
        fs::create_symlink("../../devices/" + usb + "/sdb1", paths.sys / "dev" / "block" / "8:17");
        fs::create_symlink("../../devices/" + sata + "/sda2", paths.sys / "dev" / "block" / "8:2");
        fs::create_directories(paths.sys / "block");
        fs::create_symlink("../devices/" + usb, paths.sys / "block" / "sdb");
        fs::create_symlink("../devices/" + sata, paths.sys / "block" / "sda");
        fs::create_directories(paths.dev / "disk" / "by-label");
        fs::create_symlink("../../sdb1", paths.dev / "disk" / "by-label" / "TRANSFER\\x201");
        std::string point;
        for (char c : stick.string())
            point += c == ' ' ? std::string("\\040") : std::string(1, c);
        put(paths.proc / "self" / "mountinfo",
            "27 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
            "101 27 8:17 / "
                + point + " rw,nosuid,nodev,relatime shared:100 - vfat /dev/sdb1 rw,fmask=0022\n");
    }

    std::vector<std::string> stickListing() const
    {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(stick))
            names.push_back(e.path().filename().string());
        return names;
    }

    store::PostState stateOf(std::size_t i) { return session.workstation().show(postIds.at(i))->record.state; }
};

QWidget* page(gui::ExportDialog& d)
{
    return child<QStackedWidget>(&d, "pages")->currentWidget();
}

} // namespace

TEST_CASE("export dialog: seal to the USB stick, read back, fingerprint and checklist", "[gui][export]")
{
    ExportStore s;
    Dialogs::clearRecorded();
    gui::ExportDialog dialog(s.session, {QString::fromStdString(s.postIds[1])});
    dialog.setSystemPaths(s.paths);
    dialog.show();

    // Only the chosen post is ticked; both approved posts are listed.
    auto* posts = child<QTreeWidget>(&dialog, "postList");
    REQUIRE(posts->topLevelItemCount() == 2);
    int ticked = 0;
    for (int i = 0; i < 2; ++i)
        ticked += posts->topLevelItem(i)->checkState(0) == Qt::Checked ? 1 : 0;
    CHECK(ticked == 1);
    // The policy allows 12 hours for outbox:press, so the validity field stops there.
    CHECK(child<QSpinBox>(&dialog, "lifetimeSpin")->maximum() == 12);

    // The stick is listed with its label and free space, and chosen; the system disk is not.
    auto* drives = child<QTreeWidget>(&dialog, "driveList");
    REQUIRE(drives->topLevelItemCount() == 1);
    CHECK(drives->topLevelItem(0)->text(0) == "TRANSFER 1 (/dev/sdb1)");
    CHECK(drives->topLevelItem(0)->text(1) == QString::fromStdString(s.stick.string()));
    CHECK(drives->topLevelItem(0)->text(2).contains("free of"));
    CHECK(dialog.destination() == QString::fromStdString(s.stick.string()));
    maybeScreenshot(&dialog, "export-choose");

    // Tick the second post too, then export.
    for (int i = 0; i < 2; ++i)
        posts->topLevelItem(i)->setCheckState(0, Qt::Checked);
    QSignalSpy exported(&dialog, &gui::ExportDialog::exported);
    Dialogs::queueText(QString::fromStdString(passOf("olga")));
    QTest::mouseClick(child<QPushButton>(&dialog, "exportButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return page(dialog) == child<QWidget>(&dialog, "donePage"); }, 30000));

    REQUIRE(exported.count() == 1);
    const auto files = s.stickListing();
    REQUIRE(files.size() == 1);
    CHECK(QString::fromStdString(files[0]).startsWith("postern-"));
    CHECK(QString::fromStdString(files[0]).endsWith(".postern"));
    CHECK(child<QLabel>(&dialog, "bundleFileLabel")->text() == QString::fromStdString((s.stick / files[0]).string()));
    const QString fingerprint = child<QLabel>(&dialog, "fingerprintLabel")->text();
    CHECK(fingerprint.split(QRegularExpression("[ \n]")).size() == 8);
    const auto record = s.session.workstation().queries().exportOf(exported.at(0).at(0).toString().toStdString());
    REQUIRE(record.ok());
    CHECK(QString::fromStdString(record->fileFingerprint).replace('-', ' ') == QString(fingerprint).replace('\n', ' '));
    CHECK(child<QLabel>(&dialog, "donePostsLabel")->text().startsWith("2 post"));
    CHECK(s.stateOf(0) == store::PostState::Exported);
    CHECK(s.stateOf(1) == store::PostState::Exported);

    // Close stays disabled until every checklist step is ticked.
    auto* close = child<QPushButton>(&dialog, "closeButton");
    CHECK_FALSE(close->isEnabled());
    for (const char* box : {"checkFingerprint", "checkEjected", "checkSealed"})
        child<QCheckBox>(&dialog, box)->setChecked(true);
    CHECK_FALSE(close->isEnabled());
    maybeScreenshot(&dialog, "export-done");
    child<QCheckBox>(&dialog, "checkLog")->setChecked(true);
    CHECK(close->isEnabled());
    QTest::mouseClick(close, Qt::LeftButton);
    CHECK(dialog.result() == QDialog::Accepted);
}

TEST_CASE("export dialog: a folder that is not on removable media needs confirmation", "[gui][export]")
{
    ExportStore s;
    gui::ExportDialog dialog(s.session, {});
    dialog.setSystemPaths(s.paths);
    const QString stick = QString::fromStdString(s.stick.string());
    REQUIRE(dialog.destination() == stick);
    const QString folder = QString::fromStdString((s.dir / "desktop").string());
    fs::create_directories(s.dir / "desktop");

    Dialogs::clearRecorded();
    Dialogs::queueFiles({folder});
    Dialogs::queueAnswer(Dialogs::Answer::No);
    QTest::mouseClick(child<QPushButton>(&dialog, "chooseFolderButton"), Qt::LeftButton);
    CHECK(dialog.destination() == stick);
    REQUIRE(Dialogs::recorded().size() == 1);
    CHECK(Dialogs::recorded().front().startsWith("Not a removable drive: "));

    Dialogs::queueFiles({folder});
    Dialogs::queueAnswer(Dialogs::Answer::Yes);
    QTest::mouseClick(child<QPushButton>(&dialog, "chooseFolderButton"), Qt::LeftButton);
    CHECK(dialog.destination() == folder);
    CHECK(child<QLabel>(&dialog, "destinationLabel")->text().contains("not on a removable drive"));

    // A folder on the stick is accepted without a question.
    fs::create_directories(s.stick / "outgoing");
    Dialogs::clearRecorded();
    Dialogs::queueFiles({QString::fromStdString((s.stick / "outgoing").string())});
    QTest::mouseClick(child<QPushButton>(&dialog, "chooseFolderButton"), Qt::LeftButton);
    CHECK(Dialogs::recorded().isEmpty());
    CHECK(dialog.destination() == QString::fromStdString((s.stick / "outgoing").string()));
}

TEST_CASE("export dialog: cancelling leaves nothing on the drive and changes nothing", "[gui][export]")
{
    ExportStore s(24u << 20); // two 24 MiB clips: the export takes long enough to cancel
    const auto auditBefore = s.session.workstation().queries().auditSummary().value().entries;
    gui::ExportDialog dialog(s.session, {});
    dialog.setSystemPaths(s.paths);
    QSignalSpy exported(&dialog, &gui::ExportDialog::exported);
    Dialogs::queueText(QString::fromStdString(passOf("olga")));
    QTest::mouseClick(child<QPushButton>(&dialog, "exportButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return dialog.isExporting(); }, 30000)); // after the passphrase check
    CHECK(page(dialog) == child<QWidget>(&dialog, "progressPage"));
    QTest::mouseClick(child<QPushButton>(&dialog, "cancelExportButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return !dialog.isExporting(); }, 30000));

    CHECK(page(dialog) == child<QWidget>(&dialog, "choosePage"));
    CHECK(child<QLabel>(&dialog, "statusLabel")->text().startsWith("Export cancelled."));
    CHECK(exported.count() == 0);
    CHECK(s.stickListing().empty()); // no bundle and no temporary file
    CHECK(s.stateOf(0) == store::PostState::Approved);
    CHECK(s.stateOf(1) == store::PostState::Approved);
    // The passphrase confirmation is logged as a login; the export left no entry.
    const auto audit = s.session.workstation().queries().auditTail(1000).value();
    CHECK(audit.total == auditBefore + 1);
    for (const auto& e : audit.entries)
        CHECK(e.record.action != "export");
    CHECK(dialog.isVisible() == false); // never shown; the dialog itself stays open (not rejected)
    CHECK(dialog.result() == 0);
}

TEST_CASE("export dialog: a wrong passphrase exports nothing", "[gui][export]")
{
    ExportStore s;
    gui::ExportDialog dialog(s.session, {});
    dialog.setSystemPaths(s.paths);
    Dialogs::clearRecorded();
    Dialogs::queueText("not olga's passphrase");
    Dialogs::queueAnswer(Dialogs::Answer::Ok); // dismisses the error box
    QTest::mouseClick(child<QPushButton>(&dialog, "exportButton"), Qt::LeftButton);
    REQUIRE(waitForKeyWork(s.session));
    CHECK_FALSE(dialog.isExporting());
    CHECK(page(dialog) == child<QWidget>(&dialog, "choosePage"));
    REQUIRE(Dialogs::recorded().size() == 2);
    // In words: the error code stays in the log.
    CHECK(Dialogs::recorded().at(1).startsWith("Export not started: That passphrase is not right."));
    CHECK_FALSE(Dialogs::recorded().at(1).contains("wrong-passphrase"));
    CHECK(s.stickListing().empty());
    CHECK(s.stateOf(0) == store::PostState::Approved);
}

TEST_CASE("export dialog: a folder export asks only what is true for a folder", "[gui][export]")
{
    ExportStore s;
    gui::ExportDialog dialog(s.session, {});
    dialog.setSystemPaths(s.paths);
    const fs::path folder = s.dir / "outgoing";
    fs::create_directories(folder);
    Dialogs::queueFiles({QString::fromStdString(folder.string())});
    Dialogs::queueAnswer(Dialogs::Answer::Yes); // export to a folder that is not removable
    QTest::mouseClick(child<QPushButton>(&dialog, "chooseFolderButton"), Qt::LeftButton);
    REQUIRE(dialog.destination() == QString::fromStdString(folder.string()));
    Dialogs::queueText(QString::fromStdString(passOf("olga")));
    QTest::mouseClick(child<QPushButton>(&dialog, "exportButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return page(dialog) == child<QWidget>(&dialog, "donePage"); }, 30000));

    // No drive was used, so nothing asks about ejecting or sealing one.
    CHECK(child<QCheckBox>(&dialog, "checkEjected")->isHidden());
    CHECK(child<QCheckBox>(&dialog, "checkSealed")->isHidden());
    auto* close = child<QPushButton>(&dialog, "closeButton");
    CHECK_FALSE(close->isEnabled());
    child<QCheckBox>(&dialog, "checkFingerprint")->setChecked(true);
    child<QCheckBox>(&dialog, "checkLog")->setChecked(true);
    CHECK(close->isEnabled());
}

TEST_CASE("export dialog: with the only drive preselected, three actions write the bundle", "[gui][export][keyboard]")
{
    ExportStore s;
    gui::ExportDialog dialog(s.session, {}); // action 1: Ctrl+E (the main window's test presses it)
    dialog.setSystemPaths(s.paths);
    dialog.show();
    dialog.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&dialog));
    REQUIRE(dialog.destination() == QString::fromStdString(s.stick.string())); // nothing to choose
    int actions = 1;
    const auto press = [&](Qt::Key key) {
        ++actions;
        QTest::keyClick(QApplication::focusWidget(), key);
    };
    Dialogs::queueText(QString::fromStdString(passOf("olga")));
    press(Qt::Key_Return); // action 2: Enter presses Export…
    ++actions;             // action 3: the passphrase, typed and confirmed
    REQUIRE(waitUntil([&] { return page(dialog) == child<QWidget>(&dialog, "donePage"); }, 30000));
    CHECK(actions == 3);
    CHECK(s.stateOf(0) == store::PostState::Exported);
    CHECK(s.stateOf(1) == store::PostState::Exported);

    // The carry-across checklist follows by keyboard: Space ticks, Tab moves on, Enter closes.
    for (const char* box : {"checkFingerprint", "checkEjected", "checkSealed", "checkLog"}) {
        REQUIRE(QApplication::focusWidget() == child<QCheckBox>(&dialog, box));
        press(Qt::Key_Space);
        if (std::string_view(box) != "checkLog")
            press(Qt::Key_Tab);
    }
    REQUIRE(QApplication::focusWidget() == child<QPushButton>(&dialog, "closeButton"));
    press(Qt::Key_Return);
    CHECK(dialog.result() == QDialog::Accepted);
    CHECK(actions == 11); // 3 to write and verify the bundle, 8 to confirm the carry-across steps
}

namespace {

/**
 * uploaderPublishes is the uploader's side of the walk without its network: the real verifier
 * opens the bundle on the stick with the uploader's key and checks every approval, then every
 * post it carries is reported published, and the signed receipt is written next to the bundle
 * as BUNDLE.receipt, where postern-uploader writes it.
 */
void uploaderPublishes(ExportStore& s, const fs::path& bundleFile)
{
    auto& ws = s.session.workstation();
    auto identityText = ws.exportIdentity(ws.unlock("ada", secure(passOf("ada"))).value());
    REQUIRE(identityText.ok());
    auto identity = domain::readWorkstationIdentity(identityText.value());
    REQUIRE(identity.ok());
    bundle::TrustedWorkstation trusted;
    trusted.policy = identity->policies.front();
    trusted.knownPolicy = [&](std::int64_t v) -> std::optional<std::string> {
        return identity->policies.at(static_cast<std::size_t>(v - 1)).fileText;
    };
    bundle::VerifyEnvironment env;
    env.uploaderKey = &s.uploaderBox;
    env.findWorkstation = [&](const crypto::PublicKey& k) { return k == identity->workstation ? &trusted : nullptr; };
    env.seen = [](const bundle::BundleId&) -> Result<bool> { return false; };
    bundle::FileSource source;
    REQUIRE(source.open(bundleFile).ok());
    bundle::VerifyOptions options;
    options.now = s.clock.now() + 10;
    auto verified = bundle::verifyBundle(source, env, options, nullptr);
    INFO((verified.ok() ? std::string() : verified.error().what()));
    REQUIRE(verified.ok());
    bundle::Receipt receipt;
    receipt.bundleId = verified->header.bundleId;
    receipt.uploader = s.uploaderSign.publicKey();
    receipt.workstation = identity->workstation;
    receipt.processedAt = s.clock.now() + 60;
    int n = 0;
    for (const auto& post : verified->manifest.posts)
        for (const auto& channel : post.content.channels) {
            bundle::ReceiptEntry e;
            e.postId = post.content.postId;
            e.version = post.content.version;
            e.channel = channel.channel;
            e.state = bundle::ReceiptState::Published;
            e.url = "file:///var/lib/postern-uploader/outbox/press/" + std::to_string(++n) + ".json";
            receipt.entries.push_back(std::move(e));
        }
    put(fs::path(bundleFile.string() + ".receipt"), bundle::makeReceipt(receipt, s.uploaderSign));
}

} // namespace

TEST_CASE("from approved to published: 3 actions export, 1 imports the receipt", "[gui][export][receipt][keyboard]")
{
    ExportStore s;
    gui::MainWindow window(s.session);
    window.setSystemPaths(s.paths);
    window.resize(1280, 760);
    window.show();
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    auto* banner = child<QWidget>(&window, "receiptBanner");
    CHECK_FALSE(banner->isVisible()); // nothing to import yet

    // Olga starts at the Approved queue on its first post; the other stays for a later bundle.
    const QStringList chosen = window.selectedPostIds();
    REQUIRE(chosen.size() == 1);
    const std::size_t shipped = s.postIds.at(0) == chosen.front().toStdString() ? 0 : 1;
    const std::size_t kept = 1 - shipped;

    // Export: Ctrl+E, Enter with the only drive preselected, the passphrase.
    int exportActions = 0;
    const auto press = [](QKeySequence keys) { QTest::keySequence(QApplication::focusWidget(), keys); };
    press(QKeySequence(Qt::CTRL | Qt::Key_E));
    ++exportActions;
    gui::ExportDialog* dialog = nullptr;
    REQUIRE(waitUntil([&] {
        dialog = window.findChild<gui::ExportDialog*>();
        return dialog != nullptr && dialog->isActiveWindow();
    }));
    REQUIRE(dialog->destination() == QString::fromStdString(s.stick.string()));
    Dialogs::queueText(QString::fromStdString(passOf("olga")));
    press(QKeySequence(Qt::Key_Return));
    exportActions += 2; // Enter, then the passphrase typed and confirmed
    REQUIRE(waitUntil([&] { return page(*dialog) == child<QWidget>(dialog, "donePage"); }, 30000));
    CHECK(exportActions <= 3);
    CHECK(s.stateOf(shipped) == store::PostState::Exported);
    CHECK(s.stateOf(kept) == store::PostState::Approved);
    // The carry-across checklist is the walk, not the export: each box ticked is a true statement.
    for (const char* box : {"checkFingerprint", "checkEjected", "checkSealed", "checkLog"})
        child<QCheckBox>(dialog, box)->setChecked(true);
    QTest::mouseClick(child<QPushButton>(dialog, "closeButton"), Qt::LeftButton);
    REQUIRE(waitUntil([&] { return window.findChild<gui::ExportDialog*>() == nullptr; }));

    // Across the gap: the uploader verifies, publishes and writes the receipt on the stick.
    const auto files = s.stickListing();
    REQUIRE(files.size() == 1);
    uploaderPublishes(s, s.stick / files[0]);

    // Back at the workstation the stick is seen within seconds: one press imports the receipt.
    REQUIRE(waitUntil([&] { return banner->isVisible(); }, 10000));
    auto* import = child<QPushButton>(banner, "importFoundReceiptButton");
    CHECK(import->text().remove('&') == "Import the receipt found on TRANSFER 1");
    int importActions = 0;
    QTest::mouseClick(import, Qt::LeftButton);
    ++importActions;
    CHECK(importActions == 1);
    CHECK(s.stateOf(shipped) == store::PostState::Published);
    CHECK(s.stateOf(kept) == store::PostState::Approved);
    auto* results = window.findChild<gui::ReceiptDialog*>();
    REQUIRE(results != nullptr);
    CHECK(child<QLabel>(results, "summaryLabel")->text().contains("1 published"));
    REQUIRE(window.postModel().rowCount() == 1); // the Published queue, where it now is
    CHECK(window.postModel().postId(0) == chosen.front());
    CHECK_FALSE(banner->isVisible()); // imported: nothing more is offered
    results->close();
}
