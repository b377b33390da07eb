// SPDX-License-Identifier: Apache-2.0
#include "db/read_pool.h"

#include <chrono>
#include <string>

#include "common/log.h"

namespace restd::db {

namespace {

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

ReadPool::ReadPool(const Settings& config, Pool& primary)
    : primary_(primary),
      maxLagMs_(config.readMaxLagMs),
      retryMs_(config.readRetryMs),
      replicas_(config.readHosts.size()) {
    for (size_t i = 0; i < replicas_.size(); ++i) {
        replicas_[i].pool = std::make_unique<Pool>(
            config, std::vector<Endpoint>{config.readHosts[i]}, PoolRole::Replica);
    }
}

// The position as a row that a pending caller row can ride on: an
// authenticated read costs the primary one round trip, not two.
constexpr RowQuery kPosition{.select = "SELECT @@gtid_binlog_pos AS position_",
                             .from = "(SELECT 1 AS one_) AS now_",
                             .where = "TRUE",
                             .key = "now_.one_"};

std::string ReadPool::primaryPosition() {
    return primary_.read([](Connection& conn) {
        Rows rows = conn.prepareRow(kPosition).query();
        return rows.next() && !rows.isNull(1) ? rows.getString(1) : std::string();
    });
}

std::optional<ReadPool::Picked> ReadPool::replicaLease() {
    const size_t count = replicas_.size();
    const size_t start = next_.fetch_add(1, std::memory_order_relaxed);
    std::optional<std::string> position;
    for (size_t i = 0; i < count; ++i) {
        const size_t at = (start + i) % count;
        Replica& replica = replicas_[at];
        const int64_t until = replica.skipUntilMs.load(std::memory_order_relaxed);
        if (until != 0 && nowMs() < until) continue;
        if (!position) position = primaryPosition();
        try {
            Pool::Lease lease = replica.pool->acquire();
            // 0: applied; -1: still behind when the time ran out.
            Rows rows = lease->prepare("SELECT MASTER_GTID_WAIT(?, ?)")
                            .bind(*position)
                            .bind(std::to_string(maxLagMs_ / 1000.0))
                            .query();
            if (rows.next() && !rows.isNull(1) && rows.getInt64(1) == 0) {
                if (until != 0) {
                    replica.skipUntilMs.store(0, std::memory_order_relaxed);
                    log::info("db replica back in use",
                              {{"server", replica.pool->server().text()}});
                }
                return Picked{std::move(lease), at};
            }
            passOver(at, true);
        } catch (const Error& e) {
            passOver(at, false, e.what());
        }
    }
    return std::nullopt;
}

void ReadPool::passOver(size_t index, bool lagging, std::string_view error) {
    Replica& replica = replicas_[index];
    const int64_t was = replica.skipUntilMs.exchange(nowMs() + retryMs_, std::memory_order_relaxed);
    notePassedOver(lagging);
    if (was == 0) {
        log::warn(lagging ? "db replica lagging; reads go elsewhere for now"
                          : "db replica failed; reads go elsewhere for now",
                  {{"server", replica.pool->server().text()},
                   {"maxLagMs", maxLagMs_},
                   {"retryMs", retryMs_},
                   {"error", error}});
    }
}

}  // namespace restd::db
