// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/ReceiptDialog.h"

#include "postern/bundle/Receipt.h"
#include "postern/util/FileIO.h"

#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/Session.h"
#include "ui_ReceiptDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QUrl>

#include <map>

namespace postern::gui {

namespace {

enum Column {
    kPost,
    kChannel,
    kResult,
    kDetails,
    kColumns
};

constexpr int kPostIdRole = Qt::UserRole;
constexpr int kUrlRole = Qt::UserRole + 1;
constexpr int kFailedRole = Qt::UserRole + 2;

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString stateText(bundle::ReceiptState s)
{
    switch (s) {
    case bundle::ReceiptState::Published:
        return QObject::tr("Published");
    case bundle::ReceiptState::Failed:
        return QObject::tr("Failed");
    case bundle::ReceiptState::Scheduled:
        return QObject::tr("Scheduled (waiting on the uploader)");
    case bundle::ReceiptState::Rejected:
        return QObject::tr("Refused by the uploader");
    case bundle::ReceiptState::Cancelled:
        return QObject::tr("Cancelled by an order");
    }
    return {};
}

bool looksLikeReceipt(const std::string& text)
{
    const auto start = text.find_first_not_of(" \t\r\n");
    return start != std::string::npos && text[start] == '{'
           && text.find("\"" + std::string(bundle::kReceiptType) + "\"") != std::string::npos;
}

/** isOutboxFile: an outbox "address" is a file:// path on the uploader host, not a web page. */
bool isOutboxFile(const std::string& url)
{
    return url.rfind("file://", 0) == 0;
}

/** outboxFolder names the folder on the uploader where the post waits for manual posting. */
QString outboxFolder(const std::string& url)
{
    const QString path = QUrl(QString::fromStdString(url)).toLocalFile();
    const QFileInfo file(path);
    return file.dir().dirName().isEmpty() ? file.fileName() : file.dir().dirName();
}

QString orderResultText(const bundle::OrderResult& o)
{
    const bool retract = o.action == domain::OrderAction::Retract;
    switch (o.outcome) {
    case bundle::OrderOutcome::Cancelled:
        return retract ? QObject::tr("Retract order: stopped before publishing")
                       : QObject::tr("Cancel order: cancelled");
    case bundle::OrderOutcome::Retracted:
        return QObject::tr("Retract order: deleted from the platform");
    case bundle::OrderOutcome::Failed:
        return retract ? QObject::tr("Retract order failed") : QObject::tr("Cancel order failed");
    }
    return {};
}

} // namespace

ReceiptDialog::ReceiptDialog(Session& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_ui(std::make_unique<Ui::ReceiptDialog>())
{
    m_ui->setupUi(this);
    // A table has no label a screen reader could borrow a name from.
    m_ui->resultsTable->setAccessibleName(tr("Results per post and channel"));
    m_ui->resultsTable->setAccessibleDescription(tr("Select a row to copy its address or revise a failed post"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/receipt.svg")));
    m_ui->resultsTable->setColumnCount(kColumns);
    m_ui->resultsTable->setHorizontalHeaderLabels({tr("Post"), tr("Channel"), tr("Result"), tr("Address or reason")});
    // Fit the dialog: the post and the address share what the channel and result leave, and
    // wrap, so no column is pushed off the right edge.
    auto* header = m_ui->resultsTable->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(kPost, QHeaderView::Stretch);
    header->setSectionResizeMode(kDetails, QHeaderView::Stretch);
    header->setStretchLastSection(false);
    m_ui->resultsTable->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_ui->resultsTable->setWordWrap(true);
    m_ui->resultsTable->verticalHeader()->setVisible(false);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->chooseReceiptButton, &QPushButton::clicked, this, [this] { choose(); });
    connect(m_ui->resultsTable, &QTableWidget::itemSelectionChanged, this, [this] { selectionChanged(); });
    connect(m_ui->copyUrlButton, &QPushButton::clicked, this, [this] {
        const auto rows = m_ui->resultsTable->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            QApplication::clipboard()->setText(
                m_ui->resultsTable->item(rows.first().row(), kPost)->data(kUrlRole).toString());
    });
    connect(m_ui->reviseButton, &QPushButton::clicked, this, [this] {
        const auto rows = m_ui->resultsTable->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            emit reviseRequested(m_ui->resultsTable->item(rows.first().row(), kPost)->data(kPostIdRole).toString());
    });

    const bool isOperator = session.isOpen() && session.isUnlocked() && session.userHas(domain::Role::Operator);
    m_ui->chooseReceiptButton->setEnabled(isOperator);
    if (!isOperator)
        m_ui->summaryLabel->setText(tr("Importing receipts is for operators. Ask an operator to log in and do it."));
}

ReceiptDialog::~ReceiptDialog() = default;

void ReceiptDialog::choose()
{
    const QString file = Dialogs::openFile(this, tr("Choose the receipt"), tr("Receipts (*.receipt);;All files (*)"));
    if (!file.isEmpty())
        importFile(file);
}

bool ReceiptDialog::importFile(const QString& path)
{
    const QString title = tr("The receipt was not imported");
    // The same cap as the parser's: a receipt is small, anything bigger is not one.
    auto text = readFileCapped(path.toStdString(), bundle::kMaxReceiptBytes);
    const QString notReceipt = tr("Choose the .receipt file the uploader wrote next to the bundle on the drive.");
    if (!text && text.code() == Errc::TooLarge) {
        Dialogs::error(this, title, tr("%1 is not a Postern receipt: it is far too big.").arg(path), notReceipt);
        return false;
    }
    if (!text) {
        Dialogs::error(this, title, text.error());
        return false;
    }
    // A receipt is a signed JSON document naming its type. Anything else (a photo renamed by
    // mistake) is said to be what it is, not described by the parser's first complaint.
    if (!looksLikeReceipt(*text)) {
        Dialogs::error(this, title, tr("%1 is not a Postern receipt.").arg(path), notReceipt);
        return false;
    }
    auto summary = m_session.workstation().importReceipt(m_session.user(), *text);
    if (!summary) {
        QString todo;
        switch (summary.code()) {
        case Errc::AlreadyExists:
            todo = tr("This receipt was imported before; the posts already show its results.");
            break;
        case Errc::NotFound:
            todo = tr("The receipt answers a bundle this workstation did not export. Check you brought back the "
                      "right file.");
            break;
        default:
            break;
        }
        if (todo.isEmpty())
            Dialogs::error(this, title, summary.error());
        else
            Dialogs::error(this, title, errorText(summary.error()), todo);
        return false;
    }
    m_summary = std::move(summary).value();
    showResults();
    m_session.notifyChanged();
    emit imported(q(m_summary->bundleId));
    return true;
}

QString ReceiptDialog::explainRejection(const std::string& code)
{
    static const std::map<std::string, QString> meaning = {
        {"expired", tr("The bundle reached the uploader after its validity period ended.")},
        {"future-dated", tr("The bundle is dated in the future for the uploader: one of the two clocks is wrong.")},
        {"replay", tr("The uploader had already received this bundle; the first receipt has the results.")},
        {"sequence-rollback", tr("The uploader had already processed a newer bundle from this workstation.")},
        {"unknown-workstation", tr("The uploader does not trust this workstation (yet).")},
        {"wrong-recipient", tr("The bundle was encrypted for another uploader.")},
        {"threshold-not-met", tr("The uploader did not count enough valid approvals under the policy.")},
        {"unknown-signer", tr("An approval or policy was signed by a key the uploader does not know.")},
        {"approver-not-authorised", tr("An approval came from someone the policy does not allow to approve.")},
        {"policy-version-skipped", tr("The uploader is missing a policy version between its own and the bundle's.")},
        {"policy-fork", tr("The bundle's policy history differs from the one the uploader accepted before.")},
        {"policy-rollback", tr("The bundle carries an older policy than the uploader already trusts.")},
        {"lifetime-exceeds-policy", tr("The bundle's validity period is longer than the policy allows.")},
        {"suspended", tr("Publishing is suspended on the uploader.")},
    };
    static const std::map<std::string, QString> todo = {
        {"future-dated", tr("Check the date and time on both computers.")},
        {"replay", tr("Nothing to publish again: find the receipt of the first delivery.")},
        {"unknown-workstation",
         tr("An admin exports the workstation identity (Administration → Workstation) and has it trusted on the "
            "uploader.")},
        {"wrong-recipient", tr("An admin checks the trusted uploader (Administration → Uploader).")},
        {"policy-version-skipped", tr("An admin exports the workstation identity and has the uploader take it in.")},
        {"suspended", tr("Ask the uploader admin why publishing is suspended.")},
    };
    const std::string generic = "the uploader refused it";
    QString what;
    if (auto it = meaning.find(code); it != meaning.end())
        what = it->second;
    else if (code.rfind("bad-", 0) == 0 || code == "chunk-auth-failed" || code == "truncated"
             || code == "media-hash-mismatch")
        what = tr("The bundle was damaged or altered on the way to the uploader.");
    else
        what = tr("The uploader refused the whole bundle.");
    QString next = tr("Revise each post (Revise this post…), submit and approve it again, then export a new bundle.");
    if (auto it = todo.find(code); it != todo.end())
        next = it->second + QStringLiteral(" ") + next;
    if (code.rfind("bad-", 0) == 0 || code == "chunk-auth-failed" || code == "truncated")
        next = tr("Use another drive. ") + next;
    return tr("%1\nWhat to do: %2").arg(what, next); // the code itself stays in the log
}

QString ReceiptDialog::describe(const workflow::ReceiptSummary& summary)
{
    if (!summary.error.empty())
        return tr("The uploader refused the whole bundle; nothing in it was published.\n%1")
            .arg(explainRejection(summary.error));
    int published = 0;
    int failed = 0;
    int scheduled = 0;
    for (const auto& e : summary.entries) {
        if (e.state == bundle::ReceiptState::Published)
            ++published;
        else if (e.state == bundle::ReceiptState::Scheduled)
            ++scheduled;
        else
            ++failed;
    }
    QStringList parts;
    parts << tr("%n published", "", published) << tr("%n failed", "", failed);
    if (scheduled > 0)
        parts << tr("%n scheduled", "", scheduled);
    int ordersFailed = 0;
    for (const auto& o : summary.orders)
        ordersFailed += o.outcome == bundle::OrderOutcome::Failed ? 1 : 0;
    if (!summary.orders.empty())
        parts << tr("%n order result(s)", "", static_cast<int>(summary.orders.size()))
                     + (ordersFailed > 0 ? tr(" (%n failed)", "", ordersFailed) : QString());
    QString text = tr("The receipt says: %1.").arg(parts.join(QStringLiteral(", ")));
    if (ordersFailed > 0)
        text += QStringLiteral(" ")
                + tr("A failed order did not stop or delete the post there: read the reason, then request a "
                     "new order or remove the post on the platform by hand.");
    if (failed > 0)
        text += QStringLiteral(" ")
                + tr("Failed posts can be revised and sent again: select one and press Revise this post.");
    return text;
}

void ReceiptDialog::showResults()
{
    m_ui->summaryLabel->setText(describe(*m_summary));
    struct Row
    {
        std::string postId;
        std::string channel;
        QString result;
        std::string url;
        QString details;
        bool failed = false;
        bool order = false; ///< an order's result: Revise does not apply
    };
    std::vector<Row> rows;
    if (!m_summary->error.empty()) {
        // A refused bundle reports no entries: list what it carried, all failed.
        if (auto exported = m_session.workstation().queries().exportOf(m_summary->bundleId)) {
            for (const auto& item : exported->items) {
                auto post = m_session.workstation().queries().post(item.postId);
                rows.push_back({item.postId,
                                post ? post->channels : std::string(),
                                stateText(bundle::ReceiptState::Rejected),
                                "",
                                tr("the uploader refused the whole bundle"),
                                true});
            }
        }
    } else {
        for (const auto& e : m_summary->entries) {
            const bool failed = e.state == bundle::ReceiptState::Failed || e.state == bundle::ReceiptState::Rejected;
            if (e.state == bundle::ReceiptState::Published && isOutboxFile(e.url)) {
                // A path on another machine means nothing here: say where it waits, in words.
                rows.push_back({e.postId,
                                e.channel.str(),
                                tr("Ready for manual posting"),
                                e.url,
                                tr("in the uploader's outbox folder “%1”").arg(outboxFolder(e.url)),
                                false});
                continue;
            }
            rows.push_back(
                {e.postId, e.channel.str(), stateText(e.state), e.url, failed ? q(e.reason) : q(e.url), failed});
        }
        for (const auto& o : m_summary->orders) {
            const bool failed = o.outcome == bundle::OrderOutcome::Failed;
            rows.push_back(
                {o.postId, o.channel.str(), orderResultText(o), "", failed ? q(o.reason) : QString(), failed, true});
        }
    }
    m_ui->resultsTable->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const Row& row = rows[static_cast<std::size_t>(r)];
        QString post = tr("(a post this workstation no longer has)");
        if (auto view = m_session.workstation().show(row.postId)) {
            const QString title = q(view->record.title).simplified();
            post = title.size() > 40 ? title.left(40).trimmed() + QStringLiteral("…") : title;
        }
        auto* first = new QTableWidgetItem(post);
        first->setToolTip(tr("Post %1").arg(q(row.postId))); // the id for support, not on screen
        first->setData(kPostIdRole, q(row.postId));
        first->setData(kUrlRole, q(row.url));
        first->setData(kFailedRole, row.failed && !row.order);
        m_ui->resultsTable->setItem(r, kPost, first);
        auto* channel = new QTableWidgetItem(channelTitle(q(row.channel)));
        channel->setToolTip(q(row.channel));
        m_ui->resultsTable->setItem(r, kChannel, channel);
        m_ui->resultsTable->setItem(r, kResult, new QTableWidgetItem(row.result));
        // Plain, selectable text and never a link: this workstation has no network and must not
        // try to open anything a receipt names.
        auto* details = new QLabel(row.details);
        details->setObjectName(QStringLiteral("detailsLabel%1").arg(r));
        details->setTextFormat(Qt::PlainText);
        details->setTextInteractionFlags(Qt::TextSelectableByMouse);
        details->setOpenExternalLinks(false);
        details->setWordWrap(true);
        details->setContentsMargins(4, 2, 4, 2);
        if (!row.url.empty())
            details->setToolTip(q(row.url));
        if (row.failed)
            details->setStyleSheet(QStringLiteral("color: #a4262c;"));
        m_ui->resultsTable->setCellWidget(r, kDetails, details);
    }
    m_ui->resultsTable->resizeRowsToContents();
    selectionChanged();
}

void ReceiptDialog::selectionChanged()
{
    const auto rows = m_ui->resultsTable->selectionModel()->selectedRows();
    const auto* item = rows.isEmpty() ? nullptr : m_ui->resultsTable->item(rows.first().row(), kPost);
    m_ui->copyUrlButton->setEnabled(item && !item->data(kUrlRole).toString().isEmpty());
    m_ui->reviseButton->setEnabled(item && item->data(kFailedRole).toBool());
}

} // namespace postern::gui
