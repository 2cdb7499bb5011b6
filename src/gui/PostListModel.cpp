// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/PostListModel.h"

#include "gui/Dialogs.h"
#include "gui/PlatformPreview.h"
#include "gui/Session.h"

#include <QDateTime>
#include <QFont>

namespace postern::gui {

QString stateTitle(store::PostState state)
{
    switch (state) {
    case store::PostState::Draft:
        return QObject::tr("Draft");
    case store::PostState::InReview:
        return QObject::tr("In review");
    case store::PostState::Approved:
        return QObject::tr("Approved");
    case store::PostState::Rejected:
        return QObject::tr("Rejected");
    case store::PostState::Exported:
        return QObject::tr("Exported");
    case store::PostState::Published:
        return QObject::tr("Published");
    case store::PostState::Failed:
        return QObject::tr("Failed");
    case store::PostState::Cancelled:
        return QObject::tr("Cancelled");
    case store::PostState::Retracted:
        return QObject::tr("Retracted");
    }
    return {};
}

QString formatTime(std::int64_t unixSeconds, const QString& zeroText)
{
    if (unixSeconds == 0)
        return zeroText;
    return QDateTime::fromSecsSinceEpoch(unixSeconds).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

PostListModel::PostListModel(Session& session, QObject* parent) : QAbstractTableModel(parent), m_session(session)
{
    m_filter.order = store::PostOrder::UpdatedDesc;
}

void PostListModel::setFilter(const store::PostFilter& filter)
{
    const auto order = m_filter.order;
    m_filter = filter;
    m_filter.order = order;
    reload();
}

void PostListModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_total = 0;
    m_exhausted = true;
    if (m_session.isOpen()) {
        loadAuthors();
        loadPendingOrders();
        auto total = m_session.workstation().queries().countPosts(m_filter);
        if (total) {
            m_total = *total;
            m_exhausted = false;
            for (auto& row : nextPage())
                m_rows.push_back(std::move(row));
        } else {
            emit loadFailed(errorText(total.error()));
        }
    }
    endResetModel();
}

void PostListModel::loadAuthors()
{
    m_authors.clear();
    auto users = m_session.workstation().queries().users();
    if (!users)
        return;
    for (const auto& user : *users)
        m_authors.insert(user.id, QString::fromStdString(user.name));
}

void PostListModel::loadPendingOrders()
{
    m_pendingOrders.clear();
    store::OrderFilter filter;
    filter.state = store::OrderState::Pending;
    filter.limit = 10000;
    auto orders = m_session.workstation().listOrders(filter);
    if (!orders)
        return;
    for (const auto& o : *orders)
        m_pendingOrders.insert(QString::fromStdString(o.postId));
}

std::vector<store::PostRecord> PostListModel::nextPage()
{
    store::PostFilter page = m_filter;
    page.limit = kPageSize;
    page.offset = static_cast<std::int64_t>(m_rows.size());
    auto rows = m_session.workstation().list(page);
    if (!rows) {
        m_exhausted = true;
        emit loadFailed(errorText(rows.error()));
        return {};
    }
    if (rows->size() < static_cast<std::size_t>(kPageSize))
        m_exhausted = true;
    return std::move(rows).value();
}

int PostListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PostListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PostListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size()))
        return {};
    const auto& row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == Qt::UserRole)
        return QString::fromStdString(row.id);
    if (role == Qt::ToolTipRole && index.column() == Title && !row.lastReason.empty())
        return tr("Reason: %1").arg(QString::fromStdString(row.lastReason));
    if (role == Qt::ToolTipRole && index.column() == Title) // the id for support, never in the cell
        return tr("Post %1").arg(QString::fromStdString(row.id));
    if (role == Qt::FontRole && index.column() == State
        && (row.state == store::PostState::Rejected || row.state == store::PostState::Failed)) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Title:
        return row.title.empty() ? tr("(no text)") : QString::fromStdString(row.title).simplified();
    case Channels:
        return channelsTitle(QString::fromStdString(row.channels));
    case Author:
        return m_authors.value(row.authorId, QString::number(row.authorId));
    case Schedule:
        return formatTime(row.schedule, tr("on arrival"));
    case State:
        // A cancel or retract order waiting for approval is what approvers must notice.
        return m_pendingOrders.contains(QString::fromStdString(row.id))
                   ? tr("%1 · order pending").arg(stateTitle(row.state))
                   : stateTitle(row.state);
    case Updated:
        return formatTime(row.updatedAt);
    default:
        return {};
    }
}

QVariant PostListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Title:
        return tr("Post");
    case Channels:
        return tr("Channels");
    case Author:
        return tr("Author");
    case Schedule:
        return tr("Schedule");
    case State:
        return tr("State");
    case Updated:
        return tr("Last change");
    default:
        return {};
    }
}

bool PostListModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_exhausted;
}

void PostListModel::fetchMore(const QModelIndex& parent)
{
    if (parent.isValid() || m_exhausted)
        return;
    auto rows = nextPage();
    if (rows.empty())
        return;
    const auto before = static_cast<int>(m_rows.size());
    beginInsertRows({}, before, before + static_cast<int>(rows.size()) - 1);
    for (auto& row : rows)
        m_rows.push_back(std::move(row));
    endInsertRows();
}

void PostListModel::sort(int column, Qt::SortOrder order)
{
    store::PostOrder next = m_filter.order;
    if (column == Schedule)
        next = order == Qt::AscendingOrder ? store::PostOrder::ScheduleAsc : store::PostOrder::ScheduleDesc;
    else if (column == Updated)
        next = order == Qt::AscendingOrder ? store::PostOrder::UpdatedAsc : store::PostOrder::UpdatedDesc;
    if (next == m_filter.order)
        return;
    m_filter.order = next;
    reload();
}

QString PostListModel::postId(int row) const
{
    const auto* r = record(row);
    return r ? QString::fromStdString(r->id) : QString();
}

const store::PostRecord* PostListModel::record(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_rows.size()))
        return nullptr;
    return &m_rows[static_cast<std::size_t>(row)];
}

int PostListModel::rowOf(const QString& postId) const
{
    const std::string id = postId.toStdString();
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id)
            return static_cast<int>(i);
    return -1;
}

} // namespace postern::gui
