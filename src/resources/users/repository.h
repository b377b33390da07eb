// SPDX-License-Identifier: Apache-2.0
// Users repository: every SQL statement about the users table. Takes a
// connection from the caller (which owns pooling and transactions); throws
// db::Error. The password hash only appears in LoginRecord and NewUser/Changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/list_query.h"
#include "db/transaction.h"
#include "resources/users/model.h"
#include "validation/validator.h"

namespace restd::users::repository {

std::optional<User> findById(db::Connection& conn, int64_t id, db::Lock lock = db::Lock::None);

struct LoginRecord {
    User user;
    std::string passwordHash;
};
std::optional<LoginRecord> findByEmail(db::Connection& conn, std::string_view email);
// By username, compared as the unique key compares it (case ignored).
std::optional<User> findByUsername(db::Connection& conn, std::string_view username);
std::optional<LoginRecord> findWithHash(db::Connection& conn, int64_t id,
                                        db::Lock lock = db::Lock::None);

// "email" or "username" when another user than `exceptId` (0: any user)
// holds the given value, as the unique keys compare it; checked before the
// work of a write (bcrypt) so that a doomed write costs nothing. The unique
// keys still decide a race (translateDuplicate).
std::optional<std::string_view> takenField(db::Connection& conn, int64_t exceptId,
                                           const std::optional<std::string>& email,
                                           const std::optional<std::string>& username);

// Stores a re-hash of the same password (another bcrypt cost) when the hash
// is still `oldHash`; the token version stays. False when it was not.
bool replaceHash(db::Connection& conn, int64_t id, std::string_view oldHash,
                 std::string_view newHash);

struct NewUser {
    std::string email;
    std::string username;
    std::string passwordHash;
    std::string role = "user";
};
// The row as stored, read back in the same round trip.
User insert(db::Connection& conn, const NewUser& user);

// Fields to change; a new password hash also bumps the token version, which
// revokes every access token issued before.
struct Changes {
    std::optional<std::string> email;
    std::optional<std::string> username;
    std::optional<std::string> passwordHash;
    std::optional<std::string> role;
};
// False when no such user.
bool update(db::Connection& conn, int64_t id, const Changes& changes);
bool remove(db::Connection& conn, int64_t id);
void bumpTokenVersion(db::Connection& conn, int64_t id);

using Page = db::ListPage<User>;
// `searchEmail`: search matches email too (admins). `cursorKey` signs cursors.
// Throws ApiError 400 for a cursor that is forged or belongs to another sort.
Page findPage(db::Connection& conn, const validation::ListQuery& q, bool searchEmail,
              const common::KeySet& cursorKey);

}  // namespace restd::users::repository
