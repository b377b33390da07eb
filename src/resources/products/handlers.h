// SPDX-License-Identifier: Apache-2.0
// Products handlers. Reads are public (the same for everyone, so cacheable);
// writes are admin-only.
#pragma once

#include "router/context.h"

namespace restd::products {

void listProducts(router::Context& ctx);
void getProduct(router::Context& ctx);
void createProduct(router::Context& ctx);
void replaceProduct(router::Context& ctx);
void patchProduct(router::Context& ctx);
void deleteProduct(router::Context& ctx);

}  // namespace restd::products
