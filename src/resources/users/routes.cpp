// SPDX-License-Identifier: Apache-2.0
#include "resources/users/routes.h"

#include "resources/users/handlers.h"
#include "resources/users/model.h"
#include "resources/users/rules.h"

namespace restd::users {

namespace {
constexpr std::string_view kUpdateDescription =
    "A new `password` ends every session of the user in the same transaction: access tokens "
    "issued before stop working and every refresh token is revoked. Users changing their own "
    "password (admins too) also send `currentPassword`: missing is 400 naming it, wrong is 403 "
    "with nothing changed and counts as a failed login of the account (429 after repeated "
    "failures). An admin resetting another user's password needs none. Ownership, `role`, "
    "`If-Match` and the unique fields are checked before any password work.";
}  // namespace

using router::Auth;
using router::Cache;
using router::Method;
using router::Reads;
using router::Route;

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {.method = Method::Get,
         .path = "/api/v1/users",
         .auth = Auth::User,
         .list = &rules::kListUsers,
         .cache = Cache::Private,
         .reads = Reads::Replica,
         .handle = listUsers,
         .doc = {.summary = "List users",
                 .tag = "users",
                 .ok = 200,
                 .errors = {400, 401},
                 .data = &kUserSchema}},
        {.method = Method::Post,
         .path = "/api/v1/users",
         .auth = Auth::Admin,
         .body = &rules::kCreateUser,
         .handle = createUser,
         .doc = {.summary = "Create a user (admin)",
                 .tag = "users",
                 .ok = 201,
                 .errors = {400, 401, 403, 409, 415},
                 .data = &kUserSchema}},
        {.method = Method::Get,
         .path = "/api/v1/users/{id}",
         .auth = Auth::User,
         .cache = Cache::Private,
         .handle = getUser,
         .doc = {.summary = "Get a user",
                 .tag = "users",
                 .ok = 200,
                 .errors = {400, 401, 404},
                 .data = &kUserSchema}},
        {.method = Method::Put,
         .path = "/api/v1/users/{id}",
         .auth = Auth::User,
         .body = &rules::kReplaceUser,
         .handle = replaceUser,
         .doc = {.summary = "Replace a user (self or admin)",
                 .tag = "users",
                 .ok = 200,
                 .errors = {400, 401, 403, 404, 409, 415, 429},
                 .data = &kUserSchema,
                 .description = kUpdateDescription}},
        {.method = Method::Patch,
         .path = "/api/v1/users/{id}",
         .auth = Auth::User,
         .body = &rules::kPatchUser,
         .handle = patchUser,
         .doc = {.summary = "Update fields of a user (self or admin)",
                 .tag = "users",
                 .ok = 200,
                 .errors = {400, 401, 403, 404, 409, 415, 429},
                 .data = &kUserSchema,
                 .description = kUpdateDescription}},
        {.method = Method::Delete,
         .path = "/api/v1/users/{id}",
         .auth = Auth::Admin,
         .handle = deleteUser,
         .doc = {.summary = "Delete a user with their posts and tokens (admin)",
                 .tag = "users",
                 .ok = 200,
                 .errors = {400, 401, 403, 404},
                 .data = &openapi::kDeleted}},
    };
    return kRoutes;
}

}  // namespace restd::users
