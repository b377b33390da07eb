// SPDX-License-Identifier: Apache-2.0
#include "db/connection.h"

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>

#include "db/rider.h"

namespace restd::db {

namespace {

// get_driver_instance() is not thread-safe on its first call.
sql::Driver* driver() {
    static sql::Driver* instance = get_driver_instance();
    return instance;
}

constexpr int kNullType = 0;  // sql::DataType::SQLNULL

}  // namespace

void initDriver() { driver(); }
void threadInit() { driver()->threadInit(); }
void threadEnd() { driver()->threadEnd(); }

void rethrowSqlError(Connection* conn) {
    try {
        throw;
    } catch (const sql::SQLException& e) {
        int code = e.getErrorCode();
        Error err(classify(code), code, e.what());
        if (conn && (err.connectionLost() || err.kind() == ErrorKind::Unavailable)) {
            conn->markBroken();
        }
        throw err;
    }
}

// ---- Rows

Rows::Rows(std::unique_ptr<sql::ResultSet> rs) : rs_(std::move(rs)) {}
Rows::~Rows() = default;
Rows::Rows(Rows&&) noexcept = default;

bool Rows::next() {
    if (empty_) return false;
    if (primed_) {
        primed_ = false;
        return true;
    }
    return rs_->next();
}
bool Rows::isNull(int c) const { return rs_->isNull(static_cast<uint32_t>(base_ + c)); }
int64_t Rows::getInt64(int c) const { return rs_->getInt64(static_cast<uint32_t>(base_ + c)); }
uint64_t Rows::getUInt64(int c) const { return rs_->getUInt64(static_cast<uint32_t>(base_ + c)); }
bool Rows::getBool(int c) const { return rs_->getBoolean(static_cast<uint32_t>(base_ + c)); }
std::string Rows::getString(int c) const {
    sql::SQLString value = rs_->getString(static_cast<uint32_t>(base_ + c));
    return std::move(*value.operator->());  // the connector's copy, moved out, not copied again
}
size_t Rows::rowCount() const { return empty_ ? 0 : rs_->rowsCount(); }

// Row layout of a statement that carries a rider (Connection::prepareRow):
// the rider's columns, a marker that is NULL when the statement itself found
// no row, then the statement's columns. No row at all: the rider's row is
// missing.
void Rows::unwrap(Rider& rider) {
    if (!rs_->next()) {
        empty_ = true;
        rider.deliver(nullptr, 0);
        return;
    }
    rider.deliver(this, 1);
    base_ = rider.columns() + 1;
    if (rs_->isNull(static_cast<uint32_t>(base_)))
        empty_ = true;
    else
        primed_ = true;
}

// ---- Statement

Statement::Statement(sql::PreparedStatement& ps, Connection& conn) : ps_(ps), conn_(conn) {}

Statement& Statement::bind(int64_t value) {
    ps_.setInt64(static_cast<unsigned>(next_++), value);
    return *this;
}
Statement& Statement::bind(std::string_view value) {
    ps_.setString(static_cast<unsigned>(next_++), sql::SQLString(std::string(value)));
    return *this;
}
Statement& Statement::bind(bool value) {
    ps_.setBoolean(static_cast<unsigned>(next_++), value);
    return *this;
}
Statement& Statement::bindNull() {
    ps_.setNull(static_cast<unsigned>(next_++), kNullType);
    return *this;
}

Rows Statement::query() {
    try {
        conn_.touch();
        Rows rows(std::unique_ptr<sql::ResultSet>(ps_.executeQuery()));
        if (wrapped_) rows.unwrap(*wrapped_);
        return rows;
    } catch (const sql::SQLException&) {
        rethrowSqlError(&conn_);
    }
}

uint64_t Statement::execute() {
    try {
        conn_.touch();
        return static_cast<uint64_t>(ps_.executeUpdate());
    } catch (const sql::SQLException&) {
        rethrowSqlError(&conn_);
    }
}

// ---- Connection

Connection::Connection(const Settings& config, const Endpoint& server) : server_(server.text()) {
    sql::ConnectOptionsMap opts;
    if (!server.socket.empty()) {
        opts["hostName"] = sql::SQLString("localhost");
        opts["socket"] = sql::SQLString(server.socket);
    } else {
        opts["hostName"] = sql::SQLString("tcp://" + server.text());
    }
    opts["userName"] = sql::SQLString(config.user);
    opts["password"] = sql::SQLString(config.password);
    opts["schema"] = sql::SQLString(config.name);
    opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    opts["OPT_RECONNECT"] = false;  // reconnects are the pool's job, with fresh session settings
    int connectSeconds = std::max(1, config.connectTimeoutMs / 1000);
    opts["OPT_CONNECT_TIMEOUT"] = connectSeconds;
    // A read timeout bounds a hung server; it stays above the statement limit.
    opts["OPT_READ_TIMEOUT"] = std::max(5, config.statementTimeoutMs / 1000 + 5);
    opts["OPT_WRITE_TIMEOUT"] = std::max(5, config.statementTimeoutMs / 1000 + 5);
    try {
        conn_.reset(driver()->connect(opts));
        std::unique_ptr<sql::Statement> st(conn_->createStatement());
        st->execute("SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_520_ci");
        // A page of a list filtered by an OR (posts visible to the caller:
        // published OR own) must walk the sort index and stop after LIMIT rows.
        // Under concurrent load MariaDB 10.11 sometimes picks a sort-union
        // index merge instead, which reads and filesorts every match, so a
        // page's cost grows with the list instead of its LIMIT. No query here
        // gains from an index merge (lists follow a sort index; their ORs are
        // of LIKEs on contained text), and planning one for each OR is paid
        // on every page.
        st->execute("SET optimizer_switch = 'index_merge=off'");
        if (config.statementTimeoutMs > 0) {
            st->execute("SET max_statement_time = " +
                        std::to_string(config.statementTimeoutMs / 1000.0));
        }
        // A Galera node outside the primary component (cut off from the
        // others, or still joining) accepts connections but refuses work:
        // such a node counts as unreachable, so the pool tries the next.
        // (Without Galera, wsrep_on is OFF and wsrep_ready OFF too.)
        std::unique_ptr<sql::ResultSet> ready(st->executeQuery(
            "SELECT @@wsrep_on, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
            "WHERE VARIABLE_NAME = 'WSREP_READY')"));
        if (ready->next() && ready->getInt(1) == 1 && ready->getString(2) != "ON") {
            throw Error(ErrorKind::Unavailable, 1047,
                        "Galera node " + server.text() + " is not ready (wsrep_ready OFF)");
        }
    } catch (const sql::SQLException&) {
        rethrowSqlError(nullptr);
    }
    listTimeoutMs_ = config.listTimeoutMs;
    if (config.listTimeoutMs > 0) {
        listLimitPrefix_ =
            "SET STATEMENT max_statement_time = " + std::to_string(config.listTimeoutMs / 1000.0) +
            " FOR ";
    }
    openedAt_ = lastUsed_ = std::chrono::steady_clock::now();
}

Connection::~Connection() {
    statements_.clear();
    try {
        if (conn_) conn_->close();
    } catch (const sql::SQLException&) {
        // The session is already gone; nothing to release.
    }
}

Statement Connection::prepare(std::string_view text) {
    if (Rider* rider = pendingRider()) rider->bringAlone(*this);
    return cached(text);
}

Statement Connection::prepareCarrying(std::string_view text,
                                      Rider& /*rider: delivered by the caller*/) {
    return cached(text);
}

Statement Connection::prepareRow(const RowQuery& q) {
    Rider* rider = pendingRider();
    std::string sql;
    if (!rider) {
        sql.append(q.select).append(" FROM ").append(q.from).append(" WHERE ").append(q.where);
        return cached(sql);
    }
    // The rider drives: no row at all when its row is missing; the
    // statement's columns NULL (present_, its key, too) when only the
    // statement's row is. Both are primary-key lookups MariaDB reads as constants, so this
    // costs what the statement alone does, plus a few columns.
    std::string_view columns = q.select.substr(q.select.find_first_not_of(' ', 6));
    sql.append("SELECT ")
        .append(rider->selectList("rdr"))
        .append(", ")
        .append(q.key)
        .append(" AS present_, ")
        .append(columns)
        .append(" FROM ")
        .append(rider->tableAs("rdr"))
        .append(" LEFT JOIN (")
        .append(q.from)
        .append(") ON ")
        .append(q.where)
        .append(" WHERE ")
        .append(rider->keyIs("rdr"));
    Statement st = cached(sql);
    st.wrapped_ = rider;
    // The rider's key is the last placeholder; the statement binds its own
    // from the first.
    const auto own = std::count(q.where.begin(), q.where.end(), '?');
    st.ps_.setInt64(static_cast<unsigned>(own + 1), rider->value());
    return st;
}

Statement Connection::prepareRead(std::string_view text) { return cached(text); }

Statement Connection::cached(std::string_view text) {
    std::string key(text);
    auto it = statements_.find(key);
    if (it == statements_.end()) {
        try {
            std::unique_ptr<sql::PreparedStatement> ps(conn_->prepareStatement(key));
            it = statements_.emplace(std::move(key), std::move(ps)).first;
        } catch (const sql::SQLException&) {
            rethrowSqlError(this);
        }
    } else {
        it->second->clearParameters();
    }
    return Statement(*it->second, *this);
}

void Connection::run(const char* text) {
    try {
        touch();
        std::unique_ptr<sql::Statement> st(conn_->createStatement());
        st->execute(text);
    } catch (const sql::SQLException&) {
        rethrowSqlError(this);
    }
}

bool Connection::isAlive() {
    try {
        return !broken_ && conn_->isValid();
    } catch (const sql::SQLException&) {
        return false;
    }
}

}  // namespace restd::db
