// SPDX-License-Identifier: Apache-2.0
#include "resources/auth/repository.h"

namespace restd::auth_tokens::repository {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, created_at) "
    "VALUES (?, ?, ?, NOW(3) + INTERVAL ? SECOND, NOW(3))";

constexpr std::string_view kFindForUpdate =
    "SELECT id, user_id, family_id, expires_at <= NOW(3), spent_at IS NOT NULL, "
    "revoked_at IS NOT NULL FROM refresh_tokens WHERE token_hash = ? FOR UPDATE";

constexpr std::string_view kFindFamily =
    "SELECT family_id FROM refresh_tokens WHERE token_hash = ?";

constexpr std::string_view kMarkSpent = "UPDATE refresh_tokens SET spent_at = NOW(3) WHERE id = ?";

constexpr std::string_view kRevokeFamily =
    "UPDATE refresh_tokens SET revoked_at = NOW(3) WHERE family_id = ? AND revoked_at IS NULL";

constexpr std::string_view kRevokeAllOfUser =
    "UPDATE refresh_tokens SET revoked_at = NOW(3) WHERE user_id = ? AND revoked_at IS NULL";

constexpr std::string_view kDeleteExpiredOfUser =
    "DELETE FROM refresh_tokens WHERE user_id = ? AND expires_at < NOW(3)";

}  // namespace

void insert(db::Connection& conn, int64_t userId, std::string_view familyId,
            std::string_view tokenHash, int ttlSeconds) {
    conn.prepare(kInsert)
        .bind(userId)
        .bind(familyId)
        .bind(tokenHash)
        .bind(static_cast<int64_t>(ttlSeconds))
        .execute();
}

std::optional<TokenRow> findForUpdate(db::Connection& conn, std::string_view tokenHash) {
    db::Rows r = conn.prepare(kFindForUpdate).bind(tokenHash).query();
    if (!r.next()) return std::nullopt;
    return TokenRow{r.getInt64(1), r.getInt64(2), r.getString(3),
                    r.getBool(4),  r.getBool(5),  r.getBool(6)};
}

std::optional<std::string> findFamily(db::Connection& conn, std::string_view tokenHash) {
    db::Rows r = conn.prepare(kFindFamily).bind(tokenHash).query();
    if (!r.next()) return std::nullopt;
    return r.getString(1);
}

void markSpent(db::Connection& conn, int64_t id) { conn.prepare(kMarkSpent).bind(id).execute(); }

void revokeFamily(db::Connection& conn, std::string_view familyId) {
    conn.prepare(kRevokeFamily).bind(familyId).execute();
}

uint64_t revokeAllOfUser(db::Connection& conn, int64_t userId) {
    return conn.prepare(kRevokeAllOfUser).bind(userId).execute();
}

void deleteExpiredOfUser(db::Connection& conn, int64_t userId) {
    conn.prepare(kDeleteExpiredOfUser).bind(userId).execute();
}

}  // namespace restd::auth_tokens::repository
