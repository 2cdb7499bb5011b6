// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/store/PostRecords.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace postern::gui {

class Session;

/**
 * PostListModel shows one filtered, sorted view of the posts table a page at a time: the view
 * asks for more rows as it scrolls (canFetchMore/fetchMore), so opening a queue of 50,000 posts
 * reads one page, not 50,000 rows. Filtering and sorting happen in SQL on indexed columns.
 */
class PostListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Title,
        Channels,
        Author,
        Schedule,
        State,
        Updated,
        ColumnCount
    };
    static constexpr int kPageSize = 200;

    explicit PostListModel(Session& session, QObject* parent = nullptr);

    /** setFilter replaces the filter (limit/offset/order are the model's) and reloads. */
    void setFilter(const store::PostFilter& filter);
    [[nodiscard]] const store::PostFilter& filter() const noexcept { return m_filter; }
    /** reload re-reads the first page and the total, keeping filter and order. */
    void reload();

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    /** sort orders by Schedule, Updated (indexed); other columns keep the current order. */
    void sort(int column, Qt::SortOrder order) override;

    [[nodiscard]] std::int64_t totalCount() const noexcept { return m_total; }
    [[nodiscard]] QString postId(int row) const;
    [[nodiscard]] const store::PostRecord* record(int row) const;
    /** rowOf returns the loaded row holding `postId`, or -1. */
    [[nodiscard]] int rowOf(const QString& postId) const;

signals:
    /** loadFailed reports a store error while paging (shown in the status bar). */
    void loadFailed(const QString& message);

private:
    void loadAuthors();
    /** loadPendingOrders remembers which posts have a cancel or retract order awaiting approval. */
    void loadPendingOrders();
    /** nextPage reads the page after the loaded rows; it marks the end and reports errors. */
    [[nodiscard]] std::vector<store::PostRecord> nextPage();

    Session& m_session;
    store::PostFilter m_filter;
    std::vector<store::PostRecord> m_rows;
    std::int64_t m_total = 0;
    bool m_exhausted = true;
    QHash<std::int64_t, QString> m_authors;
    QSet<QString> m_pendingOrders;
};

/** stateTitle is a post state in the words the queues use ("In review"). */
[[nodiscard]] QString stateTitle(store::PostState state);
/** formatTime shows Unix seconds as local "yyyy-MM-dd HH:mm"; 0 as `zeroText`. */
[[nodiscard]] QString formatTime(std::int64_t unixSeconds, const QString& zeroText = {});

} // namespace postern::gui
