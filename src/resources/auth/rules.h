// SPDX-License-Identifier: Apache-2.0
// Body rules of the auth routes.
#pragma once

#include "validation/rules.h"

namespace restd::auth_tokens::rules {

extern const validation::BodyRules kRegister;
extern const validation::BodyRules kLogin;
extern const validation::BodyRules kRefreshToken;  // refresh and logout

}  // namespace restd::auth_tokens::rules
