// SPDX-License-Identifier: Apache-2.0
// Access tokens: JWT HS256 (RFC 7519) signed with the current key of a
// common::KeySet (JWT_SECRET) through OpenSSL's HMAC, the key's id in the
// header's "kid". A token with a kid is checked against that key alone (an
// unknown kid fails like a bad signature); one without (issued before tokens
// carried one) against each key of the set in turn.
//
// Parsing is strict: three base64url parts without padding, header alg
// exactly "HS256", a `kid` only as a string of common::isKeyId's form, no
// `crit` (restd understands no extension), claims sub/role/ver/iat/exp/iss
// all present and well typed, `sub` a canonical decimal ("03" or "+3" is not
// user 3), `nbf` honoured when present, no name twice in the header or the
// claims (parsers that keep the first and those that keep the last would read
// different tokens), signature compared in constant time before any claim is
// trusted.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/key_set.h"

namespace restd::auth {

inline constexpr std::string_view kIssuer = "restd";
// Clock skew tolerated on exp, iat and nbf (PostgREST and others use 30 s).
inline constexpr int64_t kLeewaySeconds = 30;

struct Claims {
    int64_t sub = 0;   // user id (a string in the token)
    std::string role;  // "user" | "admin"
    int64_t ver = 0;   // the user's token version at issue time
    int64_t iat = 0;
    int64_t exp = 0;
    int64_t nbf = 0;  // "not before"; 0 when the token has none
};

enum class TokenError { Malformed, BadSignature, Expired, NotYetValid };

std::string signToken(const Claims& claims, const common::KeySet& keys);
std::variant<Claims, TokenError> verifyToken(std::string_view token, const common::KeySet& keys,
                                             int64_t now);
// The clock rules of verifyToken(), for claims verified earlier: iat not
// ahead of `now` (Malformed), nbf not ahead of it (NotYetValid), exp not
// behind it (Expired), each with the leeway.
std::optional<TokenError> checkTimes(const Claims& claims, int64_t now);

// `n` bytes from OpenSSL's CSPRNG.
std::string randomBytes(size_t n);

}  // namespace restd::auth
