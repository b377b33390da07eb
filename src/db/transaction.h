// SPDX-License-Identifier: Apache-2.0
// Transaction: RAII over START TRANSACTION / COMMIT. Rolls back on scope exit
// unless commit() succeeded. withTransaction retries the whole unit of work on
// deadlock or lock-wait timeout a bounded number of times.
#pragma once

#include "db/pool.h"

namespace restd::db {

// A read inside a transaction that is about to write the row: ForUpdate
// locks it (SELECT ... FOR UPDATE) until commit, so check-then-write steps
// (If-Match, ownership) cannot interleave with another writer.
enum class Lock { None, ForUpdate };

class Transaction {
  public:
    explicit Transaction(Connection& conn);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Connection& conn_;
    bool done_ = false;
};

inline constexpr int kDeadlockRetries = 3;

// Runs attempt() again, up to kDeadlockRetries times in all, while it fails
// with a deadlock or a lock-wait timeout (the whole unit of work is retried).
template <class Attempt>
auto retryOnDeadlock(Attempt&& attempt) {
    for (int n = 1;; ++n) {
        try {
            return attempt();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Deadlock || n >= kDeadlockRetries) throw;
        }
    }
}

// Runs fn(Connection&) inside a transaction on a pooled connection; fn commits
// nothing itself: the transaction commits when fn returns normally.
template <class Fn>
auto withTransaction(Pool& pool, Fn&& fn) {
    return retryOnDeadlock([&] {
        Pool::Lease lease = pool.acquire();
        Transaction tx(*lease);
        if constexpr (std::is_void_v<decltype(fn(*lease))>) {
            fn(*lease);
            tx.commit();
        } else {
            auto result = fn(*lease);
            tx.commit();
            return result;
        }
    });
}

// Runs fn(Connection&), a single write statement, in autocommit mode: the
// statement is its own transaction, with no START TRANSACTION and COMMIT
// round trips around it. Retried on deadlock like withTransaction; never on
// a lost connection (the write may have happened).
template <class Fn>
auto withAutocommit(Pool& pool, Fn&& fn) {
    return retryOnDeadlock([&] {
        Pool::Lease lease = pool.acquire();
        return fn(*lease);
    });
}

}  // namespace restd::db
