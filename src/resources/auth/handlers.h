// Auth handlers: register, login, refresh (rotation with reuse detection),
// logout, logout-all and me. Responses that carry tokens are never cached.
#pragma once

#include "app/context.h"

namespace restd::auth_tokens {

void registerUser(app::Context& ctx);
void login(app::Context& ctx);
void refresh(app::Context& ctx);
void logout(app::Context& ctx);
void logoutAll(app::Context& ctx);
void me(app::Context& ctx);

}  // namespace restd::auth_tokens
