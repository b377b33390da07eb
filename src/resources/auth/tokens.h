// SPDX-License-Identifier: Apache-2.0
// Token pairs: a signed access token plus a fresh refresh token, recorded in
// the refresh token's family (a login starts a family, each refresh continues
// it). Runs on the caller's connection, inside the caller's transaction.
#pragma once

#include <optional>
#include <string>

#include "openapi/schema.h"
#include "resources/users/model.h"
#include "router/context.h"

namespace restd::auth_tokens {

struct TokenPair {
    std::string accessToken;
    std::string refreshToken;
    int expiresIn = 0;  // access token lifetime in seconds
};

// `familyId` empty: a new family (a new session).
TokenPair issue(db::Connection& conn, const config::Config& config, const users::User& user,
                std::string familyId = {});

// {user, token, refreshToken, expiresIn}
void writeAuthResult(http::JsonWriter& w, const users::User& user, const TokenPair& tokens);

// The OpenAPI schema of what writeAuthResult writes.
extern const openapi::Schema kAuthResultSchema;

}  // namespace restd::auth_tokens
