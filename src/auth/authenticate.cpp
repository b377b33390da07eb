// SPDX-License-Identifier: Apache-2.0
#include "auth/authenticate.h"

#include <strings.h>

#include <chrono>
#include <variant>

#include "auth/policy.h"
#include "auth/verified_tokens.h"

namespace restd::auth {

using http::ApiError;

namespace {

// All a token check needs of the caller's row (by its primary key, the
// token's `sub`). auth owns these columns of the users table; the users
// resource owns the rest.
constexpr std::string_view kCallerColumns[] = {"role", "token_version"};

// verifyToken() through this thread's cache: a token verified before skips
// the signature and the parsing, never the clock.
std::variant<Claims, TokenError> verifyRemembered(std::string_view token,
                                                  const common::KeySet& keys, int64_t now) {
    thread_local VerifiedTokens verified;
    if (const Claims* known = verified.find(token, keys)) {
        if (auto err = checkTimes(*known, now)) return *err;
        return *known;
    }
    auto result = verifyToken(token, keys, now);
    if (auto* claims = std::get_if<Claims>(&result)) verified.remember(token, keys, *claims);
    return result;
}

}  // namespace

Claims verifyBearer(const http::Request& req, const common::KeySet& keys) {
    auto header = req.header("authorization");
    if (!header) throw ApiError::unauthorized("Authentication required");
    std::string_view h = *header;
    if (h.size() < 7 || strncasecmp(h.data(), "Bearer ", 7) != 0)
        throw ApiError::unauthorized("Authorization must be a Bearer token");
    std::string_view token = h.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);

    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auto result = verifyRemembered(token, keys, now);
    if (auto* err = std::get_if<TokenError>(&result)) {
        if (*err == TokenError::Expired) {
            throw std::move(ApiError(http::ErrorCode::TokenExpired, "Access token expired")
                                .withHeader("WWW-Authenticate",
                                            "Bearer error=\"invalid_token\", "
                                            "error_description=\"expired\""));
        }
        throw ApiError::unauthorized("Invalid access token");
    }
    return std::get<Claims>(std::move(result));
}

CallerCheck::CallerCheck(const Claims& claims, bool adminOnly)
    : db::Rider("users", "id", kCallerColumns, claims.sub),
      tokenVersion_(claims.ver),
      adminOnly_(adminOnly) {}

void CallerCheck::arrive(const db::Rows* rows, int first) {
    if (!rows || rows->getInt64(first + 1) != tokenVersion_) {
        refusal_ = ApiError::unauthorized("Access token revoked");
        throw *refusal_;
    }
    Principal caller{value(), rows->getString(first)};
    if (adminOnly_) {
        try {
            requireAdmin(caller);
        } catch (const ApiError& e) {
            refusal_ = e;
            throw;
        }
    }
    principal_ = std::move(caller);
}

const Principal& CallerCheck::admitted(db::Pool& pool) {
    if (!arrived()) {
        // Asked in the middle of a handler's database work: on the handler's
        // own connection, never a second one from the pool.
        if (db::Connection* held = db::leasedConnection())
            bringAlone(*held);
        else
            pool.read([this](db::Connection& conn) { bringAlone(conn); });
    }
    if (refusal_) throw *refusal_;
    return *principal_;
}

}  // namespace restd::auth
