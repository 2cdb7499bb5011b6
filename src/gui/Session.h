// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/workflow/Queries.h"
#include "postern/workflow/Workstation.h"

#include "gui/KeyWork.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

namespace postern::gui {

/**
 * Session is the GUI's one handle on the workstation: the open store, who is logged in, and the
 * idle timer that locks the screen. Windows ask it for the Workstation and the unlocked user;
 * they never keep a user's key themselves, so locking here drops every key the GUI holds.
 */
class Session : public QObject
{
    Q_OBJECT

public:
    Session(std::filesystem::path storeDir, const Clock& clock, QObject* parent = nullptr);
    ~Session() override;

    [[nodiscard]] const std::filesystem::path& storeDir() const noexcept { return m_storeDir; }
    [[nodiscard]] const Clock& clock() const noexcept { return m_clock; }

    /** storeExists is true when the store directory holds an initialised store. */
    [[nodiscard]] bool storeExists() const;
    /** open opens the store; not-found when there is none yet (run the first-run wizard). */
    [[nodiscard]] Status open();
    /** initialise creates the store with its first admin (first run), then opens it. */
    [[nodiscard]] Result<workflow::InitResult>
    initialise(const QString& workstationName, const QString& adminName, const QString& passphrase);

    [[nodiscard]] bool isOpen() const noexcept { return m_workstation != nullptr; }
    /** workstation is the open store; callers check isOpen() first. */
    [[nodiscard]] workflow::Workstation& workstation() { return *m_workstation; }
    [[nodiscard]] QString workstationName();

    [[nodiscard]] bool isUnlocked() const noexcept { return m_user.has_value(); }
    /** user is the logged-in user; callers check isUnlocked() first. */
    [[nodiscard]] const workflow::UnlockedUser& user() const { return *m_user; }
    [[nodiscard]] bool userHas(domain::Role role) const;

    /** unlock decrypts `name`'s key; on success the session is theirs until lock(). */
    [[nodiscard]] Status unlock(const QString& name, const QString& passphrase);
    /**
     * unlockInBackground is unlock with the Argon2id work on a worker thread: the window keeps
     * answering and keyWorkChanged drives a busy indicator. `done` runs on the GUI thread (not
     * at all if `context` is gone). Refused (invalid-state) while other key work runs.
     */
    void unlockInBackground(const QString& name,
                            const QString& passphrase,
                            QObject* context,
                            std::function<void(Status)> done);
    /**
     * confirmInBackground re-checks the logged-in user's passphrase before a signature, the
     * same way; the user must still be logged in after it.
     */
    void confirmInBackground(const QString& passphrase,
                             QObject* context,
                             std::function<void(Result<workflow::UnlockedUser>)> done);
    /**
     * initialiseInBackground is initialise with the key sealing on a worker thread (the store
     * is created there too; nothing else has it open yet), then opens the store here.
     */
    void initialiseInBackground(const QString& workstationName,
                                const QString& adminName,
                                const QString& passphrase,
                                QObject* context,
                                std::function<void(Result<workflow::InitResult>)> done);
    /**
     * makeUserKeyInBackground makes and seals a new key for `name` (Workstation::makeUserKey)
     * on a worker thread, for addUser and rotateUserKey. Refused while other key work runs.
     */
    void makeUserKeyInBackground(const QString& name,
                                 const QString& passphrase,
                                 QObject* context,
                                 std::function<void(Result<workflow::NewUserKey>)> done);
    /**
     * changePassphraseInBackground re-seals the logged-in user's own key under `newPassphrase`
     * after checking `oldPassphrase` (Workstation::resealOwnKey) on a worker thread, then stores
     * it here. Refused while other key work runs.
     */
    void changePassphraseInBackground(const QString& oldPassphrase,
                                      const QString& newPassphrase,
                                      QObject* context,
                                      std::function<void(Status)> done);
    /** isKeyWorkRunning is true while a passphrase is checked or a key sealed on the worker thread. */
    [[nodiscard]] bool isKeyWorkRunning() const noexcept { return m_keyWork; }
    /** keyWorkText says what the running key work is doing, for a busy indicator. */
    [[nodiscard]] const QString& keyWorkText() const noexcept { return m_keyWorkText; }
    /** lastUser is who unlocked last on this workstation (gui.ini), for the lock screen. */
    [[nodiscard]] QString lastUser() const;
    /** lock forgets the unlocked key and shows the lock screen. */
    void lock();

    /** KDF cost for keys created from the GUI (tests use interactive to run fast). */
    void setKdf(const crypto::KdfParams& kdf) { m_kdf = kdf; }
    [[nodiscard]] const crypto::KdfParams& kdf() const noexcept { return m_kdf; }

    /** Idle minutes before auto-lock (0 = never); kept in <store>/gui.ini. */
    [[nodiscard]] int idleMinutes() const noexcept { return m_idleMinutes; }
    void setIdleMinutes(int minutes);
    /** setIdleIntervalForTest replaces the minute-based timeout (tests only). */
    void setIdleIntervalForTest(int milliseconds);

    /** setBusy holds off the idle lock while a background job (an export) uses the store. */
    void setBusy(bool busy);

    /** notifyChanged tells every view that posts, users or settings changed. */
    void notifyChanged() { emit changed(); }

signals:
    void unlocked();
    void locked();
    void changed();
    /** keyWorkChanged: a passphrase check started (true) or ended (false); show that it is busy. */
    void keyWorkChanged(bool running);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void restartIdleTimer();
    void finishLogin(workflow::UnlockedUser user);
    /** startKeyWork reads `name`'s record and opens its key in the background. */
    void startKeyWork(const QString& name,
                      const QString& passphrase,
                      QObject* context,
                      std::function<void(Result<workflow::UnlockedUser>)> done);
    /**
     * runKeyWork runs `work` with runInBackground, one at a time, announcing it with
     * keyWorkChanged; `done` is called here unless `context` is gone.
     */
    template <typename T>
    void runKeyWork(const QString& text,
                    QObject* context,
                    std::function<Result<T>()> work,
                    std::function<void(Result<T>)> done);

    std::filesystem::path m_storeDir;
    const Clock& m_clock;
    std::unique_ptr<workflow::Workstation> m_workstation;
    std::optional<workflow::UnlockedUser> m_user;
    crypto::KdfParams m_kdf = crypto::KdfParams::moderate();
    int m_idleMinutes = 10;
    int m_idleTestMs = 0;
    bool m_busy = false;
    bool m_keyWork = false;
    QString m_keyWorkText;
    QTimer m_idleTimer;
};

/** toSecure copies a passphrase out of Qt's string into locked memory. */
[[nodiscard]] crypto::SecureBuffer toSecure(const QString& text);

/** newPassphraseProblem says why a new passphrase typed twice is refused (empty when it is
 *  fine): the two differ, or crypto::checkNewPassphrase refuses it. */
[[nodiscard]] QString newPassphraseProblem(const QString& first, const QString& second);

} // namespace postern::gui
