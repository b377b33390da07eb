// SPDX-License-Identifier: Apache-2.0
// Validation rules of the products routes.
#pragma once

#include "validation/rules.h"

namespace restd::products::rules {

extern const validation::BodyRules kCreateProduct;
extern const validation::BodyRules kReplaceProduct;
extern const validation::BodyRules kPatchProduct;
extern const validation::ListRules kListProducts;

}  // namespace restd::products::rules
