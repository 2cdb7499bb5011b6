// SPDX-License-Identifier: GPL-3.0-or-later
// AdminDialog, OPSEC rules tab: the review flags (grid references, phone numbers, code words),
// edited locally with a live test box, validated and saved by Workstation::setOpsecRules.
#include "gui/AdminDialog.h"
#include "gui/Dialogs.h"
#include "gui/Session.h"
#include "ui_AdminDialog.h"

#include <QHeaderView>
#include <QPushButton>
#include <QTextEdit>

#include <algorithm>

namespace postern::gui {

namespace {

enum OpsecColumn {
    kOpsecEnabled,
    kOpsecName,
    kOpsecKind,
    kOpsecPattern,
    kOpsecColumns
};

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString kindText(compose::OpsecKind kind)
{
    return kind == compose::OpsecKind::Regex ? QObject::tr("Pattern (regular expression)")
                                             : QObject::tr("Code words (comma or line separated)");
}

/** idFor makes a rule id ([a-z0-9-], 1..64) from a name, unique among `rules`. */
std::string idFor(const QString& name, const std::vector<compose::OpsecRule>& rules)
{
    std::string base;
    for (const QChar c : name.toLower()) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')))
            base += static_cast<char>(c.unicode());
        else if (!base.empty() && base.back() != '-')
            base += '-';
    }
    while (!base.empty() && base.back() == '-')
        base.pop_back();
    if (base.empty())
        base = "rule";
    base = base.substr(0, 56);
    std::string id = base;
    for (int n = 2; std::any_of(rules.begin(), rules.end(), [&](const auto& r) { return r.id == id; }); ++n)
        id = base + "-" + std::to_string(n);
    return id;
}

} // namespace

void AdminDialog::setupOpsecTab()
{
    m_ui->opsecKindCombo->addItem(kindText(compose::OpsecKind::Regex));
    m_ui->opsecKindCombo->addItem(kindText(compose::OpsecKind::Words));
    m_ui->opsecTable->setColumnCount(kOpsecColumns);
    m_ui->opsecTable->setHorizontalHeaderLabels({tr("On"), tr("Name"), tr("Kind"), tr("Pattern or words")});
    m_ui->opsecTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->opsecTable->horizontalHeader()->setStretchLastSection(true);
    m_ui->opsecTable->verticalHeader()->setVisible(false);
    connect(m_ui->opsecTable, &QTableWidget::itemSelectionChanged, this, [this] { opsecSelected(); });
    connect(m_ui->opsecNewButton, &QPushButton::clicked, this, [this] { newOpsecRule(); });
    connect(m_ui->opsecApplyButton, &QPushButton::clicked, this, [this] { applyOpsecRule(); });
    connect(m_ui->opsecRemoveButton, &QPushButton::clicked, this, [this] { removeOpsecRule(); });
    connect(m_ui->opsecResetButton, &QPushButton::clicked, this, [this] { resetOpsecRules(); });
    connect(m_ui->opsecSaveButton, &QPushButton::clicked, this, [this] { saveOpsecRules(); });
    connect(m_ui->opsecTestEdit, &QPlainTextEdit::textChanged, this, [this] { runOpsecTest(); });
    m_ui->opsecSaveButton->setEnabled(false);
}

void AdminDialog::loadOpsec()
{
    if (m_opsecDirty)
        return; // keep the admin's unsaved edits across other tabs' reloads
    auto rules = m_session.workstation().opsecRules();
    if (!rules) {
        showError(tr("Cannot read the OPSEC rules"), rules.error());
        return;
    }
    m_opsec = std::move(rules).value();
    showOpsecRules();
}

void AdminDialog::showOpsecRules()
{
    QSignalBlocker block(m_ui->opsecTable);
    m_ui->opsecTable->setRowCount(static_cast<int>(m_opsec.size()));
    for (int row = 0; row < static_cast<int>(m_opsec.size()); ++row) {
        const auto& r = m_opsec[static_cast<std::size_t>(row)];
        QString pattern = q(r.pattern);
        pattern.replace(QLatin1Char('\n'), QStringLiteral(", "));
        const QString cells[kOpsecColumns] = {r.enabled ? tr("yes") : tr("no"), q(r.name), kindText(r.kind), pattern};
        for (int c = 0; c < kOpsecColumns; ++c)
            m_ui->opsecTable->setItem(row, c, new QTableWidgetItem(cells[c]));
    }
    m_ui->opsecRemoveButton->setEnabled(false);
    m_ui->opsecSaveButton->setEnabled(m_opsecDirty);
    runOpsecTest();
}

void AdminDialog::opsecSelected()
{
    const auto rows = m_ui->opsecTable->selectionModel()->selectedRows();
    m_ui->opsecRemoveButton->setEnabled(!rows.isEmpty());
    m_ui->opsecErrorLabel->clear();
    if (rows.isEmpty())
        return;
    const auto& r = m_opsec[static_cast<std::size_t>(rows.first().row())];
    m_ui->opsecNameEdit->setText(q(r.name));
    m_ui->opsecKindCombo->setCurrentIndex(r.kind == compose::OpsecKind::Regex ? 0 : 1);
    m_ui->opsecPatternEdit->setPlainText(q(r.pattern));
    m_ui->opsecEnabledCheck->setChecked(r.enabled);
}

