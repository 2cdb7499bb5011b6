// SPDX-License-Identifier: GPL-3.0-or-later
// AdminDialog, Approval policy tab: per-channel rules edited locally, then signed and published
// as the next policy version in one Workstation::setPolicy call.
#include "gui/AdminDialog.h"
#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/PostListModel.h"
#include "gui/Session.h"
#include "ui_AdminDialog.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>

#include <algorithm>
#include <set>

namespace postern::gui {

namespace {

enum RuleColumn {
    kRuleChannel,
    kRuleRequired,
    kRuleApprovers,
    kRuleLifetime,
    kRuleColumns
};

QString q(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString hours(std::int64_t seconds)
{
    const auto h = seconds / 3600;
    return seconds % 3600 == 0 ? QObject::tr("%n hour(s)", "", static_cast<int>(h))
                               : QObject::tr("%1 minutes").arg(seconds / 60);
}

} // namespace

void AdminDialog::setupPolicyTab()
{
    for (const auto platform : menuPlatforms())
        m_ui->platformCombo->addItem(platformTitle(platform), q(domain::platformName(platform)));
    m_ui->platformCombo->setToolTip(tr("Outbox is a folder on the uploader where approved posts are left for "
                                       "someone to post by hand, for platforms Postern cannot reach itself."));
    m_ui->rulesTable->setColumnCount(kRuleColumns);
    m_ui->rulesTable->setHorizontalHeaderLabels(
        {tr("Channel"), tr("Approvals needed"), tr("Who may approve"), tr("Bundle valid for at most")});
    m_ui->rulesTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->rulesTable->horizontalHeader()->setStretchLastSection(true);
    m_ui->rulesTable->verticalHeader()->setVisible(false);
    m_policyWarningLabel = new QLabel(this);
    m_policyWarningLabel->setObjectName("policyWarningLabel");
    m_policyWarningLabel->setWordWrap(true);
    m_policyWarningLabel->setTextFormat(Qt::PlainText);
    m_policyWarningLabel->setStyleSheet(QStringLiteral("color: #8a4b00; font-weight: bold;"));
    m_policyWarningLabel->hide();
    m_ui->policyLayout->insertWidget(m_ui->policyLayout->indexOf(m_ui->rulesTable) + 1, m_policyWarningLabel);
    connect(m_ui->rulesTable, &QTableWidget::itemSelectionChanged, this, [this] { ruleSelected(); });
    connect(m_ui->applyRuleButton, &QPushButton::clicked, this, [this] { applyRule(); });
    connect(m_ui->removeRuleButton, &QPushButton::clicked, this, [this] { removeRule(); });
    connect(m_ui->savePolicyButton, &QPushButton::clicked, this, [this] { savePolicy(); });
    connect(m_ui->revertPolicyButton, &QPushButton::clicked, this, [this] {
        setPolicyDirty(false);
        loadPolicy();
    });
    setPolicyDirty(false);
}

void AdminDialog::setPolicyDirty(bool dirty)
{
    m_policyDirty = dirty;
    m_ui->savePolicyButton->setEnabled(dirty);
    m_ui->revertPolicyButton->setEnabled(dirty);
    m_ui->policyDirtyLabel->setText(dirty ? tr("Changed here but not in force yet: sign and publish to make the "
                                               "new rules take effect.")
                                          : QString());
}

void AdminDialog::loadPolicy()
{
    auto& ws = m_session.workstation();
    auto policy = ws.currentPolicy();
    if (!policy) {
        showError(tr("Cannot read the approval policy"), policy.error());
        return;
    }
    auto users = ws.queries().users();
    if (!users) {
        showError(tr("Cannot read the users"), users.error());
        return;
    }

    // Who signed the version in force: any user key, current or retired, may have.
    std::vector<crypto::PublicKey> keys;
    for (const auto& u : *users)
        keys.push_back(u.publicKey);
    QStringList signers;
    for (const auto& k : policy->document.validSigners(keys)) {
        auto it = std::find_if(users->begin(), users->end(), [&](const auto& u) { return u.publicKey == k; });
        signers << q(it->name);
    }
    // The version number means nothing to a comms officer (a new workstation is at 5 after the
    // wizard's steps); when and by whom does. The number stays in the tooltip and the audit log.
    m_ui->policyVersionLabel->setText(tr("These rules were last changed %1 by %2.")
                                          .arg(formatTime(policy->policy.created), listInWords(signers, tr("and"))));
    m_ui->policyVersionLabel->setToolTip(
        tr("Approval policy version %1, signed %2. The uploader takes the versions in order; the audit log lists "
           "each one.")
            .arg(policy->policy.version)
            .arg(QDateTime::fromSecsSinceEpoch(policy->policy.created, Qt::UTC)
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))));

