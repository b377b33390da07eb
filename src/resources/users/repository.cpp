// SPDX-License-Identifier: Apache-2.0
#include "resources/users/repository.h"

#include "common/time.h"
#include "db/list_query.h"
#include "db/partial_update.h"
#include "http/api_error.h"
#include "resources/support/page_query.h"

namespace restd::users::repository {

namespace {

constexpr int kUserColumns = 7;  // read by readUser
const std::string kSelect =
    "SELECT u.id, u.email, u.username, u.role, u.token_version, "
    "CAST(u.created_at AS CHAR) created_at, CAST(u.updated_at AS CHAR) updated_at";
const db::RowQuery kById{.select = kSelect, .from = "users u", .where = "u.id = ?", .key = "u.id"};
const std::string kFindById =
    kSelect + " FROM " + std::string(kById.from) + " WHERE " + std::string(kById.where);
const std::string kFindByEmail = kSelect + ", u.password_hash FROM users u WHERE u.email = ?";
const std::string kFindByUsername = kSelect + " FROM users u WHERE u.username = ?";
const std::string kFindWithHash = kSelect + ", u.password_hash FROM users u WHERE u.id = ?";

// The unique keys compare with the column's collation: so do these.
constexpr std::string_view kEmailTaken = "SELECT 1 FROM users WHERE email = ? AND id <> ? LIMIT 1";
constexpr std::string_view kUsernameTaken =
    "SELECT 1 FROM users WHERE username = ? AND id <> ? LIMIT 1";

// Only when the hash is still the one verified: a concurrent change wins.
// Neither the version nor updated_at moves: the representation is the same.
constexpr std::string_view kReplaceHash =
    "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?";

// The new row comes back in the same round trip (MariaDB's RETURNING).
constexpr std::string_view kInsert =
    "INSERT INTO users (email, username, password_hash, role, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, NOW(3), NOW(3)) "
    "RETURNING id, email, username, role, token_version, CAST(created_at AS CHAR) created_at, "
    "CAST(updated_at AS CHAR) updated_at";

constexpr std::string_view kDelete = "DELETE FROM users WHERE id = ?";

constexpr std::string_view kBumpTokenVersion =
    "UPDATE users SET token_version = token_version + 1 WHERE id = ?";

// The user in columns first .. first + kUserColumns - 1.
User readUser(const db::Rows& r, int first = 1) {
    User u;
    u.id = r.getInt64(first);
    u.email = r.getString(first + 1);
    u.username = r.getString(first + 2);
    u.role = r.getString(first + 3);
    u.tokenVersion = r.getInt64(first + 4);
    u.createdAt = common::isoFromSql(r.getString(first + 5));
    u.updatedAt = common::isoFromSql(r.getString(first + 6));
    return u;
}

}  // namespace

std::optional<User> findById(db::Connection& conn, int64_t id, db::Lock lock) {
    static const std::string kFindByIdForUpdate = kFindById + " FOR UPDATE";
    // A plain read of one row carries the request's caller (db/rider.h).
    db::Rows rows =
        (lock == db::Lock::ForUpdate ? conn.prepare(kFindByIdForUpdate) : conn.prepareRow(kById))
            .bind(id)
            .query();
    if (!rows.next()) return std::nullopt;
    return readUser(rows);
}

std::optional<LoginRecord> findByEmail(db::Connection& conn, std::string_view email) {
    db::Rows rows = conn.prepare(kFindByEmail).bind(email).query();
    if (!rows.next()) return std::nullopt;
    return LoginRecord{readUser(rows), rows.getString(kUserColumns + 1)};
}

std::optional<User> findByUsername(db::Connection& conn, std::string_view username) {
    db::Rows rows = conn.prepare(kFindByUsername).bind(username).query();
    if (!rows.next()) return std::nullopt;
    return readUser(rows);
}

std::optional<LoginRecord> findWithHash(db::Connection& conn, int64_t id, db::Lock lock) {
    static const std::string kForUpdate = kFindWithHash + " FOR UPDATE";
    db::Rows rows =
        conn.prepare(lock == db::Lock::ForUpdate ? kForUpdate : kFindWithHash).bind(id).query();
    if (!rows.next()) return std::nullopt;
    return LoginRecord{readUser(rows), rows.getString(kUserColumns + 1)};
}

std::optional<std::string_view> takenField(db::Connection& conn, int64_t exceptId,
                                           const std::optional<std::string>& email,
                                           const std::optional<std::string>& username) {
    if (email &&
        conn.prepare(kEmailTaken).bind(std::string_view(*email)).bind(exceptId).query().next())
        return "email";
    if (username && conn.prepare(kUsernameTaken)
                        .bind(std::string_view(*username))
                        .bind(exceptId)
                        .query()
                        .next())
        return "username";
    return std::nullopt;
}

bool replaceHash(db::Connection& conn, int64_t id, std::string_view oldHash,
                 std::string_view newHash) {
    return conn.prepare(kReplaceHash).bind(newHash).bind(id).bind(oldHash).execute() > 0;
}

User insert(db::Connection& conn, const NewUser& u) {
    db::Rows rows = conn.prepare(kInsert)
                        .bind(std::string_view(u.email))
                        .bind(std::string_view(u.username))
                        .bind(std::string_view(u.passwordHash))
                        .bind(std::string_view(u.role))
                        .query();
    rows.next();
    return readUser(rows);
}

bool update(db::Connection& conn, int64_t id, const Changes& c) {
    db::PartialUpdate update("users");
    update.set("email", c.email)
        .set("username", c.username)
        .set("password_hash", c.passwordHash)
        .set("role", c.role);
    // A new password ends every session: tokens carry the old version.
    if (c.passwordHash) update.also("token_version = token_version + 1");
    return update.run(conn, id);
}

bool remove(db::Connection& conn, int64_t id) {
    return conn.prepare(kDelete).bind(id).execute() > 0;
}

void bumpTokenVersion(db::Connection& conn, int64_t id) {
    conn.prepare(kBumpTokenVersion).bind(id).execute();
}

namespace {

db::PageQuery pageQuery(const validation::ListQuery& q, bool searchEmail,
                        const common::KeySet& cursorKey) {
    // The sort columns (users' rules) are of this `users u`.
    const support::ListSource list{
        .select = kSelect, .table = "users u", .joins = {}, .idColumn = "u.id"};
    db::PageQuery pq = support::pageQuery(q, list, cursorKey);
    if (q.search) {
        std::string pattern = db::containsPattern(*q.search);
        if (searchEmail)
            pq.where.add("(u.username LIKE ? ESCAPE '!' OR u.email LIKE ? ESCAPE '!')", pattern,
                         pattern);
        else
            pq.where.add("u.username LIKE ? ESCAPE '!'", pattern);
    }
    return pq;
}

}  // namespace

Page findPage(db::Connection& conn, const validation::ListQuery& q, bool searchEmail,
              const common::KeySet& cursorKey) {
    return db::fetchPage<User>(conn, pageQuery(q, searchEmail, cursorKey), kUserColumns, cursorKey,
                               [](const db::Rows& r) { return readUser(r); });
}

}  // namespace restd::users::repository
