// SPDX-License-Identifier: Apache-2.0
// ListQuery SQL: turns a validated collection query (filters, search, sort,
// page or cursor) into one page SELECT and one COUNT, with every value bound
// as a parameter and every column name taken from an allow-list. Keyset
// cursors are opaque, HMAC-tagged (tamper-checked) and tied to the sort.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "db/connection.h"
#include "db/cursor.h"
#include "db/rider.h"
#include "db/sort_column.h"

namespace restd::db {

using Param = std::variant<int64_t, std::string, bool>;

// Conditions joined with AND, each with its bound values in order.
struct Where {
    std::string sql;
    std::vector<Param> params;
    template <class... Values>
    void add(std::string_view condition, Values&&... values) {
        sql += sql.empty() ? " WHERE " : " AND ";
        sql += condition;
        (params.emplace_back(std::forward<Values>(values)), ...);
    }
};

// LIKE pattern matching `text` anywhere, with %, _ and ! taken literally
// (use with ESCAPE '!').
std::string containsPattern(std::string_view text);

// One page of a collection. Page 1 reads the first rows of the sort index.
// Later offset pages use a deferred join: the inner
// query walks the (covering) sort index for ids only, so skipping 200,000
// rows reads index entries, not rows; then the page's rows are fetched by id.
// Cursor pages seek straight to the last key seen. The COUNT runs on `table`
// alone, so `where` may only use the table's own columns, and `joins` must be
// to-one (they add columns, never rows).
//
// A rider pending on the thread (db/rider.h: an authenticated request's
// caller) rides on the page: a join on its primary key, which MariaDB reads
// once as a constant, so the page keeps its plan. Its columns follow each
// row's sort key and id. A page without rows carries no rider row, and the
// window probe and the COUNT leave it alone: it stays pending for the
// request's next statement, or the dispatcher reads it.
struct PageQuery {
    std::string_view select;    // "SELECT <columns>" (no FROM)
    std::string_view table;     // "<table> <alias>", e.g. "posts p"
    std::string_view joins;     // "STRAIGHT_JOIN users u ON u.id = p.author_id", or empty
    std::string_view idColumn;  // "p.id"
    Where where;
    SortColumn sort;
    bool descending = true;
    std::optional<Cursor> after;  // keyset mode when set
    int64_t limit = 20;
    int64_t offset = 0;  // offset mode only
    // The request has a `search`: a statement that outruns the list time
    // limit blames it (a 400 naming `search`) instead of the database (503),
    // and the search looks only inside the window below.
    bool searched = false;
    // A searched list's window: its last row, when more than
    // kSearchWindowRows rows of the table follow the page's start in the
    // sort order (see fetchPage). Rows past it are not examined.
    std::optional<Cursor> windowEnd = std::nullopt;
};

// How many rows of a table, in the list's sort order from where the page
// starts, a searched page may examine. No index serves a substring match, so
// without a bound a search that matches little reads the whole table; with
// it, every searched page costs at most this many index entries.
inline constexpr int64_t kSearchWindowRows = 2000;

// The last row of a searched list's window (the kSearchWindowRows-th row of
// the table from the page's start, filters and search aside), or nullopt when
// the table has no more rows than that from there.
std::optional<Cursor> searchWindowEnd(Connection& conn, const PageQuery& q);

// The page SELECT fetches limit + 1 rows so the caller knows whether more
// exist, and appends the sort key and the id (then the columns of `rider`,
// which it joins) after `select`'s columns.
std::string pageSql(const PageQuery& q, const Rider* rider = nullptr);
std::string countSql(const PageQuery& q);
void bindAll(Statement& st, const std::vector<Param>& params);
std::vector<Param> pageParams(const PageQuery& q, const Rider* rider = nullptr);

// Switches `q` to keyset mode after `cursor`. Throws Error(BadCursor) when
// the cursor is forged or belongs to another sort.
void applyCursor(PageQuery& q, const std::string& cursor, const common::KeySet& key);

// The COUNT(*) of the query's matches: exact up to CountCache::kExactBelow,
// else possibly up to CountCache::kTtl old.
int64_t countRows(Connection& conn, const PageQuery& q);

// Runs one statement of the list `q`, under the connection's list time limit
// (DB_LIST_TIMEOUT_MS) when `limited`. Past it: Error(SearchTimeout) when
// the list is searched (its cost is the search's), else Error(ListTimeout).
// A Page carries `carried` in its own SQL (pageSql) when given; a Read
// (the window probe, the COUNT) leaves a pending rider pending.
enum class Shape { Page, Read };
Rows queryList(Connection& conn, const PageQuery& q, const std::string& sql,
               const std::vector<Param>& params, Shape shape, bool limited = true,
               Rider* carried = nullptr);

template <class T>
struct ListPage {
    std::vector<T> items;
    std::optional<int64_t> total;  // offset mode only: cursor pages skip the COUNT
    std::optional<std::string> nextCursor;
};

// Runs the page (and, in offset mode, the count unless the page is the last).
// `columns` is the number of columns `read` consumes from each row.
//
// A searched page looks only at the window of kSearchWindowRows rows from
// where it starts. When the window ends before the page is full, the page
// holds the matches found so far and its nextCursor continues the search
// after the window (a page may then be short, even empty, with more to come:
// the end of a list is a null nextCursor). When the table goes on past the
// window, a searched page has no total: counting would read all of it.
template <class T, class Read>
ListPage<T> fetchPage(Connection& conn, const PageQuery& query, int columns,
                      const common::KeySet& key, Read&& read) {
    std::optional<PageQuery> windowed;
    if (query.searched) {
        if (auto end = searchWindowEnd(conn, query)) {
            windowed = query;
            windowed->windowEnd = std::move(end);
        }
    }
    const PageQuery& q = windowed ? *windowed : query;
    ListPage<T> page;
    Rider* rider = pendingRider();  // after the window probe, which may have carried it
    Rows rows =
        queryList(conn, q, pageSql(q, rider), pageParams(q, rider), Shape::Page, true, rider);
    std::string lastKey;
    int64_t lastId = 0;
    while (rows.next()) {
        if (rider && page.items.empty()) rider->deliver(&rows, columns + 3);
        if (static_cast<int64_t>(page.items.size()) == q.limit) {
            page.nextCursor =
                encodeCursor({std::string(q.sort.field), q.descending, lastKey, lastId}, key);
            break;
        }
        page.items.push_back(read(rows));
        // The cursor continues after the page's last row: only that row's
        // sort key is read (the connector formats each value it is asked for).
        if (static_cast<int64_t>(page.items.size()) == q.limit) {
            lastKey = rows.getString(columns + 1);
            lastId = rows.getInt64(columns + 2);
        }
    }
    if (q.windowEnd && !page.nextCursor) page.nextCursor = encodeCursor(*q.windowEnd, key);
    if (!q.after && !q.windowEnd) {
        // The last page knows the total: no COUNT, which for a search that
        // matches little would read the whole list a second time.
        const bool last = !page.nextCursor && (q.offset == 0 || !page.items.empty());
        page.total = last ? q.offset + static_cast<int64_t>(page.items.size()) : countRows(conn, q);
    }
    return page;
}

}  // namespace restd::db
