// SPDX-License-Identifier: Apache-2.0
#include "resources/auth/handlers.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "auth/bcrypt_gate.h"
#include "auth/jwt.h"
#include "auth/password.h"
#include "common/base64.h"
#include "common/digest.h"
#include "db/transaction.h"
#include "resources/auth/repository.h"
#include "resources/auth/throttle.h"
#include "resources/auth/tokens.h"
#include "resources/users/errors.h"
#include "resources/users/repository.h"

namespace restd::auth_tokens {

using http::ApiError;

namespace {

// Unknown emails are checked against this hash, made at BCRYPT_COST as every
// stored hash is (login re-hashes the others), so that a failed login takes
// the same time whether or not the account exists. Made inside a slot of
// the bcrypt gate, on the first failed login of the process.
const std::string& dummyHash(int cost) {
    static std::once_flag once;
    static std::string hash;
    std::call_once(once, [cost] {
        hash = auth::gatedHash(common::base64UrlEncode(auth::randomBytes(12)), cost).value_or("");
    });
    return hash;
}

ApiError invalidCredentials() {
    return {http::ErrorCode::InvalidCredentials, "Invalid email or password"};
}

ApiError invalidRefreshToken(const std::string& message) { return ApiError::unauthorized(message); }

void sendTokens(router::Context& ctx, int status, const users::User& user, const TokenPair& pair) {
    ctx.res.sendData(status, [&](http::JsonWriter& w) { writeAuthResult(w, user, pair); });
    ctx.res.setHeader("Cache-Control", "no-store");
}

}  // namespace

void registerUser(router::Context& ctx) {
    const auto& in = ctx.input;
    // A taken email or username is a 409 before any bcrypt; the unique keys
    // still decide a race.
    ctx.services.pool.read([&](db::Connection& conn) {
        if (auto field =
                users::repository::takenField(conn, 0, *in.text("email"), *in.text("username")))
            throw users::duplicateOf(*field);
    });
    auto hash = auth::gatedHash(*in.text("password"), ctx.services.config.bcryptCost);
    if (!hash) throw std::runtime_error("password hashing failed");
    users::repository::NewUser nu{*in.text("email"), *in.text("username"), *hash, "user"};
    auto [user, pair] = users::translateDuplicate([&] {
        return db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
            users::User u = users::repository::insert(conn, nu);
            return std::make_pair(u, issue(conn, ctx.services.config, u));
        });
    });
    ctx.res.setHeader("Location", "/api/v1/users/" + std::to_string(user.id));
    sendTokens(ctx, 201, user, pair);
}

// A failed login takes the same path whether or not the account exists: the
// throttle check and the account in one read, one bcrypt verify (of the dummy
// hash for an unknown email), one failure recorded under the email's key.
// A throttled account is refused before bcrypt. A success resets the count
// and re-hashes a stored hash of another cost than BCRYPT_COST.
void login(router::Context& ctx) {
    std::string email = *ctx.input.text("email");
    std::transform(email.begin(), email.end(), email.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string& password = *ctx.input.text("password");
    const int cost = ctx.services.config.bcryptCost;
    const std::string key = throttle::accountKey(ctx.services.config, email);
    auto record = ctx.services.pool.read([&](db::Connection& conn) {
        throttle::refuseWhileBlocked(conn, key);
        return users::repository::findByEmail(conn, email);
    });
    bool verified = record ? auth::gatedVerify(password, record->passwordHash)
                           : (auth::gatedVerify(password, dummyHash(cost)), false);
    if (!verified) {
        db::withAutocommit(ctx.services.pool,
                           [&](db::Connection& conn) { throttle::recordFailure(conn, key); });
        throw invalidCredentials();
    }
    std::optional<std::string> rehash;
    if (auth::bcryptCost(record->passwordHash) != cost) rehash = auth::gatedHash(password, cost);
    TokenPair pair = db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        throttle::reset(conn, key);
        if (rehash)
            users::repository::replaceHash(conn, record->user.id, record->passwordHash, *rehash);
        repository::deleteExpiredOfUser(conn, record->user.id);
        return issue(conn, ctx.services.config, record->user);
    });
    sendTokens(ctx, 200, record->user, pair);
}

void refresh(router::Context& ctx) {
    std::string tokenHash = common::sha256(*ctx.input.text("refreshToken"));
    // The unit of work returns its refusal instead of throwing it, so that
    // revoking a reused token's family commits before the 401 goes out.
    struct Outcome {
        std::optional<users::User> user = {};
        TokenPair pair = {};
        std::string refusal = {};
    };
    Outcome out = db::withTransaction(ctx.services.pool, [&](db::Connection& conn) -> Outcome {
        auto row = repository::findForUpdate(conn, tokenHash);
        if (!row || row->revoked || row->expired) return {.refusal = "Invalid refresh token"};
        if (row->spent) {
            // A spent token came back: someone holds a copy. End the whole session.
            repository::revokeFamily(conn, row->familyId);
            return {.refusal = "Refresh token reuse detected; the session is revoked"};
        }
        auto user = users::repository::findById(conn, row->userId);
        if (!user) return {.refusal = "Invalid refresh token"};
        repository::markSpent(conn, row->id);
        repository::deleteExpiredOfUser(conn, row->userId);
        return {.user = user, .pair = issue(conn, ctx.services.config, *user, row->familyId)};
    });
    if (!out.user) throw invalidRefreshToken(out.refusal);
    sendTokens(ctx, 200, *out.user, out.pair);
}

void logout(router::Context& ctx) {
    std::string tokenHash = common::sha256(*ctx.input.text("refreshToken"));
    db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        if (auto family = repository::findFamily(conn, tokenHash))
            repository::revokeFamily(conn, *family);
    });
    ctx.res.sendData(
        200, [](http::JsonWriter& w) { w.Null(); }, "Logged out");
}

void logoutAll(router::Context& ctx) {
    int64_t id = ctx.user().id();
    db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        users::repository::bumpTokenVersion(conn, id);
        repository::revokeAllOfUser(conn, id);
    });
    ctx.res.sendData(
        200, [](http::JsonWriter& w) { w.Null(); }, "Logged out everywhere");
}

// The caller's row rides on the read of the same row: one round trip.
void me(router::Context& ctx) {
    auto user = ctx.services.pool.read(
        [&](db::Connection& conn) { return users::repository::findById(conn, ctx.claims->sub); });
    if (!user) throw ApiError::unauthorized("Access token revoked");  // gone meanwhile
    ctx.res.sendData(200, [&](http::JsonWriter& w) { users::writeUser(w, *user, true); });
}

}  // namespace restd::auth_tokens
