// SPDX-License-Identifier: Apache-2.0
// Auth handlers: register, login, refresh (rotation with reuse detection),
// logout, logout-all and me. Responses that carry tokens are never cached.
#pragma once

#include "router/context.h"

namespace restd::auth_tokens {

void registerUser(router::Context& ctx);
void login(router::Context& ctx);
void refresh(router::Context& ctx);
void logout(router::Context& ctx);
void logoutAll(router::Context& ctx);
void me(router::Context& ctx);

}  // namespace restd::auth_tokens
