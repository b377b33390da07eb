// SPDX-License-Identifier: Apache-2.0
// ReadPool: the replicas (DB_READ_HOSTS) that serve the reads of the routes
// that allow it (router::Reads::Replica), one Pool per replica beside the
// worker's primary pool.
//
// Reads stay causal: before a replica serves a read, it must have applied
// everything the primary had committed when the read began (the primary's
// @@gtid_binlog_pos, waited for on the replica with MASTER_GTID_WAIT). So a
// caller always reads its own writes, whichever worker or host served them,
// and no client ever sees a row go back in time. The price is one trivial
// statement on the primary per read, against the read itself moving to the
// replica. A replica that does not get there within DB_READ_MAX_LAG_MS, or
// fails, is passed over for DB_READ_RETRY_MS; with none left, the read goes
// to the primary.
//
// The caller's row of an authenticated request (db/rider.h) is read on the
// primary, with the position: whether a token was revoked is the primary's
// to say. Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/pool.h"

namespace restd::db {

class ReadPool {
  public:
    ReadPool(const Settings& config, Pool& primary);

    // Runs fn(Connection&), a read outside any transaction, on a replica that
    // has caught up, else on the primary. A replica whose connection is lost
    // mid-read is passed over and the read runs again on the primary.
    template <class Fn>
    auto read(Fn&& fn) {
        if (std::optional<Picked> picked = replicaLease()) {
            try {
                return fn(*picked->lease);
            } catch (const Error& e) {
                if (!e.connectionLost()) throw;
                passOver(picked->index, false, e.what());
            }
        }
        return primary_.read(fn);
    }

    size_t size() const { return replicas_.size(); }

  private:
    struct Replica {
        std::unique_ptr<Pool> pool;
        std::atomic<int64_t> skipUntilMs{0};  // steady clock; 0: in use
    };

    struct Picked {
        Pool::Lease lease;
        size_t index;  // into replicas_
    };

    // A lease on a replica that has applied the primary's position, or none.
    std::optional<Picked> replicaLease();
    // The primary's position now; reads the pending caller row first.
    std::string primaryPosition();
    // `error`: what failed, for the log ("" when it lagged).
    void passOver(size_t index, bool lagging, std::string_view error = {});

    Pool& primary_;
    const int maxLagMs_;
    const int retryMs_;
    std::vector<Replica> replicas_;
    std::atomic<size_t> next_{0};  // round robin over the replicas
};

}  // namespace restd::db
