// SPDX-License-Identifier: Apache-2.0
#include "resources/users/handlers.h"

#include "auth/bcrypt_gate.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "db/transaction.h"
#include "resources/auth/repository.h"
#include "resources/auth/throttle.h"
#include "resources/support/writes.h"
#include "resources/users/errors.h"
#include "resources/users/repository.h"
#include "router/list_response.h"

namespace restd::users {

using http::ApiError;

namespace {

bool showsEmail(const router::Context& ctx, int64_t userId) {
    return ctx.user().isAdmin() || ctx.user().id() == userId;
}

// The user as this caller sees it: the email only for the user and admins.
void writeUserFor(const router::Context& ctx, http::JsonWriter& w, const User& u) {
    writeUser(w, u, showsEmail(ctx, u.id));
}

const support::Resource<User> kUsers{
    .notFound = "User not found",
    .find = repository::findById,
    .write = writeUserFor,
    .uniqueKeys = kUniqueKeys,
};

void sendUser(router::Context& ctx, int status, const User& u) {
    ctx.res.sendData(status, [&](http::JsonWriter& w) { writeUserFor(ctx, w, u); });
}

std::string hashOrThrow(const router::Context& ctx, const std::string& password) {
    auto hash = auth::gatedHash(password, ctx.services.config.bcryptCost);
    if (!hash) throw std::runtime_error("password hashing failed");
    return *hash;
}

// 409 before any bcrypt when the new email or username is another user's.
void requireFree(db::Connection& conn, int64_t exceptId, const std::optional<std::string>& email,
                 const std::optional<std::string>& username) {
    if (auto field = repository::takenField(conn, exceptId, email, username))
        throw duplicateOf(*field);
}

ApiError invalidCurrentPassword(std::string message) {
    return ApiError::validation({{"currentPassword", std::move(message), "body"}});
}

// Whether this change must prove the current password: a user changing their
// own password must (admins included), an admin resetting another's need not.
// The 400s of the field's rules that depend on the rest of the request.
bool needsCurrentPassword(const router::Context& ctx, int64_t id) {
    const auto& in = ctx.input;
    const std::string* current = in.text("currentPassword");
    if (current && !in.has("password"))
        throw invalidCurrentPassword("Only allowed together with password");
    bool self = ctx.user().id() == id;
    if (!self || !in.has("password")) return false;
    if (!current) throw invalidCurrentPassword("Required to change your own password");
    if (current->size() > auth::kMaxPasswordBytes)
        throw invalidCurrentPassword("Must be at most 72 bytes");
    return true;
}

// PUT and PATCH: self or admin; only admins touch `role`. Everything cheap is
// checked before any bcrypt (ownership, role, If-Match, 404, the unique
// fields, the account's login throttle), so that a request doomed to fail
// costs no CPU; then the current password is verified and the new one hashed;
// then the write re-checks under a row lock. A new password ends every
// session of the user in the same transaction: the token version moves and
// every refresh token is revoked.
void update(router::Context& ctx) {
    int64_t id = ctx.pathId();
    auth::requireSelfOrAdmin(ctx.user(), id);
    const auto& in = ctx.input;
    if (in.has("role") && !ctx.user().isAdmin())
        throw ApiError::forbidden("Only admins may change a role");
    const bool proveCurrent = needsCurrentPassword(ctx, id);
    repository::Changes changes;
    if (auto v = in.text("email")) changes.email = *v;
    if (auto v = in.text("username")) changes.username = *v;
    if (auto v = in.text("role")) changes.role = *v;

    auto& pool = ctx.services.pool;
    std::string throttleKey;
    repository::LoginRecord before = pool.read([&](db::Connection& conn) {
        auto found = repository::findWithHash(conn, id);
        if (!found) throw ApiError::notFound("User not found");
        support::requireIfMatch(ctx, kUsers, found->user);
        requireFree(conn, id, changes.email, changes.username);
        if (proveCurrent) {
            throttleKey = auth_tokens::throttle::accountKey(ctx.services.config, found->user.email);
            auth_tokens::throttle::refuseWhileBlocked(conn, throttleKey);
        }
        return *found;
    });
    if (proveCurrent && !auth::gatedVerify(*in.text("currentPassword"), before.passwordHash)) {
        db::withAutocommit(pool, [&](db::Connection& conn) {
            auth_tokens::throttle::recordFailure(conn, throttleKey);
        });
        throw ApiError::forbidden("The current password is wrong; nothing was changed");
    }
    if (auto v = in.text("password")) changes.passwordHash = hashOrThrow(ctx, *v);

    auto user = translateDuplicate([&] {
        return db::withTransaction(pool, [&](db::Connection& conn) {
            auto locked = repository::findWithHash(conn, id, db::Lock::ForUpdate);
            if (!locked) throw ApiError::notFound("User not found");
            support::requireIfMatch(ctx, kUsers, locked->user);
            if (proveCurrent && locked->passwordHash != before.passwordHash)
                throw ApiError::conflict("The password was changed meanwhile; nothing was changed");
            repository::update(conn, id, changes);
            if (changes.passwordHash) auth_tokens::repository::revokeAllOfUser(conn, id);
            if (proveCurrent) auth_tokens::throttle::reset(conn, throttleKey);
            return *repository::findById(conn, id);
        });
    });
    sendUser(ctx, 200, user);
}

}  // namespace

// Admins' searches also match emails. The token's role decides the query, so
// that the caller's row can ride on the page (one round trip); the rare
// caller whose role changed since the token was issued gets it again.
void listUsers(router::Context& ctx) {
    bool tokenAdmin = ctx.claims->role == "admin";
    const common::KeySet key = router::cursorKey(ctx, "users");
    auto page = ctx.read([&](db::Connection& conn) {
        return repository::findPage(conn, ctx.list, tokenAdmin, key);
    });
    bool admin = ctx.user().isAdmin();
    if (admin != tokenAdmin && ctx.list.search) {
        page = ctx.read(
            [&](db::Connection& conn) { return repository::findPage(conn, ctx.list, admin, key); });
    }
    int64_t self = ctx.user().id();
    router::sendPage(ctx, page, [&](http::JsonWriter& w, const User& u) {
        writeUser(w, u, admin || u.id == self);
    });
}

// The caller's row rides on the read of the user asked for: one round trip.
void getUser(router::Context& ctx) {
    int64_t id = ctx.pathId();
    auto user = ctx.read([&](db::Connection& conn) { return repository::findById(conn, id); });
    if (!user) throw ApiError::notFound("User not found");
    sendUser(ctx, 200, *user);
}

void createUser(router::Context& ctx) {
    const auto& in = ctx.input;
    ctx.services.pool.read([&](db::Connection& conn) {
        requireFree(conn, 0, *in.text("email"), *in.text("username"));
    });
    repository::NewUser nu{*in.text("email"), *in.text("username"),
                           hashOrThrow(ctx, *in.text("password")),
                           in.text("role") ? *in.text("role") : "user"};
    User user = support::create(ctx, kUsers,
                                [&](db::Connection& conn) { return repository::insert(conn, nu); });
    ctx.res.setHeader("Location", "/api/v1/users/" + std::to_string(user.id));
    sendUser(ctx, 201, user);
}

void replaceUser(router::Context& ctx) { update(ctx); }
void patchUser(router::Context& ctx) { update(ctx); }

void deleteUser(router::Context& ctx) {
    int64_t id = ctx.pathId();
    // Posts and refresh tokens go with the user (ON DELETE CASCADE), atomically.
    support::remove(ctx, kUsers, id, [&](db::Connection& conn) { repository::remove(conn, id); });
    ctx.res.sendDeleted(id, "User deleted");
}

}  // namespace restd::users
