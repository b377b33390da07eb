#include "db/rider.h"

#include "db/connection.h"

namespace restd::db {

namespace {
thread_local Rider* tPending = nullptr;
}  // namespace

Rider* pendingRider() { return tPending && !tPending->arrived() ? tPending : nullptr; }

Rider::Scope::Scope(Rider& rider) { tPending = &rider; }
Rider::Scope::~Scope() { tPending = nullptr; }

void Rider::deliver(const Rows* rows, int first) {
    if (arrived_) return;
    arrived_ = true;  // before arrive(): a refusal it throws is final too
    arrive(rows, first);
}

void Rider::bringAlone(Connection& conn) {
    if (arrived_) return;
    Rows rows = conn.prepareCarrying(select_, *this).bind(key_).query();
    deliver(rows.next() ? &rows : nullptr, 1);
}

}  // namespace restd::db
