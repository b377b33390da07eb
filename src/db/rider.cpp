// SPDX-License-Identifier: Apache-2.0
#include "db/rider.h"

#include <string>

#include "db/connection.h"

namespace restd::db {

namespace {
thread_local Rider* tPending = nullptr;
}  // namespace

Rider::Rider(std::string_view table, std::string_view key,
             std::span<const std::string_view> columns, int64_t value)
    : table_(table), key_(key), columns_(columns), value_(value) {}

std::string Rider::selectList(std::string_view alias) const {
    std::string out;
    for (std::string_view column : columns_) {
        if (!out.empty()) out += ", ";
        out.append(alias).append(".").append(column);
    }
    return out;
}

std::string Rider::tableAs(std::string_view alias) const {
    return std::string(table_) + " " + std::string(alias);
}

std::string Rider::keyIs(std::string_view alias) const {
    return std::string(alias) + "." + std::string(key_) + " = ?";
}

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
    const std::string alone =
        "SELECT " + selectList("r") + " FROM " + tableAs("r") + " WHERE " + keyIs("r");
    Rows rows = conn.prepareCarrying(alone, *this).bind(value_).query();
    deliver(rows.next() ? &rows : nullptr, 1);
}

}  // namespace restd::db
