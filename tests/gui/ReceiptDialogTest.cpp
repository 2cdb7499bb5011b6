// SPDX-License-Identifier: GPL-3.0-or-later
// The receipt dialog on real bundles and real signed receipts: posts become published with
// their addresses (plain selectable text, never a link) or failed with the platform's reason
// and a way to revise; a bundle the uploader refused is explained.
#include "postern/bundle/Receipt.h"
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/Dialogs.h"
#include "gui/ReceiptDialog.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const domain::ChannelId kPress = domain::ChannelId::parse("outbox:press").value();

/** Office is a store with an author, an approver, an operator, a trusted uploader and a rule. */
struct Office : GuiStore
{
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();

    Office()
    {
        REQUIRE(session.initialise("press-office", "ada", "ada passphrase 1").ok());
        auto ada = as("ada");
        using domain::Role;
        for (const auto& [name, role] :
             {std::pair{"alice", Role::Author}, {"bob", Role::Approver}, {"olga", Role::Operator}})
            REQUIRE(ws().addUser(ada, name, static_cast<domain::RoleSet>(role), pass(name), session.kdf()).ok());
        const std::string identity = domain::makeUploaderIdentity("uploader-1", uploaderBox.publicKey(), uploaderSign);
        REQUIRE(ws().trustUploader(ada, identity, domain::readUploaderIdentity(identity)->fingerprint()).ok());
        REQUIRE(ws().setPolicy(ada, {{kPress, 1, {"bob"}, 86400}}).ok());
    }

    workflow::Workstation& ws() { return session.workstation(); }

    static crypto::SecureBuffer pass(std::string_view name)
    {
        return gui::toSecure(QString::fromUtf8(name.data(), static_cast<int>(name.size())) + " passphrase 1");
    }

    workflow::UnlockedUser as(std::string_view name)
    {
        auto u = ws().unlock(name, pass(name));
        REQUIRE(u.ok());
        return std::move(u).value();
    }

    std::string approvedPost(const std::string& text)
    {
        auto alice = as("alice");
        workflow::DraftInput in;
        in.channels = {{kPress, text, Json(Json::Object{})}};
        auto post = ws().newDraft(alice, in);
        REQUIRE(post.ok());
        REQUIRE(ws().submit(alice, post->id).ok());
        REQUIRE(ws().approve(as("bob"), post->id).ok());
        return post->id;
    }

    workflow::ExportResult exportPosts(const std::vector<std::string>& ids, const char* file)
    {
        auto r = ws().exportBundle(as("olga"), ids, dir.path() / file, 3600);
        REQUIRE(r.ok());
        return std::move(r).value();
    }

    /** receiptFile signs a receipt for `exported` as the uploader would and writes it. */
    QString receiptFile(const workflow::ExportResult& exported,
                        std::vector<bundle::ReceiptEntry> entries,
                        std::string error = {})
    {
        bundle::Receipt r;
        const Bytes id = fromHex(exported.bundleId, 16).value();
        std::copy(id.begin(), id.end(), r.bundleId.begin());
        r.uploader = uploaderSign.publicKey();
        r.workstation = ws().queries().workstation()->publicKey;
        r.processedAt = clock.now();
        r.error = std::move(error);
        r.entries = std::move(entries);
        const auto path = dir.path() / (exported.bundleId + ".receipt");
        REQUIRE(writeFileAtomic(path, bundle::makeReceipt(r, uploaderSign)).ok());
        return QString::fromStdString(path.string());
    }
};

bundle::ReceiptEntry entry(const std::string& postId, bundle::ReceiptState state, std::string url, std::string reason)
{
    bundle::ReceiptEntry e;
    e.postId = postId;
    e.version = 1;
    e.channel = kPress;
    e.state = state;
    e.url = std::move(url);
    e.reason = std::move(reason);
    return e;
}

} // namespace

