// SPDX-License-Identifier: Apache-2.0
// Connection: one MariaDB session with its cache of server-side prepared
// statements, and the Statement/Rows wrappers repositories use. Used by one
// thread at a time (through a Pool::Lease). Every Connector/C++ exception is
// turned into db::Error here.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "db/error.h"
#include "db/settings.h"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace restd::db {

class Rider;

// A read of one row in parts, so that a rider can join it
// (Connection::prepareRow).
struct RowQuery {
    std::string_view select;  // "SELECT u.id, u.email" (distinct names)
    std::string_view from;    // "users u", or a join: "posts p JOIN users u ON ..."
    std::string_view where;   // "u.id = ?"
    std::string_view key;     // a column never NULL in a found row: "u.id"
};

// Result rows of a query; columns are 1-based as in SQL.
class Rows {
  public:
    explicit Rows(std::unique_ptr<sql::ResultSet> rs);
    ~Rows();
    Rows(Rows&&) noexcept;
    bool next();
    bool isNull(int column) const;
    int64_t getInt64(int column) const;
    uint64_t getUInt64(int column) const;
    bool getBool(int column) const;
    std::string getString(int column) const;
    size_t rowCount() const;

  private:
    friend class Statement;
    // The result of a statement that carries `rider` (prepareRow): hands the
    // rider its columns, then shows only the statement's own.
    void unwrap(Rider& rider);

    std::unique_ptr<sql::ResultSet> rs_;
    int base_ = 0;         // columns before the statement's own
    bool primed_ = false;  // the first row is fetched already
    bool empty_ = false;
};

// A cached prepared statement; bind() appends positional parameters.
class Connection;

class Statement {
  public:
    Statement(sql::PreparedStatement& ps, Connection& conn);
    Statement& bind(int64_t value);
    Statement& bind(std::string_view value);
    Statement& bind(bool value);
    Statement& bindNull();
    Rows query();
    uint64_t execute();  // affected rows

  private:
    friend class Connection;
    sql::PreparedStatement& ps_;
    Connection& conn_;
    int next_ = 1;
    Rider* wrapped_ = nullptr;  // this statement carries the rider (prepareRow)
};

class Connection {
  public:
    // Opens a session with `server` (utf8mb4, UTC, statement time limit).
    // Throws db::Error, Unavailable also for a Galera node that is not ready.
    Connection(const Settings& config, const Endpoint& server);
    ~Connection();

    // The statement for `sql`, prepared once per connection and reused. A
    // rider pending on the thread (db/rider.h) is brought alone first.
    Statement prepare(std::string_view sql);
    // A read of at most one row, "<select> FROM <from> WHERE <where>" (the
    // parameters all in `where`). A pending rider rides on it: one round
    // trip reads both rows. Never locks (FOR UPDATE reads use prepare()).
    Statement prepareRow(const RowQuery& query);
    // A read that leaves a pending rider pending, for a later statement to
    // carry or bring (a list's window probe and COUNT: list_query.h).
    Statement prepareRead(std::string_view sql);
    // A statement whose SQL reads `rider`'s row itself; the caller delivers
    // it (Rider::deliver). No rider is brought first.
    Statement prepareCarrying(std::string_view sql, Rider& rider);
    // Plain statement without parameters (START TRANSACTION, SELECT 1).
    void run(const char* sql);
    // Pings the server; false when the session is gone.
    bool isAlive();

    std::chrono::steady_clock::time_point openedAt() const { return openedAt_; }
    std::chrono::steady_clock::time_point lastUsed() const { return lastUsed_; }
    void touch() { lastUsed_ = std::chrono::steady_clock::now(); }
    // Set once a lost-connection error happened: the pool discards it.
    bool broken() const { return broken_; }
    // The server it talks to, as Endpoint::text() names it.
    const std::string& server() const { return server_; }
    void markBroken() { broken_ = true; }
    bool inTransaction() const { return inTransaction_; }
    void setInTransaction(bool v) { inTransaction_ = v; }

    // "SET STATEMENT max_statement_time = <DB_LIST_TIMEOUT_MS> FOR ", to put
    // before a list's statements; empty when lists have no bound of their own.
    const std::string& listLimitPrefix() const { return listLimitPrefix_; }
    int listTimeoutMs() const { return listTimeoutMs_; }

  private:
    // The prepared statement for `sql`, with no rider check.
    Statement cached(std::string_view sql);

    std::unique_ptr<sql::Connection> conn_;
    std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
    std::chrono::steady_clock::time_point openedAt_;
    std::chrono::steady_clock::time_point lastUsed_;
    bool broken_ = false;
    std::string server_;
    bool inTransaction_ = false;
    std::string listLimitPrefix_;
    int listTimeoutMs_ = 0;
};

// The driver must be initialised once per process before threads use it, and
// each thread that talks to MariaDB must register (the C client keeps per-thread state).
void initDriver();
void threadInit();
void threadEnd();

// Converts a Connector/C++ exception into db::Error, marking `conn` broken when
// the session is lost. Call only from inside a catch (sql::SQLException&) block.
[[noreturn]] void rethrowSqlError(Connection* conn);

}  // namespace restd::db
