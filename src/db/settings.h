// db::Settings: what the database layer needs to know (the DB_* settings),
// filled in by config::Config. The only input src/db takes from the rest of
// restd, besides the pool observer the metrics install (db/pool.h).
#pragma once

#include <string>

namespace restd::db {

struct Settings {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string socket;  // when set, used instead of host:port
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
};

}  // namespace restd::db
