// Bearer authentication: verifies the access token of a request and loads its
// user in one prepared query. 401 UNAUTHORIZED (with WWW-Authenticate: Bearer)
// for a missing, malformed or forged token, a deleted user or a stale token
// version; 401 TOKEN_EXPIRED when only `exp` is past. Thread-safe.
#pragma once

#include "app/context.h"
#include "auth/principal.h"

namespace restd::auth {

Principal authenticate(const http::Request& req, app::Services& services);

}  // namespace restd::auth
