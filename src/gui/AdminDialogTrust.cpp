// SPDX-License-Identifier: GPL-3.0-or-later
// AdminDialog, Uploader and Workstation tabs: the key ceremony (trusting the uploader after
// comparing fingerprints aloud), the workstation identity export and the idle auto-lock.
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include "gui/AdminDialog.h"
#include "gui/Dialogs.h"
#include "gui/Session.h"
#include "ui_AdminDialog.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QPushButton>

namespace postern::gui {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

QString groupFingerprint(const QString& typed)
{
    // People read fingerprints aloud in groups and type them with spaces, dashes or none.
    QString plain;
    for (const QChar c : typed)
        if (c.isLetterOrNumber())
            plain += c.toUpper();
    QStringList groups;
    for (int i = 0; i < plain.size(); i += 4)
        groups << plain.mid(i, 4);
    return groups.join(QLatin1Char('-'));
}

void AdminDialog::setupTrustTabs()
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_ui->workstationFingerprintLabel->setFont(fixed);
    m_ui->uploaderFileLabel->setFont(fixed);
    m_ui->fingerprintEdit->setFont(fixed);
    m_ui->trustUploaderButton->setEnabled(false);
    connect(m_ui->chooseUploaderButton, &QPushButton::clicked, this, [this] { chooseUploader(); });
    connect(m_ui->trustUploaderButton, &QPushButton::clicked, this, [this] { trustUploader(); });
    connect(m_ui->fingerprintEdit, &QLineEdit::returnPressed, this, [this] { trustUploader(); });
    connect(m_ui->exportIdentityButton, &QPushButton::clicked, this, [this] { exportIdentity(); });
    setupProfileBox();
    m_ui->idleSpin->setValue(m_session.idleMinutes());
    // A local preference of this workstation, not a signed change: applied as it is set.
    connect(m_ui->idleSpin, &QSpinBox::valueChanged, this, [this](int minutes) { m_session.setIdleMinutes(minutes); });
}

void AdminDialog::loadTrust()
{
    auto& queries = m_session.workstation().queries();
    if (auto ws = queries.workstation()) {
        m_ui->workstationNameLabel->setText(q(ws->name));
        m_ui->workstationFingerprintLabel->setText(q(crypto::fingerprint(ws->publicKey)));
    }
    if (auto up = queries.trustedUploader()) {
        auto id = domain::readUploaderIdentity(up->identityText);
        m_ui->currentUploaderLabel->setText(
            tr("Trusted uploader: %1, fingerprint %2, since %3. Bundles are encrypted to it.")
                .arg(q(up->name),
                     id ? q(id->fingerprint()) : tr("(unreadable)"),
                     QDateTime::fromSecsSinceEpoch(up->trustedAt, Qt::UTC)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))));
    } else {
        m_ui->currentUploaderLabel->setText(tr("No uploader is trusted yet, so nothing can be exported. Do the key "
                                               "ceremony below with the uploader admin."));
    }
    loadProfile();
}

void AdminDialog::chooseUploader()
{
    m_ui->uploaderErrorLabel->clear();
    m_uploaderText.clear();
    m_uploaderFingerprint.clear();
    m_ui->trustUploaderButton->setEnabled(false);
    m_ui->uploaderFileLabel->clear();
    const QString file = Dialogs::openFile(this, tr("Uploader identity file"), tr("Uploader identity (*)"));
    if (file.isEmpty())
        return;
    auto text = readFileCapped(file.toStdString(), domain::kMaxIdentityBytes);
    if (!text) {
        showError(tr("Cannot read the identity file"), text.error());
        return;
    }
    auto id = domain::readUploaderIdentity(*text);
    if (!id) {
        showError(tr("Not an uploader identity"),
                  id.error(),
                  tr("Ask the uploader admin for a fresh file (postern-uploader identity export FILE)."));
        return;
    }
    m_uploaderText = std::move(text).value();
    m_uploaderFingerprint = q(id->fingerprint());
    // Nothing of the expected fingerprint is shown: with it on screen the admin would copy it
    // instead of typing what the uploader admin reads aloud, and the ceremony proves nothing.
    m_ui->uploaderFileLabel->setText(tr("Uploader \"%1\" chosen. Now type the fingerprint the uploader admin reads "
                                        "aloud from the uploader host, then press Enter.")
                                         .arg(q(id->name)));
    m_ui->fingerprintEdit->clear();
    m_ui->fingerprintEdit->setFocus();
    m_ui->trustUploaderButton->setEnabled(true);
}

void AdminDialog::trustUploader()
{
    m_ui->uploaderErrorLabel->clear();
    if (m_uploaderText.empty())
        return;
    const QString confirmed = groupFingerprint(m_ui->fingerprintEdit->text());
    if (confirmed.isEmpty()) {
        m_ui->uploaderErrorLabel->setText(tr("Type the fingerprint the uploader admin reads aloud."));
        return;
    }
    // Compared here, before the passphrase is asked, and answered without either value: a
    // wrong entry must not teach the right one.
    if (confirmed != m_uploaderFingerprint) {
        m_ui->fingerprintEdit->clear();
        m_ui->uploaderErrorLabel->setText(
            tr("That is not the fingerprint of the file you chose, so nothing was trusted. Compare it again with "
               "the uploader host and type it once more. If it still differs, the file is not the uploader's: do "
               "not use it."));
        return;
    }
    confirmAdmin(tr("Trust this uploader"), [this, confirmed](AdminKey admin) {
        auto trusted = m_session.workstation().trustUploader(*admin, m_uploaderText, confirmed.toStdString());
        if (!trusted) {
            m_ui->uploaderErrorLabel->setText(q(trusted.error().message));
            showError(tr("The uploader was not trusted"),
                      trusted.error(),
                      trusted.code() == Errc::BadValue
                          ? tr("Do not trust this file. Compare the fingerprint with the uploader host again; if it "
                               "still differs, the file is not the uploader's.")
                          : QString());
            return;
        }
        m_uploaderText.clear();
        m_uploaderFingerprint.clear();
        m_ui->uploaderFileLabel->clear();
        m_ui->fingerprintEdit->clear();
        m_ui->trustUploaderButton->setEnabled(false);
        Dialogs::information(
            this,
            tr("Uploader trusted"),
            tr("Bundles are now encrypted to \"%1\" (%2).").arg(q(trusted->name), q(trusted->fingerprint())));
        changed();
        reload();
    });
}

void AdminDialog::exportIdentity()
{
    const QString file =
        Dialogs::saveFile(this, tr("Export workstation identity"), QStringLiteral("workstation.identity"));
    if (file.isEmpty())
        return;
    // No passphrase: the file holds public keys and policies already signed, so nothing is
    // changed or newly signed, and the admin is already logged in.
    auto text = m_session.workstation().exportIdentity(m_session.user());
    if (!text) {
        showError(tr("The identity was not exported"), text.error());
        return;
    }
    // Public keys and signed policies only, so world-readable like the CLI writes it.
    if (auto s = writeFileAtomic(file.toStdString(), *text, 0644); !s) {
        showError(tr("The identity was not written"), s.error());
        return;
    }
    m_ui->exportHintLabel->setText(tr("Wrote %1. Carry it to the uploader host, run “postern-uploader trust FILE” "
                                      "there and read this fingerprint aloud to the uploader admin: %2")
                                       .arg(file, m_ui->workstationFingerprintLabel->text()));
    changed();
}

} // namespace postern::gui
