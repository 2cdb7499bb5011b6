// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/ReceiptFinder.h"

#include "postern/bundle/Receipt.h"
#include "postern/util/FileIO.h"

#include "gui/Session.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QTimer>

#include <algorithm>

namespace postern::gui {

namespace fs = std::filesystem;

namespace {

constexpr int kRecentExports = 20;     ///< bundles whose folders are searched
constexpr int kMaxEntriesPerDir = 500; ///< a drive full of files is not searched to the end
constexpr int kRescanMs = 3000;

struct Folder
{
    fs::path path;
    QString place;
    bool onDrive = false;
};

QString driveName(const system::DriveInfo& d)
{
    return d.label.empty() ? QObject::tr("the removable drive (%1)").arg(QString::fromStdString(d.device))
                           : QString::fromStdString(d.label);
}

/** foldersToSearch: removable drives' tops first, then where recent bundles went. */
std::vector<Folder> foldersToSearch(Session& session, const system::SystemPaths& paths)
{
    std::vector<Folder> folders;
    std::vector<system::DriveInfo> removable;
    if (auto drives = system::listDrives(paths)) {
        for (const auto& d : *drives)
            if (d.removable) {
                removable.push_back(d);
                folders.push_back({d.mountPoint, driveName(d), true});
            }
    }
    auto exports = session.workstation().queries().recentExports(kRecentExports);
    if (!exports)
        return folders;
    for (const auto& e : *exports) {
        const fs::path folder = fs::path(e.path).parent_path();
        if (folder.empty()
            || std::any_of(folders.begin(), folders.end(), [&](const Folder& f) { return f.path == folder; }))
            continue;
        // On a drive: name the drive, the way the operator knows it.
        QString place = QObject::tr("the folder “%1”").arg(QString::fromStdString(folder.filename().string()));
        bool onDrive = false;
        for (const auto& d : removable) {
            const std::string mount = d.mountPoint;
            const std::string f = folder.string();
            if (f == mount || f.rfind(mount + "/", 0) == 0) {
                place = driveName(d);
                onDrive = true;
            }
        }
        folders.push_back({folder, place, onDrive});
    }
    return folders;
}

} // namespace

std::optional<FoundReceipt> findNewReceipt(Session& session, const system::SystemPaths& paths)
{
    if (!session.isOpen())
        return std::nullopt;
    auto& queries = session.workstation().queries();
    if (!queries.trustedUploader())
        return std::nullopt; // nothing could be checked, so nothing is offered
    for (const auto& folder : foldersToSearch(session, paths)) {
        std::error_code ec;
        std::vector<fs::path> candidates;
        int seen = 0;
        for (fs::directory_iterator it(folder.path, ec), end; !ec && it != end && seen < kMaxEntriesPerDir;
             it.increment(ec), ++seen) {
            std::error_code typeError;
            if (it->path().extension() == ".receipt" && it->is_regular_file(typeError))
                candidates.push_back(it->path());
        }
        std::sort(candidates.begin(), candidates.end());
        for (const auto& file : candidates) {
            auto text = readFileCapped(file, bundle::kMaxReceiptBytes);
            if (!text)
                continue;
            // Not ours, not a receipt, or imported already: the Import receipt… dialog explains
            // such files when someone opens one.
            if (auto fresh = queries.isNewReceipt(*text); !fresh || !*fresh)
                continue;
            return FoundReceipt{QString::fromStdString(file.string()), folder.place, folder.onDrive};
        }
    }
    return std::nullopt;
}

ReceiptBanner::ReceiptBanner(Session& session, QWidget* parent) : QFrame(parent), m_session(session)
{
    setObjectName("receiptBanner");
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(
        QStringLiteral("#receiptBanner { background: #e6f1e8; border: 1px solid #1d6b2f; border-radius: 4px; }"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    m_label = new QLabel(this);
    m_label->setObjectName("receiptBannerLabel");
    m_label->setWordWrap(true);
    m_button = new QPushButton(QIcon(QStringLiteral(":/icons/receipt.svg")), QString(), this);
    m_button->setObjectName("importFoundReceiptButton");
    // Outside a dialog a push button takes only Space; Enter is what people press on it.
    m_button->setAutoDefault(true);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_button);
    connect(m_button, &QPushButton::clicked, this, [this] {
        if (m_found)
            emit importRequested(m_found->path);
    });
    m_timer = new QTimer(this);
    m_timer->setInterval(kRescanMs);
    connect(m_timer, &QTimer::timeout, this, &ReceiptBanner::rescan);
    connect(&m_session, &Session::changed, this, &ReceiptBanner::rescan);
    connect(&m_session, &Session::unlocked, this, &ReceiptBanner::rescan);
    connect(&m_session, &Session::locked, this, &ReceiptBanner::rescan);
    hide();
}

void ReceiptBanner::setSystemPaths(const system::SystemPaths& paths)
{
    m_paths = paths;
    rescan();
}

void ReceiptBanner::rescan()
{
    const bool operatorHere = m_session.isUnlocked() && m_session.userHas(domain::Role::Operator);
    if (!operatorHere) {
        m_timer->stop();
        m_found.reset();
        hide();
        return;
    }
    if (!m_timer->isActive())
        m_timer->start();
    m_found = findNewReceipt(m_session, m_paths);
    if (!m_found) {
        hide();
        return;
    }
    const bool drive = m_found->onDrive;
    m_label->setText(tr("The uploader's receipt is back: it says what was published."));
    m_button->setText(drive ? tr("&Import the receipt found on %1").arg(m_found->place)
                            : tr("&Import the receipt found in %1").arg(m_found->place));
    m_button->setAccessibleName(m_button->text().remove(QLatin1Char('&')));
    m_button->setToolTip(m_found->path);
    show();
}

} // namespace postern::gui