void AdminDialog::newOpsecRule()
{
    QSignalBlocker block(m_ui->opsecTable);
    m_ui->opsecTable->clearSelection();
    m_ui->opsecRemoveButton->setEnabled(false);
    m_ui->opsecNameEdit->clear();
    m_ui->opsecPatternEdit->clear();
    m_ui->opsecEnabledCheck->setChecked(true);
    m_ui->opsecErrorLabel->clear();
    m_ui->opsecNameEdit->setFocus();
}

void AdminDialog::applyOpsecRule()
{
    m_ui->opsecErrorLabel->clear();
    const auto rows = m_ui->opsecTable->selectionModel()->selectedRows();
    const int selected = rows.isEmpty() ? -1 : rows.first().row();
    compose::OpsecRule rule;
    rule.name = m_ui->opsecNameEdit->text().trimmed().toStdString();
    rule.kind = m_ui->opsecKindCombo->currentIndex() == 0 ? compose::OpsecKind::Regex : compose::OpsecKind::Words;
    rule.pattern = m_ui->opsecPatternEdit->toPlainText().toStdString();
    rule.enabled = m_ui->opsecEnabledCheck->isChecked();
    if (selected >= 0) {
        rule.id = m_opsec[static_cast<std::size_t>(selected)].id;
    } else {
        rule.id = idFor(m_ui->opsecNameEdit->text(), m_opsec);
    }
    if (auto s = compose::validateOpsecRule(rule); !s) {
        m_ui->opsecErrorLabel->setText(q(s.error().message));
        return;
    }
    if (selected >= 0)
        m_opsec[static_cast<std::size_t>(selected)] = std::move(rule);
    else
        m_opsec.push_back(std::move(rule));
    m_opsecDirty = true;
    showOpsecRules();
}

void AdminDialog::removeOpsecRule()
{
    const auto rows = m_ui->opsecTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    m_opsec.erase(m_opsec.begin() + rows.first().row());
    m_opsecDirty = true;
    showOpsecRules();
}

void AdminDialog::resetOpsecRules()
{
    if (Dialogs::question(this,
                          tr("Reset OPSEC rules"),
                          tr("Replace the rules here with Postern's defaults? Nothing changes until you save."),
                          tr("Reset"))
        != Dialogs::Answer::Yes)
        return;
    m_opsec = compose::defaultOpsecRules();
    m_opsecDirty = true;
    showOpsecRules();
}

void AdminDialog::saveOpsecRules()
{
    if (auto s = compose::validateOpsecRules(m_opsec); !s) {
        showError(tr("The OPSEC rules were not saved"), s.error(), tr("Correct or remove the rule it names."));
        return;
    }
    confirmAdmin(tr("Save the OPSEC rules"), [this](AdminKey admin) {
        if (auto s = m_session.workstation().setOpsecRules(*admin, m_opsec); !s) {
            showError(tr("The OPSEC rules were not saved"), s.error());
            return;
        }
        m_opsecDirty = false;
        changed();
        reload();
    });
}

void AdminDialog::runOpsecTest()
{
    const QString text = m_ui->opsecTestEdit->toPlainText();
    QList<QTextEdit::ExtraSelection> marks;
    if (text.isEmpty()) {
        m_ui->opsecTestEdit->setExtraSelections(marks);
        m_ui->opsecTestResultLabel->clear();
        return;
    }
    const QByteArray utf8 = text.toUtf8();
    auto flags =
        compose::scanOpsecText(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())), m_opsec);
    if (!flags) {
        m_ui->opsecTestEdit->setExtraSelections(marks);
        m_ui->opsecTestResultLabel->setText(tr("The rules cannot run: %1").arg(q(flags.error().message)));
        return;
    }
    QStringList found;
    for (const auto& f : *flags) {
        // Offsets are UTF-8 bytes; the editor counts UTF-16 units.
        const auto begin = QString::fromUtf8(utf8.left(f.beginUtf8)).size();
        const auto end = QString::fromUtf8(utf8.left(f.endUtf8)).size();
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_ui->opsecTestEdit->document());
        mark.cursor.setPosition(static_cast<int>(begin));
        mark.cursor.setPosition(static_cast<int>(end), QTextCursor::KeepAnchor);
        mark.format.setBackground(QColor(0xff, 0xe0, 0x82));
        marks << mark;
        found << tr("%1: “%2”").arg(q(f.ruleName), q(f.match));
    }
    m_ui->opsecTestEdit->setExtraSelections(marks);
    m_ui->opsecTestResultLabel->setText(found.isEmpty() ? tr("No rule matches this text.")
                                                        : tr("%n match(es): ", "", static_cast<int>(found.size()))
                                                              + found.join(QStringLiteral("; ")));
}

} // namespace postern::gui
