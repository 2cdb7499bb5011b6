// SPDX-License-Identifier: GPL-3.0-or-later
// postern: the offline workstation GUI. main() hardens the process before any secret exists,
// runs the crypto self-test, picks the store, and shows the first-run wizard or the lock screen.
#include "postern/crypto/Crypto.h"
#include "postern/util/Log.h"
#include "postern/util/Process.h"

#include "gui/Dialogs.h"
#include "gui/FirstRunWizard.h"
#include "gui/InstanceLock.h"
#include "gui/MainWindow.h"
#include "gui/Session.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

#include <cstdlib>
#include <iostream>

using namespace postern;

namespace {

/** defaultStore is $POSTERN_STORE, else $HOME/.local/share/postern (as postern-cli). */
QString defaultStore()
{
    if (const char* env = std::getenv("POSTERN_STORE"); env && *env)
        return QString::fromLocal8Bit(env);
    if (const char* home = std::getenv("HOME"); home && *home)
        return QString::fromLocal8Bit(home) + QStringLiteral("/.local/share/postern");
    return {};
}

int fatal(const QString& what, const QString& todo)
{
    std::cerr << "postern: " << what.toStdString() << "\npostern: " << todo.toStdString() << "\n";
    QMessageBox::critical(nullptr, QObject::tr("Postern cannot start"), what + QStringLiteral("\n\n") + todo);
    return 1;
}

} // namespace

int main(int argc, char* argv[])
{
    if (auto s = hardenProcess(); !s) {
        std::cerr << "postern: cannot harden the process: " << s.error().message << "\n";
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Postern"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setDesktopFileName(QStringLiteral("org.postern.Postern"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/postern.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QObject::tr("Postern air-gapped publishing workstation"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption storeOption(QStringLiteral("store"),
                                         QObject::tr("Store directory (default $POSTERN_STORE, else "
                                                     "~/.local/share/postern)."),
                                         QStringLiteral("DIR"));
    const QCommandLineOption kdfOption(QStringLiteral("kdf"),
                                       QObject::tr("Key derivation cost for new keys: interactive, "
                                                   "moderate (default) or sensitive."),
                                       QStringLiteral("COST"),
                                       QStringLiteral("moderate"));
    const QCommandLineOption logOption(QStringLiteral("log-level"),
                                       QObject::tr("Log level: trace, debug, info, warn (default), "
                                                   "error."),
                                       QStringLiteral("LEVEL"),
                                       QStringLiteral("warn"));
    parser.addOptions({storeOption, kdfOption, logOption});
    parser.process(app);

    if (auto s = crypto::initCrypto(); !s)
        return fatal(QObject::tr("The cryptography self-test failed: %1").arg(QString::fromStdString(s.error().what())),
                     QObject::tr("Reinstall libsodium and Postern. Postern refuses to run without it."));
    LogOptions log;
    log.level = parser.value(logOption).toStdString();
    if (auto s = initLogging("postern", log); !s)
        return fatal(QString::fromStdString(s.error().what()), QObject::tr("Use --log-level with a valid level."));
    auto kdf = crypto::KdfParams::byName(parser.value(kdfOption).toStdString());
    if (!kdf)
        return fatal(QString::fromStdString(kdf.error().what()),
                     QObject::tr("Use --kdf interactive, moderate or sensitive."));

    const QString store = parser.isSet(storeOption) ? parser.value(storeOption) : defaultStore();
    if (store.isEmpty())
        return fatal(QObject::tr("Neither $POSTERN_STORE nor $HOME is set, so there is no default store."),
                     QObject::tr("Start Postern with --store DIR."));

    // One window per store, taken before the wizard so two first runs cannot race either.
    auto instance = gui::InstanceLock::acquire(store.toStdString());
    if (!instance)
        return fatal(gui::sentence(QString::fromStdString(instance.error().message)),
                     instance.code() == Errc::AlreadyExists
                         ? QObject::tr("The command line (postern-cli) can still be used meanwhile.")
                         : gui::errorHint(instance.code()));

    const SystemClock clock;
    gui::Session session(store.toStdString(), clock);
    session.setKdf(*kdf);
    if (!session.storeExists()) {
        gui::FirstRunWizard wizard(session);
        if (wizard.exec() != QDialog::Accepted && !session.isOpen())
            return 0; // nothing was created
    } else if (auto s = session.open(); !s) {
        return fatal(
            QObject::tr("The store in %1 cannot be opened: %2").arg(store, QString::fromStdString(s.error().what())),
            gui::errorHint(s.code()));
    }
    gui::MainWindow window(session);
    window.show();
    return QApplication::exec();
}
