// SPDX-License-Identifier: Apache-2.0
#include "db/list_query.h"

#include "common/log.h"
#include "db/count_cache.h"

namespace restd::db {

std::string containsPattern(std::string_view text) {
    std::string p = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '!') p += '!';
        p += c;
    }
    p += '%';
    return p;
}

namespace {

// Whether the id follows the sort key in ORDER BY and in a cursor's condition.
// A unique key orders alone, so that its index serves the ORDER BY: with the
// id after it MariaDB read every row and sorted them.
bool idBreaksTies(const PageQuery& q) { return q.sort.column != q.idColumn && !q.sort.unique; }

}  // namespace

namespace {

// The bound value of a cursor-like key: ids and numeric sort keys as integers.
Param keyParam(const PageQuery& q, const Cursor& c) {
    if (q.sort.column == q.idColumn) return c.id;
    if (q.sort.numeric) return static_cast<int64_t>(std::stoll(c.value));
    return c.value;
}

// "(sort, id) <op> (key)" as one range on the sort index: `key <op>= ? AND
// (key, id) <op> (?, ?)` lets the optimizer plan a range on the key's index
// and check the row comparison on each row it reads; the equivalent "key < ?
// OR id < ?" makes the primary key a candidate too, which MariaDB 10.11
// weighs while planning every page. A unique key needs no tie-breaker.
std::string keyCondition(const PageQuery& q, std::string_view op, std::string_view opOrEqual) {
    if (!idBreaksTies(q)) return std::string(q.sort.column) + " " + std::string(op) + " ?";
    return std::string(q.sort.column) + " " + std::string(opOrEqual) + " ? AND (" +
           std::string(q.sort.column) + ", " + std::string(q.idColumn) + ") " + std::string(op) +
           " (?, ?)";
}

void addKeyParams(std::vector<Param>& params, const PageQuery& q, const Cursor& c) {
    Param key = keyParam(q, c);
    params.push_back(key);
    if (idBreaksTies(q)) {
        params.push_back(std::move(key));
        params.emplace_back(c.id);
    }
}

// Rows after the cursor: past it in the sort order.
std::string afterCondition(const PageQuery& q) {
    return q.descending ? keyCondition(q, "<", "<=") : keyCondition(q, ">", ">=");
}

// Rows up to the search window's last row, that row included.
std::string windowCondition(const PageQuery& q) {
    return q.descending ? keyCondition(q, ">=", ">=") : keyCondition(q, "<=", "<=");
}

// WHERE with the filters, then the cursor's and the window's conditions, in
// the order pageParams() and countParams() bind them.
std::string whereSql(const PageQuery& q, bool withCursor) {
    std::string sql = q.where.sql;
    auto add = [&sql](const std::string& condition) {
        sql += sql.empty() ? " WHERE " : " AND ";
        sql += condition;
    };
    if (withCursor && q.after) add(afterCondition(q));
    if (q.windowEnd) add(windowCondition(q));
    return sql;
}

std::string orderBySql(const PageQuery& q) {
    const char* dir = q.descending ? " DESC" : " ASC";
    std::string orderBy = " ORDER BY " + std::string(q.sort.column) + dir;
    if (idBreaksTies(q)) orderBy += ", " + std::string(q.idColumn) + dir;
    return orderBy;
}

}  // namespace

std::string pageSql(const PageQuery& q, const Rider* rider) {
    const std::string orderBy = orderBySql(q);
    std::string sql(q.select);
    sql += ", " + std::string(q.sort.column) + ", " + std::string(q.idColumn);
    if (rider) sql += ", " + rider->selectList("rdr");
    auto addJoins = [&] {
        if (!q.joins.empty()) sql += " " + std::string(q.joins);
        if (rider) sql += " JOIN " + rider->tableAs("rdr") + " ON " + rider->keyIs("rdr");
    };
    if (!q.after && q.offset > 0) {
        // Deferred join: ids of the page from the index, then their rows.
        sql += " FROM (SELECT " + std::string(q.idColumn) + " AS id FROM " + std::string(q.table) +
               whereSql(q, false) + orderBy + " LIMIT ? OFFSET ?) k";
        sql +=
            " STRAIGHT_JOIN " + std::string(q.table) + " ON " + std::string(q.idColumn) + " = k.id";
        addJoins();
        return sql + orderBy;
    }

    sql += " FROM " + std::string(q.table);
    addJoins();
    // Page 1 reads the first rows of the sort index directly (the derived
    // table of a deferred join would cost a temporary table and a sort, more
    // than the page itself); a cursor page seeks past its key.
    sql += whereSql(q, true) + orderBy;
    return sql + (q.after ? " LIMIT ?" : " LIMIT ? OFFSET ?");
}

