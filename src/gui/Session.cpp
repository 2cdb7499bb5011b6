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

template <typename T>
void Session::runKeyWork(const QString& text,
                         QObject* context,
                         std::function<Result<T>()> work,
                         std::function<void(Result<T>)> done)
{
    if (m_keyWork) {
        done(fail(Errc::InvalidState, "a passphrase is already being checked; wait for it"));
        return;
    }
    m_keyWork = true;
    m_keyWorkText = text;
    emit keyWorkChanged(true);
    runInBackground<T>(this,
                       std::move(work),
                       [this, context = QPointer<QObject>(context), done = std::move(done)](Result<T> result) {
                           m_keyWork = false;
                           m_keyWorkText.clear();
                           emit keyWorkChanged(false);
                           if (context)
                               done(std::move(result)); // else the window that asked is gone
                       });
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
    auto pending = std::make_shared<store::UserRecord>(std::move(record).value());
    auto secret = std::make_shared<crypto::SecureBuffer>(toSecure(passphrase));
    runKeyWork<crypto::SigningKey>(
        tr("Checking your passphrase… this takes a few seconds."),
        context,
        [secret, keyFile = pending->keyFile]() -> Result<crypto::SigningKey> {
            auto key = workflow::Workstation::openUserKey(keyFile, *secret);
            *secret = crypto::SecureBuffer(); // wiped now, not when the last copy of the pointer goes
            return key;
        },
        [this, pending, done = std::move(done)](Result<crypto::SigningKey> key) {
            if (!key) {
                done(key.error());
                return;
            }
            // Back on the GUI thread: the store is touched only here.
            done(m_workstation->finishUnlock(std::move(*pending), std::move(key).value()));
        });
}

void Session::initialiseInBackground(const QString& workstationName,
                                     const QString& adminName,
                                     const QString& passphrase,
                                     QObject* context,
                                     std::function<void(Result<workflow::InitResult>)> done)
{
    if (m_workstation) {
        done(fail(Errc::InvalidState, "the store is already open"));
        return;
    }
    auto secret = std::make_shared<crypto::SecureBuffer>(toSecure(passphrase));
    runKeyWork<workflow::InitResult>(
        tr("Creating the keys… this takes a few seconds."),
        context,
        // init writes a store nothing else has open; the GUI thread opens it only afterwards.
        [secret,
         dir = m_storeDir,
         name = workstationName.toStdString(),
         admin = adminName.toStdString(),
         kdf = m_kdf,
         &clock = m_clock]() -> Result<workflow::InitResult> {
            auto result = workflow::Workstation::init(dir, name, admin, *secret, kdf, clock);
            *secret = crypto::SecureBuffer();
            return result;
        },
        [this, done = std::move(done)](Result<workflow::InitResult> result) {
            if (result) {
                if (auto opened = open(); !opened) {
                    done(opened.error());
                    return;
                }
            }
            done(std::move(result));
        });
}

void Session::makeUserKeyInBackground(const QString& name,
                                      const QString& passphrase,
                                      QObject* context,
                                      std::function<void(Result<workflow::NewUserKey>)> done)
{
    auto secret = std::make_shared<crypto::SecureBuffer>(toSecure(passphrase));
    runKeyWork<workflow::NewUserKey>(
        tr("Creating the key for %1… this takes a few seconds.").arg(name),
        context,
        [secret, name = name.toStdString(), kdf = m_kdf]() -> Result<workflow::NewUserKey> {
            auto made = workflow::Workstation::makeUserKey(name, *secret, kdf);
            *secret = crypto::SecureBuffer();
            return made;
        },
        std::move(done));
}

void Session::changePassphraseInBackground(const QString& oldPassphrase,
                                           const QString& newPassphrase,
                                           QObject* context,
                                           std::function<void(Status)> done)
{
    if (!isUnlocked()) {
        done(fail(Errc::InvalidState, "nobody is logged in"));
        return;
    }
    // The stored file, not the one read at login: the passphrase may have changed since.
    auto record = m_workstation->queries().user(m_user->record.name);
    if (!record) {
        done(record.error());
        return;
    }
    auto oldSecret = std::make_shared<crypto::SecureBuffer>(toSecure(oldPassphrase));
    auto newSecret = std::make_shared<crypto::SecureBuffer>(toSecure(newPassphrase));
    const std::string sealedFrom = record->keyFile;
    runKeyWork<std::string>(
        tr("Checking your passphrase and sealing your key again… this takes a few seconds."),
        context,
        [oldSecret, newSecret, sealedFrom, name = record->name, expected = m_user->key.publicKey(), kdf = m_kdf]()
            -> Result<std::string> {
            auto sealed = workflow::Workstation::resealOwnKey(sealedFrom, name, expected, *oldSecret, *newSecret, kdf);
            *oldSecret = crypto::SecureBuffer();
            *newSecret = crypto::SecureBuffer();
            return sealed;
        },
        [this, sealedFrom, done = std::move(done)](Result<std::string> sealed) {
            if (!sealed) {
                done(sealed.error());
                return;
            }
            if (!isUnlocked()) {
                done(fail(Errc::InvalidState,
                          "the screen was locked; log in again and change the passphrase once more"));
                return;
            }
            done(m_workstation->saveOwnKey(*m_user, sealedFrom, std::move(sealed).value()));
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
