// SPDX-License-Identifier: Apache-2.0
// Pool: the database connections of one worker process, shared by its threads.
// Created after fork (never inherited across it). acquire() hands out a Lease
// that returns the connection when destroyed; a connection that failed with a
// lost-connection error is discarded instead. Waits at most poolWaitMs for a
// free slot, then throws db::Error(Unavailable). Logs a connection it
// discards as lost, and the first successful connect after such losses or
// failed connects ("db reconnected"). Thread-safe.
//
// A pool may have several servers (DB_HOSTS: a Galera cluster's nodes). It
// connects to the one that worked last; when that one cannot be reached or
// is not ready, it tries the next in turn and stays there ("db server
// switched"). When a connection breaks, the idle ones to the same server are
// closed with it (a server that dropped one has usually dropped all: a
// retried read must not meet the next dead one), and new connections start
// from the next server.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "db/connection.h"
#include "db/settings.h"

namespace restd::db {

struct PoolStats {
    int inUse = 0;
    int idle = 0;
    int waiting = 0;
};

class Pool;

// What pools report as they work, for restd's metrics (installed by the
// worker at start; app/metrics.cpp). Process-wide; set before threads start.
// Each member may be null.
struct PoolObserver {
    // Every acquire(), returned or thrown, after the pool's lock is released.
    void (*checkedOut)(const Pool& pool, std::chrono::nanoseconds waited) = nullptr;
    // A connection came back (or was discarded).
    void (*released)(const Pool& pool) = nullptr;
    // A checkout gave up waiting (the request gets 503).
    void (*timedOut)() = nullptr;
    // The read pool passed a replica over (db/read_pool.h): it lagged past
    // DB_READ_MAX_LAG_MS, or failed.
    void (*replicaPassedOver)(bool lagging) = nullptr;
};
void observePools(PoolObserver observer);
// Reports to the observer's replicaPassedOver, if any.
void notePassedOver(bool lagging);

// The connection this thread holds a lease on (its first, when it holds
// several), or nullptr: where a statement that must run now, in the middle
// of a handler's work, goes without taking a second connection from the
// pool (Rider's caller check, auth/authenticate.h).
Connection* leasedConnection();

// Whom a pool serves, for metrics: the primary (writes and the reads that
// must see them), or a replica of the read pool (db/read_pool.h).
enum class PoolRole { Primary, Replica };

class Pool {
  public:
    // The primary pool: Settings::writeHosts().
    explicit Pool(const Settings& config);
    // A pool of `servers` in `role`.
    Pool(Settings config, std::vector<Endpoint> servers, PoolRole role);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    class Lease {
      public:
        Lease(Pool* pool, std::unique_ptr<Connection> conn);
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        Connection& operator*() { return *conn_; }
        Connection* operator->() { return conn_.get(); }

      private:
        Pool* pool_;
        std::unique_ptr<Connection> conn_;
    };

    Lease acquire();
    PoolStats stats() const;
    PoolRole role() const { return role_; }
    // The server new connections go to now.
    Endpoint server() const;

    // Runs fn(Connection&) and, when the connection turns out to be dead
    // (server restarted, idle timeout), retries once on a fresh one. Only for
    // statements that are safe to repeat: reads outside a transaction.
    template <class Fn>
    auto read(Fn&& fn) {
        try {
            Lease lease = acquire();
            return fn(*lease);
        } catch (const Error& e) {
            if (!e.connectionLost()) throw;
        }
        Lease lease = acquire();
        return fn(*lease);
    }

  private:
    void release(std::unique_ptr<Connection> conn);
    // Opens a connection: the current server first, then each other in turn.
    // Called without the lock held.
    std::unique_ptr<Connection> connect();
    // Under mutex_: a connection was found dead, or a connect failed.
    void noteTrouble(bool connectionLost);
    // Under mutex_: `broken` broke; moves its server's idle connections to
    // `discard`, and new connections on to the next server. Returns the
    // server new connections go to when that changed, else "".
    std::string leaveServer(const Connection& broken,
                            std::vector<std::unique_ptr<Connection>>& discard);

    const Settings config_;
    const std::vector<Endpoint> servers_;
    const PoolRole role_;
    mutable std::mutex mutex_;
    size_t current_ = 0;  // index into servers_
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;  // most recently used at the back
    int open_ = 0;                                   // idle + leased + being opened
    int waiting_ = 0;
    // Since the last good connect: connections discarded as lost, failed
    // connects, and when the first of these happened.
    int lost_ = 0;
    int failedConnects_ = 0;
    std::chrono::steady_clock::time_point troubleSince_{};
};

}  // namespace restd::db