std::vector<Param> pageParams(const PageQuery& q, const Rider* rider) {
    const bool deferred = !q.after && q.offset > 0;
    std::vector<Param> params;
    // The rider's join comes before WHERE, or after the deferred join's subquery.
    if (rider && !deferred) params.emplace_back(rider->value());
    params.insert(params.end(), q.where.params.begin(), q.where.params.end());
    if (q.after) addKeyParams(params, q, *q.after);
    if (q.windowEnd) addKeyParams(params, q, *q.windowEnd);
    params.emplace_back(q.limit + 1);
    if (!q.after) params.emplace_back(q.offset);
    if (rider && deferred) params.emplace_back(rider->value());
    return params;
}

std::optional<Cursor> searchWindowEnd(Connection& conn, const PageQuery& q) {
    // The sort index alone, from where the page starts: filters and the
    // search itself aside, so that this walk is bounded too.
    std::string sql = "SELECT " + std::string(q.sort.column) + ", " + std::string(q.idColumn) +
                      " FROM " + std::string(q.table) + " FORCE INDEX (" +
                      std::string(q.sort.index) + ")";
    std::vector<Param> params;
    if (q.after) {
        sql += " WHERE " + afterCondition(q);
        addKeyParams(params, q, *q.after);
    }
    sql += orderBySql(q) + " LIMIT 1 OFFSET " + std::to_string(kSearchWindowRows - 1);
    Rows rows = queryList(conn, q, sql, params, Shape::Read);
    if (!rows.next()) return std::nullopt;
    return Cursor{std::string(q.sort.field), q.descending, rows.getString(1), rows.getInt64(2)};
}

std::string countSql(const PageQuery& q) {
    return "SELECT COUNT(*) FROM " + std::string(q.table) + q.where.sql;
}

int64_t countRows(Connection& conn, const PageQuery& q) {
    std::string sql = countSql(q);
    // The cache key: the statement and its values, each tagged by type.
    std::string key = sql;
    for (const Param& p : q.where.params) {
        key += '\0';
        std::visit(
            [&key](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>)
                    key += "s" + v;
                else if constexpr (std::is_same_v<T, bool>)
                    key += v ? "b1" : "b0";
                else
                    key += "i" + std::to_string(v);
            },
            p);
    }
    auto now = CountCache::Clock::now();
    if (auto cached = CountCache::instance().get(key, now)) return *cached;
    // Only a searched COUNT has the list limit. Without a search it reads at
    // most the table's entries in one index, and its total is reused (see
    // CountCache): under a short limit, a busy database would refuse the
    // first page of every large list, as each worker recounts it.
    Rows c = queryList(conn, q, sql, q.where.params, Shape::Read, q.searched);
    c.next();
    int64_t total = c.getInt64(1);
    CountCache::instance().put(key, total, now);
    return total;
}

Rows queryList(Connection& conn, const PageQuery& q, const std::string& sql,
               const std::vector<Param>& params, Shape shape, bool limited, Rider* carried) {
    try {
        const std::string& prefix = limited ? conn.listLimitPrefix() : std::string();
        Statement st = shape == Shape::Read ? conn.prepareRead(prefix + sql)
                       : carried            ? conn.prepareCarrying(prefix + sql, *carried)
                                            : conn.prepare(prefix + sql);
        bindAll(st, params);
        return st.query();
    } catch (const Error& e) {
        // Without a list limit, the session's statement limit tripped: the
        // database's usual 503.
        if (e.kind() != ErrorKind::Timeout || !limited || conn.listTimeoutMs() == 0) throw;
        log::warn(
            "list statement over DB_LIST_TIMEOUT_MS",
            {{"table", q.table}, {"limitMs", conn.listTimeoutMs()}, {"searched", q.searched}});
        throw Error(q.searched ? ErrorKind::SearchTimeout : ErrorKind::ListTimeout, e.code(),
                    "list statement over DB_LIST_TIMEOUT_MS", conn.listTimeoutMs());
    }
}

void bindAll(Statement& st, const std::vector<Param>& params) {
    for (const Param& p : params) {
        std::visit(
            [&st](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>)
                    st.bind(std::string_view(v));
                else
                    st.bind(v);
            },
            p);
    }
}

}  // namespace restd::db

namespace restd::db {

void applyCursor(PageQuery& q, const std::string& text, const common::KeySet& key) {
    auto cursor = decodeCursor(text, key);
    if (!cursor || cursor->field != q.sort.field || cursor->descending != q.descending) {
        throw Error(ErrorKind::BadCursor, 0, "invalid list cursor");
    }
    q.after = std::move(*cursor);
}

}  // namespace restd::db
