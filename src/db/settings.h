// SPDX-License-Identifier: Apache-2.0
// db::Settings: what the database layer needs to know (the DB_* settings),
// filled in by config::Config. The only input src/db takes from the rest of
// restd, besides the pool observer the metrics install (db/pool.h).
#pragma once

#include <string>
#include <vector>

namespace restd::db {

// Where one MariaDB server listens: a unix socket, or host and port.
struct Endpoint {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string socket;  // when set, used instead of host:port

    // "host:port" ("[::1]:3306" for IPv6), or "unix:<socket>": for logs and errors.
    std::string text() const;
};

struct Settings {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string socket;  // when set, used instead of host:port
    // DB_HOSTS: the servers a write may go to, tried in order (a Galera
    // cluster's nodes). Empty: the one server above.
    std::vector<Endpoint> hosts;
    // DB_READ_HOSTS: replicas for the reads of routes that allow them. Empty:
    // every read goes where writes go.
    std::vector<Endpoint> readHosts;
    // A replica that has not applied the primary's position within this
    // time is passed over; so is one that failed, for readRetryMs.
    int readMaxLagMs = 1000;
    int readRetryMs = 5000;
    std::string name = "restd";
    std::string user = "restd";
    std::string password;
    // 0: one per accept thread (THREADS_PER_WORKER), so no request ever waits
    // for a connection; a smaller pool makes requests queue inside restd.
    int poolMax = 0;
    int poolIdleTimeoutMs = 30000;
    int connectTimeoutMs = 2000;
    int poolWaitMs = 1000;
    int maxLifetimeMs = 3600000;
    int statementTimeoutMs = 10000;  // MariaDB max_statement_time per session
    // A list's page statement, and the COUNT of a searched list: reads whose
    // cost the client chooses, so they get a shorter bound. 0: none.
    int listTimeoutMs = 2000;

    // The servers a write may go to: `hosts`, or the single server.
    std::vector<Endpoint> writeHosts() const;
};

}  // namespace restd::db
