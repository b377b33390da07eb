// SPDX-License-Identifier: Apache-2.0
#include "db/transaction.h"

namespace restd::db {

Transaction::Transaction(Connection& conn) : conn_(conn) {
    conn_.run("START TRANSACTION");
    conn_.setInTransaction(true);
}

Transaction::~Transaction() {
    if (done_) return;
    try {
        conn_.run("ROLLBACK");
        conn_.setInTransaction(false);
    } catch (const Error&) {
        // The session is broken (marked by run()); the pool discards it.
    }
}

void Transaction::commit() {
    conn_.run("COMMIT");
    conn_.setInTransaction(false);
    done_ = true;
}

}  // namespace restd::db
