// Users handlers. Reads are open to any authenticated user (email hidden
// from others); writes are self-or-admin, create and delete admin-only.
#pragma once

#include "app/context.h"

namespace restd::users {

void listUsers(app::Context& ctx);
void getUser(app::Context& ctx);
void createUser(app::Context& ctx);
void replaceUser(app::Context& ctx);
void patchUser(app::Context& ctx);
void deleteUser(app::Context& ctx);

}  // namespace restd::users
