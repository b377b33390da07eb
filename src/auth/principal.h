// Principal: the authenticated caller of a request, loaded from the database
// on every authenticated request (so a revoked token version or a deleted user
// takes effect at once). Plain value; one per request.
#pragma once

#include "resources/users/model.h"

namespace restd::auth {

struct Principal {
    users::User user;
    int64_t id() const { return user.id; }
    bool isAdmin() const { return user.role == "admin"; }
};

}  // namespace restd::auth
