// SPDX-License-Identifier: Apache-2.0
// Principal: the authenticated caller of a request, admitted from its row,
// read from the database on every authenticated request (so a revoked token
// version or a deleted user takes effect at once). Plain value; one per request.
#pragma once

#include <cstdint>
#include <string>

namespace restd::auth {

struct Principal {
    int64_t userId = 0;
    std::string role;  // as stored now, not as the token says
    int64_t id() const { return userId; }
    bool isAdmin() const { return role == "admin"; }
};

}  // namespace restd::auth