TEST_CASE("receipt dialog marks posts published with addresses or failed with reasons", "[gui][receipt]")
{
    Office o;
    const std::string good = o.approvedPost("Open day on Saturday");
    const std::string bad = o.approvedPost("Road closures this week");
    const auto exported = o.exportPosts({good, bad}, "one.postern");
    const QString url = "https://social.example/@press/113";
    const QString file =
        o.receiptFile(exported,
                      {entry(good, bundle::ReceiptState::Published, url.toStdString(), ""),
                       entry(bad, bundle::ReceiptState::Failed, "", "422: the status is over 500 characters")});

    REQUIRE(o.session.unlock("olga", "olga passphrase 1").ok());
    gui::ReceiptDialog dialog(o.session);
    QSignalSpy imported(&dialog, &gui::ReceiptDialog::imported);
    QSignalSpy revise(&dialog, &gui::ReceiptDialog::reviseRequested);
    Dialogs::queueFiles({file});
    QTest::mouseClick(child<QPushButton>(&dialog, "chooseReceiptButton"), Qt::LeftButton);
    REQUIRE(imported.count() == 1);

    CHECK(o.ws().show(good)->record.state == store::PostState::Published);
    CHECK(o.ws().show(bad)->record.state == store::PostState::Failed);
    CHECK(o.ws().show(bad)->record.lastReason.find("over 500 characters") != std::string::npos);

    auto* table = child<QTableWidget>(&dialog, "resultsTable");
    REQUIRE(table->rowCount() == 2);
    // Rows follow the receipt's order, which is by post id (random): find each post's row.
    const bool goodFirst = child<QLabel>(&dialog, "detailsLabel0")->text() == url;
    auto* published = child<QLabel>(&dialog, goodFirst ? "detailsLabel0" : "detailsLabel1");
    auto* failed = child<QLabel>(&dialog, goodFirst ? "detailsLabel1" : "detailsLabel0");
    CHECK(published->text() == url);
    // Selectable text, never a link that could try to open anything.
    CHECK(published->textFormat() == Qt::PlainText);
    CHECK_FALSE(published->openExternalLinks());
    CHECK(published->textInteractionFlags() == Qt::TextSelectableByMouse);
    CHECK(failed->text().contains("over 500 characters"));
    CHECK(child<QLabel>(&dialog, "summaryLabel")->text().contains("1 published"));
    CHECK(child<QLabel>(&dialog, "summaryLabel")->text().contains("1 failed"));

    table->selectRow(goodFirst ? 0 : 1);
    CHECK(child<QPushButton>(&dialog, "copyUrlButton")->isEnabled());
    CHECK_FALSE(child<QPushButton>(&dialog, "reviseButton")->isEnabled());
    table->selectRow(goodFirst ? 1 : 0);
    REQUIRE(child<QPushButton>(&dialog, "reviseButton")->isEnabled());
    QTest::mouseClick(child<QPushButton>(&dialog, "reviseButton"), Qt::LeftButton);
    REQUIRE(revise.count() == 1);
    CHECK(revise.at(0).at(0).toString() == QString::fromStdString(bad));
    maybeScreenshot(&dialog, "receipt-results");

    // The same receipt again is refused with what it means.
    Dialogs::clearRecorded();
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    CHECK_FALSE(dialog.importFile(file));
    REQUIRE_FALSE(Dialogs::recorded().isEmpty());
    CHECK(Dialogs::recorded().last().contains("imported before"));
}

TEST_CASE("receipt dialog explains a bundle the uploader refused", "[gui][receipt]")
{
    Office o;
    const std::string id = o.approvedPost("Open day on Saturday");
    const auto exported = o.exportPosts({id}, "late.postern");
    const QString file = o.receiptFile(exported, {}, "expired");

    REQUIRE(o.session.unlock("olga", "olga passphrase 1").ok());
    gui::ReceiptDialog dialog(o.session);
    REQUIRE(dialog.importFile(file));
    CHECK(o.ws().show(id)->record.state == store::PostState::Failed);
    const QString summary = child<QLabel>(&dialog, "summaryLabel")->text();
    CHECK(summary.contains("refused"));
    CHECK(summary.contains("validity period"));
    CHECK(summary.contains("What to do"));
    REQUIRE(child<QTableWidget>(&dialog, "resultsTable")->rowCount() == 1);
    child<QTableWidget>(&dialog, "resultsTable")->selectRow(0);
    CHECK(child<QPushButton>(&dialog, "reviseButton")->isEnabled());
    maybeScreenshot(&dialog, "receipt-refused");
}

