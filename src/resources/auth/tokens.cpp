// SPDX-License-Identifier: Apache-2.0
#include "resources/auth/tokens.h"

#include "auth/jwt.h"
#include "common/base64.h"
#include "common/digest.h"
#include "resources/auth/repository.h"

namespace restd::auth_tokens {

TokenPair issue(db::Connection& conn, const config::Config& config, const users::User& user,
                std::string familyId) {
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auth::Claims claims{user.id, user.role, user.tokenVersion, now, now + config.jwtTtlSeconds};
    TokenPair pair;
    pair.accessToken = auth::signToken(claims, config.jwtKeys);
    pair.expiresIn = config.jwtTtlSeconds;
    pair.refreshToken = common::base64UrlEncode(auth::randomBytes(32));
    if (familyId.empty()) familyId = auth::randomBytes(16);
    repository::insert(conn, user.id, familyId, common::sha256(pair.refreshToken),
                       config.refreshTtlSeconds);
    return pair;
}

namespace {
const openapi::Schema kExpiresIn{.type = openapi::Type::Integer,
                                 .description = "Access token lifetime in seconds (exp - iat)",
                                 .minimum = 1};
const openapi::Schema kAccessToken{.type = openapi::Type::String,
                                   .description = "JWT HS256; send as Authorization: Bearer"};
const openapi::Schema kRefreshToken{.type = openapi::Type::String,
                                    .description = "Opaque; single use (rotated on refresh)"};
const openapi::Property kAuthResultProps[] = {
    {"user", &users::kUserSchema},
    {"token", &kAccessToken},
    {"refreshToken", &kRefreshToken},
    {"expiresIn", &kExpiresIn},
};
}  // namespace

const openapi::Schema kAuthResultSchema{.name = "AuthResult", .properties = kAuthResultProps};

void writeAuthResult(http::JsonWriter& w, const users::User& user, const TokenPair& tokens) {
    w.StartObject();
    w.Key("user");
    users::writeUser(w, user, true);
    w.Key("token");
    http::writeString(w, tokens.accessToken);
    w.Key("refreshToken");
    http::writeString(w, tokens.refreshToken);
    w.Key("expiresIn");
    w.Int(tokens.expiresIn);
    w.EndObject();
}

}  // namespace restd::auth_tokens
