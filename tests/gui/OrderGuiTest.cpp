// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel and retract orders in the GUI, on a real store: the order dialog's rules, the post
// pane's buttons and Orders section for the requester and for an approver, the export dialog
// listing the approved order, and the receipt dialog showing what became of it.
#include "postern/bundle/Receipt.h"
#include "postern/util/FileIO.h"

#include "GuiTestSupport.h"
#include "gui/Dialogs.h"
#include "gui/ExportDialog.h"
#include "gui/OrderDialog.h"
#include "gui/PostPane.h"
#include "gui/ReceiptDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace postern;
using namespace postern::test;
using gui::Dialogs;

namespace {

const domain::ChannelId kPress = domain::ChannelId::parse("outbox:press").value();
const domain::ChannelId kNews = domain::ChannelId::parse("outbox:news").value();

/** OrderOffice has one post sent to press (published) and news (scheduled). */
struct OrderOffice : GuiStore
{
    crypto::BoxKey uploaderBox = crypto::BoxKey::generate();
    crypto::SigningKey uploaderSign = crypto::SigningKey::generate();
    std::string post;

    OrderOffice()
    {
        REQUIRE(session.initialise("press-office", "ada", "ada passphrase 1").ok());
        auto ada = as("ada");
        using domain::Role;
        for (const auto& [name, role] : {std::pair{"alice", Role::Author},
                                         {"bob", Role::Approver},
                                         {"carol", Role::Approver},
                                         {"olga", Role::Operator}})
            REQUIRE(ws().addUser(ada, name, static_cast<domain::RoleSet>(role), pass(name), session.kdf()).ok());
        const std::string identity = domain::makeUploaderIdentity("uploader-1", uploaderBox.publicKey(), uploaderSign);
        REQUIRE(ws().trustUploader(ada, identity, domain::readUploaderIdentity(identity)->fingerprint()).ok());
        REQUIRE(ws().setPolicy(ada, {{kPress, 1, {"bob", "carol"}, 86400}, {kNews, 1, {"bob", "carol"}, 86400}}).ok());
        workflow::DraftInput in;
        in.channels = {{kNews, "Open day on Saturday", Json(Json::Object{})},
                       {kPress, "Open day on Saturday", Json(Json::Object{})}};
        post = ws().newDraft(as("alice"), in)->id;
        REQUIRE(ws().submit(as("alice"), post).ok());
        REQUIRE(ws().approve(as("bob"), post).ok());
        const auto exported = ws().exportBundle(as("olga"), {post}, dir.path() / "b1.postern", 3600);
        REQUIRE(exported.ok());
        bundle::ReceiptEntry news{post, 1, kNews, bundle::ReceiptState::Scheduled, "", "", ""};
        bundle::ReceiptEntry press{post, 1, kPress, bundle::ReceiptState::Published, "9", "file:///srv/press/9", ""};
        REQUIRE(ws().importReceipt(as("olga"), receiptText(exported->bundleId, {news, press}, {})).ok());
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

    std::string receiptText(const std::string& bundleId,
                            std::vector<bundle::ReceiptEntry> entries,
                            std::vector<bundle::OrderResult> orders)
    {
        bundle::Receipt r;
        const Bytes id = fromHex(bundleId, 16).value();
        std::copy(id.begin(), id.end(), r.bundleId.begin());
        r.uploader = uploaderSign.publicKey();
        r.workstation = ws().queries().workstation()->publicKey;
        r.processedAt = clock.now();
        r.entries = std::move(entries);
        r.orders = std::move(orders);
        return bundle::makeReceipt(r, uploaderSign);
    }
};

} // namespace

TEST_CASE("order dialog needs a channel and a reason, and offers only what an order can change", "[gui][orders]")
{
    OrderOffice o;
    REQUIRE(o.session.unlock("alice", "alice passphrase 1").ok());
    gui::PostPane pane(o.session);
    pane.showPost(QString::fromStdString(o.post));
    auto* cancelButton = child<QPushButton>(&pane, "cancelOrderButton");
    auto* retractButton = child<QPushButton>(&pane, "retractOrderButton");
    CHECK_FALSE(cancelButton->isHidden());
    CHECK_FALSE(retractButton->isHidden());
    CHECK(cancelButton->isEnabled()); // news is still scheduled

    // A cancel cannot reach the published channel: its box is unticked and disabled.
    const auto choices = pane.orderChoices(domain::OrderAction::Cancel);
    REQUIRE(choices.size() == 2);
    gui::OrderDialog dialog(domain::OrderAction::Cancel, "Open day on Saturday", choices);
    auto* news = child<QCheckBox>(&dialog, "channel:outbox:news");
    auto* press = child<QCheckBox>(&dialog, "channel:outbox:press");
    CHECK(news->isChecked());
    CHECK_FALSE(press->isEnabled());
    auto* ok = child<QDialogButtonBox>(&dialog, "")->button(QDialogButtonBox::Ok);
    CHECK_FALSE(ok->isEnabled()); // no reason yet
    CHECK(child<QLabel>(&dialog, "hintLabel")->text().contains("reason"));
    child<QPlainTextEdit>(&dialog, "reasonEdit")->setPlainText("  Event called off  ");
    CHECK(ok->isEnabled());
    news->setChecked(false);
    CHECK_FALSE(ok->isEnabled()); // no channel left
    news->setChecked(true);
    CHECK(dialog.reason() == "Event called off");
    CHECK(dialog.channels() == std::vector<domain::ChannelId>{kNews});
    dialog.resize(520, 420);
    dialog.show();
    maybeScreenshot(&dialog, "order-dialog");

    // The retract dialog offers both channels.
    const auto retractChoices = pane.orderChoices(domain::OrderAction::Retract);
    CHECK(std::all_of(retractChoices.begin(), retractChoices.end(), [](const auto& c) { return c.enabled; }));
}

TEST_CASE("a retract order from the post pane through approval, export and receipt", "[gui][orders]")
{
    OrderOffice o;
    const QString postId = QString::fromStdString(o.post);
    {
        REQUIRE(o.session.unlock("alice", "alice passphrase 1").ok());
        gui::PostPane pane(o.session);
        pane.showPost(postId);
        CHECK(pane.submitOrder(domain::OrderAction::Retract, {kPress}, "").code() == Errc::InvalidArgument);
        REQUIRE(pane.submitOrder(domain::OrderAction::Retract, {kPress}, "Wrong date in the text").ok());
        const QString html = child<QTextBrowser>(&pane, "contentView")->toPlainText();
        CHECK(html.contains("Cancel and retract orders"));
        CHECK(html.contains("waiting for approval"));
        CHECK(html.contains("Outbox (a folder for manual posting) press: 0 of 1")); // the channel in words
        CHECK_FALSE(html.contains("outbox:press"));
        // The requester may withdraw but not approve.
        CHECK_FALSE(child<QPushButton>(&pane, "withdrawOrderButton")->isHidden());
        CHECK(child<QPushButton>(&pane, "approveOrderButton")->isHidden());
        o.session.lock();
    }
    const auto orders = o.ws().listOrders({o.post, std::nullopt, 10, 0}).value();
    REQUIRE(orders.size() == 1);
    const std::string orderId = orders[0].id;

    REQUIRE(o.session.unlock("bob", "bob passphrase 1").ok());
    {
        gui::PostPane pane(o.session);
        pane.showPost(postId);
        CHECK(pane.actionOrderId() == QString::fromStdString(orderId));
        auto* approve = child<QPushButton>(&pane, "approveOrderButton");
        REQUIRE_FALSE(approve->isHidden());
        REQUIRE(approve->isEnabled());
        pane.resize(1100, 650);
        pane.show();
        maybeScreenshot(&pane, "post-pane-order"); // docs/screenshots/post-pane-order.png
        Dialogs::queueText("bob passphrase 1");
        QTest::mouseClick(approve, Qt::LeftButton);
        REQUIRE(waitForKeyWork(o.session));
        CHECK(o.ws().showOrder(orderId)->record.state == store::OrderState::Approved);
        CHECK(child<QTextBrowser>(&pane, "contentView")->toPlainText().contains("approved, waiting for export"));
    }
    o.session.lock();

    // The export dialog lists the approved order with the (empty) approved posts.
    REQUIRE(o.session.unlock("olga", "olga passphrase 1").ok());
    {
        gui::ExportDialog dialog(o.session, {});
        auto* list = child<QTreeWidget>(&dialog, "postList");
        REQUIRE(list->topLevelItemCount() == 1);
        CHECK(list->topLevelItem(0)->text(0).startsWith("Retract order: Open day"));
        CHECK(list->topLevelItem(0)->checkState(0) == Qt::Checked);
        CHECK(list->topLevelItem(0)->text(1) == "Outbox (a folder for manual posting) press");
    }
    const auto exported = o.ws().exportBundle(o.as("olga"), {}, {orderId}, o.dir.path() / "b2.postern", 3600);
    REQUIRE(exported.ok());

    // The receipt dialog shows the order's result.
    bundle::OrderResult result{orderId,
                               domain::OrderAction::Retract,
                               o.post,
                               kPress,
                               bundle::OrderOutcome::Retracted,
                               ""};
    const auto path = o.dir.path() / "b2.receipt";
    REQUIRE(writeFileAtomic(path, o.receiptText(exported->bundleId, {}, {result})).ok());
    gui::ReceiptDialog receipt(o.session);
    Dialogs::queueFiles({QString::fromStdString(path.string())});
    QTest::mouseClick(child<QPushButton>(&receipt, "chooseReceiptButton"), Qt::LeftButton);
    auto* table = child<QTableWidget>(&receipt, "resultsTable");
    REQUIRE(table->rowCount() == 1);
    CHECK(table->item(0, 2)->text() == "Retract order: deleted from the platform");
    CHECK(child<QLabel>(&receipt, "summaryLabel")->text().contains("1 order result"));
    CHECK(o.ws().showOrder(orderId)->record.state == store::OrderState::Done);
}
