// SPDX-License-Identifier: Apache-2.0
// Idempotency repository: every SQL statement about the idempotency_keys
// table (sql/002_idempotency.sql), for app/idempotency.cpp. Takes a
// connection from the caller; throws db::Error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "db/connection.h"

namespace restd::app::idempotency::repository {

// A record as stored: `status` is unset while its request runs.
struct Record {
    std::string fingerprint;
    std::optional<int> status;
    std::optional<std::string> location;
    std::string body;
    bool expired = false;    // past its 24 hours
    bool abandoned = false;  // unfinished for longer than kAbandonedAfter
    std::string createdAt;   // identifies this record for takeOver()
};

// Claims (caller, key) for a running request; false when a record exists.
bool insert(db::Connection& conn, std::string_view caller, std::string_view key,
            std::string_view fingerprint);
std::optional<Record> find(db::Connection& conn, std::string_view caller, std::string_view key);
// Deletes the record that was found (by its createdAt), not a newer claim.
void takeOver(db::Connection& conn, std::string_view caller, std::string_view key,
              std::string_view createdAt);
void store(db::Connection& conn, std::string_view caller, std::string_view key, int status,
           const std::optional<std::string_view>& location, std::string_view body);
// Drops an unfinished claim (the request failed with 5xx: a retry may run).
void release(db::Connection& conn, std::string_view caller, std::string_view key);
// Expired records: the caller's own (cheap: a primary-key prefix), and
// everyone's in a bounded batch.
void expireCaller(db::Connection& conn, std::string_view caller);
void expireSome(db::Connection& conn);

}  // namespace restd::app::idempotency::repository
