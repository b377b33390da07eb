// SPDX-License-Identifier: Apache-2.0
// Bearer authentication, which the dispatcher runs for every route that
// needs it, in two steps. verifyBearer() checks the request's access token
// (no database: a token the thread verified before is found in its
// VerifiedTokens, and only its times are checked again). CallerCheck then
// checks the caller's row, read from the database on every request, against
// the token: a deleted user or a stale token version is refused at once with
// 401, a caller who is no admin on an admin route with 403.
//
// The row is a db::Rider (db/rider.h): it rides on the handler's first read
// when that read can carry it (so a GET by id costs one round trip), and is
// read alone before any other statement; the dispatcher reads it itself when
// the handler did not. No handler admits its caller, and none can answer
// without it being checked.
//
// 401 UNAUTHORIZED (with WWW-Authenticate: Bearer) for a missing, malformed
// or forged token, a deleted user or a stale token version; 401
// TOKEN_EXPIRED when only `exp` is past.
#pragma once

#include <optional>
#include <string_view>

#include "auth/jwt.h"
#include "auth/principal.h"
#include "db/pool.h"
#include "db/rider.h"
#include "http/api_error.h"
#include "http/request.h"

namespace restd::auth {

Claims verifyBearer(const http::Request& req, const common::KeySet& keys);

class CallerCheck : public db::Rider {
  public:
    // The row of `claims.sub`; `adminOnly`: the route is for admins.
    CallerCheck(const Claims& claims, bool adminOnly);

    // The admitted caller, once the row arrived and passed; else nullptr.
    const Principal* principal() const { return principal_ ? &*principal_ : nullptr; }
    // The admitted caller: reads the row on its own first when it has not
    // arrived yet. Throws the refusal (401/403) when it did not pass.
    const Principal& admitted(db::Pool& pool);

  protected:
    void arrive(const db::Rows* rows, int first) override;

  private:
    int64_t tokenVersion_;
    bool adminOnly_;
    std::optional<Principal> principal_;
    std::optional<http::ApiError> refusal_;
};

}  // namespace restd::auth
