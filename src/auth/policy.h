// SPDX-License-Identifier: Apache-2.0
// Access policy helpers for handlers: role and ownership checks in one place,
// so no handler re-invents them. Each throws ApiError 403 FORBIDDEN.
#pragma once

#include <cstdint>

#include "auth/principal.h"
#include "http/api_error.h"

namespace restd::auth {

inline void requireAdmin(const Principal& p) {
    if (!p.isAdmin()) throw http::ApiError::forbidden("Admin role required");
}

// The caller is the owner `ownerId`, or an admin.
inline void requireSelfOrAdmin(const Principal& p, int64_t ownerId) {
    if (p.id() != ownerId && !p.isAdmin())
        throw http::ApiError::forbidden("You may only change your own resources");
}

}  // namespace restd::auth
