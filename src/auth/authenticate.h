// Bearer authentication in two steps. verifyBearer() checks the access token
// of a request (no database; a token the thread verified before is found in
// its VerifiedTokens, and only its times are checked again); admit() checks
// the caller's row, loaded from the database on every request, against the
// token (a deleted user or a stale token version is refused at once).
// authenticate() does both with one prepared query of its own; a handler that
// reads other rows anyway may load the caller in the same round trip instead
// (router::CallerLoad::Handler). 401 UNAUTHORIZED (with WWW-Authenticate:
// Bearer) for a missing, malformed or forged token, a deleted user or a stale
// token version; 401 TOKEN_EXPIRED when only `exp` is past. Thread-safe.
#pragma once

#include <optional>

#include "app/context.h"
#include "auth/jwt.h"
#include "auth/principal.h"

namespace restd::auth {

Claims verifyBearer(const http::Request& req, const config::Config& config);
Principal admit(const Claims& claims, std::optional<users::CallerRow> caller);
Principal authenticate(const http::Request& req, app::Services& services);
// The caller's row on its own (nullopt when there is none), for admit().
std::optional<users::CallerRow> loadCaller(const Claims& claims, app::Services& services);

}  // namespace restd::auth
