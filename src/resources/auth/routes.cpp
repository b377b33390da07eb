// SPDX-License-Identifier: Apache-2.0
#include "resources/auth/routes.h"

#include "resources/auth/handlers.h"
#include "resources/auth/rules.h"
#include "resources/auth/tokens.h"

namespace restd::auth_tokens {

using router::Auth;
using router::Cache;
using router::Idempotency;
using router::Method;
using router::Route;

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {.method = Method::Post,
         .path = "/api/v1/auth/register",
         .auth = Auth::None,
         .body = &rules::kRegister,
         .idempotency = Idempotency::Ignored,
         .handle = registerUser,
         .doc = {.summary = "Create an account and start a session",
                 .tag = "auth",
                 .ok = 201,
                 .errors = {400, 409, 415, 429},
                 .data = &kAuthResultSchema}},
        {.method = Method::Post,
         .path = "/api/v1/auth/login",
         .auth = Auth::None,
         .body = &rules::kLogin,
         .idempotency = Idempotency::Ignored,
         .handle = login,
         .doc = {.summary = "Start a session with email and password",
                 .tag = "auth",
                 .ok = 200,
                 .errors = {400, 401, 415, 429},
                 .data = &kAuthResultSchema,
                 .description =
                     "Failed logins are counted per email (trimmed, lower-cased), whether or "
                     "not it has an account: after 5 in a row that email is refused with 429 "
                     "`RATE_LIMITED` and `Retry-After`, for 1 s, then twice as long with every "
                     "further failure, up to 15 min; never locked for good. A successful login "
                     "resets the count."}},
        {.method = Method::Post,
         .path = "/api/v1/auth/refresh",
         .auth = Auth::None,
         .body = &rules::kRefreshToken,
         .idempotency = Idempotency::Ignored,
         .handle = refresh,
         .doc = {.summary = "Rotate a refresh token into a new token pair",
                 .tag = "auth",
                 .ok = 200,
                 .errors = {400, 401, 415},
                 .data = &kAuthResultSchema}},
        {.method = Method::Post,
         .path = "/api/v1/auth/logout",
         .auth = Auth::None,
         .body = &rules::kRefreshToken,
         .handle = logout,
         .doc = {.summary = "End the session of a refresh token",
                 .tag = "auth",
                 .ok = 200,
                 .errors = {400, 415},
                 .data = &openapi::kNull}},
        {.method = Method::Post,
         .path = "/api/v1/auth/logout-all",
         .auth = Auth::User,
         .handle = logoutAll,
         .doc = {.summary = "Revoke every token of the caller",
                 .tag = "auth",
                 .ok = 200,
                 .errors = {401},
                 .data = &openapi::kNull}},
        {.method = Method::Get,
         .path = "/api/v1/auth/me",
         .auth = Auth::User,
         .cache = Cache::Private,
         .handle = me,
         .doc = {.summary = "The authenticated user",
                 .tag = "auth",
                 .ok = 200,
                 .errors = {401},
                 .data = &users::kUserSchema}},
    };
    return kRoutes;
}

}  // namespace restd::auth_tokens