    // Only enabled approvers can be ticked; the policy names people by key.
    m_ui->approversList->clear();
    for (const auto& u : *users) {
        if (u.disabled || !u.hasRole(store::kRoleApprover))
            continue;
        auto* item = new QListWidgetItem(q(u.name), m_ui->approversList);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }

    if (!m_policyDirty) {
        m_rules.clear();
        for (const auto& rule : policy->policy.channels) {
            workflow::ChannelRuleInput in;
            in.channel = rule.channel;
            in.required = rule.required;
            in.maxLifetime = rule.maxLifetime;
            for (const auto& k : rule.approvers)
                if (const auto* u = policy->policy.userByKey(k))
                    in.approvers.push_back(u->name);
            m_rules.push_back(std::move(in));
        }
    }
    showRules();
}

void AdminDialog::showRules()
{
    QSignalBlocker block(m_ui->rulesTable);
    m_ui->rulesTable->setRowCount(static_cast<int>(m_rules.size()));
    for (int row = 0; row < static_cast<int>(m_rules.size()); ++row) {
        const auto& r = m_rules[static_cast<std::size_t>(row)];
        QStringList approvers;
        for (const auto& a : r.approvers)
            approvers << QString::fromStdString(a);
        const QString cells[kRuleColumns] = {QString::fromStdString(r.channel.str()),
                                             tr("%1 of %2").arg(r.required).arg(r.approvers.size()),
                                             approvers.join(QStringLiteral(", ")),
                                             hours(r.maxLifetime)};
        for (int c = 0; c < kRuleColumns; ++c)
            m_ui->rulesTable->setItem(row, c, new QTableWidgetItem(cells[c]));
    }
    m_ui->removeRuleButton->setEnabled(false);
    showPolicyWarnings();
}

void AdminDialog::showPolicyWarnings()
{
    auto users = m_session.workstation().queries().users();
    if (!users)
        return;
    QStringList warnings;
    for (const auto& rule : m_rules) {
        // Authors never approve their own posts: an author on the approver list leaves one
        // approver fewer for their own posts.
        const auto others = static_cast<std::int64_t>(rule.approvers.size()) - 1;
        if (others >= rule.required)
            continue;
        QStringList approvers;
        for (const auto& a : rule.approvers)
            approvers << QString::fromStdString(a);
        approvers.sort(); // the policy keeps keys in key order; people read names alphabetically
        for (const auto& u : *users) {
            if (u.disabled || !u.hasRole(store::kRoleAuthor)
                || std::find(rule.approvers.begin(), rule.approvers.end(), u.name) == rule.approvers.end())
                continue;
            const QString name = QString::fromStdString(u.name);
            warnings << tr("%1's posts to %2 can never be approved: it needs %3 approvals from %4, and authors "
                           "never approve their own posts. Add an approver to this channel, lower the number "
                           "needed, or take the author role from %1.")
                            .arg(name, channelTitle(rule.channel))
                            .arg(rule.required)
                            .arg(listInWords(approvers, tr("and")));
        }
    }
    m_policyWarningLabel->setText(warnings.join(QStringLiteral("\n")));
    m_policyWarningLabel->setVisible(!warnings.isEmpty());
}

