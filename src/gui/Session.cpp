// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/Session.h"

#include "postern/crypto/Passphrase.h"

#include "gui/KeyWork.h"
#include "gui/Resources.h"

#include <QCoreApplication>
#include <QEvent>
#include <QPointer>
#include <QSettings>

#include <sodium.h>

namespace postern::gui {

namespace {

QString settingsFile(const std::filesystem::path& storeDir)
{
    return QString::fromStdString((storeDir / "gui.ini").string());
}

} // namespace

crypto::SecureBuffer toSecure(const QString& text)
{
    QByteArray utf8 = text.toUtf8();
    crypto::SecureBuffer out(
        ByteView(reinterpret_cast<const std::uint8_t*>(utf8.constData()), static_cast<std::size_t>(utf8.size())));
    // The QByteArray is ours alone (toUtf8 made a fresh copy), so wiping it is safe; the
    // QString itself belongs to the caller, which clears its line edit.
    sodium_memzero(utf8.data(), static_cast<std::size_t>(utf8.size()));
    return out;
}

QString newPassphraseProblem(const QString& first, const QString& second)
{
    if (first != second)
        return QObject::tr("The two passphrases differ. Type the same passphrase twice.");
    if (auto s = crypto::checkNewPassphrase(toSecure(first)); !s) {
        QString message = QString::fromStdString(s.error().message);
        message[0] = message[0].toUpper();
        return message + QStringLiteral(".");
    }
    return {};
}

Session::Session(std::filesystem::path storeDir, const Clock& clock, QObject* parent)
    : QObject(parent), m_storeDir(std::move(storeDir)), m_clock(clock)
{
    initResources();
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        if (m_busy)
            restartIdleTimer(); // lock when the export is over, never under it
        else if (isUnlocked())
            lock();
    });
    if (QCoreApplication::instance() != nullptr)
        QCoreApplication::instance()->installEventFilter(this);
}

Session::~Session() = default;

bool Session::storeExists() const
{
    std::error_code ec;
    return std::filesystem::exists(m_storeDir / "postern.db", ec);
}

Status Session::open()
{
    POSTERN_ASSIGN(ws, workflow::Workstation::open(m_storeDir, m_clock));
    m_workstation = std::move(ws);
    QSettings settings(settingsFile(m_storeDir), QSettings::IniFormat);
    m_idleMinutes = settings.value("lock/idleMinutes", 10).toInt();
    return {};
}

Result<workflow::InitResult>
Session::initialise(const QString& workstationName, const QString& adminName, const QString& passphrase)
{
    const auto secret = toSecure(passphrase);
    POSTERN_ASSIGN(result,
                   workflow::Workstation::init(m_storeDir,
                                               workstationName.toStdString(),
                                               adminName.toStdString(),
                                               secret,
                                               m_kdf,
                                               m_clock));
    POSTERN_TRY(open());
    return result;
}

QString Session::workstationName()
{
    if (!m_workstation)
        return {};
    auto record = m_workstation->queries().workstation();
    return record ? QString::fromStdString(record->name) : QString();
}

bool Session::userHas(domain::Role role) const
{
    return m_user && m_user->record.hasRole(static_cast<store::RoleMask>(role));
}

Status Session::unlock(const QString& name, const QString& passphrase)
{
    if (!m_workstation)
        return fail(Errc::InvalidState, "the store is not open");
    const auto secret = toSecure(passphrase);
    POSTERN_ASSIGN(user, m_workstation->unlock(name.toStdString(), secret));
    finishLogin(std::move(user));
    return {};
}

void Session::finishLogin(workflow::UnlockedUser user)
{
    const QString name = QString::fromStdString(user.record.name);
    m_user.emplace(std::move(user));
    // Remembered for the lock screen: the next unlock is most often by the same person.
    QSettings settings(settingsFile(m_storeDir), QSettings::IniFormat);
    settings.setValue("lock/lastUser", name);
    restartIdleTimer();
    emit unlocked();
}

