// SPDX-License-Identifier: Apache-2.0
// Refresh tokens repository: every SQL statement about refresh_tokens. Only
// the SHA-256 of a token is ever stored or looked up. Takes the caller's
// connection (and transaction); throws db::Error.
#pragma once

#include <optional>
#include <string>

#include "db/connection.h"

namespace restd::auth_tokens::repository {

struct TokenRow {
    int64_t id = 0;
    int64_t userId = 0;
    std::string familyId;  // 16 raw bytes
    bool expired = false;
    bool spent = false;
    bool revoked = false;
};

void insert(db::Connection& conn, int64_t userId, std::string_view familyId,
            std::string_view tokenHash, int ttlSeconds);
// Locks the row until the transaction ends (rotation must be atomic).
std::optional<TokenRow> findForUpdate(db::Connection& conn, std::string_view tokenHash);
std::optional<std::string> findFamily(db::Connection& conn, std::string_view tokenHash);
void markSpent(db::Connection& conn, int64_t id);
void revokeFamily(db::Connection& conn, std::string_view familyId);
// Returns how many were still live.
uint64_t revokeAllOfUser(db::Connection& conn, int64_t userId);
void deleteExpiredOfUser(db::Connection& conn, int64_t userId);

}  // namespace restd::auth_tokens::repository
