// Products handlers. Reads are public (the same for everyone, so cacheable);
// writes are admin-only.
#pragma once

#include "app/context.h"

namespace restd::products {

void listProducts(app::Context& ctx);
void getProduct(app::Context& ctx);
void createProduct(app::Context& ctx);
void replaceProduct(app::Context& ctx);
void patchProduct(app::Context& ctx);
void deleteProduct(app::Context& ctx);

}  // namespace restd::products
