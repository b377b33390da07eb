// SPDX-License-Identifier: Apache-2.0
#include "app/idempotency_repository.h"

#include "app/idempotency.h"

namespace restd::app::idempotency::repository {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, expires_at) "
    "VALUES (?, ?, ?, NOW(3) + INTERVAL 1 DAY)";
constexpr std::string_view kFind =
    "SELECT fingerprint, status, location, body, expires_at < NOW(3), "
    "status IS NULL AND created_at < NOW(3) - INTERVAL 60 SECOND, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM idempotency_keys WHERE caller = ? AND idem_key = ?";
// Deletes exactly the record that was seen (created_at), not a newer claim.
constexpr std::string_view kTakeOver =
    "DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? "
    "AND created_at = STR_TO_DATE(?, '%Y-%m-%d %H:%i:%s.%f')";
constexpr std::string_view kStore =
    "UPDATE idempotency_keys SET status = ?, location = ?, body = ? "
    "WHERE caller = ? AND idem_key = ?";
constexpr std::string_view kRelease =
    "DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? AND status IS NULL";
constexpr std::string_view kExpireCaller =
    "DELETE FROM idempotency_keys WHERE caller = ? AND expires_at < NOW(3)";
constexpr std::string_view kExpireSome =
    "DELETE FROM idempotency_keys WHERE expires_at < NOW(3) LIMIT 1000";

static_assert(kKeepFor == std::chrono::hours(24), "kInsert says INTERVAL 1 DAY");
static_assert(kAbandonedAfter == std::chrono::seconds(60), "kFind says INTERVAL 60 SECOND");

}  // namespace

bool insert(db::Connection& conn, std::string_view caller, std::string_view key,
            std::string_view fingerprint) {
    try {
        conn.prepare(kInsert).bind(caller).bind(key).bind(fingerprint).execute();
        return true;
    } catch (const db::Error& e) {
        if (e.kind() != db::ErrorKind::Duplicate) throw;
        return false;
    }
}

std::optional<Record> find(db::Connection& conn, std::string_view caller, std::string_view key) {
    db::Rows rows = conn.prepare(kFind).bind(caller).bind(key).query();
    if (!rows.next()) return std::nullopt;
    Record r;
    r.fingerprint = rows.getString(1);
    if (!rows.isNull(2)) r.status = static_cast<int>(rows.getInt64(2));
    if (!rows.isNull(3)) r.location = rows.getString(3);
    if (!rows.isNull(4)) r.body = rows.getString(4);
    r.expired = rows.getBool(5);
    r.abandoned = rows.getBool(6);
    r.createdAt = rows.getString(7);
    return r;
}

void takeOver(db::Connection& conn, std::string_view caller, std::string_view key,
              std::string_view createdAt) {
    conn.prepare(kTakeOver).bind(caller).bind(key).bind(createdAt).execute();
}

void store(db::Connection& conn, std::string_view caller, std::string_view key, int status,
           const std::optional<std::string_view>& location, std::string_view body) {
    db::Statement st = conn.prepare(kStore);
    st.bind(static_cast<int64_t>(status));
    if (location)
        st.bind(*location);
    else
        st.bindNull();
    st.bind(body).bind(caller).bind(key).execute();
}

void release(db::Connection& conn, std::string_view caller, std::string_view key) {
    conn.prepare(kRelease).bind(caller).bind(key).execute();
}

void expireCaller(db::Connection& conn, std::string_view caller) {
    conn.prepare(kExpireCaller).bind(caller).execute();
}

void expireSome(db::Connection& conn) { conn.prepare(kExpireSome).execute(); }

}  // namespace restd::app::idempotency::repository
