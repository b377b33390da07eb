// SPDX-License-Identifier: Apache-2.0
// Validation rules of the posts routes.
#pragma once

#include "validation/rules.h"

namespace restd::posts::rules {

extern const validation::BodyRules kCreatePost;
extern const validation::BodyRules kReplacePost;
extern const validation::BodyRules kPatchPost;
extern const validation::ListRules kListPosts;
extern const validation::ListRules kListUserPosts;

}  // namespace restd::posts::rules
