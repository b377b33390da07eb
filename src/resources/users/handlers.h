// SPDX-License-Identifier: Apache-2.0
// Users handlers. Reads are open to any authenticated user (email hidden
// from others); writes are self-or-admin, create and delete admin-only.
#pragma once

#include "router/context.h"

namespace restd::users {

void listUsers(router::Context& ctx);
void getUser(router::Context& ctx);
void createUser(router::Context& ctx);
void replaceUser(router::Context& ctx);
void patchUser(router::Context& ctx);
void deleteUser(router::Context& ctx);

}  // namespace restd::users