void AdminDialog::ruleSelected()
{
    const auto rows = m_ui->rulesTable->selectionModel()->selectedRows();
    m_ui->removeRuleButton->setEnabled(!rows.isEmpty());
    if (rows.isEmpty())
        return;
    const auto& r = m_rules[static_cast<std::size_t>(rows.first().row())];
    m_ui->platformCombo->setCurrentIndex(m_ui->platformCombo->findData(q(domain::platformName(r.channel.platform))));
    m_ui->accountEdit->setText(QString::fromStdString(r.channel.account));
    m_ui->requiredSpin->setValue(static_cast<int>(r.required));
    m_ui->lifetimeSpin->setValue(static_cast<int>(std::max<std::int64_t>(1, r.maxLifetime / 3600)));
    for (int i = 0; i < m_ui->approversList->count(); ++i) {
        auto* item = m_ui->approversList->item(i);
        const bool on =
            std::find(r.approvers.begin(), r.approvers.end(), item->text().toStdString()) != r.approvers.end();
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    m_ui->ruleErrorLabel->clear();
}

void AdminDialog::applyRule()
{
    m_ui->ruleErrorLabel->clear();
    const QString account = m_ui->accountEdit->text().trimmed();
    if (account.isEmpty()) {
        m_ui->ruleErrorLabel->setText(tr("Type the account on that platform."));
        return;
    }
    auto channel = domain::ChannelId::parse(
        (m_ui->platformCombo->currentData().toString() + QStringLiteral(":") + account).toStdString());
    if (!channel) {
        m_ui->ruleErrorLabel->setText(QString::fromStdString(channel.error().message));
        return;
    }
    workflow::ChannelRuleInput rule;
    rule.channel = channel.value();
    rule.required = m_ui->requiredSpin->value();
    rule.maxLifetime = static_cast<std::int64_t>(m_ui->lifetimeSpin->value()) * 3600;
    for (int i = 0; i < m_ui->approversList->count(); ++i)
        if (m_ui->approversList->item(i)->checkState() == Qt::Checked)
            rule.approvers.push_back(m_ui->approversList->item(i)->text().toStdString());
    if (static_cast<std::size_t>(rule.required) > rule.approvers.size()) {
        m_ui->ruleErrorLabel->setText(tr("%1 approvals are needed but only %2 people may approve: tick more "
                                         "approvers or lower the number.")
                                          .arg(rule.required)
                                          .arg(rule.approvers.size()));
        return;
    }
    auto it = std::find_if(m_rules.begin(), m_rules.end(), [&](const auto& r) { return r.channel == rule.channel; });
    if (it != m_rules.end())
        *it = std::move(rule);
    else
        m_rules.push_back(std::move(rule));
    std::sort(m_rules.begin(), m_rules.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
    showRules();
    setPolicyDirty(true);
}

void AdminDialog::removeRule()
{
    const auto rows = m_ui->rulesTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    m_rules.erase(m_rules.begin() + rows.first().row());
    showRules();
    setPolicyDirty(true);
}

void AdminDialog::savePolicy()
{
    confirmAdmin(tr("Publish a new approval policy"), [this](AdminKey admin) {
        auto published = m_session.workstation().setPolicy(*admin, m_rules);
        if (!published) {
            showError(tr("The new policy was not published"), published.error());
            return;
        }
        setPolicyDirty(false);
        Dialogs::information(this,
                             tr("Policy published"),
                             tr("The new rules are in force on this workstation. The uploader takes them in with "
                                "the next bundle (or the next workstation identity export). Posts whose approvals no "
                                "longer meet them need fresh approvals."));
        changed();
        reload();
    });
}

} // namespace postern::gui