TEST_CASE("receipt dialog refuses what it must not take in", "[gui][receipt]")
{
    Office o;
    const std::string id = o.approvedPost("Open day on Saturday");
    const auto exported = o.exportPosts({id}, "one.postern");

    // Signed by someone other than the trusted uploader.
    bundle::Receipt forged;
    std::copy_n(fromHex(exported.bundleId, 16)->begin(), 16, forged.bundleId.begin());
    forged.workstation = o.ws().queries().workstation()->publicKey;
    const auto forgedFile = o.dir.path() / "forged.receipt";
    REQUIRE(writeFileAtomic(forgedFile, bundle::makeReceipt(forged, crypto::SigningKey::generate())).ok());

    REQUIRE(o.session.unlock("olga", "olga passphrase 1").ok());
    gui::ReceiptDialog dialog(o.session);
    Dialogs::clearRecorded();
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    CHECK_FALSE(dialog.importFile(QString::fromStdString(forgedFile.string())));
    CHECK(o.ws().show(id)->record.state == store::PostState::Exported);
    CHECK(Dialogs::recorded().last().contains("What to do"));

    // Someone who is not an operator cannot start an import.
    o.session.lock();
    REQUIRE(o.session.unlock("alice", "alice passphrase 1").ok());
    gui::ReceiptDialog notOperator(o.session);
    CHECK_FALSE(child<QPushButton>(&notOperator, "chooseReceiptButton")->isEnabled());
    CHECK(child<QLabel>(&notOperator, "summaryLabel")->text().contains("operators"));
}

TEST_CASE("describe puts a receipt summary into words", "[gui][receipt]")
{
    workflow::ReceiptSummary s;
    s.bundleId = "00112233445566778899aabbccddeeff";
    bundle::ReceiptEntry e;
    e.state = bundle::ReceiptState::Published;
    s.entries = {e, e};
    e.state = bundle::ReceiptState::Scheduled;
    s.entries.push_back(e);
    const QString text = gui::ReceiptDialog::describe(s);
    CHECK(text.contains("2 published"));
    CHECK(text.contains("0 failed"));
    CHECK(text.contains("1 scheduled"));
    s.error = "unknown-workstation";
    s.entries.clear();
    CHECK(gui::ReceiptDialog::describe(s).contains("Administration"));
    CHECK(gui::ReceiptDialog::explainRejection("bad-header-signature").contains("damaged or altered"));
}

TEST_CASE("receipt dialog speaks plainly: outbox folders, no ids, columns that fit", "[gui][receipt]")
{
    Office o;
    const std::string id = o.approvedPost("Harbour open day on Saturday with the band, the lifeboat crew and the "
                                          "sea cadets; everyone is welcome from ten o'clock");
    const auto exported = o.exportPosts({id}, "one.postern");
    const std::string url = "file:///var/lib/postern-uploader/outbox/press/2024-05-01/open-day.txt";
    const QString file = o.receiptFile(exported, {entry(id, bundle::ReceiptState::Published, url, "")});

    REQUIRE(o.session.unlock("olga", "olga passphrase 1").ok());
    gui::ReceiptDialog dialog(o.session);
    dialog.show(); // at its default size
    REQUIRE(dialog.importFile(file));
    auto* table = child<QTableWidget>(&dialog, "resultsTable");
    REQUIRE(table->rowCount() == 1);
    CHECK(table->item(0, 2)->text() == "Ready for manual posting");
    const QString where = child<QLabel>(&dialog, "detailsLabel0")->text();
    CHECK(where.contains("2024-05-01"));
    CHECK_FALSE(where.contains("file://"));
    CHECK(table->item(0, 1)->text() == "Outbox (a folder for manual posting) press");
    CHECK_FALSE(table->item(0, 0)->text().contains(QString::fromStdString(id.substr(0, 8))));
    CHECK(table->item(0, 0)->toolTip().contains(QString::fromStdString(id)));
    CHECK_FALSE(child<QLabel>(&dialog, "summaryLabel")
                    ->text()
                    .contains(QString::fromStdString(exported.bundleId.substr(0, 8))));
    // Every column is within the table's width: nothing pushed off the right edge.
    QTest::qWait(10);
    const int used = table->horizontalHeader()->length();
    CHECK(used <= table->viewport()->width());
}

TEST_CASE("receipt dialog names a file that is not a receipt as such", "[gui][receipt]")
{
    Office o;
    const auto photo = o.dir.path() / "holiday.receipt";
    std::string jpeg("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01", 13);
    jpeg += std::string(2000, '\x42');
    REQUIRE(writeFileAtomic(photo, jpeg).ok());
    REQUIRE(o.session.unlock("olga", "olga passphrase 1").ok());
    gui::ReceiptDialog dialog(o.session);
    Dialogs::clearRecorded();
    Dialogs::queueAnswer(Dialogs::Answer::Ok);
    CHECK_FALSE(dialog.importFile(QString::fromStdString(photo.string())));
    REQUIRE(Dialogs::recorded().size() == 1);
    CHECK(Dialogs::recorded().front().contains("is not a Postern receipt"));
    CHECK_FALSE(Dialogs::recorded().front().contains("newline"));
    CHECK_FALSE(Dialogs::recorded().front().contains("truncated"));
}
