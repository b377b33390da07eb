// SPDX-License-Identifier: Apache-2.0
// db::Error: what the database layer throws. Connector/C++ exceptions are
// caught at the edge of src/db and turned into one of these kinds, so nothing
// above src/db sees sql:: types. src/db knows nothing of HTTP: the dispatcher
// maps a kind to the HTTP contract (app/db_errors.h).
#pragma once

#include <stdexcept>
#include <string>

namespace restd::db {

enum class ErrorKind {
    Duplicate,    // 1062: unique key taken
    ForeignKey,   // 1451/1452: referenced row missing or still referenced
    Deadlock,     // 1213/1205: transaction may be retried
    Unavailable,  // connection lost/refused, pool wait exceeded, server shutting down
    // 1290/1836: the server runs read_only (maintenance, a failover): it
    // refuses writes on a connection that stays good for reads.
    ReadOnly,
    Timeout,  // 1969/1317: statement time limit hit
    // A list's own statement limit (DB_LIST_TIMEOUT_MS), hit by a list that
    // is searched (the client's search text decides the cost) or not.
    SearchTimeout,
    ListTimeout,
    BadCursor,  // a list cursor that is forged or belongs to another sort
    Other,
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, int code, const std::string& message, int limitMs = 0)
        : std::runtime_error(message), kind_(kind), code_(code), limitMs_(limitMs) {}
    ErrorKind kind() const { return kind_; }
    int code() const { return code_; }        // MariaDB/client error number, 0 for restd's own
    int limitMs() const { return limitMs_; }  // SearchTimeout, ListTimeout: the limit hit
    // The connection that raised it cannot be used again.
    bool connectionLost() const;

  private:
    ErrorKind kind_;
    int code_;
    int limitMs_;
};

// Classifies a MariaDB server or client error number.
ErrorKind classify(int mysqlErrorCode);

// Runs fn(); a unique-key violation (1062) is thrown as conflict(error), the
// 409 that names the taken field, instead. Other errors pass unchanged.
template <class Fn, class Conflict>
auto onDuplicate(Fn&& fn, Conflict&& conflict) {
    try {
        return fn();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Duplicate) throw;
        throw conflict(e);
    }
}

}  // namespace restd::db
