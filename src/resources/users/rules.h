// SPDX-License-Identifier: Apache-2.0
// Validation rules of the users routes.
#pragma once

#include "validation/rules.h"

namespace restd::users::rules {

extern const validation::BodyRules kCreateUser;
extern const validation::BodyRules kReplaceUser;
extern const validation::BodyRules kPatchUser;
extern const validation::ListRules kListUsers;

// The formats of a username and a password (also those of registration).
extern const validation::TextFormat kUsernameFormat;
extern const validation::TextFormat kPasswordFormat;

}  // namespace restd::users::rules