Result<workflow::UnlockedUser> Session::confirmPassphrase(const QString& passphrase)
{
    if (!m_workstation || !m_user)
        return fail(Errc::InvalidState, "nobody is logged in");
    const auto secret = toSecure(passphrase);
    return m_workstation->unlock(m_user->record.name, secret);
}

void Session::startKeyWork(const QString& name,
                           const QString& passphrase,
                           QObject* context,
                           std::function<void(Result<workflow::UnlockedUser>)> done)
{
    if (!m_workstation) {
        done(fail(Errc::InvalidState, "the store is not open"));
        return;
    }
    if (m_keyWork) {
        done(fail(Errc::InvalidState, "a passphrase is already being checked; wait for it"));
        return;
    }
    auto record = m_workstation->userForUnlock(name.toStdString());
    if (!record) {
        done(record.error());
        return;
    }
    m_keyWork = true;
    emit keyWorkChanged(true);
    const std::string keyFile = record->keyFile;
    auto pending = std::make_shared<store::UserRecord>(std::move(record).value());
    openKeyInBackground(
        this,
        keyFile,
        toSecure(passphrase),
        [this, pending, context = QPointer<QObject>(context), done = std::move(done)](Result<crypto::SigningKey> key) {
            m_keyWork = false;
            emit keyWorkChanged(false);
            if (!context)
                return; // the window that asked is gone; the key is wiped here
            if (!key) {
                done(key.error());
                return;
            }
            // Back on the GUI thread: the store is touched only here.
            done(m_workstation->finishUnlock(std::move(*pending), std::move(key).value()));
        });
}

void Session::unlockInBackground(const QString& name,
                                 const QString& passphrase,
                                 QObject* context,
                                 std::function<void(Status)> done)
{
    startKeyWork(name, passphrase, context, [this, done = std::move(done)](Result<workflow::UnlockedUser> user) {
        if (!user) {
            done(user.error());
            return;
        }
        finishLogin(std::move(user).value());
        done({});
    });
}

void Session::confirmInBackground(const QString& passphrase,
                                  QObject* context,
                                  std::function<void(Result<workflow::UnlockedUser>)> done)
{
    if (!m_user) {
        done(fail(Errc::InvalidState, "nobody is logged in"));
        return;
    }
    const std::string who = m_user->record.name;
    startKeyWork(QString::fromStdString(who),
                 passphrase,
                 context,
                 [this, who, done = std::move(done)](Result<workflow::UnlockedUser> user) {
                     // Locked (or another user unlocked) while the passphrase was checked: sign nothing.
                     if (user && (!m_user || m_user->record.name != who)) {
                         done(fail(Errc::Cancelled, "the screen was locked while the passphrase was checked"));
                         return;
                     }
                     done(std::move(user));
                 });
}

void Session::lock()
{
    m_idleTimer.stop();
    if (!m_user)
        return;
    m_user.reset(); // SigningKey lives in sodium_malloc memory and is wiped by its destructor
    emit locked();
}

QString Session::lastUser() const
{
    QSettings settings(settingsFile(m_storeDir), QSettings::IniFormat);
    return settings.value("lock/lastUser").toString();
}

void Session::setIdleMinutes(int minutes)
{
    m_idleMinutes = std::max(0, minutes);
    QSettings settings(settingsFile(m_storeDir), QSettings::IniFormat);
    settings.setValue("lock/idleMinutes", m_idleMinutes);
    restartIdleTimer();
}

void Session::setBusy(bool busy)
{
    m_busy = busy;
    if (!busy)
        restartIdleTimer();
}

void Session::setIdleIntervalForTest(int milliseconds)
{
    m_idleTestMs = milliseconds;
    restartIdleTimer();
}

void Session::restartIdleTimer()
{
    if (!m_user)
        return;
    const int ms = m_idleTestMs > 0 ? m_idleTestMs : m_idleMinutes * 60 * 1000;
    if (ms <= 0) {
        m_idleTimer.stop();
        return;
    }
    m_idleTimer.start(ms);
}

bool Session::eventFilter(QObject* watched, QEvent* event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::Wheel:
        if (m_user && m_idleTimer.isActive())
            restartIdleTimer();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace postern::gui
