// SPDX-License-Identifier: Apache-2.0
// User: the representation of a user account. It has no password hash field,
// so the hash can never be serialised: it only exists in the repository's
// LoginRecord. Plain values; not shared between threads.
#pragma once

#include <cstdint>
#include <string>

#include "http/response.h"
#include "openapi/schema.h"

namespace restd::users {

struct User {
    int64_t id = 0;
    std::string email;
    std::string username;
    std::string role;  // "user" | "admin"
    int64_t tokenVersion = 0;
    std::string createdAt;  // ISO 8601 UTC with ms
    std::string updatedAt;
};

// {id, email?, username, role, createdAt, updatedAt}; `email` only when shown.
void writeUser(http::JsonWriter& w, const User& u, bool showEmail);

// The OpenAPI schema of what writeUser writes.
extern const openapi::Schema kUserSchema;

}  // namespace restd::users
