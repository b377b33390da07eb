// Validation rules of the users routes.
#pragma once

#include "validation/rules.h"

namespace restd::users::rules {

extern const validation::BodyRules kCreateUser;
extern const validation::BodyRules kReplaceUser;
extern const validation::BodyRules kPatchUser;
extern const validation::ListRules kListUsers;

}  // namespace restd::users::rules
